// Log in with username and password.
import { A, Navigate } from "@solidjs/router";
import { type JSX, Show } from "solid-js";
import { Field } from "../components/Field.tsx";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";
import { createAuthForm } from "./auth-form.ts";

export function LoginPage(): JSX.Element {
  const { session } = useApp();
  const { t } = useI18n();
  const { busy, error, setError, fields, setFields, submitWith } = createAuthForm();

  const submit = submitWith(
    (form) =>
      session.login({
        username: String(form.get("username") ?? ""),
        password: String(form.get("password") ?? ""),
      }),
    (failure) => {
      // An account waiting for its address to be confirmed: the server mailed a new link.
      const unverified = failure.code === "FORBIDDEN" && failure.fields?.email !== undefined;
      setFields(unverified ? {} : (failure.fields ?? {}));
      setError(
        unverified
          ? t("login.verifyFirst")
          : failure.code === "UNAUTHORIZED"
            ? t("errors.wrongLogin")
            : failure.code === "TOO_MANY_REQUESTS"
              ? t("errors.tooManyAttempts")
              : failure.fields
                ? null
                : failureText(t, failure),
      );
    },
  );

  return (
    <Show when={session.status() !== "signed-in"} fallback={<Navigate href="/" />}>
      <AuthLayout title={t("login.title")} subtitle={t("login.subtitle")}>
        <Show when={session.wasEnded()}>
          <p class="notice" role="status">
            {t("errors.sessionEnded")}
          </p>
        </Show>
        <form class="stack" onSubmit={submit} noValidate>
          <Field
            label={t("login.username")}
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            error={fields().username}
            autofocus
          />
          <Field
            label={t("login.password")}
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
            {busy() ? t("login.busy") : t("login.submit")}
          </button>
        </form>
        <p class="switch">
          <A href="/forgot-password">{t("login.forgot")}</A>
        </p>
        <p class="switch">
          {t("login.newHere")} <A href="/signup">{t("login.createAccount")}</A>
        </p>
      </AuthLayout>
    </Show>
  );
}
