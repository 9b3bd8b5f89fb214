// What every part of the server is given: built once in index.ts, or by a test.
import type { Logger } from "pino";
import type { SessionCache } from "./auth/session-cache.ts";
import type { SendLimiter } from "./chat/send-limiter.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db, DbHandle } from "./db/client.ts";
import type { WriteHealth } from "./db/write-health.ts";
import type { FileStorage } from "./files/storage.ts";
import type { Mailer } from "./infra/mail.ts";
import type { Metrics } from "./metrics/metrics.ts";
import type { Bus } from "./realtime/bus.ts";
import type { Notifier } from "./realtime/notifier.ts";
import type { Presence } from "./realtime/presence.ts";

export type Deps = {
  config: Config;
  db: Db;
  database: DbHandle;
  bus: Bus;
  notifier: Notifier;
  /** Live sessions remembered between requests, evicted over the bus. */
  sessionCache: SessionCache;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Whether the database takes writes (health, and the 503 for storage failures). */
  writeHealth: WriteHealth;
  /** The per-user token bucket on history.send. */
  sendLimiter: SendLimiter;
  /** Outgoing mail (SMTP_URL), or null when none is configured. */
  mailer: Mailer | null;
  /** Where uploaded files are kept: local disk or an S3-compatible bucket. */
  files: FileStorage;
};
