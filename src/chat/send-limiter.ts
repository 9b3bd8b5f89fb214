// The per-user send rate limit: a token bucket (SEND_RATE tokens a second, SEND_BURST at
// most). In-process by default; with REDIS_URL the bucket lives in Redis so that every
// instance draws from the same one. If Redis is unreachable the in-process bucket takes
// over: a looser limit for a while is better than refusing every send.
import Redis from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Clock } from "../deps.ts";

export interface SendLimiter {
  /** Takes a token for one send: 0 when allowed, otherwise the seconds until one is available. */
  take(userId: number): Promise<number>;
  /** Gives back the token of a send that turned out to be a retry of a stored message. */
  refund(userId: number): Promise<void>;
  /** Where tokens are counted at this moment. */
  backend(): "off" | "memory" | "redis";
  close(): Promise<void>;
}

type Bucket = { tokens: number; at: number };

/** Milliseconds to wait before `cost` tokens are available, 0 when taken. */
export function createMemoryBuckets(ratePerSecond: number, burst: number, clock: Clock) {
  const buckets = new Map<number, Bucket>();
  let calls = 0;

  const refill = (bucket: Bucket | undefined, now: number): Bucket => {
    if (!bucket) return { tokens: burst, at: now };
    // A clock that goes backwards refills nothing (and never takes tokens away).
    const elapsed = Math.max(0, now - bucket.at);
    return { tokens: Math.min(burst, bucket.tokens + (elapsed * ratePerSecond) / 1000), at: Math.max(now, bucket.at) };
  };

  // Full buckets carry no information: drop them now and then so the map stays small.
  const sweep = (now: number) => {
    for (const [userId, bucket] of buckets) if (refill(bucket, now).tokens >= burst) buckets.delete(userId);
  };

  return {
    take(userId: number): number {
      const now = clock.now();
      if (++calls % 1024 === 0) sweep(now);
      const bucket = refill(buckets.get(userId), now);
      if (bucket.tokens >= 1) {
        buckets.set(userId, { tokens: bucket.tokens - 1, at: bucket.at });
        return 0;
      }
      buckets.set(userId, bucket);
      return ((1 - bucket.tokens) * 1000) / ratePerSecond;
    },
    refund(userId: number) {
      const bucket = refill(buckets.get(userId), clock.now());
      buckets.set(userId, { tokens: Math.min(burst, bucket.tokens + 1), at: bucket.at });
    },
  };
}

// KEYS[1] the bucket; ARGV: tokens per millisecond, burst, now (ms), cost (1 to take,
// -1 to refund). Returns the milliseconds to wait (0: taken) as a string, since Redis
// truncates Lua numbers to integers. Atomic, so concurrent sends on any instance count.
const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local wait = 0
if cost > 0 then
  if tokens >= cost then
    tokens = tokens - cost
  else
    wait = (cost - tokens) / rate
  end
else
  tokens = math.min(burst, tokens - cost)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 60000)
return tostring(wait)
`;

type BucketCommand = { parleySendBucket(key: string, ...args: (string | number)[]): Promise<string> };

const toSeconds = (waitMs: number) => (waitMs <= 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)));

export async function createSendLimiter(
  config: Pick<Config, "sendRate" | "sendBurst" | "redisUrl">,
  clock: Clock,
  logger?: Pick<Logger, "warn" | "info">,
): Promise<SendLimiter> {
  if (config.sendRate <= 0) {
    return { take: async () => 0, refund: async () => {}, backend: () => "off", close: async () => {} };
  }
  const memory = createMemoryBuckets(config.sendRate, config.sendBurst, clock);
  if (!config.redisUrl) {
    return {
      take: async (userId) => toSeconds(memory.take(userId)),
      refund: async (userId) => memory.refund(userId),
      backend: () => "memory",
      close: async () => {},
    };
  }

  // Its own connection. No offline queue and no retries: while Redis is away a command
  // fails at once and the in-process bucket answers, instead of the send waiting.
  const redis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectionName: "parley-send-limiter",
    scripts: { parleySendBucket: { lua: TOKEN_BUCKET_LUA, numberOfKeys: 1 } },
  });
  const command = redis as unknown as BucketCommand;
  let failing = false;
  redis.on("error", () => {});
  redis.on("ready", () => {
    if (failing) logger?.info("send rate limit is back on Redis");
    failing = false;
  });
  // Start-up waits briefly for the connection so the first sends already share the bucket.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", done);
    redis.once("error", done);
  });

  const ratePerMs = config.sendRate / 1000;
  const call = async (userId: number, cost: 1 | -1): Promise<number | null> => {
    try {
      const wait = await command.parleySendBucket(
        `parley:send-bucket:${userId}`,
        ratePerMs,
        config.sendBurst,
        clock.now(),
        cost,
      );
      return Number(wait);
    } catch (error) {
      if (!failing) logger?.warn({ err: error }, "Redis unreachable: send rate limit falls back to this process");
      failing = true;
      return null;
    }
  };

  return {
    async take(userId) {
      const wait = await call(userId, 1);
      return toSeconds(wait ?? memory.take(userId));
    },
    async refund(userId) {
      if ((await call(userId, -1)) === null) memory.refund(userId);
    },
    backend: () => (failing || redis.status !== "ready" ? "memory" : "redis"),
    async close() {
      try {
        if (redis.status === "ready") await redis.quit();
        else redis.disconnect();
      } catch {
        redis.disconnect();
      }
    },
  };
}
