// The send rate limit in Redis: one bucket per user that every instance draws from,
// updated atomically by a Lua script. If Redis is unreachable the in-process buckets take
// over: a looser limit for a while is better than refusing every send.
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { openRedis, quit, waitUntil } from "../infra/redis.ts";
import { createMemoryBuckets } from "./local-send-limiter.ts";
import { type SendLimiter, toSeconds } from "./send-limiter.ts";

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

export type RedisSendLimiterOptions = {
  url: string;
  ratePerSecond: number;
  burst: number;
  clock: Clock;
  logger?: Pick<Logger, "warn" | "info">;
};

export async function createRedisSendLimiter(options: RedisSendLimiterOptions): Promise<SendLimiter> {
  const { ratePerSecond, burst, clock, logger } = options;
  const memory = createMemoryBuckets(ratePerSecond, burst, clock);
  // Its own connection. No offline queue and no retries: while Redis is away a command
  // fails at once and the in-process bucket answers, instead of the send waiting.
  const redis = openRedis(options.url, "parley-send-limiter", {
    extra: {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      scripts: { parleySendBucket: { lua: TOKEN_BUCKET_LUA, numberOfKeys: 1 } },
    },
  });
  const command = redis as unknown as BucketCommand;
  let failing = false;
  let gaveUpWaiting = false;
  redis.on("ready", () => {
    if (failing) logger?.info("send rate limit is back on Redis");
    failing = false;
  });
  redis.once("error", () => {
    gaveUpWaiting = true;
  });
  // Start-up waits briefly for the connection so the first sends already share the bucket.
  await waitUntil(() => redis.status === "ready" || gaveUpWaiting, 1000);

  const ratePerMs = ratePerSecond / 1000;
  const call = async (userId: number, cost: 1 | -1): Promise<number | null> => {
    try {
      const wait = await command.parleySendBucket(`parley:send-bucket:${userId}`, ratePerMs, burst, clock.now(), cost);
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
    close: () => quit(redis),
  };
}
