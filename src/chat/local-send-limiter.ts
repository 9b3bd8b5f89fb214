// The send rate limit in this process: one token bucket per user, in a map. Also what the
// Redis limiter falls back to while Redis is away.
import type { Clock } from "../clock.ts";
import { type Bucket, type BucketRule, isFull, returnToken, takeToken } from "../infra/token-bucket.ts";
import { type SendLimiter, toSeconds } from "./send-limiter.ts";

/** Per-user buckets; `take` answers the milliseconds to wait, 0 when taken. */
export function createMemoryBuckets(ratePerSecond: number, burst: number, clock: Clock) {
  const rule: BucketRule = { ratePerSecond, burst };
  const buckets = new Map<number, Bucket>();
  let calls = 0;

  // Full buckets carry no information: drop them now and then so the map stays small.
  const sweep = (now: number) => {
    for (const [userId, bucket] of buckets) if (isFull(rule, bucket, now)) buckets.delete(userId);
  };

  return {
    take(userId: number): number {
      const now = clock.now();
      if (++calls % 1024 === 0) sweep(now);
      const { bucket, waitMs } = takeToken(rule, buckets.get(userId), now);
      buckets.set(userId, bucket);
      return waitMs;
    },
    refund(userId: number) {
      buckets.set(userId, returnToken(rule, buckets.get(userId), clock.now()));
    },
  };
}

export function createLocalSendLimiter(ratePerSecond: number, burst: number, clock: Clock): SendLimiter {
  const memory = createMemoryBuckets(ratePerSecond, burst, clock);
  return {
    take: async (userId) => toSeconds(memory.take(userId)),
    refund: async (userId) => memory.refund(userId),
    backend: () => "memory",
    close: async () => {},
  };
}
