// The one recipe for a Redis connection (the bus's publisher and subscriber, presence, the
// send limiter): named, reconnecting quickly then every 2 s, errors logged at most every
// 10 s, and closed without hanging on a Redis that is away.
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

// Reconnect quickly at first, then every 2 s: a restarted Redis is found within seconds.
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2000);

/**
 * A connection named `name` (CLIENT LIST shows it). ioredis reports every failed reconnect
 * as an `error` event and prints it without a listener: given a logger, they are logged
 * as `what` at most every 10 s; without one, ignored (the caller watches the state).
 */
export function openRedis(
  url: string,
  name: string,
  options: { extra?: RedisOptions; logger?: Pick<Logger, "warn">; what?: string } = {},
): Redis {
  const redis = new Redis(url, { connectionName: name, retryStrategy, maxRetriesPerRequest: 1, ...options.extra });
  let lastErrorLog = 0;
  redis.on("error", (error: Error) => {
    if (!options.logger || Date.now() - lastErrorLog <= 10_000) return;
    lastErrorLog = Date.now();
    options.logger.warn({ err: error.message }, `${options.what ?? name}: Redis connection error`);
  });
  return redis;
}

/** Waits at most `timeoutMs` for the condition (a first connection, usually). */
export async function waitUntil(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await Bun.sleep(10);
}

/** QUIT when connected (flushes what is pending), otherwise just stop reconnecting. */
export async function quit(connection: Redis) {
  if (connection.status === "ready") {
    await connection.quit().catch(() => connection.disconnect());
  } else {
    connection.disconnect();
  }
}
