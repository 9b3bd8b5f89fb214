// The frame of the login and signup pages.
import type { JSX, ParentProps } from "solid-js";
import { LanguagePicker } from "../components/LanguagePicker.tsx";

export function AuthLayout(props: ParentProps<{ title: string; subtitle: string }>): JSX.Element {
  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand-mark" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="40" height="40">
            <title>Parley</title>
            <rect width="32" height="32" rx="9" fill="currentColor" />
            <path d="M9 10h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fff" />
          </svg>
        </div>
        <h1>{props.title}</h1>
        <p class="muted">{props.subtitle}</p>
        {props.children}
      </div>
      <LanguagePicker />
    </main>
  );
}
