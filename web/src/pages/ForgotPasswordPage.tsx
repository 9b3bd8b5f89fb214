// "Forgot your password?": a mailed reset link where the server can send mail, otherwise
// the advice to ask an admin (who makes the link on the admin page).
import { A } from "@solidjs/router";
import { createResource, createSignal, type JSX, Show } from "solid-js";
import { toFailure } from "../api/client.ts";
import { Field } from "../components/Field.tsx";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function ForgotPasswordPage(): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const [options] = createResource(async () => (await api.auth.options.get()).data);
  const [busy, setBusy] = createSignal(false);
  const [sent, setSent] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get("email") ?? "");
    setBusy(true);
    setError(null);
    try {
      const { error: refused } = await api.auth["forgot-password"].post({ email });
      if (refused) {
        const failure = toFailure(refused);
        setError(failure.code === "TOO_MANY_REQUESTS" ? t("errors.tooManyAttempts") : failureText(t, failure));
      } else {
        setSent(true);
      }
    } catch (caught) {
      setError(failureText(t, toFailure(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("forgot.title")} subtitle={t("forgot.subtitle")}>
      <Show when={options()}>
        {(known) => (
          <Show
            when={known().passwordReset === "email"}
            fallback={
              <p class="notice" role="status">
                {t("forgot.askAdmin")}
              </p>
            }
          >
            <Show
              when={!sent()}
              fallback={
                <p class="notice" role="status">
                  {t("forgot.sent")}
                </p>
              }
            >
              <form class="stack" onSubmit={submit} noValidate>
                <Field label={t("forgot.email")} name="email" type="email" autocomplete="email" autofocus />
                <Show when={error()}>
                  <p class="form-error" role="alert">
                    {error()}
                  </p>
                </Show>
                <button class="button primary wide" type="submit" disabled={busy()}>
                  {t("forgot.submit")}
                </button>
              </form>
            </Show>
          </Show>
        )}
      </Show>
      <p class="switch">
        <A href="/login">{t("forgot.backToLogin")}</A>
      </p>
    </AuthLayout>
  );
}
