// Presence shared by every instance through Redis: each instance keeps a per-user entry
// with an expiry that a heartbeat refreshes, so that a crashed instance's users go
// offline within PRESENCE_TTL_MS + PRESENCE_HEARTBEAT_MS.
import type { Logger } from "pino";
import { openRedis, quit, waitUntil } from "../infra/redis.ts";
import type { Presence } from "./presence.ts";

export const PRESENCE_TTL_MS = 20_000;
export const PRESENCE_HEARTBEAT_MS = 5_000;

const KEY_PREFIX = "parley:presence:user:";
/** Every (user, instance) entry by expiry time, for the sweep that finds crashed instances. */
const EXPIRY_INDEX = "parley:presence:expiry";
const HEARTBEAT_BATCH = 500;

// Times come from Redis (TIME), so that instances with skewed clocks agree.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// Adds this instance's entry for each user; returns the users nobody else had an entry for.
// KEYS: the expiry index, then one key per user. ARGV: instance, ttl, key ttl, then the user ids.
const ADD_SCRIPT = `${NOW}
local expires = now + tonumber(ARGV[2])
local appeared = {}
for i = 2, #KEYS do
  local uid = ARGV[i + 2]
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local mine = redis.call('ZSCORE', KEYS[i], ARGV[1])
  local others = redis.call('ZCARD', KEYS[i])
  if mine then others = others - 1 end
  redis.call('ZADD', KEYS[i], expires, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
  redis.call('ZADD', KEYS[1], expires, uid .. ':' .. ARGV[1])
  if (not mine) and others == 0 then table.insert(appeared, uid) end
end
return appeared`;

// Removes this instance's entry; 1 when the user has no entry left anywhere.
// KEYS: the user's key, the expiry index. ARGV: instance, user id.
const REMOVE_SCRIPT = `${NOW}
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2] .. ':' .. ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if removed == 1 and redis.call('ZCARD', KEYS[1]) == 0 then return 1 end
return 0`;

// Pops expired entries (instances that stopped refreshing them) and returns the users left
// with none. Atomic, so that one instance announces each of them.
// KEYS: the expiry index. ARGV: user key prefix, most entries to pop.
const SWEEP_SCRIPT = `${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local gone = {}
for _, item in ipairs(expired) do
  redis.call('ZREM', KEYS[1], item)
  local sep = string.find(item, ':', 1, true)
  local uid = string.sub(item, 1, sep - 1)
  local key = ARGV[1] .. uid
  local score = redis.call('ZSCORE', key, string.sub(item, sep + 1))
  if score and tonumber(score) <= now then
    redis.call('ZREM', key, string.sub(item, sep + 1))
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) == 0 then table.insert(gone, uid) end
  end
end
return gone`;

// KEYS: one key per user. Returns 1 or 0 for each.
const ONLINE_SCRIPT = `${NOW}
local out = {}
for i = 1, #KEYS do
  if redis.call('ZCOUNT', KEYS[i], '(' .. now, '+inf') > 0 then out[i] = 1 else out[i] = 0 end
end
return out`;

export type RedisPresenceOptions = {
  url: string;
  instanceId: string;
  logger: Logger;
  ttlMs?: number;
  heartbeatMs?: number;
  /** How long creation waits for a first connection before starting without Redis. */
  connectTimeoutMs?: number;
};

