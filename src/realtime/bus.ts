// The bus carries realtime events between the chat domain and every instance's sockets.
// At-most-once by design: the database is the truth and clients `resume` what they miss.
import type { ServerFrame } from "../shared/events.ts";

export type BusEvent =
  /** Deliver a frame to every local socket subscribed to the topic. */
  | { type: "frame"; topic: string; frame: ServerFrame }
  /** The user's sockets start (or stop) receiving a conversation's topic. */
  | { type: "membership"; userId: number; conversationId: number; joined: boolean }
  /** Close the user's sockets: all of them (deactivation), or one session's (logout). */
  | { type: "disconnect"; userId: number; sessionId?: string };

export type BusState = "local" | "redis" | "degraded";

export interface Bus {
  /** "degraded": Redis configured but unreachable; local delivery still works. */
  state(): BusState;
  /** Fire-and-forget: delivers to this instance at once, to others when it can. */
  publish(event: BusEvent): void;
  /** Registers the handler that receives every event, local or remote. */
  onEvent(handler: (event: BusEvent) => void): void;
  close(): Promise<void>;
}

export const userTopic = (userId: number) => `user:${userId}`;
export const conversationTopic = (conversationId: number) => `conv:${conversationId}`;
