// WebSocket protocol v1: the frames each side sends, one schema for server and client.
import { z } from "zod";
import { conversationSchema, messageSchema, sendInput, userSummarySchema } from "./api.ts";
import { ERROR_CODES } from "./errors.ts";

/** Largest client frame the server accepts, in bytes. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;
/** Most messages one `resume` replays before answering `complete: false`. */
export const RESUME_LIMIT = 1000;
/** Client frames allowed per second per socket; more get an `error` frame. */
export const MAX_CLIENT_FRAMES_PER_SECOND = 20;
/** Error frames a socket may earn before it is closed with 1008. */
export const MAX_SOCKET_ERRORS = 10;
/** A socket's `typing` frames for one conversation are forwarded at most this often. */
export const TYPING_THROTTLE_MS = 2000;
/**
 * The `error` frame's message (BAD_REQUEST, no clientId) for a frame of a type the server does
 * not know. Every version says it so: a client reads it from an older server as "no `send` here".
 */
export const UNKNOWN_FRAME_TYPE = "Unknown frame type";
/** `send` frames a socket may have waiting for their answer; more are refused (TOO_MANY_REQUESTS). */
export const MAX_PENDING_SENDS = 64;

const id = z.number().int().positive();

export const clientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resume"), after: z.number().int().min(0) }),
  z.object({ type: z.literal("typing"), conversationId: id }),
  z.object({ type: z.literal("ping") }),
  /**
   * `history.send`'s input, answered by `ack` or by an `error` carrying the same clientId
   * (required here: it is how the answer finds its request, and what makes a resend safe).
   * Not counted in the frame rate: the send limit applies, as over HTTP.
   */
  sendInput.extend({ type: z.literal("send"), clientId: sendInput.shape.clientId.unwrap() }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export const serverFrame = z.discriminatedUnion("type", [
  /**
   * The socket is subscribed; `lastMessageId` is the newest id in the user's conversations
   * (0 if none); `maxBody` is the server's MAX_BODY, the longest message it accepts.
   */
  z.object({ type: z.literal("ready"), userId: id, lastMessageId: z.number().int().min(0), maxBody: id }),
  z.object({ type: z.literal("message"), message: messageSchema }),
  z.object({ type: z.literal("conversation"), conversation: conversationSchema }),
  /** The user is no longer in the conversation (left, or was removed): drop it. */
  z.object({ type: z.literal("removed"), conversationId: id }),
  z.object({ type: z.literal("presence"), userId: id, online: z.boolean() }),
  /** Someone you share a conversation with (or you) changed their name or bio. */
  z.object({ type: z.literal("user"), user: userSummarySchema }),
  z.object({ type: z.literal("typing"), conversationId: id, userId: id }),
  /** `seq`: the read mark's number in the conversation's stream. */
  z.object({
    type: z.literal("read"),
    conversationId: id,
    userId: id,
    upTo: z.number().int().min(0),
    seq: z.number().int().min(1),
  }),
  /**
   * Ends a `resume`: `count` messages replayed, the last of them `lastId` (the `after` of
   * the request when none). `complete: false` → send `resume` again with `after: lastId`;
   * not from the newest id received, which live messages may have pushed past the replay.
   */
  z.object({
    type: z.literal("resumed"),
    count: z.number().int().min(0),
    complete: z.boolean(),
    lastId: z.number().int().min(0),
  }),
  z.object({ type: z.literal("pong") }),
  /**
   * A `send` is stored (committed, and announced to the conversation before this frame):
   * `message` is what `history.send` answers, the first attempt's for a known clientId.
   */
  z.object({ type: z.literal("ack"), clientId: z.string(), message: messageSchema }),
  /**
   * A frame refused. With `clientId`: the answer to that `send`, with `history.send`'s
   * codes (and `retryAfter`, in seconds, for TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE).
   */
  z.object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    clientId: z.string().optional(),
    retryAfter: z.number().int().positive().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
  /**
   * Frames may have been lost on the way (the instance lost Redis for a while and got it
   * back): send `resume` with the last message id received, as after a reconnect. The
   * socket stays open and subscribed. Clients that ignore it only miss live frames, never
   * messages they later `resume`.
   */
  z.object({ type: z.literal("resync") }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;

export type ServerFrameType = ServerFrame["type"];
