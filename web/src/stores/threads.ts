// The messages of each opened conversation: the latest page, older pages on demand, live
// messages, messages being sent (from the outbox, lib/outbox.ts: pending until stored,
// red only when refused for good), who is typing and who has read what.
import { type Accessor, createSignal, type Setter } from "solid-js";
import { createStore } from "solid-js/store";
import { NotSent, type SocketSends } from "../../../packages/parley-client/src/socket-sends.ts";
import { caughtUp, hasGap, observe, type StreamPosition, startAt } from "../../../packages/parley-client/src/stream.ts";
import { type Attachment, checkMessageBody, type Message } from "../../../src/shared/api.ts";
import { type Api, toFailure } from "../api/client.ts";
import { Outbox, type OutboxEntry, type SendTarget } from "../lib/outbox.ts";
import {
  addAroundPage,
  addMessages,
  addOlderPage,
  addReads,
  emptyThread,
  fillUnloaded,
  type PendingMessage,
  type Thread,
} from "../lib/thread.ts";

/** Messages per older page (the first page is the server's MESSAGES_TO_LOAD). */
const OLDER_PAGE_SIZE = 50;

/** How long a typing indicator lasts without a new `typing` frame. */
const TYPING_SHOWN_MS = 6000;

/**
 * How long a gap may stay open before it is fetched: frames reach a socket by two paths
 * (this instance, and the others through Redis), so n + 1 often arrives just after n + 2.
 * Telegram's clients wait half a second the same way before getDifference.
 */
const GAP_GRACE_MS = 500;

/** Pages of `history.changes` one catch-up reads at most before it waits for the next reason. */
const CATCH_UP_ROUNDS = 20;

/** Most messages the first page loads to reach the first unread one. */
const FIRST_PAGE_MAX = 100;

/** Messages of the page around a message jumped to (a reply's parent, a search hit, a link). */
const AROUND_PAGE_SIZE = 50;

/** Messages one step into an unloaded span brings (history.around's largest page, half of it newer). */
const FILL_PAGE_SIZE = 100;

export type { SendTarget };

