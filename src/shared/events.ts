// WebSocket protocol v1: the frames each side sends, one schema for server and client.
import { z } from "zod";
import type { Conversation, Message } from "./api.ts";
import type { ErrorCode } from "./errors.ts";

/** Largest client frame the server accepts, in bytes. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;
/** Most messages one `resume` replays before answering `complete: false`. */
export const RESUME_LIMIT = 1000;

const id = z.number().int().positive();

export const clientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resume"), after: z.number().int().min(0) }),
  z.object({ type: z.literal("typing"), conversationId: id }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export type ServerFrame =
  | { type: "ready"; userId: number; lastMessageId: number }
  | { type: "message"; message: Message }
  | { type: "conversation"; conversation: Conversation }
  | { type: "presence"; userId: number; online: boolean }
  | { type: "typing"; conversationId: number; userId: number }
  | { type: "read"; conversationId: number; userId: number; upTo: number }
  | { type: "resumed"; count: number; complete: boolean }
  | { type: "pong" }
  | { type: "error"; code: ErrorCode; message: string };

export type ServerFrameType = ServerFrame["type"];
