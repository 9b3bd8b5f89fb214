// The signed-in frame: the sidebar (who you are, navigation, conversations) and the open
// page. On a phone only one of the two shows at a time.
import { A, Navigate, useLocation, useNavigate } from "@solidjs/router";
import { createSignal, For, type JSX, lazy, onCleanup, onMount, type ParentProps, Show } from "solid-js";
import { Avatar } from "../components/Avatar.tsx";
import { ConnectionBanner } from "../components/ConnectionBanner.tsx";
import { HelpMenu } from "../components/HelpMenu.tsx";
import { Icon } from "../components/Icon.tsx";
import { LanguagePicker } from "../components/LanguagePicker.tsx";
import { MessagePreview } from "../components/message/PlainMessageText.tsx";
import { SearchBox } from "../components/SearchBox.tsx";
import { shortWhen } from "../lib/grouping.ts";
import { shortcutFor, stepConversation } from "../lib/shortcuts.ts";
import { ChatProvider, useApp, useChat, useI18n } from "../stores/context.tsx";
import { conversationTitle } from "../stores/conversations.ts";
import { displayName } from "../stores/people.ts";

// The list of shortcuts is loaded the first time it is asked for (? or the help menu):
// the start-up JavaScript has a budget (tests/web/bundle-size.test.ts).
const ShortcutsDialog = lazy(() =>
  import("../components/ShortcutsDialog.tsx").then((module) => ({ default: module.ShortcutsDialog })),
);

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
  // Offline (the app shell came from the service worker): open as soon as the network is back.
  const [offline, setOffline] = createSignal(!navigator.onLine);
  onMount(() => {
    const online = () => {
      setOffline(false);
      if (session.status() === "unreachable") void session.load();
    };
    const gone = () => setOffline(true);
    window.addEventListener("online", online);
    window.addEventListener("offline", gone);
    onCleanup(() => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", gone);
    });
  });
  return (
    <main class="splash">
      <Show when={session.status() === "unreachable"} fallback={<p class="muted">{t("app.loading")}</p>}>
        <p>{offline() ? t("app.offline") : t("app.unreachable")}</p>
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
  const keys = useKeyboard();

  return (
    <div class="shell" classList={{ "at-home": atHome() }}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main; the click moves the focus there without a route change */}
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        {t("shortcuts.skipLink")}
      </a>
      <aside class="sidebar" aria-label={t("shell.sidebar")}>
        <header class="sidebar-head">
          <Show when={user()}>
            {(me) => (
              <div class="me">
                <Avatar id={me().id} name={displayName(me())} size="sm" src={me().avatar} />
                <div class="me-text">
                  <bdi class="me-name">{displayName(me())}</bdi>
                  <span class="me-handle">@{me().username}</span>
                </div>
              </div>
            )}
          </Show>
          <HelpMenu onShortcuts={keys.openShortcuts} ref={keys.setHelpMenu} />
          <A class="icon-button" href="/settings" aria-label={t("settings.open")} title={t("settings.open")}>
            <Icon name="settings" />
          </A>
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
        <SearchBox />
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
        <Show when={chat.notifications.offerPrompt()}>
          <div class="notify-prompt-row">
            <button class="notify-prompt" type="button" onClick={() => void chat.notifications.request()}>
              <Icon name="bell" size={18} /> {t("shell.notifications")}
            </button>
            <button
              class="icon-button"
              type="button"
              aria-label={t("shell.notificationsDismiss")}
              title={t("shell.notificationsDismiss")}
              onClick={() => chat.notifications.dismissPrompt()}
            >
              <Icon name="close" size={16} />
            </button>
          </div>
        </Show>
        <footer class="sidebar-foot">
          <LanguagePicker />
        </footer>
      </aside>
      <main class="main" id="main" tabindex="-1">
        {props.children}
      </main>
      <Show when={keys.shortcutsWanted()}>
        <ShortcutsDialog
          registry={chat.shortcuts}
          open={keys.dialogOpen()}
          ref={keys.setDialog}
          onClose={keys.dialogClosed}
        />
      </Show>
      <ConnectionBanner
        state={chat.connectionState()}
        browserOnline={chat.browserOnline()}
        onRetry={() => chat.connection.retryNow()}
      />
    </div>
  );
}

