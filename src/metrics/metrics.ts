// Prometheus metrics, one registry per app (tests run several apps in one process).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BusState } from "../realtime/bus.ts";

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "parley_" });

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
  };
  return metrics;
}

export function recordBusState(metrics: Metrics, state: BusState) {
  for (const s of ["local", "redis", "degraded"] as const) metrics.busState.set({ state: s }, s === state ? 1 : 0);
}
