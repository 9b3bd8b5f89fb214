// The messages of one conversation as the client holds them: confirmed messages sorted
// by id without duplicates, and the ones still being sent (by clientId).
import { type Attachment, type Message, replyExcerpt } from "../../../src/shared/api.ts";
import type { Refusal } from "./outbox.ts";

export type PendingMessage = {
  clientId: string;
  conversationId: number;
  senderId: number;
  body: string;
  /** Files going with it (uploaded already). */
  attachments?: Attachment[];
  createdAt: string;
  status: "pending" | "failed";
  /** Why it was refused (failed only): the server's sentence for `invalid`, else the catalogue's. */
  refusal?: Refusal;
  error?: string;
  /** Waiting until then (epoch ms) before the next attempt: the send limit, or the network. */
  notBefore?: number;
};

export type Thread = {
  items: Message[];
  pending: PendingMessage[];
  hasMore: boolean;
  loaded: boolean;
  /** How far the others have read (user id → message id), from the server and live. */
  reads: Record<number, number>;
  /** How far this user has read, from the server and live (the "New messages" divider). */
  myReadUpTo: number;
  /**
   * Messages with ids strictly between these two are not held: a jump far back (a reply's
   * parent, a search hit, a link) loaded the page around its message apart from the latest
   * ones. Filled from its older side as the reader scrolls down to it. One at most.
   */
  unloaded: { after: number; before: number } | null;
};

export const emptyThread = (): Thread => ({
  items: [],
  pending: [],
  hasMore: true,
  loaded: false,
  reads: {},
  myReadUpTo: 0,
  unloaded: null,
});

/**
 * Merges messages into a sorted, duplicate-free list. A message seen twice keeps the copy
 * of its latest change (the higher `seq`: an edit, later), else its first copy.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  // The common case, a live message newer than all held: append without re-sorting.
  const newest = existing.at(-1)?.id ?? 0;
  if (incoming.every((message, index) => message.id > (incoming[index - 1]?.id ?? newest))) {
    return [...existing, ...incoming];
  }
  const byId = new Map<number, Message>();
  for (const message of existing) byId.set(message.id, message);
  let changed = false;
  for (const message of incoming) {
    const held = byId.get(message.id);
    if (!held || held.seq < message.seq) {
      byId.set(message.id, message);
      changed = true;
    }
  }
  if (!changed) return existing as Message[];
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * Replies quote their parent as it was when they were read: when a parent held here is
 * edited or deleted, the quotes of its replies are rebuilt (a deleted one shows as
 * deleted), so they change live, as they would after a reload.
 */
export function refreshQuotes(items: Message[], changed: readonly Message[]): Message[] {
  const parents = new Map(
    changed.filter((m) => m.editedAt !== null || m.deletedAt !== null).map((m) => [m.id, replyExcerpt(m)]),
  );
  if (parents.size === 0) return items;
  let refreshed: Message[] | null = null;
  items.forEach((message, index) => {
    const quote = message.replyTo && parents.get(message.replyTo.id);
    if (!quote || !message.replyTo) return;
    if (quote.excerpt === message.replyTo.excerpt && quote.deleted === message.replyTo.deleted) return;
    refreshed ??= [...items];
    refreshed[index] = { ...message, replyTo: quote };
  });
  return refreshed ?? items;
}

/** Drops pending entries that a confirmed message (same clientId) has settled. */
export function settlePending(pending: readonly PendingMessage[], confirmed: readonly Message[]): PendingMessage[] {
  const settled = new Set(confirmed.flatMap((m) => (m.clientId ? [m.clientId] : [])));
  if (settled.size === 0) return pending as PendingMessage[];
  const left = pending.filter((p) => !settled.has(p.clientId));
  return left.length === pending.length ? (pending as PendingMessage[]) : left;
}

/** Adds confirmed messages to a thread: merged, and settling the pending ones they confirm. */
export function addMessages(thread: Thread, messages: readonly Message[]): Thread {
  const items = refreshQuotes(mergeMessages(thread.items, messages), messages);
  const pending = settlePending(thread.pending, messages);
  if (items === thread.items && pending === thread.pending) return thread;
  return { ...thread, items, pending };
}

/** Moves read marks forward (never back): `userId` has read up to `upTo`. */
export function addReads(thread: Thread, marks: readonly { userId: number; upTo: number }[], me: number): Thread {
  let reads = thread.reads;
  let myReadUpTo = thread.myReadUpTo;
  for (const { userId, upTo } of marks) {
    if (userId === me) myReadUpTo = Math.max(myReadUpTo, upTo);
    else if ((reads[userId] ?? 0) < upTo) reads = { ...reads, [userId]: upTo };
  }
  if (reads === thread.reads && myReadUpTo === thread.myReadUpTo) return thread;
  return { ...thread, reads, myReadUpTo };
}

/** Adds an older page (from history.messages with `before`). */
export function addOlderPage(thread: Thread, page: { items: readonly Message[]; hasMore: boolean }): Thread {
  return { ...addMessages(thread, page.items), hasMore: page.hasMore, loaded: true };
}

/** A `history.around` answer: oldest first, and whether more lie beyond either end. */
type AroundPage = { messages: readonly Message[]; hasOlder: boolean; hasNewer: boolean };

/**
 * The page around a message that was not held (a loaded thread): merged when it meets the
 * run up to the latest message, else held apart with the span between them unloaded. An
 * earlier jump's page is let go first, so there is one unloaded span at most.
 */
export function addAroundPage(thread: Thread, page: AroundPage): Thread {
  const latestRun = thread.unloaded
    ? thread.items.filter((message) => message.id >= (thread.unloaded?.before ?? 0))
    : thread.items;
  const runOldest = latestRun[0]?.id;
  const pageNewest = page.messages.at(-1)?.id ?? 0;
  const meets = !page.hasNewer || runOldest === undefined || pageNewest >= runOldest;
  const merged = addMessages({ ...thread, items: latestRun }, page.messages);
  return {
    ...merged,
    hasMore: page.hasOlder,
    unloaded: meets ? null : { after: pageNewest, before: runOldest },
  };
}

/** The next page of the unloaded span, from its older side (a `history.around` its `after`). */
export function fillUnloaded(thread: Thread, page: AroundPage): Thread {
  const span = thread.unloaded;
  if (!span) return thread;
  const newest = page.messages.at(-1)?.id ?? span.after;
  const closed = !page.hasNewer || newest >= span.before || newest <= span.after;
  return { ...addMessages(thread, page.messages), unloaded: closed ? null : { after: newest, before: span.before } };
}
