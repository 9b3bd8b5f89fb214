// Listening on /ws without missing anything: the socket (connection.ts: ready, ping,
// reconnect with backoff) and, per conversation, where the client stands in its change
// stream (stream.ts). A frame numbered beyond the next leaves a gap, fetched with
// `history.changes` if it is still open after a short grace; on `ready` (every reconnect)
// and `resync` every conversation catches up from the number it holds. Each message (or
// later change of one) reaches `onMessage` once, and in its conversation's stream order:
// a message received beyond a gap waits until the gap is filled. The web app follows the
// same protocol (web/src/stores/threads.ts) for the conversations a person has opened.
import type { TRPCClient } from "@trpc/client";
import type { Conversation, Message } from "../../../src/shared/api.ts";
import type { ServerFrame } from "../../../src/shared/events.ts";
import type { AppRouter } from "../../../src/trpc/router.ts";
import type { BackoffOptions } from "./backoff.ts";
import { Connection, type ConnectionState, type SocketLike } from "./connection.ts";
import { NotSent, SocketSends } from "./socket-sends.ts";
import { caughtUp, hasGap, observe, type StreamPosition, startAt } from "./stream.ts";

/**
 * How long a gap may stay open before it is fetched: frames reach a socket by two paths
 * (its own instance, and the others through Redis), so n + 1 often arrives just after n + 2.
 */
const GAP_GRACE_MS = 500;
/** Pages of `history.changes` one catch-up reads before it waits for the next reason. */
const CATCH_UP_ROUNDS = 50;

export type ListenerOptions = {
  baseUrl: string;
  token: string;
  trpc: TRPCClient<AppRouter>;
  /** Each new message, and each later change of one: once, in its conversation's order. */
  onMessage?: (message: Message) => void;
  /** Every frame as it arrives (typing, presence, read marks, …), after the listener saw it. */
  onFrame?: (frame: ServerFrame) => void;
  onState?: (state: ConnectionState) => void;
  /** A catch-up failed (it is tried again on the next gap, `ready` or `resync`). */
  onError?: (error: unknown) => void;
  /**
   * "now" (the default): what happens from the first `ready` on; "beginning": every
   * conversation's history first, oldest first.
   */
  from?: "now" | "beginning";
  /**
   * Opens the socket. The default is Bun's WebSocket with the token as a bearer header;
   * a browser sends its session cookie instead: `(url) => new WebSocket(url)`.
   */
  openSocket?: (url: string) => SocketLike;
  backoff?: BackoffOptions;
  gapGraceMs?: number;
  /** Parse every frame with the protocol's zod schema (frames outside it are dropped and logged). */
  checkFrames?: boolean;
};

/** The conversation a frame changes and its number in that conversation's stream, if it has one. */
function streamPoint(frame: ServerFrame): { conversationId: number; seq: number } | null {
  if (frame.type === "message") return { conversationId: frame.message.conversationId, seq: frame.message.seq };
  const fields = frame as { conversationId?: unknown; seq?: unknown };
  return typeof fields.conversationId === "number" && typeof fields.seq === "number"
    ? { conversationId: fields.conversationId, seq: fields.seq }
    : null;
}

export class Listener {
  private readonly connection: Connection;
  private readonly sends: SocketSends;
  private readonly positions = new Map<number, StreamPosition>();
  /** Messages received beyond a gap, by conversation and number, until the gap is filled. */
  private readonly waiting = new Map<number, Map<number, Message>>();
  private readonly catchingUp = new Map<number, Promise<void>>();
  /** Conversations asked to catch up again while a catch-up ran (it may have read too early). */
  private readonly again = new Set<number>();
  private readonly gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Set once the first `ready`'s conversation list is in: later conversations are new. */
  private listed = false;
  private stopped = false;
  private socket: SocketLike | null = null;

