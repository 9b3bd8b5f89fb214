// Prometheus metrics, one registry per app (tests run several apps in one process).
import { statSync } from "node:fs";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import eventLoopLag from "prom-client/lib/metrics/eventLoopLag";
import gc from "prom-client/lib/metrics/gc";
import heapSizeAndUsed from "prom-client/lib/metrics/heapSizeAndUsed";
import osMemoryHeap from "prom-client/lib/metrics/osMemoryHeap";
import processCpuTotal from "prom-client/lib/metrics/processCpuTotal";
import processHandles from "prom-client/lib/metrics/processHandles";
import processMaxFileDescriptors from "prom-client/lib/metrics/processMaxFileDescriptors";
import processOpenFileDescriptors from "prom-client/lib/metrics/processOpenFileDescriptors";
import processRequests from "prom-client/lib/metrics/processRequests";
import processResources from "prom-client/lib/metrics/processResources";
import processStartTime from "prom-client/lib/metrics/processStartTime";
import version from "prom-client/lib/metrics/version";
import type { BusState } from "../realtime/bus.ts";
import { AppError, type ErrorCode } from "../shared/errors.ts";
import { buildInfo } from "../version.ts";

export type Metrics = ReturnType<typeof createMetrics>;

// prom-client's default gauges that end in _total, which Prometheus keeps for counters
// (promtool warns); the same numbers stay in parley_nodejs_active_handles and friends.
const MISNAMED_DEFAULTS = ["handles_total", "requests_total", "resources_total"].map(
  (n) => `parley_nodejs_active_${n}`,
);

// prom-client's default metrics (collectDefaultMetrics' list, in its order) but its
// per-space heap gauges: on Bun, v8.getHeapSpaceStatistics walks the whole heap (Bun's
// heapStats), which collectDefaultMetrics does once at start only to see whether it
// exists (the largest item of createMetrics in a start's profile) and again at every
// scrape, for one non-zero space out of thirteen. The heap's size and use stay in
// parley_nodejs_heap_size_total_bytes and parley_nodejs_heap_size_used_bytes.
const DEFAULT_METRICS = [
  processCpuTotal,
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  eventLoopLag,
  processResources,
  processHandles,
  processRequests,
  heapSizeAndUsed,
  version,
  gc,
];

export function createMetrics() {
  const registry = new Registry();
  for (const collect of DEFAULT_METRICS) collect(registry, { prefix: "parley_", eventLoopMonitoringPrecision: 10 });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);

  const metrics = {
    registry,
    httpRequests: new Counter({
      name: "parley_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "parley_http_request_duration_seconds",
      help: "HTTP request duration by route",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    openSockets: new Gauge({
      name: "parley_websocket_open",
      help: "Open WebSocket connections on this instance",
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: "parley_messages_sent_total",
      help: "Messages committed by this instance",
      registers: [registry],
    }),
    framesDelivered: new Counter({
      name: "parley_frames_delivered_total",
      help: "Event frames handed to local sockets, by type",
      labelNames: ["type"] as const,
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: "parley_message_delivery_latency_seconds",
      help: "From a message's commit to its publication to local sockets (cross-instance included)",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    sendsThrottled: new Counter({
      name: "parley_sends_throttled_total",
      help: "history.send calls refused by the rate limiter",
      registers: [registry],
    }),
    storageFailures: new Counter({
      name: "parley_storage_failures_total",
      help: "Writes the database refused (I/O error, read-only or full files), requests and health probes",
      registers: [registry],
    }),
    busReconnects: new Counter({
      name: "parley_bus_reconnects_total",
      help: "Times the Redis bus came back after losing its connection",
      registers: [registry],
    }),
    busState: new Gauge({
      name: "parley_bus_state",
      help: "1 for the bus's current state (local, redis or degraded)",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    dbStatementDuration: new Histogram({
      name: "parley_db_statement_duration_seconds",
      help: "SQLite statement run time, by kind (select, insert, update, delete, other)",
      labelNames: ["kind"] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
      registers: [registry],
    }),
    websocketCloses: new Counter({
      name: "parley_websocket_closes_total",
      help: "Closed WebSockets by close code (1000 normal, 1001 going away, 1006 abnormal, 1008 policy, 1013 too slow, ...)",
      labelNames: ["code"] as const,
      registers: [registry],
    }),
    websocketUpgrades: new Counter({
      name: "parley_websocket_upgrades_total",
      help: "WebSockets opened (HTTP 101 on /ws)",
      registers: [registry],
    }),
    resumeReplays: new Counter({
      name: "parley_resume_replays_total",
      help: "Catch-up replays started for a socket's resume",
      registers: [registry],
    }),
    resumeMessages: new Counter({
      name: "parley_resume_messages_total",
      help: "Messages sent to sockets by catch-up replays",
      registers: [registry],
    }),
    loginFailures: new Counter({
      name: "parley_login_failures_total",
      help: "Refused logins by reason (password, throttled, deactivated, error)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    presenceState: new Gauge({
      name: "parley_presence_state",
      help: "1 for where presence is kept now (local, redis, or degraded: Redis configured but away)",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    sendLimiterBackend: new Gauge({
      name: "parley_send_limiter_backend",
      help: "1 for where the send rate limit counts now (off, memory, or redis)",
      labelNames: ["backend"] as const,
      registers: [registry],
    }),
    buildInfo: new Gauge({
      name: "parley_build_info",
      help: "Always 1; the labels say which build runs",
      labelNames: ["version", "commit", "bun"] as const,
      registers: [registry],
    }),
  };
  const build = buildInfo();
  metrics.buildInfo.set({ version: build.version, commit: build.commit, bun: Bun.version }, 1);
  return metrics;
}

/** A gauge with one series per possible value: 1 for the current one, 0 for the others. */
export function recordOneOf<V extends string>(gauge: Gauge<string>, label: string, values: readonly V[], current: V) {
  for (const value of values) gauge.set({ [label]: value }, value === current ? 1 : 0);
}

/** The WAL file's size: how far checkpoints lag behind writes. */
export function registerWalSize(metrics: Metrics, databasePath: string) {
  new Gauge({
    name: "parley_db_wal_bytes",
    help: "Size of the SQLite write-ahead log (the database's -wal file)",
    registers: [metrics.registry],
    collect() {
      try {
        this.set(statSync(`${databasePath}-wal`).size);
      } catch {
        this.set(0);
      }
    },
  });
}

const LOGIN_FAILURE_REASONS: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: "password",
  TOO_MANY_REQUESTS: "throttled",
  FORBIDDEN: "deactivated",
};

export function recordLoginFailure(metrics: Metrics, error: unknown) {
  const reason = error instanceof AppError ? LOGIN_FAILURE_REASONS[error.code] : undefined;
  metrics.loginFailures.inc({ reason: reason ?? "error" });
}

/** The close codes that get their own series; any other is counted as "other". */
const CLOSE_CODES = new Set([1000, 1001, 1005, 1006, 1008, 1009, 1011, 1012, 1013, 4001, 4003]);

export function recordSocketClose(metrics: Metrics, code: number) {
  metrics.websocketCloses.inc({ code: CLOSE_CODES.has(code) ? String(code) : "other" });
}

export function recordBusState(metrics: Metrics, state: BusState) {
  recordOneOf(metrics.busState, "state", ["local", "redis", "degraded"], state);
}
