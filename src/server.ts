// Assembles a running Parley: dependencies from a config, the app, listening, and an
// orderly stop. Used by index.ts and by tests that need a real server.
import { createApp } from "./app.ts";
import { createSendLimiter } from "./chat/send-limiter.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { type Clock, type Deps, systemClock } from "./deps.ts";
import { createLogger } from "./log.ts";
import { createMetrics } from "./metrics/metrics.ts";
import type { Bus } from "./realtime/bus.ts";
import { createLocalBus } from "./realtime/local-bus.ts";
import { createNotifier } from "./realtime/notifier.ts";

export type RunningServer = {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  url: string;
  port: number;
  /** Stops accepting, closes sockets with 1001, finishes in-flight requests, closes the DB. */
  stop(): Promise<void>;
};

export async function createBus(config: Config): Promise<Bus> {
  return createLocalBus();
}

export async function buildDeps(config: Config, options: { clock?: Clock } = {}): Promise<Deps> {
  const database = openDatabase(config.databasePath);
  const bus = await createBus(config);
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config);
  return {
    config,
    db: database.db,
    database,
    bus,
    notifier: createNotifier(bus),
    presence: { online: async () => new Set() },
    clock,
    logger,
    metrics: createMetrics(),
    sendLimiter: await createSendLimiter(config, clock, logger),
  };
}

export async function startServer(config: Config, options: { clock?: Clock } = {}): Promise<RunningServer> {
  const deps = await buildDeps(config, options);
  const app = createApp(deps);
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
        await server.stop(false);
        await deps.bus.close();
        await deps.sendLimiter.close();
        deps.database.close();
      })();
      return stopping;
    },
  };
}
