// Builds the Elysia app from its dependencies. No listening here: index.ts (or a test)
// decides where it runs.
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Elysia } from "elysia";
import { createKnownDevices } from "./auth/known-devices.ts";
import { createLoginThrottle } from "./auth/login-throttle.ts";
import { type AddressSource, clientIp, tokenFromRequest } from "./auth/request.ts";
import { authRoutes } from "./auth/routes.ts";
import { authenticateToken } from "./auth/sessions.ts";
import { createSignupThrottle } from "./auth/signup-throttle.ts";
import { createTokenSigner } from "./auth/tokens.ts";
import { isStorageFailure, STORAGE_RETRY_AFTER_SECONDS } from "./db/write-health.ts";
import type { Deps } from "./deps.ts";
import { AVATAR_PATH, avatarRoutes } from "./files/avatar-routes.ts";
import { fileRoutes, UPLOAD_PATH } from "./files/routes.ts";
import { apiDocsRoutes } from "./http/api-docs.ts";
import { appErrorResponse, errorResponse, fieldsFromIssues } from "./http/errors.ts";
import { readJsonText } from "./http/json-body.ts";
import { refuseCrossSite } from "./http/origin.ts";
import { requestIdOf } from "./http/request-id.ts";
import { SECURITY_HEADERS } from "./http/security-headers.ts";
import { webRoutes } from "./http/web.ts";
import { metricsRoutes } from "./metrics/routes.ts";
import { realtimeRoutes, WEBSOCKET_OPTIONS } from "./realtime/ws.ts";
import type { Health } from "./shared/api.ts";
import { AppError, errorBody, INTERNAL_ERROR_MESSAGE, STORAGE_UNAVAILABLE_MESSAGE } from "./shared/errors.ts";
import type { TrpcContext } from "./trpc/init.ts";
import { appRouter } from "./trpc/router.ts";
import { answerSingleQuery } from "./trpc/single-query.ts";

/** Largest HTTP body accepted (the contract's 64 KiB). */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;

/** Most calls in one tRPC batch (the web client splits its batches at the same size). */
export const MAX_TRPC_BATCH = 20;

