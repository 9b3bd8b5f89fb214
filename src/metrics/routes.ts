// GET /metrics in Prometheus text format; with METRICS_TOKEN set it needs the bearer token.
import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import type { Deps } from "../deps.ts";
import { errorResponse } from "../http/errors.ts";
import { recordBusState, recordOneOf } from "./metrics.ts";

function sameSecret(given: string, expected: string) {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(deps: Deps) {
  return new Elysia({ name: "metrics-routes" }).get(
    "/metrics",
    async ({ request }) => {
      const expected = deps.config.metricsToken;
      if (expected) {
        const header = request.headers.get("authorization") ?? "";
        if (!header.startsWith("Bearer ") || !sameSecret(header.slice(7), expected)) {
          return errorResponse("UNAUTHORIZED", "A metrics token is required", undefined, {
            "WWW-Authenticate": "Bearer",
          });
        }
      }
      recordBusState(deps.metrics, deps.bus.state());
      recordOneOf(deps.metrics.presenceState, "state", ["local", "redis", "degraded"], deps.presence.state());
      recordOneOf(deps.metrics.sendLimiterBackend, "backend", ["off", "memory", "redis"], deps.sendLimiter.backend());
      return new Response(await deps.metrics.registry.metrics(), {
        headers: { "Content-Type": deps.metrics.registry.contentType, "Cache-Control": "no-store" },
      });
    },
    { detail: { hide: true } },
  );
}
