// The page a verification link opens (REQUIRE_EMAIL_VERIFICATION): the token is in the
// URL's fragment, taken out of the address bar at once and sent once; then the person logs in.
import { A } from "@solidjs/router";
import { createSignal, type JSX, Match, onMount, Switch } from "solid-js";
import { toFailure } from "../api/client.ts";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

export function VerifyEmailPage(): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const token = location.hash.slice(1);
  history.replaceState(history.state, "", location.pathname);
  const [state, setState] = createSignal<"checking" | "done" | "bad" | string>(token.length < 16 ? "bad" : "checking");

  onMount(async () => {
    if (state() !== "checking") return;
    try {
      const { error } = await api.auth["verify-email"].post({ token });
      if (!error) setState("done");
      else {
        const failure = toFailure(error);
        setState(failure.fields?.token ? "bad" : failureText(t, failure));
      }
    } catch (caught) {
      setState(failureText(t, toFailure(caught)));
    }
  });

  return (
    <AuthLayout title={t("verify.title")} subtitle={t("verify.subtitle")}>
      <Switch
        fallback={
          <p class="form-error" role="alert">
            {state()}
          </p>
        }
      >
        <Match when={state() === "checking"}>
          <p class="muted" role="status">
            {t("verify.checking")}
          </p>
        </Match>
        <Match when={state() === "done"}>
          <p class="notice" role="status">
            {t("verify.done")} <A href="/login">{t("verify.logIn")}</A>
          </p>
        </Match>
        <Match when={state() === "bad"}>
          <p class="form-error" role="alert">
            {t("verify.badLink")} <A href="/login">{t("verify.logIn")}</A>
          </p>
        </Match>
      </Switch>
    </AuthLayout>
  );
}
