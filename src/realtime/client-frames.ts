// What a socket may send (resume, typing, ping, send), checked frame by frame: size, rate
// and shape problems are answered with an `error` frame and the socket stays open, until
// it has earned MAX_SOCKET_ERRORS of them. Nothing a client sends can throw out of here.
// Each socket's state for this (frame rate, typing throttle, replay) lives here too;
// `send` frames go on to send-frames.ts.
import { authorizeTyping } from "../chat/conversations.ts";
import { messagesSince } from "../chat/resume.ts";
import type { Deps } from "../deps.ts";
import { fieldsFromIssues } from "../http/errors.ts";
import { type Bucket, takeToken } from "../infra/token-bucket.ts";
import type { Message } from "../shared/api.ts";
import { AppError, CLOSE_CODES, type ErrorCode } from "../shared/errors.ts";
import {
  clientFrame,
  MAX_CLIENT_FRAME_BYTES,
  MAX_CLIENT_FRAMES_PER_SECOND,
  MAX_SOCKET_ERRORS,
  RESUME_LIMIT,
  type ServerFrame,
  TYPING_THROTTLE_MS,
  UNKNOWN_FRAME_TYPE,
} from "../shared/events.ts";
import { conversationTopic } from "./bus.ts";
import type { Conn, Hub } from "./hub.ts";
import { queueSend } from "./send-frames.ts";

/** A replay stops filling a socket's buffer past this and goes on when it drains. */
export const REPLAY_HIGH_WATER_BYTES = 256 * 1024;

export type FrameContext = { deps: Deps; hub: Hub };

type SocketFrames = {
  /** Error frames sent so far; at MAX_SOCKET_ERRORS the socket is closed. */
  errors: number;
  /** Token bucket of client frames (none yet: full). */
  bucket: Bucket | undefined;
  /** When this socket last forwarded `typing`, per conversation. */
  typingAt: Map<number, number>;
  /** A `resume` being sent, paced by backpressure. */
  replay: { messages: Message[]; index: number; complete: boolean; after: number } | null;
  /** A `resume` whose messages are being read from the database. */
  loading: boolean;
  /** A `resume` that arrived during a replay: started when it ends. */
  pendingResume: number | null;
};

// Kept beside the hub's Conn, not in it: gone with the socket.
const states = new WeakMap<Conn, SocketFrames>();

function stateOf(conn: Conn): SocketFrames {
  let state = states.get(conn);
  if (!state) {
    state = {
      errors: 0,
      bucket: undefined,
      typingAt: new Map(),
      replay: null,
      loading: false,
      pendingResume: null,
    };
    states.set(conn, state);
  }
  return state;
}

/** Elysia hands over JSON text already parsed; anything else arrives as a string or bytes. */
function frameBytes(message: unknown): number {
  if (typeof message === "string") return Buffer.byteLength(message);
  if (message instanceof Uint8Array || message instanceof ArrayBuffer) return message.byteLength;
  // Re-serialized: never longer than what the client sent (only whitespace and escapes
  // differ), so an accepted frame was within the limit on the wire too, or close to it;
  // Bun's own maxPayloadLength caps the raw frame.
  return Buffer.byteLength(JSON.stringify(message) ?? "");
}

function fail(ctx: FrameContext, conn: Conn, code: ErrorCode, message: string, extra?: SendRefusalDetail) {
  const state = stateOf(conn);
  state.errors += 1;
  ctx.hub.send(conn, { type: "error", code, message, ...extra });
  if (state.errors >= MAX_SOCKET_ERRORS) {
    conn.ws.close(CLOSE_CODES.POLICY_VIOLATION, "Too many bad frames");
  }
}

/** What an invalid `send` frame's error carries, so that its client can tell which send failed. */
type SendRefusalDetail = { clientId?: string; fields?: Record<string, string> };

const KNOWN_TYPES = new Set(["resume", "typing", "ping", "send"]);

const FRAME_RATE = { ratePerSecond: MAX_CLIENT_FRAMES_PER_SECOND, burst: MAX_CLIENT_FRAMES_PER_SECOND };

/** Takes one of the socket's frame tokens: false when it sends too fast. */
function frameAllowed(state: SocketFrames, now: number): boolean {
  const { bucket, waitMs } = takeToken(FRAME_RATE, state.bucket, now);
  state.bucket = bucket;
  return waitMs === 0;
}