function toPending(entry: OutboxEntry): PendingMessage {
  return {
    clientId: entry.clientId,
    conversationId: entry.conversationId,
    senderId: entry.senderId,
    body: entry.body,
    ...(entry.attachments?.length ? { attachments: entry.attachments } : {}),
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

/**
 * `maxBody`: the server's MAX_BODY, as its `ready` frame said (the default until then).
 * `socketSends`: the socket's send frames, used before HTTP when given.
 */
export function createThreadsStore(
  api: Api,
  me: () => number,
  onHistory: (messages: Message[]) => void,
  maxBody: () => number,
  socketSends?: SocketSends,
) {
  const threads = new Map<number, [Accessor<Thread>, Setter<Thread>]>();
  const [typing, setTyping] = createStore<Record<number, number[]>>({});
  /** Where each opened conversation stands in its stream (set by its latest page). */
  const positions = new Map<number, StreamPosition>();
  const catchingUp = new Map<number, Promise<void>>();
  const gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Conversations that heard a change while their first page was loading. */
  const heardWhileLoading = new Set<number>();
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
    send: async (entry, signal) => {
      const input = {
        to: entry.to,
        body: entry.body,
        clientId: entry.clientId,
        ...(entry.replyTo ? { replyTo: entry.replyTo } : {}),
        ...(entry.attachments?.length ? { attachmentIds: entry.attachments.map((a) => a.id) } : {}),
      };
      // Over the socket while it is online; over HTTP, with the same clientId, when it is
      // not, drops before the answer or gives none in time (stored once either way).
      if (socketSends) {
        try {
          return await socketSends.send(input, signal);
        } catch (error) {
          // Called off (its stored copy came on the stream): no other way is needed.
          if (!(error instanceof NotSent) || signal.aborted) throw error;
        }
      }
      return api.trpc.history.send.mutate(input, { signal });
    },
    toFailure,
    storage: browserStorage(),
    key: `parley:outbox:${me()}`,
    // Only a browser that knows it is offline holds the line; elsewhere, try.
    canSend: () => globalThis.navigator?.onLine !== false,
    onSent: (message, entry) => {
      // A first direct message (negative key: the peer) settles here; its conversation loads fresh.
      if (entry.conversationId > 0) {
        slot(entry.conversationId)[1]((t) => addMessages(t, [message]));
        note(entry.conversationId, message.seq);
      }
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

  /**
   * This person's messages that came stored (on the stream, or in a catch-up) settle their
   * outbox entries by clientId at once: a retry after a lost answer would otherwise keep a
   * pending copy beside the stored one until it came back.
   */
  const settleOwn = (messages: readonly Message[]) => {
    for (const message of messages) if (message.clientId && message.senderId === me()) outbox.stored(message);
  };

  /** A change numbered `seq` reached an opened conversation: a hole before it is fetched soon. */
  const note = (conversationId: number, seq: number) => {
    const position = positions.get(conversationId);
    if (!position) return;
    const next = observe(position, seq);
    positions.set(conversationId, next);
    if (hasGap(next)) scheduleCatchUp(conversationId, GAP_GRACE_MS);
  };

  const scheduleCatchUp = (conversationId: number, delay: number) => {
    if (gapTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      gapTimers.delete(conversationId);
      const position = positions.get(conversationId);
      if (position && hasGap(position)) void catchUp(conversationId);
    }, delay);
    gapTimers.set(conversationId, timer);
  };

  /**
   * Fetches the conversation's changes after what it holds, page by page, into the thread.
   * One at a time per conversation; a failure waits for the next reason (a gap, `ready`,
   * `resync`).
   */
  const catchUp = (conversationId: number): Promise<void> => {
    const running = catchingUp.get(conversationId);
    if (running) return running;
    const work = (async () => {
      try {
        for (let round = 0; round < CATCH_UP_ROUNDS; round += 1) {
          const position = positions.get(conversationId);
          if (!position) return;
          const page = await api.trpc.history.changes.query({ conversationId, after: position.held });
          settleOwn(page.messages);
          slot(conversationId)[1]((t) => addReads(addMessages(t, page.messages), page.reads, me()));
          if (page.messages.length) onHistory(page.messages);
          positions.set(conversationId, caughtUp(positions.get(conversationId) ?? position, page.seq));
          if (page.complete) break;
        }
      } catch {
        // Offline or gone: the next `ready`, `resync` or gap tries again.
      } finally {
        catchingUp.delete(conversationId);
      }
      const after = positions.get(conversationId);
      if (after && hasGap(after)) scheduleCatchUp(conversationId, GAP_GRACE_MS);
    })();
    catchingUp.set(conversationId, work);
    return work;
  };

  return {
    thread: (id: number): Thread => slot(id)[0](),
    typing: (conversationId: number): number[] => typing[conversationId] ?? [],

    /**
     * Loads the latest page the first time a conversation is opened, reaching back to the
     * first unread message (`unread`: the list's count) so that it can be shown first.
     */
    async open(conversationId: number, unread = 0) {
      const [thread] = slot(conversationId);
      if (thread().loaded || loading[conversationId]) return;
      await this.loadOlder(conversationId, unread);
      // More unread than the first page holds: older pages until the first unread is in.
      for (let pages = 0; pages < 10; pages += 1) {
        const t = thread();
        const oldest = t.items[0]?.id ?? 0;
        if (!t.hasMore || oldest <= t.myReadUpTo) break;
        await this.loadOlder(conversationId);
      }
    },

    /**
     * Holds `messageId` if it is in the conversation: the latest page, then, when it is not
     * in it, the page around it (history.around), apart from the latest run when they do
     * not meet (see Thread.unloaded). "absent" when it is not in this conversation.
     */
    async reach(conversationId: number, messageId: number, unread = 0): Promise<"held" | "absent"> {
      const [thread, setThread] = slot(conversationId);
      const held = () => thread().items.some((message) => message.id === messageId);
      // A page the view asked for may be on its way: wait for it rather than jump past it.
      while (loading[conversationId]) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!thread().loaded) await this.open(conversationId, unread);
      if (held()) return "held";
      setLoading(conversationId, true);
      try {
        const page = await api.trpc.history.around.query({ conversationId, messageId, limit: AROUND_PAGE_SIZE });
        setThread((t) => addAroundPage(t, page));
        onHistory(page.messages);
        return "held";
      } catch (failed) {
        if (toFailure(failed).code === "NOT_FOUND") return "absent";
        throw failed;
      } finally {
        setLoading(conversationId, false);
      }
    },

    /** Loads the next messages of the unloaded span (after the page jumped to). */
    async fillUnloaded(conversationId: number): Promise<void> {
      const [thread, setThread] = slot(conversationId);
      const span = thread().unloaded;
      if (!span || loading[conversationId]) return;
      setLoading(conversationId, true);
      try {
        const page = await api.trpc.history.around.query({
          conversationId,
          messageId: span.after,
          limit: FILL_PAGE_SIZE,
        });
        setThread((t) => fillUnloaded(t, page));
        onHistory(page.messages);
      } finally {
        setLoading(conversationId, false);
      }
    },

    /** Loads the page before the oldest message held. Returns false when nothing more. */
    async loadOlder(conversationId: number, unread = 0, pageSize = OLDER_PAGE_SIZE): Promise<boolean> {
      const [thread, setThread] = slot(conversationId);
      if (loading[conversationId] || (thread().loaded && !thread().hasMore)) return false;
      setLoading(conversationId, true);
      try {
        const oldest = thread().loaded ? thread().items[0]?.id : undefined;
        // The first page has the server's default size (MESSAGES_TO_LOAD); older ones are
        // larger, so that scrolling far back takes few round trips.
        const firstPageLimit = unread > 10 ? { limit: Math.min(FIRST_PAGE_MAX, unread + 5) } : {};
        const page = await api.trpc.history.messages.query({
          conversationId,
          ...(oldest ? { before: oldest, limit: pageSize } : firstPageLimit),
        });
        // Solid updates the DOM synchronously: this measures the render of the page.
        const start = performance.now();
        const stream = page.stream;
        setThread((t) => {
          const next = addOlderPage(t, page);
          return stream ? addReads({ ...next, myReadUpTo: stream.readUpTo }, stream.reads, me()) : next;
        });
        if (stream) {
          // The latest page: the conversation's stream is followed from here on. What was
          // heard while it loaded may be newer than its snapshot: fetch it.
          positions.set(conversationId, startAt(stream.seq));
          if (heardWhileLoading.delete(conversationId)) void catchUp(conversationId);
        }
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

    /**
     * A changed message from an answer (edit, delete, reaction): upserted like a frame, the
     * copy with the higher `seq` kept, so the answer and the frame may come in any order.
     */
    changed(message: Message) {
      const [thread, setThread] = slot(message.conversationId);
      if (!thread().loaded) return;
      setThread((t) => addMessages(t, [message]));
      note(message.conversationId, message.seq);
    },

    /** A message from the socket. Threads not opened yet ignore it (the list counts it). */
    receive(message: Message) {
      stopTyping(message.conversationId, message.senderId);
      settleOwn([message]);
      const [thread, setThread] = slot(message.conversationId);
      if (!thread().loaded) {
        if (loading[message.conversationId]) heardWhileLoading.add(message.conversationId);
        return;
      }
      setThread((t) => addMessages(t, [message]));
      note(message.conversationId, message.seq);
    },

    /** A read mark from the socket (anyone's, this user's own included). */
    readBy(conversationId: number, userId: number, upTo: number, seq: number) {
      const [thread, setThread] = slot(conversationId);
      if (!thread().loaded) {
        if (loading[conversationId]) heardWhileLoading.add(conversationId);
        return;
      }
      setThread((t) => addReads(t, [{ userId, upTo }], me()));
      note(conversationId, seq);
    },

    /**
     * Frames may have been missed (a reconnect, or the server lost Redis for a while):
     * every opened conversation catches up from what it holds. The others cost nothing:
     * the conversation list brings their unread counts and last messages.
     */
    async catchUpAll(): Promise<void> {
      await Promise.all([...positions.keys()].map((id) => catchUp(id)));
    },

    /**
     * Queues a message in the outbox, shown at once as pending; resolves when it is stored
     * (or refused). A negative `conversationId` (minus the peer's id) is a direct
     * conversation that does not exist yet: the answer says which it became.
     */
    async send(
      conversationId: number,
      to: SendTarget,
      body: string,
      replyTo?: number,
      attachments: Attachment[] = [],
    ): Promise<Message | null | { error: string }> {
      // Files alone are a message: the body may then be empty.
      const checked =
        attachments.length > 0 && body.trim() === ""
          ? ({ ok: true, body: "" } as const)
          : checkMessageBody(body, maxBody());
      if (!checked.ok) return { error: checked.message };
      return outbox.add({
        clientId: crypto.randomUUID(),
        conversationId,
        to,
        senderId: me(),
        body: checked.body,
        createdAt: new Date().toISOString(),
        ...(replyTo ? { replyTo } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
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

    dispose() {
      outbox.dispose();
      for (const timer of gapTimers.values()) clearTimeout(timer);
      gapTimers.clear();
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
    },
  };
}
