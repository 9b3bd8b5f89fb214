// Assembles a running Parley: dependencies from a config, the app, listening, and an
// orderly stop. Used by index.ts and by tests that need a real server.
import type { Logger } from "pino";
import { createApp } from "./app.ts";
import { createSessionCache } from "./auth/session-cache.ts";
import { createLocalSendLimiter } from "./chat/local-send-limiter.ts";
import { type SendLimiter, unlimitedSends } from "./chat/send-limiter.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { openConfiguredDatabase } from "./db/open.ts";
import { startSearchIndexer } from "./db/search-backlog.ts";
import { createWriteHealth } from "./db/write-health.ts";
import type { Deps } from "./deps.ts";
import { createFileStorage } from "./files/storage.ts";
import { startUploadSweeper } from "./files/sweeper.ts";
import { createLogger } from "./log.ts";
import { createMetrics, registerWalSize } from "./metrics/metrics.ts";
import { timeStatements } from "./metrics/statement-timing.ts";
import type { Bus } from "./realtime/bus.ts";
import { createLocalBus } from "./realtime/local-bus.ts";
import { createLocalPresence } from "./realtime/local-presence.ts";
import { createNotifier } from "./realtime/notifier.ts";
import type { Presence } from "./realtime/presence.ts";

export type RunningServer = {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  url: string;
  port: number;
  /** Stops accepting, closes sockets with 1001, finishes in-flight requests, closes the DB. */
  stop(): Promise<void>;
};

type RealtimeOptions = { instanceId: string; logger: Logger; onReconnect?: () => void };

// Redis (ioredis) and mail (nodemailer) are imported only when configured: loading them
// cost every start time and ~13 MB of resident memory that a single instance never uses.

/** The in-process bus, or the Redis one when REDIS_URL is set (starting degraded if Redis is away). */
export async function createBus(config: Config, options: RealtimeOptions): Promise<Bus> {
  if (!config.redisUrl) return createLocalBus();
  const { createRedisBus } = await import("./realtime/redis-bus.ts");
  return createRedisBus({ url: config.redisUrl, ...options });
}

export async function createPresence(config: Config, options: RealtimeOptions): Promise<Presence> {
  if (!config.redisUrl) return createLocalPresence();
  const { createRedisPresence } = await import("./realtime/redis-presence.ts");
  return createRedisPresence({ url: config.redisUrl, ...options });
}

/** Off (SEND_RATE=0), in-process, or in Redis when REDIS_URL is set (falling back in-process). */
export async function createSendLimiter(
  config: Pick<Config, "sendRate" | "sendBurst" | "redisUrl">,
  clock: Clock,
  logger?: Logger,
): Promise<SendLimiter> {
  if (config.sendRate <= 0) return unlimitedSends;
  const rule = { ratePerSecond: config.sendRate, burst: config.sendBurst };
  if (!config.redisUrl) return createLocalSendLimiter(rule.ratePerSecond, rule.burst, clock);
  const { createRedisSendLimiter } = await import("./chat/redis-send-limiter.ts");
  return createRedisSendLimiter({ url: config.redisUrl, ...rule, clock, logger });
}

export async function buildDeps(config: Config, options: { clock?: Clock } = {}): Promise<Deps> {
  const database = await openConfiguredDatabase(config);
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config);
  const metrics = createMetrics();
  // Statement timing and the WAL's size read SQLite's own connection and file; PostgreSQL
  // has its own statistics (pg_stat_statements) and no file of ours to measure.
  if (database.dialect === "sqlite") {
    timeStatements(database.sqlite, metrics);
    registerWalSize(metrics, config.databasePath);
  }
  // Tags this process on the Redis bus (to ignore its own echo) and in presence entries.
  const instanceId = crypto.randomUUID();
  // Each waits a bounded time for Redis: together, so a Redis that is down delays start-up once.
  const [bus, presence] = await Promise.all([
    createBus(config, { instanceId, logger, onReconnect: () => metrics.busReconnects.inc() }),
    createPresence(config, { instanceId, logger }),
  ]);
  return {
    config,
    db: database.db,
    database,
    bus,
    notifier: createNotifier(bus),
    sessionCache: createSessionCache(bus),
    presence,
    clock,
    logger,
    metrics,
    writeHealth: createWriteHealth(database.dialect === "sqlite" ? database.sqlite : null, clock, metrics),
    sendLimiter: await createSendLimiter(config, clock, logger),
    mailer: config.mail ? (await import("./infra/mail.ts")).createMailer(config.mail.smtpUrl, config.mail.from) : null,
    files: createFileStorage(config),
  };
}

export async function startServer(config: Config, options: { clock?: Clock } = {}): Promise<RunningServer> {
  const deps = await buildDeps(config, options);
  const app = createApp(deps);
  const stopSweeper = startUploadSweeper(deps);
  const stopSearchIndexer = startSearchIndexer(deps.db, (error) =>
    deps.logger.error({ err: error }, "indexing new messages for search failed"),
  );
  app.listen({ hostname: config.host, port: config.port });
  const server = app.server;
  if (!server) throw new Error("server did not start");
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${server.port}`;
  let stopping: Promise<void> | null = null;
  return {
    deps,
    app,
    url,
    port: server.port ?? config.port,
    stop() {
      stopping ??= (async () => {
        // Stop accepting, then close every socket with 1001 (clients reconnect elsewhere
        // and resume); requests in flight finish. Whatever still hangs after a few
        // seconds is cut, so that the process exits within the contract's 10 s.
        const backgroundWork = Promise.all([stopSweeper(), stopSearchIndexer()]);
        const drained = server.stop(false);
        app.decorator.realtime.shutdown();
        const cut = await Promise.race([drained.then(() => false), Bun.sleep(5000).then(() => true)]);
        if (cut) await server.stop(true);
        await app.decorator.realtime.settled();
        await backgroundWork;
        await deps.presence.close();
        await deps.bus.close();
        await deps.sendLimiter.close();
        deps.mailer?.close();
        await deps.database.close();
      })();
      return stopping;
    },
  };
}