/** Waits (a bounded time) for Redis; without it, presence starts per-instance and catches up. */
export async function createRedisPresence(options: RedisPresenceOptions): Promise<Presence> {
  const { instanceId, logger } = options;
  const ttlMs = options.ttlMs ?? PRESENCE_TTL_MS;
  // The user's key outlives its entries, so that the sweep still finds what expired.
  const keyTtlMs = ttlMs * 3;
  const heartbeatMs = options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS;
  // Commands fail at once while Redis is down: presence then falls back to this instance.
  const redis = openRedis(options.url, "parley-presence", {
    extra: { enableOfflineQueue: false, commandTimeout: 2000 },
    logger,
    what: "presence",
  });
  const here = new Set<number>();
  const handlers: ((userId: number, online: boolean) => void)[] = [];
  let closed = false;

  const keyOf = (userId: number) => `${KEY_PREFIX}${userId}`;
  const ready = () => redis.status === "ready";
  const notify = (userId: number, online: boolean) => {
    for (const handler of handlers) {
      try {
        handler(userId, online);
      } catch (error) {
        logger.error({ err: error }, "presence handler failed");
      }
    }
  };

  async function refresh() {
    const users = [...here];
    for (let i = 0; i < users.length; i += HEARTBEAT_BATCH) {
      const batch = users.slice(i, i + HEARTBEAT_BATCH);
      const appeared = (await redis.eval(
        ADD_SCRIPT,
        batch.length + 1,
        EXPIRY_INDEX,
        ...batch.map(keyOf),
        instanceId,
        ttlMs,
        keyTtlMs,
        ...batch,
      )) as string[];
      // Entries that had expired (Redis was away too long): these users are back.
      for (const uid of appeared) if (here.has(Number(uid))) notify(Number(uid), true);
    }
  }

  async function sweep() {
    const gone = (await redis.eval(SWEEP_SCRIPT, 1, EXPIRY_INDEX, KEY_PREFIX, 1000)) as string[];
    for (const uid of gone) notify(Number(uid), false);
  }

  async function beat() {
    if (closed || !ready()) return;
    try {
      await refresh();
      await sweep();
    } catch (error) {
      logger.warn({ err: error }, "presence heartbeat failed");
    }
  }

  // One beat at a time; a call made during one runs after it, so that when the returned
  // promise resolves, a whole refresh and sweep started after the call is done.
  let inFlight: Promise<void> | null = null;
  function heartbeat(): Promise<void> {
    const run = (inFlight ?? Promise.resolve()).then(beat);
    inFlight = run;
    void run.finally(() => {
      if (inFlight === run) inFlight = null;
    });
    return run;
  }

  const timer = setInterval(() => {
    if (!inFlight) void heartbeat();
  }, heartbeatMs);
  timer.unref();
  // Each time Redis is (back) there, put this instance's users in at once: after an outage,
  // or when sockets opened before the first connection.
  redis.on("ready", () => void heartbeat());
  await waitUntil(ready, options.connectTimeoutMs ?? 3000);

  return {
    state: () => (ready() ? "redis" : "degraded"),
    async online(userIds) {
      if (userIds.length === 0) return new Set();
      if (ready()) {
        try {
          const flags = (await redis.eval(ONLINE_SCRIPT, userIds.length, ...userIds.map(keyOf))) as number[];
          return new Set(userIds.filter((_, i) => flags[i] === 1));
        } catch (error) {
          logger.warn({ err: error }, "presence lookup failed, answering for this instance only");
        }
      }
      return new Set(userIds.filter((id) => here.has(id)));
    },
    async connected(userId) {
      here.add(userId);
      if (!ready()) return true;
      try {
        const appeared = (await redis.eval(
          ADD_SCRIPT,
          2,
          EXPIRY_INDEX,
          keyOf(userId),
          instanceId,
          ttlMs,
          keyTtlMs,
          userId,
        )) as string[];
        return appeared.length > 0;
      } catch (error) {
        logger.warn({ err: error }, "presence update failed");
        return true;
      }
    },
    async disconnected(userId) {
      here.delete(userId);
      if (!ready()) return true;
      try {
        return (await redis.eval(REMOVE_SCRIPT, 2, keyOf(userId), EXPIRY_INDEX, instanceId, userId)) === 1;
      } catch (error) {
        logger.warn({ err: error }, "presence update failed");
        return true;
      }
    },
    onChange(handler) {
      handlers.push(handler);
    },
    heartbeat,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      handlers.length = 0;
      // Users still counted here (sockets that did not close cleanly) leave with us.
      if (ready()) {
        await Promise.allSettled(
          [...here].map((userId) => redis.eval(REMOVE_SCRIPT, 2, keyOf(userId), EXPIRY_INDEX, instanceId, userId)),
        );
      }
      here.clear();
      await quit(redis);
    },
  };
}
