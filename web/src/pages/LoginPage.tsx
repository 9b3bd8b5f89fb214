// Log in with username and password.
import { A, Navigate, useNavigate } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import type { FieldErrors } from "../../../src/shared/errors.ts";
import { Field } from "../components/Field.tsx";
import { useApp } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function LoginPage(): JSX.Element {
  const { session } = useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fields, setFields] = createSignal<FieldErrors>({});

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    const failure = await session.login({
      username: String(form.get("username") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(false);
    if (!failure) {
      navigate("/", { replace: true });
      return;
    }
    setFields(failure.fields ?? {});
    setError(
      failure.code === "UNAUTHORIZED"
        ? "Wrong username or password."
        : failure.code === "TOO_MANY_REQUESTS"
          ? "Too many attempts. Wait a few minutes and try again."
          : failure.fields
            ? null
            : failure.message,
    );
  };

  return (
    <Show when={session.status() !== "signed-in"} fallback={<Navigate href="/" />}>
      <AuthLayout title="Welcome back" subtitle="Log in to Parley to pick up your conversations.">
        <Show when={session.endedNotice()}>
          <p class="notice" role="status">
            {session.endedNotice()}
          </p>
        </Show>
        <form class="stack" onSubmit={submit} noValidate>
          <Field
            label="Username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            error={fields().username}
            autofocus
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autocomplete="current-password"
            error={fields().password}
          />
          <Show when={error()}>
            <p class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <button class="button primary wide" type="submit" disabled={busy()}>
            {busy() ? "Logging in…" : "Log in"}
          </button>
        </form>
        <p class="switch">
          New to Parley? <A href="/signup">Create an account</A>
        </p>
      </AuthLayout>
    </Show>
  );
}
