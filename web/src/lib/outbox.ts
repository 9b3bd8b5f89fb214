// The outbox: a message the person wrote is theirs until the server stored it. Queued in
// writing order, kept across a reload (a Storage: localStorage in the browser), sent one
// at a time, and sent again with the same clientId (so the server stores it once) after
// a network failure, a server restart or a send limit, waiting as long as the server
// says. Only a refusal that waiting cannot fix (too long, not a member, account closed)
// stops a message; it then waits for "Retry all" or "Discard", with the reason.
// No DOM or Solid here: bun test drives it with fake timers and storage.

import { type BackoffOptions, backoffDelay } from "../../../packages/parley-client/src/backoff.ts";
import type { Attachment, Message } from "../../../src/shared/api.ts";
import type { ApiFailure } from "../api/client.ts";

export type SendTarget = { conversationId: number } | { userId: number };

export type OutboxEntry = {
  clientId: string;
  /** The thread it shows in: a conversation id, or minus the peer's id before the first message. */
  conversationId: number;
  to: SendTarget;
  senderId: number;
  body: string;
  createdAt: string;
  /** The message this one answers. */
  replyTo?: number;
  /** Uploaded files it carries (their ids go with the send). */
  attachments?: Attachment[];
  /** queued: waits its turn; sending: on the wire; failed: refused for good (see `error`). */
  state: "queued" | "sending" | "failed";
  /** Not before this time (epoch ms): the server asked to wait, or the network failed. */
  notBefore?: number;
  /** The wait is the server's send limit (kept when the network comes back). */
  limited?: boolean;
  /** Why the server refused it: shown in the person's language (the catalogue's `refused*`). */
  refusal?: Refusal;
  /** The server's own sentence, for `invalid` (e.g. "A message is at most 4000 characters"). */
  error?: string;
  attempts: number;
};

/** The part of the Web Storage API the outbox uses. */
export type OutboxStorage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

export type OutboxTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type OutboxOptions = {
  /** Sends one message; throws on failure. `signal` aborts it when it took too long. */
  send: (entry: OutboxEntry, signal: AbortSignal) => Promise<Message>;
  /** Turns a thrown error into what the outbox decides on. */
  toFailure: (error: unknown) => ApiFailure;
  storage?: OutboxStorage | undefined;
  /** The storage key: one outbox per signed-in user. */
  key: string;
  now?: () => number;
  timers?: OutboxTimers;
  /** Whether sending can work now (the browser is online); a failed attempt waits anyway. */
  canSend?: () => boolean;
  onChange?: (entries: readonly OutboxEntry[]) => void;
  /** A message was stored (before its entry leaves the outbox). */
  onSent?: (message: Message, entry: OutboxEntry) => void;
  /** The server says the session is over: the outbox stops and keeps its messages. */
  onUnauthorized?: () => void;
  backoff?: BackoffOptions;
  sendTimeoutMs?: number;
};

/**
 * How long one send may go unanswered before it counts as a network failure and is tried
 * again (the same clientId, so never stored twice). Without it, a request lost on a
 * half-open connection (a phone changing networks) holds every later message for good.
 */
export const SEND_TIMEOUT_MS = 15_000;

/** Refusals that waiting cannot fix. */
export type Refusal = "invalid" | "tooLong" | "notFound" | "forbidden";

/** What a failed attempt means for the message. */
export type FailureVerdict =
  | { kind: "wait"; ms: number; limited: boolean }
  | { kind: "refused"; refusal: Refusal; message: string }
  | { kind: "stop" };

/**
 * Transient failures wait (the network, the server restarting, the send limit); the
 * refusals that waiting cannot fix turn the message red with a reason a person understands.
 */
