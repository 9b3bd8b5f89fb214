// The signed-in frame: the sidebar (who you are, navigation, conversations) and the open
// page. On a phone only one of the two shows at a time.
import { A, Navigate, useLocation } from "@solidjs/router";
import { For, type JSX, type ParentProps, Show } from "solid-js";
import { Avatar } from "../components/Avatar.tsx";
import { ConnectionBanner } from "../components/ConnectionBanner.tsx";
import { Icon } from "../components/Icon.tsx";
import { LanguagePicker } from "../components/LanguagePicker.tsx";
import { MessageText } from "../components/MessageText.tsx";
import { shortWhen } from "../lib/grouping.ts";
import { ChatProvider, useApp, useChat, useI18n } from "../stores/context.tsx";
import { conversationTitle } from "../stores/conversations.ts";
import { displayName } from "../stores/people.ts";

export function ChatLayout(props: ParentProps): JSX.Element {
  const { session } = useApp();
  return (
    <Show
      when={session.status() === "signed-in"}
      fallback={
        <Show when={session.status() !== "signed-out"} fallback={<Navigate href="/login" />}>
          <Splash />
        </Show>
      }
    >
      <ChatProvider>
        <Shell>{props.children}</Shell>
      </ChatProvider>
    </Show>
  );
}

function Splash(): JSX.Element {
  const { session } = useApp();
  const { t } = useI18n();
  return (
    <main class="splash">
      <Show when={session.status() === "unreachable"} fallback={<p class="muted">{t("app.loading")}</p>}>
        <p>{t("app.unreachable")}</p>
        <button class="button" type="button" onClick={() => void session.load()}>
          {t("app.tryAgain")}
        </button>
      </Show>
    </main>
  );
}

function Shell(props: ParentProps): JSX.Element {
  const { session } = useApp();
  const chat = useChat();
  const { t } = useI18n();
  const location = useLocation();
  const atHome = () => location.pathname === "/";
  const user = () => session.user();

  return (
    <div class="shell" classList={{ "at-home": atHome() }}>
      <aside class="sidebar" aria-label={t("shell.sidebar")}>
        <header class="sidebar-head">
          <Show when={user()}>
            {(me) => (
              <div class="me">
                <Avatar id={me().id} name={displayName(me())} size="sm" />
                <div class="me-text">
                  <span class="me-name">{displayName(me())}</span>
                  <span class="me-handle">@{me().username}</span>
                </div>
              </div>
            )}
          </Show>
          <button
            class="icon-button"
            type="button"
            onClick={() => void session.logout()}
            aria-label={t("shell.logOut")}
            title={t("shell.logOut")}
          >
            <Icon name="logout" />
          </button>
        </header>
        <nav class="nav" aria-label={t("shell.mainNav")}>
          <A href="/" end activeClass="active">
            <Icon name="chat" size={18} /> {t("shell.chats")}
          </A>
          <A href="/people" activeClass="active">
            <Icon name="people" size={18} /> {t("shell.people")}
          </A>
          <A href="/rooms" activeClass="active">
            <Icon name="rooms" size={18} /> {t("shell.rooms")}
          </A>
          <Show when={user()?.isAdmin}>
            <A href="/admin" activeClass="active">
              <Icon name="shield" size={18} /> {t("shell.admin")}
            </A>
          </Show>
        </nav>
        <ConversationList />
        <Show when={chat.notifications.permission() === "default"}>
          <button class="notify-prompt" type="button" onClick={() => void chat.notifications.request()}>
            <Icon name="bell" size={18} /> {t("shell.notifications")}
          </button>
        </Show>
        <footer class="sidebar-foot">
          <LanguagePicker />
        </footer>
      </aside>
      <main class="main" id="main">
        {props.children}
      </main>
      <ConnectionBanner state={chat.connectionState()} browserOnline={chat.browserOnline()} />
    </div>
  );
}

function ConversationList(): JSX.Element {
  const chat = useChat();
  const { t, intlLocale } = useI18n();
  const state = chat.conversations.state;
  return (
    <section class="conversations" aria-labelledby="conversations-title">
      <h2 id="conversations-title" class="section-title">
        {t("list.title")}
      </h2>
      <Show
        when={state.loaded}
        fallback={<p class="empty muted">{state.failed ? t("list.failed") : t("app.loadingShort")}</p>}
      >
        <Show
          when={state.list.length > 0}
          fallback={
            <p class="empty muted">
              {t(
                "list.empty",
                <A href="/people">{t("list.emptyPeople")}</A>,
                <A href="/rooms">{t("list.emptyRoom")}</A>,
              )}
            </p>
          }
        >
          <ul class="conversation-list">
            <For each={state.list}>
              {(conversation) => {
                const title = () => conversationTitle(conversation, t);
                const last = () => conversation.lastMessage;
                const prefix = () => {
                  const message = last();
                  if (!message) return "";
                  if (message.senderId === chat.me()) return t("list.you");
                  if (conversation.kind === "room") {
                    const sender = chat.people.get(message.senderId);
                    return sender ? `${sender.firstName}: ` : "";
                  }
                  return "";
                };
                return (
                  <li>
                    <A
                      href={`/c/${conversation.id}`}
                      class="conversation-item"
                      activeClass="active"
                      classList={{ unread: conversation.unread > 0 }}
                    >
                      <Avatar
                        id={conversation.peer?.id ?? conversation.id}
                        name={title()}
                        room={conversation.kind === "room"}
                        online={conversation.peer?.online}
                      />
                      <span class="conversation-text">
                        <span class="conversation-top">
                          <span class="conversation-title">{title()}</span>
                          <Show when={last()}>
                            {(message) => (
                              <time class="when">{shortWhen(message().createdAt, new Date(), intlLocale())}</time>
                            )}
                          </Show>
                        </span>
                        <span class="conversation-bottom">
                          <span class="preview">
                            <Show when={last()} fallback={<em>{t("list.noMessages")}</em>}>
                              {(message) => (
                                <>
                                  {prefix()}
                                  <MessageText text={message().body.slice(0, 140)} plain />
                                </>
                              )}
                            </Show>
                          </span>
                          <Show when={conversation.unread > 0}>
                            <span class="badge" role="img" aria-label={t("list.unread", conversation.unread)}>
                              {conversation.unread > 99 ? "99+" : conversation.unread}
                            </span>
                          </Show>
                        </span>
                      </span>
                    </A>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
