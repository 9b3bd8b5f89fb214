// The bus carries realtime events between the chat domain and every instance's sockets.
// At-most-once by design: the database is the truth and clients `resume` what they miss.
import type { ServerFrame } from "../shared/events.ts";

export type BusEvent =
  /**
   * Deliver a frame to every local socket subscribed to the topic (or to each of the
   * topics: a socket subscribed to several gets one copy per topic, so list topics that
   * do not overlap, like distinct users' topics). `exceptUserId`: none of that user's
   * sockets get it (typing).
   */
  | { type: "frame"; topic: string | readonly string[]; frame: ServerFrame; exceptUserId?: number }
  /** The user's sockets start (or stop) receiving a conversation's topic. */
  | { type: "membership"; userId: number; conversationId: number; joined: boolean }
  /** Close the user's sockets: all of them (deactivation), or one session's (logout). */
  | { type: "disconnect"; userId: number; sessionId?: string }
  /** Frames may have been lost between instances: tell every local socket to `resume`. */
  | { type: "resync" };

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
export const CONVERSATION_TOPIC_PREFIX = "conv:";
export const conversationTopic = (conversationId: number) => `${CONVERSATION_TOPIC_PREFIX}${conversationId}`;
