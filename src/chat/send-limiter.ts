// The per-user send rate limit: a token bucket (SEND_RATE tokens a second, SEND_BURST at
// most). In-process (local-send-limiter.ts), or in Redis so that every instance draws from
// the same bucket (redis-send-limiter.ts); server.ts picks one. Off when SEND_RATE is 0.

export interface SendLimiter {
  /** Takes a token for one send: 0 when allowed, otherwise the seconds until one is available. */
  take(userId: number): Promise<number>;
  /** Gives back the token of a send that turned out to be a retry of a stored message. */
  refund(userId: number): Promise<void>;
  /** Where tokens are counted at this moment. */
  backend(): "off" | "memory" | "redis";
  close(): Promise<void>;
}

/** No limit (SEND_RATE=0). */
export const unlimitedSends: SendLimiter = {
  take: async () => 0,
  refund: async () => {},
  backend: () => "off",
  close: async () => {},
};

/** Milliseconds to wait → the whole seconds a client is told (at least 1 when any). */
export const toSeconds = (waitMs: number) => (waitMs <= 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)));
