// Create an account. The server checks every field; its `fields` show under each input.
import { A, Navigate, useNavigate } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import type { FieldErrors } from "../../../src/shared/errors.ts";
import { Field } from "../components/Field.tsx";
import { useApp } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function SignupPage(): JSX.Element {
  const { session } = useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fields, setFields] = createSignal<FieldErrors>({});

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const value = (name: string) => String(form.get(name) ?? "");
    setBusy(true);
    setError(null);
    const failure = await session.signup({
      firstName: value("firstName"),
      lastName: value("lastName"),
      username: value("username"),
      email: value("email"),
      password: value("password"),
    });
    setBusy(false);
    if (!failure) {
      navigate("/", { replace: true });
      return;
    }
    const next = failure.fields ?? {};
    if (failure.code === "CONFLICT" && !failure.fields) next.username = failure.message;
    setFields(next);
    setError(Object.keys(next).length > 0 ? "Please fix the fields marked below." : failure.message);
    // Focus the first field in error, so keyboard and screen-reader users land on it.
    queueMicrotask(() => formElement.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
  };

  return (
    <Show when={session.status() !== "signed-in"} fallback={<Navigate href="/" />}>
      <AuthLayout title="Create your account" subtitle="Parley is free, fast and private to the people you talk to.">
        <form class="stack" onSubmit={submit} noValidate>
          <div class="row-2">
            <Field label="First name" name="firstName" autocomplete="given-name" error={fields().firstName} autofocus />
            <Field label="Last name" name="lastName" autocomplete="family-name" error={fields().lastName} />
          </div>
          <Field
            label="Username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            hint="3–32 letters, digits, '_', '.' or '-'"
            error={fields().username}
          />
          <Field label="Email" name="email" type="email" autocomplete="email" error={fields().email} />
          <Field
            label="Password"
            name="password"
            type="password"
            autocomplete="new-password"
            hint="At least 8 characters"
            error={fields().password}
          />
          <Show when={error()}>
            <p class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <button class="button primary wide" type="submit" disabled={busy()}>
            {busy() ? "Creating your account…" : "Create account"}
          </button>
        </form>
        <p class="switch">
          Already have an account? <A href="/login">Log in</A>
        </p>
      </AuthLayout>
    </Show>
  );
}
