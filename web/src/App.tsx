// Pages and the providers around them.
import { A, Route, Router } from "@solidjs/router";
import { type JSX, onMount, type ParentProps } from "solid-js";
import type { Api } from "./api/client.ts";
import { AdminPage } from "./pages/AdminPage.tsx";
import { ChatLayout } from "./pages/ChatLayout.tsx";
import { ConversationPage, DirectPage, HomePage } from "./pages/ConversationPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { PeoplePage } from "./pages/PeoplePage.tsx";
import { RoomsPage } from "./pages/RoomsPage.tsx";
import { SignupPage } from "./pages/SignupPage.tsx";
import { AppProvider } from "./stores/context.tsx";
import type { SessionStore } from "./stores/session.ts";

export function App(props: { api: Api; session: SessionStore }): JSX.Element {
  onMount(() => void props.session.load());
  const Root = (root: ParentProps) => (
    <AppProvider api={props.api} session={props.session}>
      {root.children}
    </AppProvider>
  );
  return (
    <Router root={Root}>
      <Route path="/login" component={LoginPage} />
      <Route path="/signup" component={SignupPage} />
      <Route path="/" component={ChatLayout}>
        <Route path="/" component={HomePage} />
        <Route path="/c/:id" component={ConversationPage} />
        <Route path="/dm/:userId" component={DirectPage} />
        <Route path="/people" component={PeoplePage} />
        <Route path="/rooms" component={RoomsPage} />
        <Route path="/admin" component={AdminPage} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  );
}

function NotFound(): JSX.Element {
  return (
    <main class="splash">
      <h1>Nothing here</h1>
      <p class="muted">This page does not exist.</p>
      <A class="button" href="/">
        Go to your conversations
      </A>
    </main>
  );
}
