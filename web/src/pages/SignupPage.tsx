// Create an account. The server checks every field; its `fields` show under each input.
import { A, Navigate } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import { Field } from "../components/Field.tsx";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";
import { createAuthForm } from "./auth-form.ts";

export function SignupPage(): JSX.Element {
  const { session } = useApp();
  const { t } = useI18n();
  const { busy, error, setError, fields, setFields, submitWith } = createAuthForm();

  const [sent, setSent] = createSignal(false);
  const submit = submitWith(
    async (form) => {
      const value = (name: string) => String(form.get(name) ?? "");
      const outcome = await session.signup({
        firstName: value("firstName"),
        lastName: value("lastName"),
        username: value("username"),
        email: value("email"),
        password: value("password"),
      });
      if (outcome !== "verify") return outcome;
      setSent(true);
      return "stay";
    },
    (failure, formElement) => {
      const next = failure.fields ?? {};
      if (failure.code === "CONFLICT" && !failure.fields) next.username = failure.message;
      setFields(next);
      setError(Object.keys(next).length > 0 ? t("signup.fixFields") : failureText(t, failure));
      // Focus the first field in error, so keyboard and screen-reader users land on it.
      queueMicrotask(() => formElement.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
    },
  );

  return (
    <Show when={session.status() !== "signed-in"} fallback={<Navigate href="/" />}>
      <AuthLayout title={t("signup.title")} subtitle={t("signup.subtitle")}>
        <Show when={sent()}>
          <p class="notice" role="status">
            {t("signup.verifySent")} <A href="/login">{t("signup.logIn")}</A>
          </p>
        </Show>
        <form class="stack" onSubmit={submit} noValidate hidden={sent()}>
          {/* Above the fields it summarizes, where "marked below" is true. */}
          <Show when={error()}>
            <p class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="row-2">
            <Field
              label={t("signup.firstName")}
              name="firstName"
              autocomplete="given-name"
              error={fields().firstName}
              autofocus
            />
            <Field label={t("signup.lastName")} name="lastName" autocomplete="family-name" error={fields().lastName} />
          </div>
          <Field
            label={t("signup.username")}
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            hint={t("signup.usernameHint")}
            error={fields().username}
          />
          <Field label={t("signup.email")} name="email" type="email" autocomplete="email" error={fields().email} />
          <Field
            label={t("signup.password")}
            name="password"
            type="password"
            autocomplete="new-password"
            hint={t("signup.passwordHint")}
            error={fields().password}
          />
          <button class="button primary wide" type="submit" disabled={busy()}>
            {busy() ? t("signup.busy") : t("signup.submit")}
          </button>
        </form>
        <p class="switch">
          {t("signup.haveAccount")} <A href="/login">{t("signup.logIn")}</A>
        </p>
      </AuthLayout>
    </Show>
  );
}