export function judgeFailure(failure: ApiFailure, attempt: number, backoff?: BackoffOptions): FailureVerdict {
  switch (failure.code) {
    case "TOO_MANY_REQUESTS":
      return { kind: "wait", ms: Math.max(1, failure.retryAfter ?? 1) * 1000, limited: true };
    case "UNAUTHORIZED":
      return { kind: "stop" };
    case "BAD_REQUEST":
    case "CONFLICT":
      return { kind: "refused", refusal: "invalid", message: failure.message };
    case "PAYLOAD_TOO_LARGE":
      return { kind: "refused", refusal: "tooLong", message: failure.message };
    case "NOT_FOUND":
      return { kind: "refused", refusal: "notFound", message: failure.message };
    case "FORBIDDEN":
      return { kind: "refused", refusal: "forbidden", message: failure.message };
    default:
      // NETWORK, INTERNAL_SERVER_ERROR (a restart, a proxy's 502): try again later.
      return { kind: "wait", ms: backoffDelay(attempt, backoff), limited: false };
  }
}

export class Outbox {
  private entries: OutboxEntry[];
  private timer: unknown = null;
  private inFlight = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly timers: OutboxTimers;
  private readonly settled = new Map<string, (message: Message | null) => void>();
  /** The attempt on the wire: its entry and how to call it off. */
  private onWire: { clientId: string; callOff: () => void } | null = null;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? (() => Date.now());
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.entries = this.load();
  }

  /** Every message not yet stored, in writing order. */
  get all(): readonly OutboxEntry[] {
    return this.entries;
  }

  /**
   * Queues a message. Resolves with the stored message, or null when it was refused or
   * discarded (a reload forgets the promise, not the message).
   */
  add(entry: Omit<OutboxEntry, "state" | "attempts">): Promise<Message | null> {
    const queued: OutboxEntry = { ...entry, state: "queued", attempts: 0 };
    this.entries = [...this.entries, queued];
    const done = new Promise<Message | null>((resolve) => this.settled.set(entry.clientId, resolve));
    this.changed();
    this.kick();
    return done;
  }

  /**
   * The server stored this message (its copy came on the stream, with the clientId) while
   * its entry was still here, e.g. its answer was lost and a retry is under way: the entry
   * is settled now, so the message never shows twice (stored and pending), and an attempt
   * on the wire is called off (the server has it; a retry would only return it again).
   */
  stored(message: Message) {
    const entry = this.entries.find((e) => e.clientId === message.clientId && e.senderId === message.senderId);
    if (!entry) return;
    this.options.onSent?.(message, entry);
    this.entries = this.entries.filter((e) => e !== entry);
    this.resolve(entry.clientId, message);
    this.changed();
    if (this.onWire?.clientId === entry.clientId) this.onWire.callOff();
    this.kick();
  }

  /** Sends the refused messages again, in their order (the same clientIds). */
  retryAll() {
    this.stopped = false;
    this.update((e) => (e.state === "failed" ? withoutProblem({ ...e, state: "queued", attempts: 0 }) : e));
    this.kick();
  }

  discard(clientId: string) {
    const entry = this.entries.find((e) => e.clientId === clientId);
    if (!entry || entry.state === "sending") return;
    this.entries = this.entries.filter((e) => e.clientId !== clientId);
    this.resolve(clientId, null);
    this.changed();
    this.kick();
  }

  /**
   * The network or the socket is back: try now. A wait after a network failure is cut
   * short; a wait the server asked for (the send limit) is kept.
   */
  reconnected() {
    this.stopped = false;
    this.update((e) => (e.notBefore !== undefined && !e.limited ? withoutProblem(e) : e));
    this.kick();
  }

  /** Sends the next message if nothing is on the wire. */
  kick() {
    if (this.stopped) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    void this.pump();
  }

  /** Stops timers (the person signed out, or the page is going away). */
  dispose() {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async pump() {
    if (this.inFlight || this.stopped) return;
    // Strictly in writing order: the first message not refused goes first, the rest wait.
    const head = this.entries.find((e) => e.state !== "failed");
    if (!head) return;
    const wait = (head.notBefore ?? 0) - this.now();
    if (wait > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        void this.pump();
      }, wait);
      return;
    }
    if (this.options.canSend && !this.options.canSend()) return;
    this.inFlight = true;
    this.update((e) => (e.clientId === head.clientId ? { ...e, state: "sending", attempts: e.attempts + 1 } : e));
    let message: Message | null = null;
    let verdict: FailureVerdict | null = null;
    const abort = new AbortController();
    let gaveUp: () => void = () => {};
    const unanswered = new Promise<never>((_, reject) => {
      gaveUp = () => reject(new Error("no answer"));
    });
    const callOff = () => {
      abort.abort();
      gaveUp();
    };
    this.onWire = { clientId: head.clientId, callOff };
    const timeout = this.timers.setTimeout(callOff, this.options.sendTimeoutMs ?? SEND_TIMEOUT_MS);
    try {
      message = await Promise.race([this.options.send(withoutProblem(head), abort.signal), unanswered]);
    } catch (error) {
      verdict = abort.signal.aborted
        ? { kind: "wait", ms: backoffDelay(head.attempts, this.options.backoff), limited: false }
        : judgeFailure(this.options.toFailure(error), head.attempts, this.options.backoff);
    } finally {
      this.timers.clearTimeout(timeout);
      this.onWire = null;
    }
    this.inFlight = false;
    if (!this.entries.some((e) => e.clientId === head.clientId)) return this.kick();
    if (message) {
      const sent = message;
      this.options.onSent?.(sent, head);
      this.entries = this.entries.filter((e) => e.clientId !== head.clientId);
      this.resolve(head.clientId, sent);
      this.changed();
    } else if (verdict?.kind === "refused") {
      const problem = { refusal: verdict.refusal, error: verdict.message };
      this.update((e) => (e.clientId === head.clientId ? { ...withoutProblem(e), state: "failed", ...problem } : e));
      this.resolve(head.clientId, null);
    } else if (verdict?.kind === "wait") {
      const waiting = { notBefore: this.now() + verdict.ms, limited: verdict.limited };
      this.update((e) => (e.clientId === head.clientId ? { ...e, state: "queued", ...waiting } : e));
    } else {
      this.update((e) => (e.clientId === head.clientId ? { ...e, state: "queued" } : e));
      this.stopped = true;
      this.options.onUnauthorized?.();
      return;
    }
    this.kick();
  }

  private resolve(clientId: string, message: Message | null) {
    this.settled.get(clientId)?.(message);
    this.settled.delete(clientId);
  }

  private update(change: (entry: OutboxEntry) => OutboxEntry) {
    this.entries = this.entries.map(change);
    this.changed();
  }

  private changed() {
    this.save();
    this.options.onChange?.(this.entries);
  }

  private load(): OutboxEntry[] {
    try {
      const raw = this.options.storage?.getItem(this.options.key);
      if (!raw) return [];
      const parsed = JSON.parse(raw) as unknown;
      if (!Array.isArray(parsed)) return [];
      // Whatever was on the wire when the page went away is sent again: the same clientId
      // makes a second attempt return the first one's message if it was stored.
      return parsed.filter(isEntry).map((e) => (e.state === "sending" ? { ...e, state: "queued" } : e));
    } catch {
      return [];
    }
  }

  private save() {
    try {
      this.options.storage?.setItem(this.options.key, JSON.stringify(this.entries));
    } catch {
      // Storage full or denied (private mode): the outbox still works for this page.
    }
  }
}

function withoutProblem(entry: OutboxEntry): OutboxEntry {
  const { error: _error, refusal: _refusal, notBefore: _notBefore, limited: _limited, ...rest } = entry;
  return rest;
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Partial<OutboxEntry>;
  return (
    typeof e.clientId === "string" &&
    typeof e.conversationId === "number" &&
    typeof e.body === "string" &&
    typeof e.senderId === "number" &&
    typeof e.to === "object" &&
    e.to !== null &&
    (e.state === "queued" || e.state === "sending" || e.state === "failed")
  );
}
