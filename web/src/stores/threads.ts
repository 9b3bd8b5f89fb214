// The messages of each opened conversation: the latest page, older pages on demand, live
// messages, messages being sent (from the outbox, lib/outbox.ts: pending until stored,
// red only when refused for good), who is typing and who has read what.
import { type Accessor, createSignal, type Setter } from "solid-js";
import { createStore } from "solid-js/store";
import { checkMessageBody, type Message } from "../../../src/shared/api.ts";
import { type Api, toFailure } from "../api/client.ts";
import { Outbox, type OutboxEntry, type SendTarget } from "../lib/outbox.ts";
import { addMessages, addOlderPage, emptyThread, type PendingMessage, type Thread } from "../lib/thread.ts";

/** Messages per older page (the first page is the server's MESSAGES_TO_LOAD). */
const OLDER_PAGE_SIZE = 50;

/** How long a typing indicator lasts without a new `typing` frame. */
const TYPING_SHOWN_MS = 6000;

export type { SendTarget };

function toPending(entry: OutboxEntry): PendingMessage {
  return {
    clientId: entry.clientId,
    conversationId: entry.conversationId,
    senderId: entry.senderId,
    body: entry.body,
    createdAt: entry.createdAt,
    status: entry.state === "failed" ? "failed" : "pending",
    ...(entry.refusal ? { refusal: entry.refusal } : {}),
    ...(entry.error ? { error: entry.error } : {}),
    ...(entry.notBefore ? { notBefore: entry.notBefore } : {}),
  };
}

/** localStorage, when the browser lets the page use it. */
function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

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

  // Messages being sent live in the outbox (kept across reloads); each thread shows its own.
  const outbox = new Outbox({
    send: (entry) => api.trpc.history.send.mutate({ to: entry.to, body: entry.body, clientId: entry.clientId }),
    toFailure,
    storage: browserStorage(),
    key: `parley:outbox:${me()}`,
    // Only a browser that knows it is offline holds the line; elsewhere, try.
    canSend: () => globalThis.navigator?.onLine !== false,
    onSent: (message, entry) => {
      // A first direct message (negative key: the peer) settles here; its conversation loads fresh.
      if (entry.conversationId > 0) slot(entry.conversationId)[1]((t) => addMessages(t, [message]));
      onHistory([message]);
    },
    onChange: (entries) => showPending(entries),
  });

  /** Each thread's pending rows are its outbox entries, in writing order. */
  const showPending = (entries: readonly OutboxEntry[]) => {
    const byThread = new Map<number, PendingMessage[]>();
    for (const entry of entries) {
      const list = byThread.get(entry.conversationId) ?? [];
      list.push(toPending(entry));
      byThread.set(entry.conversationId, list);
    }
    for (const [id, [thread, setThread]] of threads) {
      const pending = byThread.get(id) ?? [];
      if (pending.length === 0 && thread().pending.length === 0) continue;
      setThread((t) => ({ ...t, pending }));
    }
    for (const [id, pending] of byThread) if (!threads.has(id)) slot(id)[1]((t) => ({ ...t, pending }));
  };
  // Kept from the last visit: shown at once, sent when the socket is ready.
  showPending(outbox.all);

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
     * Queues a message in the outbox, shown at once as pending; resolves when it is stored
     * (or refused). A negative `conversationId` (minus the peer's id) is a direct
     * conversation that does not exist yet: the answer says which it became.
     */
    async send(conversationId: number, to: SendTarget, body: string): Promise<Message | null | { error: string }> {
      const checked = checkMessageBody(body, maxBody());
      if (!checked.ok) return { error: checked.message };
      return outbox.add({
        clientId: crypto.randomUUID(),
        conversationId,
        to,
        senderId: me(),
        body: checked.body,
        createdAt: new Date().toISOString(),
      });
    },

    /** Sends every refused message again, in order, with the same clientIds: never stored twice. */
    retryAll() {
      outbox.retryAll();
    },

    discard(clientId: string) {
      outbox.discard(clientId);
    },

    /** The socket or the network is back: send what waits, now. */
    reconnected() {
      outbox.reconnected();
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
      outbox.dispose();
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
    },
  };
}
