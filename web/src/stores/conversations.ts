// The conversation list: ordered by last activity, with the last message, unread counts
// and which one is open.
import { createMemo, createSignal } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { Conversation, Message, UserSummary } from "../../../src/shared/api.ts";
import type { Api } from "../api/client.ts";
import type { Translate } from "../i18n/index.ts";
import { displayName } from "./people.ts";

export function createConversationsStore(api: Api, me: () => number) {
  const [state, setState] = createStore<{ list: Conversation[]; loaded: boolean; failed: boolean }>({
    list: [],
    loaded: false,
    failed: false,
  });
  const [activeId, setActiveId] = createSignal<number | null>(null);
  let refreshing: Promise<void> | null = null;
  // A refresh's answer is a snapshot taken when the server read it: live frames handled
  // while it was on its way may be newer (a conversation begun meanwhile, a message, a
  // leave). Those are remembered so that the answer cannot undo them, and a refresh asked
  // for during the flight runs again after it, since the answer may predate the reason.
  let refreshAgain = false;
  const changedInFlight = new Set<number>();
  const removedInFlight = new Set<number>();
  const noteChange = (id: number) => {
    if (refreshing) changedInFlight.add(id);
  };

  /** The answer of a refresh, with what changed live during its flight laid over it. */
  const withLiveChanges = (answer: Conversation[]): Conversation[] => {
    const answered = new Set(answer.map((c) => c.id));
    const begunMeanwhile = state.list.filter((c) => changedInFlight.has(c.id) && !answered.has(c.id));
    const kept = answer
      .filter((c) => !removedInFlight.has(c.id))
      .map((fromServer) => {
        if (!changedInFlight.has(fromServer.id)) return fromServer;
        const live = state.list.find((c) => c.id === fromServer.id);
        if (!live) return fromServer;
        return (fromServer.lastMessage?.seq ?? 0) > (live.lastMessage?.seq ?? 0) ? fromServer : live;
      });
    return [...begunMeanwhile, ...kept];
  };

  const indexOf = (id: number) => state.list.findIndex((c) => c.id === id);

  const store = {
    state,
    list: () => state.list,
    activeId,
    setActiveId,
    get: (id: number): Conversation | undefined => state.list.find((c) => c.id === id),
    directWith: (userId: number): Conversation | undefined =>
      state.list.find((c) => c.kind === "direct" && c.peer?.id === userId),
    /** For the window title: a muted conversation counts its mentions only. */
    totalUnread: createMemo(() => state.list.reduce((sum, c) => sum + (c.muted ? c.mentions : c.unread), 0)),

    /** Reloads the list from the server (at start and after every reconnect). */
    refresh(): Promise<void> {
      if (refreshing) {
        refreshAgain = true;
        return refreshing;
      }
      refreshing = (async () => {
        try {
          do {
            refreshAgain = false;
            changedInFlight.clear();
            removedInFlight.clear();
            const answer = await api.trpc.history.conversations.query();
            // Reconciled by id: an open conversation keeps its identity (and its view).
            setState("list", reconcile(withLiveChanges(answer), { key: "id" }));
            setState({ loaded: true, failed: false });
          } while (refreshAgain);
        } catch {
          setState({ failed: !state.loaded });
        } finally {
          refreshing = null;
          refreshAgain = false;
          changedInFlight.clear();
          removedInFlight.clear();
        }
      })();
      return refreshing;
    },

    /** A new or joined conversation: put it first (or update it in place). */
    upsert(conversation: Conversation) {
      noteChange(conversation.id);
      removedInFlight.delete(conversation.id);
      const index = indexOf(conversation.id);
      if (index === -1) setState("list", (list) => [conversation, ...list]);
      else setState("list", index, conversation);
    },

    /** A room's name or details changed (applied from its system lines, stores/room-events.ts). */
    updateRoom(id: number, change: (conversation: Conversation) => void) {
      const index = indexOf(id);
      if (index !== -1) setState("list", index, produce(change));
    },

    remove(id: number) {
      if (refreshing) removedInFlight.add(id);
      setState("list", (list) => list.filter((c) => c.id !== id));
    },

    /**
     * A message arrived (live or replayed). Returns true when it is newer than what the
     * list knew, so that callers notify only once per message. Unknown conversation →
     * false and a refresh.
     */
    receive(message: Message, counts: { asUnread: boolean }): boolean {
      const index = indexOf(message.conversationId);
      if (index === -1) {
        void store.refresh();
        return false;
      }
      const current = state.list[index];
      if (!current) return false;
      const last = current.lastMessage;
      // A change to the last message (an edit, a deletion) updates the preview, counts nothing.
      if (last && last.id === message.id) {
        if (message.seq > last.seq) {
          noteChange(message.conversationId);
          setState("list", index, "lastMessage", message);
        }
        return false;
      }
      if (last && last.id > message.id) return false;
      noteChange(message.conversationId);
      setState(
        produce((s) => {
          const [moved] = s.list.splice(index, 1);
          if (!moved) return;
          moved.lastMessage = message;
          if (counts.asUnread && message.senderId !== me()) {
            moved.unread += 1;
            if (message.mentions.includes(me())) moved.mentions += 1;
          }
          s.list.unshift(moved);
        }),
      );
      return true;
    },

    /** Marks the conversation read locally (the server call is made by the caller). */
    clearUnread(id: number) {
      const index = indexOf(id);
      const current = state.list[index];
      if (current?.unread) setState("list", index, "unread", 0);
      if (current?.mentions) setState("list", index, "mentions", 0);
    },

    /** Mutes or unmutes a conversation for this person (their other tabs hear it as a `conversation` frame). */
    async setMuted(id: number, muted: boolean) {
      const index = indexOf(id);
      if (index !== -1) setState("list", index, "muted", muted);
      try {
        store.upsert(await api.trpc.history.setMuted.mutate({ conversationId: id, muted }));
      } catch (failed) {
        const back = indexOf(id);
        if (back !== -1) setState("list", back, "muted", !muted);
        throw failed;
      }
    },

    /** A peer's new name or bio (a `user` frame). */
    setPeer(person: UserSummary) {
      setState(
        "list",
        (c) => c.peer?.id === person.id,
        produce((c) => {
          if (c.peer)
            Object.assign(c.peer, {
              firstName: person.firstName,
              lastName: person.lastName,
              bio: person.bio,
              avatar: person.avatar,
            });
        }),
      );
    },
    setPeerOnline(userId: number, online: boolean) {
      setState(
        "list",
        (c) => c.peer?.id === userId,
        produce((c) => {
          if (c.peer) c.peer.online = online;
        }),
      );
    },
  };
  return store;
}

export function conversationTitle(conversation: Conversation, t: Translate): string {
  if (conversation.kind === "room") return conversation.name ?? t("conversation.room");
  const peer = conversation.peer;
  return peer ? displayName(peer) : t("conversation.direct");
}