export function createApp(deps: Deps) {
  const signer = createTokenSigner(deps.config.jwtSecret);
  const throttle = createLoginThrottle(deps.db, deps.clock);
  const signupThrottle = createSignupThrottle(deps.db, deps.clock, deps.config.signupLimit);
  const devices = createKnownDevices(deps.config.jwtSecret);

  const requestStarts = new WeakMap<Request, number>();
  let server: AddressSource | null = null;
  const serverRef = () => server;

  const handleTrpc = async ({ request }: { request: Request }) => {
    const createContext = async (resHeaders: Headers): Promise<TrpcContext> => ({
      deps,
      session: await authenticateToken(deps, signer, tokenFromRequest(request)),
      ip: () => clientIp(request, serverRef(), deps.config.trustProxy),
      resHeaders,
      requestId: requestIdOf(request),
    });
    const onError = (error: TRPCError, path: string | undefined) => {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        deps.logger.error({ err: error, path, reqId: requestIdOf(request) }, "trpc error");
      }
    };
    return (
      (await answerSingleQuery(request, { createContext, onError })) ??
      fetchRequestHandler({
        endpoint: "/trpc",
        req: await boundedTrpcRequest(request),
        router: appRouter,
        maxBatchSize: MAX_TRPC_BATCH,
        createContext: ({ resHeaders }) => createContext(resHeaders),
        onError: ({ error, path }) => onError(error, path),
      })
    );
  };

  const app = new Elysia({
    // Uploads are the only large bodies (streamed and counted in src/files/uploads.ts);
    // every other route stops at MAX_HTTP_BODY_BYTES below.
    serve: { maxRequestBodySize: Math.max(MAX_HTTP_BODY_BYTES * 2, deps.config.maxUpload + MAX_HTTP_BODY_BYTES) },
    websocket: WEBSOCKET_OPTIONS,
  })
    .onStart(({ server: started }) => {
      server = started ?? null;
    })
    .onRequest(({ request, set }) => {
      requestStarts.set(request, performance.now());
      Object.assign(set.headers, SECURITY_HEADERS);
      set.headers["x-request-id"] = requestIdOf(request);
      const crossSite = refuseCrossSite(request, deps.config);
      if (crossSite) return crossSite;
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > MAX_HTTP_BODY_BYTES && !isUpload(request)) {
        return errorResponse("PAYLOAD_TOO_LARGE", `Bodies are limited to ${MAX_HTTP_BODY_BYTES} bytes`);
      }
    })
    .onAfterResponse(({ request, set, path, route, responseValue }) => {
      const started = requestStarts.get(request);
      const status = upgradedStatus(
        request,
        route,
        responseValue instanceof Response ? responseValue.status : set.status,
      );
      const label = routeLabel(route, path);
      deps.metrics.httpRequests.inc({ method: request.method, route: label, status: String(status) });
      if (started !== undefined) {
        deps.metrics.httpDuration.observe(
          { method: request.method, route: label },
          (performance.now() - started) / 1000,
        );
      }
      // Health checks come every few seconds from Docker and nginx: visible at debug only.
      const level = path === "/api/health" ? "debug" : "info";
      deps.logger[level](
        {
          reqId: requestIdOf(request),
          method: request.method,
          path,
          status,
          ms: started !== undefined ? Math.round((performance.now() - started) * 100) / 100 : undefined,
        },
        "request",
      );
    })
    .onError(({ code, error, request }) => {
      if (error instanceof AppError) return appErrorResponse(error);
      // A body parser's own refusal (src/http/json-body.ts), wrapped by Elysia.
      if (code === "PARSE" && error.cause instanceof AppError) return appErrorResponse(error.cause);
      switch (code) {
        case "VALIDATION":
          return errorResponse("BAD_REQUEST", "Some fields are invalid", fieldsFromIssues(error.all));
        case "PARSE":
          return errorResponse("BAD_REQUEST", "The body is not valid JSON");
        case "NOT_FOUND":
          return errorResponse("NOT_FOUND", "No such route");
        default: {
          const requestId = requestIdOf(request);
          if (isStorageFailure(error)) {
            deps.writeHealth.failed();
            deps.logger.error({ err: error, reqId: requestId }, "storage failure");
            return appErrorResponse(
              new AppError("SERVICE_UNAVAILABLE", STORAGE_UNAVAILABLE_MESSAGE, undefined, STORAGE_RETRY_AFTER_SECONDS),
            );
          }
          deps.logger.error({ err: error, reqId: requestId }, "unhandled error");
          return Response.json(errorBody("INTERNAL_SERVER_ERROR", INTERNAL_ERROR_MESSAGE, undefined, requestId), {
            status: 500,
          });
        }
      }
    })
    .use(deps.config.apiDocs ? apiDocsRoutes() : new Elysia({ name: "api-docs-off" }))
    .use(authRoutes(deps, { signer, throttle, signupThrottle, devices }, serverRef))
    .use(metricsRoutes(deps))
    .use(realtimeRoutes(deps, signer))
    .use(fileRoutes(deps, signer))
    .use(avatarRoutes(deps, signer))
    .get(
      "/api/health",
      async ({ set }) => {
        let db: Health["db"];
        try {
          await deps.database.ping();
          db = deps.writeHealth.state();
        } catch {
          db = "down";
        }
        const health: Health = { ok: db === "ok", db, bus: deps.bus.state() };
        set.status = db === "ok" ? 200 : 503;
        set.headers["cache-control"] = "no-store";
        return health;
      },
      { detail: { summary: "Liveness and dependency state" } },
    )
    .get("/trpc/*", handleTrpc, { parse: "none" })
    .post("/trpc/*", handleTrpc, { parse: "none" })
    // Last: the web client and its fallback to index.html for client-side routes.
    .use(webRoutes({ imageOrigins: deps.files.downloadOrigin ? [deps.files.downloadOrigin] : [] }));

  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * tRPC parses bodies itself (and also takes multipart and octet-stream): a POST must be
 * JSON within the size and depth bounds before it gets there. The checked text is handed
 * on in a new Request, since the original's body is read.
 */
async function boundedTrpcRequest(request: Request): Promise<Request> {
  if (request.method !== "POST") return request;
  const text = await readJsonText(request, MAX_HTTP_BODY_BYTES);
  return new Request(request.url, { method: "POST", headers: request.headers, body: text, signal: request.signal });
}

const isUpload = (request: Request) => {
  if (request.method !== "POST") return false;
  const path = new URL(request.url).pathname;
  return path === UPLOAD_PATH || path === AVATAR_PATH;
};

const procedures = new Set(Object.keys(appRouter._def.procedures));

// A WebSocket upgrade that went through answered 101 (Elysia's status says 200).
function upgradedStatus(request: Request, route: string | undefined, status: unknown) {
  const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
  return upgrade && route === "/ws" && (status === 200 || status === undefined) ? 101 : status;
}

// A bounded set of labels: the route pattern, or the tRPC procedure when it exists.
function routeLabel(route: string | undefined, path: string): string {
  if (route === "/trpc/*") {
    const name = path.slice("/trpc/".length);
    return procedures.has(name) ? `trpc:${name}` : "trpc:other";
  }
  return route || "unmatched";
}
