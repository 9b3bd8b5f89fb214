// Redis bus: every instance delivers its own events locally at once, then publishes them
// on one Redis channel for the other instances. Pub/sub is at-most-once, and nothing on
// the send path waits for Redis: while it is down, local delivery goes on, the health
// check says "degraded", and when it is back the sockets are told to `resume`.
import type { Logger } from "pino";
import { openRedis, quit, waitUntil } from "../infra/redis.ts";
import type { Bus, BusEvent } from "./bus.ts";

export const BUS_CHANNEL = "parley:bus";

/** What travels on the channel: the event and the instance that published it. */
type Envelope = { from: string; event: BusEvent };

export type RedisBusOptions = {
  url: string;
  /** Tags this instance's publications, so that it ignores its own echo. */
  instanceId: string;
  logger: Logger;
  /** Called each time the bus is back after losing Redis (for metrics). */
  onReconnect?: () => void;
  /** How long `createRedisBus` waits for a first connection before starting degraded. */
  connectTimeoutMs?: number;
};

export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const { instanceId, logger } = options;
  const handlers: ((event: BusEvent) => void)[] = [];
  // The publisher never queues: a publish while Redis is down fails at once and the
  // event is gone for the other instances (their sockets are told to resume later).
  const publisher = openRedis(options.url, "parley-bus-pub", {
    extra: { enableOfflineQueue: false, maxRetriesPerRequest: 0 },
    logger,
    what: "bus",
  });
  // The subscriber resubscribes itself on each `ready`, so that "subscribed" is known
  // before the sockets are told to resume (ioredis's autoResubscribe does not say when).
  const subscriber = openRedis(options.url, "parley-bus-sub", {
    extra: { autoResubscribe: false },
    logger,
    what: "bus",
  });

  let closed = false;
  let subscribed = false;
  let everSubscribed = false;
  let publisherEverReady = false;

  const deliverLocally = (event: BusEvent) => {
    for (const handler of handlers) {
      try {
        handler(event);
      } catch (error) {
        logger.error({ err: error, event: event.type }, "bus handler failed");
      }
    }
  };

  const sendToOthers = (event: BusEvent) => {
    if (publisher.status !== "ready") return;
    const envelope: Envelope = { from: instanceId, event };
    // Never awaited, never retried: a failed publish is a lost frame that `resume` repairs.
    publisher
      .publish(BUS_CHANNEL, JSON.stringify(envelope))
      .catch((error: unknown) => logger.warn({ err: error }, "bus publish failed"));
  };

  publisher.on("ready", () => {
    // Back after an outage: what this instance published meanwhile never reached the
    // others, so tell their sockets to resume.
    if (publisherEverReady) sendToOthers({ type: "resync" });
    publisherEverReady = true;
  });

  subscriber.on("ready", () => {
    subscriber
      .subscribe(BUS_CHANNEL)
      .then(() => {
        if (closed) return;
        subscribed = true;
        if (everSubscribed) {
          logger.info("bus: Redis is back, asking local sockets to resume");
          options.onReconnect?.();
          // Whatever the others published meanwhile is lost to this instance's sockets.
          deliverLocally({ type: "resync" });
        }
        everSubscribed = true;
      })
      .catch((error: unknown) => logger.warn({ err: error }, "bus subscribe failed"));
  });
  subscriber.on("close", () => {
    if (subscribed) logger.warn("bus: lost Redis, delivering locally only");
    subscribed = false;
  });

  subscriber.on("message", (channel: string, raw: string) => {
    if (channel !== BUS_CHANNEL) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      logger.warn("bus: ignored a message that is not JSON");
      return;
    }
    if (!envelope || typeof envelope !== "object" || typeof envelope.from !== "string") return;
    if (envelope.from === instanceId) return;
    if (!envelope.event || typeof envelope.event.type !== "string") return;
    deliverLocally(envelope.event);
  });

  // Start "redis" when Redis is there; start "degraded" (and keep trying) when it is not.
  await waitUntil(() => subscribed && publisher.status === "ready", options.connectTimeoutMs ?? 3000);

  return {
    state: () => (subscribed && publisher.status === "ready" ? "redis" : "degraded"),
    publish(event) {
      // Local sockets first: they never wait for (or lose to) Redis.
      deliverLocally(event);
      sendToOthers(event);
    },
    onEvent(handler) {
      handlers.push(handler);
    },
    async close() {
      if (closed) return;
      closed = true;
      handlers.length = 0;
      await Promise.allSettled([quit(publisher), quit(subscriber)]);
    },
  };
}
