// Pages and the providers around them.
import { A, Route, Router } from "@solidjs/router";
import { createEffect, type JSX, lazy, onMount, type ParentProps, Show } from "solid-js";
import type { Api } from "./api/client.ts";
import type { I18n } from "./i18n/index.ts";
import type { ServiceWorkerUpdates } from "./lib/service-worker.ts";
import { ChatLayout } from "./pages/ChatLayout.tsx";
import { ConversationPage, DirectPage, HomePage } from "./pages/ConversationPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { PeoplePage } from "./pages/PeoplePage.tsx";
import { RoomsPage } from "./pages/RoomsPage.tsx";
import { SignupPage } from "./pages/SignupPage.tsx";
import { AppProvider, useI18n } from "./stores/context.tsx";
import type { SessionStore } from "./stores/session.ts";

// Pages few visits need are chunks of their own, fetched when opened: the start-up
// JavaScript stays within its budget (tests/web/bundle-size.test.ts).
const AdminPage = lazy(() => import("./pages/AdminPage.tsx").then((m) => ({ default: m.AdminPage })));
const SettingsPage = lazy(() => import("./pages/SettingsPage.tsx").then((m) => ({ default: m.SettingsPage })));
const ForgotPasswordPage = lazy(() =>
  import("./pages/ForgotPasswordPage.tsx").then((m) => ({ default: m.ForgotPasswordPage })),
);
const VerifyEmailPage = lazy(() => import("./pages/VerifyEmailPage.tsx").then((m) => ({ default: m.VerifyEmailPage })));
const ResetPasswordPage = lazy(() =>
  import("./pages/ResetPasswordPage.tsx").then((m) => ({ default: m.ResetPasswordPage })),
);

export function App(props: {
  api: Api;
  session: SessionStore;
  i18n: I18n;
  updates: ServiceWorkerUpdates;
}): JSX.Element {
  onMount(() => void props.session.load());
  // Screen readers and hyphenation follow the page's language.
  createEffect(() => {
    document.documentElement.lang = props.i18n.language();
  });
  const Root = (root: ParentProps) => (
    <AppProvider api={props.api} session={props.session} i18n={props.i18n}>
      {root.children}
      <Show when={props.updates.updateReady()}>
        <UpdatePrompt onReload={props.updates.update} />
      </Show>
    </AppProvider>
  );
  return (
    <Router root={Root}>
      <Route path="/login" component={LoginPage} />
      <Route path="/signup" component={SignupPage} />
      <Route path="/forgot-password" component={ForgotPasswordPage} />
      <Route path="/reset-password" component={ResetPasswordPage} />
      <Route path="/verify-email" component={VerifyEmailPage} />
      <Route path="/" component={ChatLayout}>
        <Route path="/" component={HomePage} />
        <Route path="/c/:id" component={ConversationPage} />
        <Route path="/c/:id/m/:messageId" component={ConversationPage} />
        <Route path="/dm/:userId" component={DirectPage} />
        <Route path="/people" component={PeoplePage} />
        <Route path="/rooms" component={RoomsPage} />
        <Route path="/admin" component={AdminPage} />
        <Route path="/settings" component={SettingsPage} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  );
}

/** A new deploy is ready: the person chooses when to reload (a draft may be open). */
function UpdatePrompt(props: { onReload: () => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="update-prompt" role="status">
      <span>{t("app.updateReady")}</span>
      <button class="button primary" type="button" onClick={() => props.onReload()}>
        {t("app.reload")}
      </button>
    </div>
  );
}

function NotFound(): JSX.Element {
  const { t } = useI18n();
  return (
    <main class="splash">
      <h1>{t("app.notFoundTitle")}</h1>
      <p class="muted">{t("app.notFoundText")}</p>
      <A class="button" href="/">
        {t("app.goHome")}
      </A>
    </main>
  );
}
