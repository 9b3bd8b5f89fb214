// The messages of each opened conversation: the latest page, older pages on demand, live
// messages, messages being sent (pending → confirmed, or failed with a retry that reuses
// its clientId so the server never stores it twice), who is typing and who has read what.
import { type Accessor, createSignal, type Setter } from "solid-js";
import { createStore } from "solid-js/store";
import { checkMessageBody, type Message } from "../../../src/shared/api.ts";
import { type Api, toFailure } from "../api/client.ts";
import { addMessages, addOlderPage, emptyThread, type PendingMessage, type Thread } from "../lib/thread.ts";

/** Messages per older page (the first page is the server's MESSAGES_TO_LOAD). */
const OLDER_PAGE_SIZE = 50;

/** How long a typing indicator lasts without a new `typing` frame. */
const TYPING_SHOWN_MS = 6000;

export type SendTarget = { conversationId: number } | { userId: number };

/** `maxBody`: the server's MAX_BODY, as its `ready` frame said (the default until then). */
export function createThreadsStore(
  api: Api,
  me: () => number,
  onHistory: (messages: Message[]) => void,
  maxBody: () => number,
) {
  const threads = new Map<number, [Accessor<Thread>, Setter<Thread>]>();
  const [typing, setTyping] = createStore<Record<number, number[]>>({});
  const [peerRead, setPeerRead] = createStore<Record<number, number>>({});
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const [loading, setLoading] = createStore<Record<number, boolean>>({});

  const slot = (id: number) => {
    let found = threads.get(id);
    if (!found) {
      found = createSignal<Thread>(emptyThread());
      threads.set(id, found);
    }
    return found;
  };

  const stopTyping = (conversationId: number, userId: number) => {
    const key = `${conversationId}:${userId}`;
    const timer = typingTimers.get(key);
    if (timer) clearTimeout(timer);
    typingTimers.delete(key);
    if (typing[conversationId]?.includes(userId)) {
      setTyping(conversationId, (ids) => ids.filter((id) => id !== userId));
    }
  };

  const deliver = async (pending: PendingMessage, to: SendTarget): Promise<Message | null> => {
    const [, setThread] = slot(pending.conversationId);
    try {
      const message = await api.trpc.history.send.mutate({ to, body: pending.body, clientId: pending.clientId });
      // A first direct message (negative key: the peer) settles here; its conversation loads fresh.
      setThread((t) =>
        pending.conversationId > 0
          ? addMessages(t, [message])
          : { ...t, pending: t.pending.filter((p) => p.clientId !== pending.clientId) },
      );
      onHistory([message]);
      return message;
    } catch (error) {
      const failure = toFailure(error);
      setThread((t) => ({
        ...t,
        pending: t.pending.map((p) =>
          p.clientId === pending.clientId
            ? { ...p, status: "failed", error: failure.code === "NETWORK" ? "" : failure.message }
            : p,
        ),
      }));
      return null;
    }
  };

  return {
    thread: (id: number): Thread => slot(id)[0](),
    typing: (conversationId: number): number[] => typing[conversationId] ?? [],
    peerReadUpTo: (conversationId: number): number => peerRead[conversationId] ?? 0,

    /** Loads the latest page the first time a conversation is opened. */
    async open(conversationId: number) {
      const [thread] = slot(conversationId);
      if (thread().loaded) return;
      await this.loadOlder(conversationId);
    },

    /** Loads the page before the oldest message held. Returns false when nothing more. */
    async loadOlder(conversationId: number): Promise<boolean> {
      const [thread, setThread] = slot(conversationId);
      if (loading[conversationId] || (thread().loaded && !thread().hasMore)) return false;
      setLoading(conversationId, true);
      try {
        const oldest = thread().loaded ? thread().items[0]?.id : undefined;
        // The first page has the server's default size (MESSAGES_TO_LOAD); older ones are
        // larger, so that scrolling far back takes few round trips.
        const page = await api.trpc.history.messages.query({
          conversationId,
          ...(oldest ? { before: oldest, limit: OLDER_PAGE_SIZE } : {}),
        });
        // Solid updates the DOM synchronously: this measures the render of the page.
        const start = performance.now();
        setThread((t) => addOlderPage(t, page));
        performance.measure(oldest ? "parley:render-older-page" : "parley:render-first-page", {
          start,
          end: performance.now(),
        });
        onHistory(page.items);
        return page.hasMore;
      } finally {
        setLoading(conversationId, false);
      }
    },

    isLoading: (conversationId: number) => loading[conversationId] === true,

    /** A message from the socket (live or replayed). Threads not opened yet ignore it. */
    receive(message: Message) {
      stopTyping(message.conversationId, message.senderId);
      const [thread, setThread] = slot(message.conversationId);
      if (!thread().loaded) return;
      setThread((t) => addMessages(t, [message]));
    },

    /**
     * Sends a message, shown at once as pending. A negative `conversationId` (minus the peer's
     * id) is a direct conversation that does not exist yet: the answer says which it became.
     */
    async send(conversationId: number, to: SendTarget, body: string): Promise<Message | null | { error: string }> {
      const checked = checkMessageBody(body, maxBody());
      if (!checked.ok) return { error: checked.message };
      const pending: PendingMessage = {
        clientId: crypto.randomUUID(),
        conversationId,
        senderId: me(),
        body: checked.body,
        createdAt: new Date().toISOString(),
        status: "pending",
      };
      const [, setThread] = slot(conversationId);
      setThread((t) => ({ ...t, pending: [...t.pending, pending] }));
      return deliver(pending, to);
    },

    /** Sends a failed message again with the same clientId: at most one copy is ever stored. */
    async retry(conversationId: number, clientId: string, to: SendTarget) {
      const [thread, setThread] = slot(conversationId);
      const pending = thread().pending.find((p) => p.clientId === clientId);
      if (pending?.status !== "failed") return;
      const again: PendingMessage = { ...pending, status: "pending" };
      delete again.error;
      setThread((t) => ({ ...t, pending: t.pending.map((p) => (p.clientId === clientId ? again : p)) }));
      await deliver(again, to);
    },

    discard(conversationId: number, clientId: string) {
      const [, setThread] = slot(conversationId);
      setThread((t) => ({ ...t, pending: t.pending.filter((p) => p.clientId !== clientId) }));
    },

    typingFrom(conversationId: number, userId: number) {
      if (userId === me()) return;
      const key = `${conversationId}:${userId}`;
      const timer = typingTimers.get(key);
      if (timer) clearTimeout(timer);
      typingTimers.set(
        key,
        setTimeout(() => stopTyping(conversationId, userId), TYPING_SHOWN_MS),
      );
      if (!typing[conversationId]?.includes(userId)) {
        setTyping(conversationId, (ids) => [...(ids ?? []), userId]);
      }
    },

    readBy(conversationId: number, userId: number, upTo: number) {
      if (userId === me()) return;
      if ((peerRead[conversationId] ?? 0) < upTo) setPeerRead(conversationId, upTo);
    },

    dispose() {
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
    },
  };
}

export type ThreadsStore = ReturnType<typeof createThreadsStore>;