  constructor(private readonly options: ListenerOptions) {
    const wsUrl = `${options.baseUrl.replace(/^http/, "ws")}/ws`;
    const open =
      options.openSocket ??
      // Bun's WebSocket takes headers, which the browser's does not.
      ((url: string) =>
        new WebSocket(url, {
          headers: { authorization: `Bearer ${options.token}` },
        } as unknown as string[]) as unknown as SocketLike);
    this.sends = new SocketSends((frame) => this.connection.send(frame));
    this.connection = new Connection({
      url: wsUrl,
      openSocket: (url) => {
        this.socket = open(url);
        return this.socket;
      },
      onFrame: (frame) => {
        this.sends.receive(frame);
        this.receive(frame);
      },
      onState: (state) => {
        // What the closed socket carried goes over HTTP (the same clientIds).
        if (state !== "online") this.sends.dropAll();
        options.onState?.(state);
      },
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.checkFrames ? { checkFrames: true } : {}),
    });
  }

  /**
   * Sends a message over the socket while it is online, over HTTP otherwise (or when the
   * socket gives no answer in time), with the same clientId: stored once either way. A
   * refusal rejects with SendRefused over the socket (`failure`: history.send's code,
   * words and `retryAfter`), with tRPC's error over HTTP.
   */
  async send(
    to: { userId: number } | { conversationId: number },
    body: string,
    clientId: string = crypto.randomUUID(),
  ) {
    try {
      return await this.sends.send({ to, body, clientId });
    } catch (error) {
      if (!(error instanceof NotSent)) throw error;
    }
    return this.options.trpc.history.send.mutate({ to, body, clientId });
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The conversations followed and the stream number up to which each has everything. */
  held(): Map<number, number> {
    return new Map([...this.positions].map(([id, position]) => [id, position.held]));
  }

  start() {
    this.stopped = false;
    this.connection.start();
  }

  stop() {
    this.stopped = true;
    this.connection.stop();
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
  }

  /** Breaks the socket as a network failure would: the listener reconnects and catches up. */
  drop() {
    this.socket?.close(4000, "dropped by the client");
  }

  private receive(frame: ServerFrame) {
    switch (frame.type) {
      // After a reconnect, or frames lost between instances: conversations begun meanwhile
      // (their `conversation` frame may be among the lost) and what each one missed.
      case "ready":
      case "resync":
        void this.refresh();
        break;
      case "conversation": {
        // A room joined from elsewhere starts where it stands; a new direct conversation is all new.
        const { conversation } = frame;
        if (!this.positions.has(conversation.id))
          this.positions.set(
            conversation.id,
            startAt(conversation.kind === "room" ? (conversation.lastMessage?.seq ?? 0) : 0),
          );
        break;
      }
      case "message":
        this.receiveMessage(frame.message);
        break;
      default: {
        const point = streamPoint(frame);
        if (point) this.note(point.conversationId, point.seq);
      }
    }
    this.options.onFrame?.(frame);
  }

  private async refresh() {
    if (!this.listed) {
      try {
        const conversations = await this.options.trpc.history.conversations.query();
        const starts = await Promise.all(conversations.map((conversation) => this.startOf(conversation)));
        conversations.forEach((conversation, i) => {
          if (!this.positions.has(conversation.id)) this.positions.set(conversation.id, startAt(starts[i] ?? 0));
        });
        this.listed = true;
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
    } else {
      // Conversations begun while frames were lost: everything in them is new.
      try {
        for (const conversation of await this.options.trpc.history.conversations.query())
          if (!this.positions.has(conversation.id)) this.positions.set(conversation.id, startAt(0));
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    this.catchUpAll();
  }

  /**
   * Where following a conversation starts: its beginning, or where its stream stands now
   * (beyond its last message: reactions and read marks move it too), asked without
   * handing on what it returns.
   */
  private async startOf(conversation: Conversation): Promise<number> {
    if (this.options.from === "beginning") return 0;
    const after = conversation.lastMessage?.seq ?? 0;
    const page = await this.options.trpc.history.changes.query({ conversationId: conversation.id, after });
    return page.seq;
  }

  private receiveMessage(message: Message) {
    const id = message.conversationId;
    if (!this.positions.has(id)) {
      // Before the first list is in, a message is news from now on; after it, the
      // conversation is new to this client and its whole stream is.
      this.positions.set(id, startAt(this.listed || this.options.from === "beginning" ? 0 : message.seq - 1));
    }
    const position = this.positions.get(id);
    if (!position || message.seq <= position.held || position.ahead.includes(message.seq)) return;
    this.waitingIn(id).set(message.seq, message);
    this.note(id, message.seq);
  }

  private waitingIn(conversationId: number): Map<number, Message> {
    let found = this.waiting.get(conversationId);
    if (!found) {
      found = new Map();
      this.waiting.set(conversationId, found);
    }
    return found;
  }

  private note(conversationId: number, seq: number) {
    const position = this.positions.get(conversationId);
    if (!position) return;
    const next = observe(position, seq);
    this.positions.set(conversationId, next);
    this.deliverHeld(conversationId);
    if (hasGap(next)) this.scheduleCatchUp(conversationId);
  }

  /** Hands on, in order, the waiting messages that the conversation now holds everything before. */
  private deliverHeld(conversationId: number) {
    const held = this.positions.get(conversationId)?.held ?? 0;
    const waiting = this.waiting.get(conversationId);
    if (!waiting) return;
    for (const seq of [...waiting.keys()].sort((a, b) => a - b)) {
      if (seq > held) break;
      const message = waiting.get(seq);
      waiting.delete(seq);
      if (message) this.options.onMessage?.(message);
    }
  }

  private scheduleCatchUp(conversationId: number) {
    if (this.gapTimers.has(conversationId) || this.stopped) return;
    const timer = setTimeout(() => {
      this.gapTimers.delete(conversationId);
      const position = this.positions.get(conversationId);
      if (position && hasGap(position)) void this.catchUp(conversationId);
    }, this.options.gapGraceMs ?? GAP_GRACE_MS);
    this.gapTimers.set(conversationId, timer);
  }

  private catchUpAll() {
    for (const id of this.positions.keys()) void this.catchUp(id);
  }

  /** Reads the conversation's changes after what it holds, page by page; one at a time per conversation. */
  private catchUp(conversationId: number): Promise<void> {
    const running = this.catchingUp.get(conversationId);
    if (running) {
      this.again.add(conversationId);
      return running;
    }
    const work = (async () => {
      try {
        for (let round = 0; round < CATCH_UP_ROUNDS && !this.stopped; round += 1) {
          const from = this.positions.get(conversationId);
          if (!from) return;
          const page = await this.options.trpc.history.changes.query({ conversationId, after: from.held });
          // Live frames may have moved the position on while the page was on its way.
          const now = this.positions.get(conversationId) ?? from;
          for (const message of [...page.messages].sort((a, b) => a.seq - b.seq))
            if (message.seq > now.held) this.options.onMessage?.(message);
          // What waited up to the page's number is in the page, as it is now (or was superseded).
          const waiting = this.waitingIn(conversationId);
          for (const seq of waiting.keys()) if (seq <= page.seq) waiting.delete(seq);
          this.positions.set(conversationId, caughtUp(now, page.seq));
          this.deliverHeld(conversationId);
          if (page.complete) break;
        }
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        this.catchingUp.delete(conversationId);
      }
      if (this.again.delete(conversationId) && !this.stopped) return this.catchUp(conversationId);
      const position = this.positions.get(conversationId);
      if (position && hasGap(position)) this.scheduleCatchUp(conversationId);
    })();
    this.catchingUp.set(conversationId, work);
    return work;
  }
}