/** Reads the keys (one listener) and handles the shell's shortcuts. */
function useKeyboard() {
  const chat = useChat();
  const navigate = useNavigate();
  const [dialogOpen, setDialogOpen] = createSignal(false);
  const [shortcutsWanted, setShortcutsWanted] = createSignal(false);
  let dialog: HTMLDialogElement | undefined;
  let closeHelpMenu = () => false;
  const focusComposer = () => document.getElementById("composer-input")?.focus();
  const openShortcuts = () => {
    setShortcutsWanted(true);
    setDialogOpen(true);
    if (dialog && !dialog.open) dialog.showModal();
  };
  const go = (step: 1 | -1, unreadOnly: boolean) => {
    const { conversations } = chat;
    const ids = conversations.list().map((c) => c.id);
    const unread = (id: number) => {
      const conversation = conversations.get(id);
      return (conversation?.muted ? conversation.mentions : (conversation?.unread ?? 0)) > 0;
    };
    const next = stepConversation(ids, conversations.activeId(), step, unreadOnly ? unread : undefined);
    if (next !== null) navigate(`/c/${next}`);
    return true;
  };

  onMount(() => {
    const { shortcuts } = chat;
    const unregister = [
      shortcuts.register("previousConversation", () => go(-1, false)),
      shortcuts.register("nextConversation", () => go(1, false)),
      shortcuts.register("previousUnread", () => go(-1, true)),
      shortcuts.register("nextUnread", () => go(1, true)),
      shortcuts.register("showShortcuts", () => {
        openShortcuts();
        return true;
      }),
      shortcuts.register("close", () => {
        if (dialog?.open) dialog.close();
        else closeHelpMenu();
        focusComposer();
        return true;
      }),
    ];
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      const field =
        target instanceof HTMLTextAreaElement ||
        (target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(target.type))
          ? target
          : null;
      const action = shortcutFor({
        key: event.key,
        altKey: event.altKey,
        shiftKey: event.shiftKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        inTextField: field !== null || Boolean(target?.isContentEditable),
        emptyTextField: field !== null && field.value === "",
      });
      if (action && shortcuts.run(action)) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    onCleanup(() => {
      window.removeEventListener("keydown", onKeyDown);
      for (const off of unregister) off();
    });
  });

  return {
    dialogOpen,
    shortcutsWanted,
    openShortcuts,
    setDialog: (element: HTMLDialogElement) => {
      dialog = element;
    },
    dialogClosed: () => {
      setDialogOpen(false);
      focusComposer();
    },
    setHelpMenu: (close: () => boolean) => {
      closeHelpMenu = close;
    },
  };
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
                      classList={{
                        unread: conversation.muted ? conversation.mentions > 0 : conversation.unread > 0,
                        muted: conversation.muted,
                      }}
                    >
                      <Avatar
                        id={conversation.peer?.id ?? conversation.id}
                        name={title()}
                        room={conversation.kind === "room"}
                        online={conversation.peer?.online}
                        src={conversation.peer?.avatar}
                      />
                      <span class="conversation-text">
                        <span class="conversation-top">
                          <bdi class="conversation-title">{title()}</bdi>
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
                                  {/* A blocked person's room message is folded here too. */}
                                  <Show
                                    when={!(conversation.kind === "room" && chat.blocks.has(message().senderId))}
                                    fallback={<em>{t("blocks.folded")}</em>}
                                  >
                                    <MessagePreview message={message()} />
                                  </Show>
                                </>
                              )}
                            </Show>
                          </span>
                          <Show when={conversation.muted}>
                            <span
                              class="muted-mark"
                              role="img"
                              aria-label={t("notify.muted")}
                              title={t("notify.muted")}
                            >
                              <Icon name="bellOff" size={14} />
                            </span>
                          </Show>
                          <Show when={conversation.mentions > 0}>
                            <span
                              class="badge mention-badge"
                              role="img"
                              aria-label={t("notify.mentions", conversation.mentions)}
                            >
                              @
                              {conversation.mentions > 1
                                ? conversation.mentions > 99
                                  ? "99+"
                                  : conversation.mentions
                                : ""}
                            </span>
                          </Show>
                          {/* A muted conversation shows no unread count, only its mentions. */}
                          <Show when={conversation.unread > 0 && !conversation.muted}>
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
