// A token bucket as pure functions over a small value: `ratePerSecond` tokens a second
// up to `burst`. The send limit keeps one per user (in memory, or the same arithmetic in
// Redis's Lua), the socket layer one per socket for its frame rate.
export type BucketRule = { ratePerSecond: number; burst: number };
export type Bucket = { tokens: number; at: number };

/** The bucket refilled up to `now`; a new one is full. A clock going backwards refills nothing. */
export function refill(rule: BucketRule, bucket: Bucket | undefined, now: number): Bucket {
  if (!bucket) return { tokens: rule.burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return {
    tokens: Math.min(rule.burst, bucket.tokens + (elapsed * rule.ratePerSecond) / 1000),
    at: Math.max(now, bucket.at),
  };
}

/** Takes one token: the bucket after, and the milliseconds until one is available (0: taken). */
export function takeToken(
  rule: BucketRule,
  bucket: Bucket | undefined,
  now: number,
): { bucket: Bucket; waitMs: number } {
  const current = refill(rule, bucket, now);
  if (current.tokens >= 1) return { bucket: { tokens: current.tokens - 1, at: current.at }, waitMs: 0 };
  return { bucket: current, waitMs: ((1 - current.tokens) * 1000) / rule.ratePerSecond };
}

/** Gives one token back (never past the burst). */
export function returnToken(rule: BucketRule, bucket: Bucket | undefined, now: number): Bucket {
  const current = refill(rule, bucket, now);
  return { tokens: Math.min(rule.burst, current.tokens + 1), at: current.at };
}

/** Is the bucket full at `now` (so it carries no information and may be dropped)? */
export const isFull = (rule: BucketRule, bucket: Bucket, now: number) => refill(rule, bucket, now).tokens >= rule.burst;
