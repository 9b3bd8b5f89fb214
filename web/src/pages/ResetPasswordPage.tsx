// The page a reset link opens: the token is in the URL's fragment (never sent to a
// server by the browser); it is taken out of the address bar at once, then sent once
// with the new password.
import { A } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import type { FieldErrors } from "../../../src/shared/errors.ts";
import { toFailure } from "../api/client.ts";
import { Field } from "../components/Field.tsx";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function ResetPasswordPage(): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const token = location.hash.slice(1);
  history.replaceState(history.state, "", location.pathname);
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const [linkBad, setLinkBad] = createSignal(token.length < 16);
  const [fields, setFields] = createSignal<FieldErrors>({});
  const [error, setError] = createSignal<string | null>(null);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget as HTMLFormElement).get("password") ?? "");
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const { error: refused } = await api.auth["reset-password"].post({ token, password });
      if (!refused) setDone(true);
      else {
        const failure = toFailure(refused);
        if (failure.fields?.token) setLinkBad(true);
        else if (failure.fields?.password) setFields({ password: failure.fields.password });
        else setError(failureText(t, failure));
      }
    } catch (caught) {
      setError(failureText(t, toFailure(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t("reset.title")} subtitle={t("reset.subtitle")}>
      <Show
        when={!linkBad()}
        fallback={
          <p class="form-error" role="alert">
            {t("reset.badLink")} <A href="/forgot-password">{t("reset.askAgain")}</A>
          </p>
        }
      >
        <Show
          when={!done()}
          fallback={
            <p class="notice" role="status">
              {t("reset.done")} <A href="/login">{t("reset.logIn")}</A>
            </p>
          }
        >
          <form class="stack" onSubmit={submit} noValidate>
            <Field
              label={t("reset.newPassword")}
              name="password"
              type="password"
              autocomplete="new-password"
              hint={t("signup.passwordHint")}
              error={fields().password}
              autofocus
            />
            <Show when={error()}>
              <p class="form-error" role="alert">
                {error()}
              </p>
            </Show>
            <button class="button primary wide" type="submit" disabled={busy()}>
              {t("reset.submit")}
            </button>
          </form>
        </Show>
      </Show>
    </AuthLayout>
  );
}
