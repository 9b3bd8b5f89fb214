// Stores, created from the one API client and provided through context: the session for
// the whole app, the chat stores (and the socket) only while someone is signed in.
import { useNavigate } from "@solidjs/router";
import {
  createComputed,
  createContext,
  createEffect,
  createSignal,
  type JSX,
  onCleanup,
  onMount,
  type ParentProps,
  useContext,
} from "solid-js";
import { Connection, type ConnectionState } from "../../../packages/parley-client/src/connection.ts";
import { SocketSends } from "../../../packages/parley-client/src/socket-sends.ts";
import { DEFAULT_MAX_BODY, type Message } from "../../../src/shared/api.ts";
import { type ServerFrame, TYPING_THROTTLE_MS } from "../../../src/shared/events.ts";
import type { Api } from "../api/client.ts";
import type { I18n } from "../i18n/index.ts";
import { plainLine } from "../lib/markdown-loader.ts";
import { createShortcutRegistry } from "../lib/shortcuts.ts";
import { createBlocksStore } from "./blocks.ts";
import { conversationTitle, createConversationsStore } from "./conversations.ts";
import { createNotificationsStore } from "./notifications.ts";
import { createPeopleStore, displayName } from "./people.ts";
import { applyRoomEvent } from "./room-events.ts";
import type { SessionStore } from "./session.ts";
import { createThreadsStore } from "./threads.ts";

type AppContextValue = { api: Api; session: SessionStore; i18n: I18n };
const AppContext = createContext<AppContextValue>();

export function AppProvider(props: ParentProps<AppContextValue>): JSX.Element {
  return (
    <AppContext.Provider value={{ api: props.api, session: props.session, i18n: props.i18n }}>
      {props.children}
    </AppContext.Provider>
  );
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside AppProvider");
  return value;
}

/** The language: `t` for strings, `intlLocale` for Intl formats. */
export function useI18n(): I18n {
  return useApp().i18n;
}