/** Handles one client frame; never throws (a refusal or a failure is an `error` frame). */
export async function handleClientMessage(ctx: FrameContext, conn: Conn, message: unknown): Promise<void> {
  if (conn.closed) return;
  try {
    const now = ctx.deps.clock.now();
    const state = stateOf(conn);
    // A `send` costs no frame token: the send limit holds sends, as over HTTP (and the
    // socket's pending sends are bounded), and 20 a second would cap a bot below it.
    const isSend = typeof message === "object" && message !== null && (message as { type?: unknown }).type === "send";
    if (!isSend && !frameAllowed(state, now)) {
      return fail(ctx, conn, "TOO_MANY_REQUESTS", `At most ${MAX_CLIENT_FRAMES_PER_SECOND} frames a second`);
    }
    if (frameBytes(message) > MAX_CLIENT_FRAME_BYTES) {
      return fail(ctx, conn, "PAYLOAD_TOO_LARGE", `Frames are limited to ${MAX_CLIENT_FRAME_BYTES} bytes`, {
        ...clientIdOf(message),
      });
    }
    if (typeof message !== "object" || message === null || message instanceof Uint8Array) {
      return fail(ctx, conn, "BAD_REQUEST", "Frames are JSON objects");
    }
    const parsed = clientFrame.safeParse(message);
    if (!parsed.success) {
      const type = (message as { type?: unknown }).type;
      if (typeof type !== "string" || !KNOWN_TYPES.has(type)) return fail(ctx, conn, "BAD_REQUEST", UNKNOWN_FRAME_TYPE);
      const detail = isSend ? { ...clientIdOf(message), fields: fieldsFromIssues(parsed.error.issues, "frame") } : {};
      return fail(ctx, conn, "BAD_REQUEST", `Invalid ${type} frame`, detail);
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "send":
        queueSend(ctx, conn, frame);
        return;
      case "ping":
        ctx.hub.send(conn, { type: "pong" });
        return;
      case "typing":
        return await typing(ctx, conn, state, frame.conversationId, now);
      case "resume":
        return await resume(ctx, conn, state, frame.after);
    }
  } catch (error) {
    // The chat domain refused (as it would a tRPC call): its code and message, as an error frame.
    if (error instanceof AppError) return fail(ctx, conn, error.code, error.message);
    ctx.deps.logger.error({ err: error, userId: conn.userId }, "socket frame failed");
    fail(ctx, conn, "INTERNAL_SERVER_ERROR", "Something went wrong on our side");
  }
}

/** The clientId of a frame that may be a `send`, when it has a usable one. */
function clientIdOf(message: unknown): { clientId?: string } {
  const clientId =
    typeof message === "object" && message !== null ? (message as { clientId?: unknown }).clientId : undefined;
  return typeof clientId === "string" && clientId.length > 0 && clientId.length <= 64 ? { clientId } : {};
}

async function typing(ctx: FrameContext, conn: Conn, state: SocketFrames, conversationId: number, now: number) {
  await authorizeTyping(ctx.deps.db, conn.userId, conversationId);
  const last = state.typingAt.get(conversationId);
  if (last !== undefined && now - last < TYPING_THROTTLE_MS) return;
  state.typingAt.set(conversationId, now);
  ctx.deps.bus.publish({
    type: "frame",
    topic: conversationTopic(conversationId),
    frame: { type: "typing", conversationId, userId: conn.userId },
    exceptUserId: conn.userId,
  });
}

async function resume(ctx: FrameContext, conn: Conn, state: SocketFrames, after: number) {
  if (state.replay || state.loading) {
    // One replay at a time per socket; the latest request waits for the current one.
    state.pendingResume = after;
    return;
  }
  state.loading = true;
  let page: Awaited<ReturnType<typeof messagesSince>>;
  try {
    page = await messagesSince(ctx.deps.db, conn.userId, after, RESUME_LIMIT);
  } finally {
    state.loading = false;
  }
  const { messages, complete } = page;
  ctx.deps.metrics.resumeReplays.inc();
  ctx.deps.metrics.resumeMessages.inc(messages.length);
  state.replay = { messages, index: 0, complete, after };
  pumpReplay(ctx, conn);
}

/**
 * Sends the replay until the socket's buffer passes the high-water mark, then waits for
 * Bun's `drain`: a large resume never pushes a socket over its backpressure limit.
 */
export function pumpReplay(ctx: FrameContext, conn: Conn) {
  const state = states.get(conn);
  const replay = state?.replay;
  if (!state || !replay || conn.closed) return;
  try {
    while (replay.index < replay.messages.length) {
      const message = replay.messages[replay.index];
      if (!message) break;
      const frame: ServerFrame = { type: "message", message };
      const status = conn.ws.sendText(JSON.stringify(frame));
      replay.index += 1;
      if (status === 0) {
        // Dropped: the socket is closing. Its client resumes again when it reconnects.
        state.replay = null;
        return;
      }
      if (status === -1 && conn.ws.getBufferedAmount() > REPLAY_HIGH_WATER_BYTES) return;
    }
    state.replay = null;
    ctx.hub.send(conn, {
      type: "resumed",
      count: replay.messages.length,
      complete: replay.complete,
      lastId: replay.messages.at(-1)?.id ?? replay.after,
    });
    if (state.pendingResume !== null) {
      const after = state.pendingResume;
      state.pendingResume = null;
      void resume(ctx, conn, state, after).catch((error: unknown) => {
        ctx.deps.logger.error({ err: error, userId: conn.userId }, "resume failed");
        fail(ctx, conn, "INTERNAL_SERVER_ERROR", "Something went wrong on our side");
      });
    }
  } catch (error) {
    state.replay = null;
    ctx.deps.logger.error({ err: error, userId: conn.userId }, "resume failed");
    fail(ctx, conn, "INTERNAL_SERVER_ERROR", "Something went wrong on our side");
  }
}