function createChatStores(api: Api, session: SessionStore, i18n: I18n, navigate: (path: string) => void) {
  const me = () => session.user()?.id ?? 0;
  const people = createPeopleStore(api);
  // The signed-in person is one of the people too (a mention of me shows my name):
  // users.list, which finds the others, leaves the caller out.
  createComputed(() => {
    const user = session.user();
    if (user) people.remember([user]);
  });
  const blocks = createBlocksStore(api);
  const conversations = createConversationsStore(api, me);
  const notifications = createNotificationsStore(api);
  const [connectionState, setConnectionState] = createSignal<ConnectionState>("connecting");
  const [visible, setVisible] = createSignal(document.visibilityState === "visible");
  const [browserOnline, setBrowserOnline] = createSignal(navigator.onLine);

  const seen = (messages: readonly Message[]) => {
    const conversation = messages[0] && conversations.get(messages[0].conversationId);
    if (conversation?.kind === "room") people.ensure([...new Set(messages.map((m) => m.senderId))]);
  };
  const [maxBody, setMaxBody] = createSignal(DEFAULT_MAX_BODY);
  // Messages go over the socket while it is online (the connection is made below).
  const socketSends = new SocketSends((frame) => connection.send(frame));
  const threads = createThreadsStore(api, me, seen, maxBody, socketSends);

  const receiveMessage = (message: Message) => {
    threads.receive(message);
    // A room's system line: shown in the room, never unread, never a notification.
    if (message.event) return applyRoomEvent(conversations, { ...message, event: message.event });
    const watching = conversations.activeId() === message.conversationId && visible();
    const fresh = conversations.receive(message, { asUnread: !watching });
    const conversation = conversations.get(message.conversationId);
    if (conversation?.kind === "room") people.ensure([message.senderId]);
    if (fresh && message.senderId !== me() && conversation) {
      const sender = conversation.kind === "direct" ? conversation.peer : people.get(message.senderId);
      const name = sender ? displayName(sender) : i18n.t("conversation.someone");
      const title =
        conversation.kind === "room"
          ? i18n.t("conversation.notificationIn", name, conversationTitle(conversation, i18n.t))
          : name;
      const mentionsMe = message.mentions.includes(me());
      const mention = (userId: number | "room") => {
        const person = userId === "room" ? undefined : people.get(userId);
        if (person) return displayName(person);
        return i18n.t(userId === "room" ? "message.mentionRoom" : "message.mentionUnknown");
      };
      // A notification is plain text: the Markdown's words without their markers.
      const body = plainLine(message.body, mention);
      notifications.notify(
        { muted: conversation.muted, mentionsMe },
        title,
        body,
        `conversation-${conversation.id}`,
        () => navigate(`/c/${conversation.id}`),
      );
    }
  };

  /** Reloads the conversation list (last messages, unread counts, presence, new conversations). */
  const reloadList = () =>
    void conversations.refresh().then(() => {
      for (const c of conversations.list()) {
        if (c.peer) people.remember([c.peer]);
      }
    });

  const onFrame = (frame: ServerFrame) => {
    if (socketSends.receive(frame)) return;
    switch (frame.type) {
      case "ready":
        setMaxBody(frame.maxBody);
        // (Re)connected: opened conversations catch up from what they hold, the list
        // brings the others' unread counts and last messages, the outbox sends.
        reloadList();
        void notifications.load();
        void blocks.load();
        void threads.catchUpAll();
        threads.reconnected();
        break;
      case "resync":
        // Live frames may have been lost (an instance lost Redis for a while): the same
        // catch-up, on the same socket.
        reloadList();
        void threads.catchUpAll();
        break;
      case "message":
        receiveMessage(frame.message);
        break;
      case "conversation":
        conversations.upsert(frame.conversation);
        if (frame.conversation.peer) people.remember([frame.conversation.peer]);
        break;
      case "removed":
        // Left (maybe in another tab) or removed by a moderator: the room goes away here too.
        conversations.remove(frame.conversationId);
        if (conversations.activeId() === frame.conversationId) navigate("/");
        break;
      case "presence":
        people.setOnline(frame.userId, frame.online);
        conversations.setPeerOnline(frame.userId, frame.online);
        break;
      case "user":
        people.remember([frame.user]);
        conversations.setPeer(frame.user);
        if (frame.user.id === me()) session.profileChanged(frame.user);
        break;
      case "typing":
        threads.typingFrom(frame.conversationId, frame.userId);
        break;
      case "read": {
        threads.readBy(frame.conversationId, frame.userId, frame.upTo, frame.seq);
        if (frame.userId !== me()) break;
        const last = conversations.get(frame.conversationId)?.lastMessage?.id ?? 0;
        if (frame.upTo >= last) conversations.clearUnread(frame.conversationId);
        break;
      }
    }
  };

  const connection = new Connection({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`,
    openSocket: (url) => new WebSocket(url),
    onFrame,
    onState: (state) => {
      // Sends the closed socket carried go over HTTP (the same clientIds).
      if (state !== "online") socketSends.dropAll();
      setConnectionState(state);
    },
    onSessionEnded: () => session.ended(),
    // Vite sets DEV in `dev:web` builds only; production builds trust the server.
    checkFrames: Boolean(import.meta.env.DEV),
    onConnectFailed: () => {
      // A refused upgrade looks like a network error to the browser: ask whether the
      // session still holds (a 401 here ends it through the API client). One request per
      // backoff period.
      api.trpc.users.me.query().catch(() => {});
    },
  });

  const lastTyping = new Map<number, number>();
  const markRead = (conversationId: number, upTo: number) => {
    conversations.clearUnread(conversationId);
    api.trpc.history.markRead.mutate({ conversationId, upTo }).catch(() => {});
  };

  return {
    me,
    people,
    blocks,
    shortcuts: createShortcutRegistry(),
    conversations,
    threads,
    maxBody,
    notifications,
    connection,
    connectionState,
    /** Presence is known only while this client's own socket is up. */
    presenceKnown: () => connectionState() === "online" && browserOnline(),
    visible,
    setVisible,
    browserOnline,
    setBrowserOnline,
    markRead,
    /** Sends a typing frame, at most as often as the server forwards them. */
    typing(conversationId: number) {
      const now = Date.now();
      if (now - (lastTyping.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return;
      if (connection.send({ type: "typing", conversationId })) lastTyping.set(conversationId, now);
    },
    /** A message was sent: it clears the indicator on the other side, so the next keystroke says so again. */
    typingDone(conversationId: number) {
      lastTyping.delete(conversationId);
    },
  };
}

export type ChatStores = ReturnType<typeof createChatStores>;
const ChatContext = createContext<ChatStores>();

export function ChatProvider(props: ParentProps): JSX.Element {
  const { api, session, i18n } = useApp();
  const navigate = useNavigate();
  const stores = createChatStores(api, session, i18n, navigate);

  onMount(() => {
    stores.connection.start();
    const onVisibility = () => stores.setVisible(document.visibilityState === "visible");
    const onOnline = () => {
      stores.setBrowserOnline(true);
      stores.connection.retryNow();
      stores.threads.reconnected();
    };
    const onOffline = () => stores.setBrowserOnline(false);
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    onCleanup(() => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      stores.connection.stop();
      stores.threads.dispose();
      document.title = "Parley";
    });
  });

  createEffect(() => {
    const unread = stores.conversations.totalUnread();
    document.title = i18n.t("app.windowTitle", unread);
  });

  return <ChatContext.Provider value={stores}>{props.children}</ChatContext.Provider>;
}

/** Whether presence dots can be trusted now (always, outside a signed-in page). */
export function usePresenceKnown(): () => boolean {
  const chat = useContext(ChatContext);
  return () => chat?.presenceKnown() ?? true;
}

export function useChat(): ChatStores {
  const value = useContext(ChatContext);
  if (!value) throw new Error("useChat outside ChatProvider");
  return value;
}
