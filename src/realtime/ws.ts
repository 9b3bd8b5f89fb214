// GET /ws: the WebSocket of protocol v1 (src/shared/events.ts), on Bun's native WebSocket.
// Origin and credentials are checked before the upgrade, so a refused client gets a plain
// 401/403 answer, never a socket. The route upgrades itself rather than through Elysia's
// .ws(): that one keeps the whole request context (the Request, its headers, the store)
// and eight closures alive per socket, and wraps the socket in a new object of a dozen
// bound functions per frame. Elysia's server-level handler calls `ws.data.open(ws)` and
// the like, so each socket's data is its session, its request id and shared handlers.
import type { Server, ServerWebSocket } from "bun";
import { Elysia, status } from "elysia";
import { tokenFromRequest } from "../auth/request.ts";
import { type AuthSession, authenticateToken } from "../auth/sessions.ts";
import type { TokenSigner } from "../auth/tokens.ts";
import { conversationIdsOf } from "../chat/conversations.ts";
import type { Deps } from "../deps.ts";
import { originAllowed } from "../http/origin.ts";
import { requestIdOf } from "../http/request-id.ts";
import { recordSocketClose } from "../metrics/metrics.ts";
import { errorBody } from "../shared/errors.ts";
import { handleClientMessage, pumpReplay } from "./client-frames.ts";
import { createHub } from "./hub.ts";
import { socketClosed, socketOpened } from "./lifecycle.ts";
import { createPresenceAnnouncements } from "./presence-announcements.ts";

/**
 * Bun's WebSocket limits. Elysia only reads them from `new Elysia({ websocket })` of the
 * app that listens (per-route ones are ignored), so app.ts passes these.
 */
export const WEBSOCKET_OPTIONS = {
  // Compression off: known crashes mixing publish and send with deflate, and it is a side channel.
  perMessageDeflate: false,
  // Above the contract's 16 KiB, so that a larger frame reaches the handler and gets an
  // `error` frame instead of Bun closing the socket with 1009.
  maxPayloadLength: 64 * 1024,
  // A socket this far behind is closed; its client reconnects and resumes from the database.
  // (The hub closes it earlier, at SLOW_CONSUMER_BYTES, with 1013.)
  backpressureLimit: 1024 * 1024,
  closeOnBackpressureLimit: true,
  // Bun pings a quiet socket before this many seconds; one that does not answer is closed.
  idleTimeout: 60,
  sendPings: true,
};

/** What each socket keeps: its session until it is registered, and its upgrade's request id. */
type SocketData = SocketHandlers & { session: AuthSession | null; reqId: string };

/** The events Elysia's server-level WebSocket handler forwards to `ws.data`; one set for all sockets. */
type SocketHandlers = {
  open(ws: ServerWebSocket<SocketData>): void;
  message(ws: ServerWebSocket<SocketData>, message: string | Buffer): void;
  drain(ws: ServerWebSocket<SocketData>): void;
  close(ws: ServerWebSocket<SocketData>, code: number): void;
};

/** A text frame that looks like JSON, parsed; anything else as it came (client-frames.ts refuses it). */
function parseFrame(message: string | Buffer): unknown {
  if (typeof message !== "string") return message;
  const first = message.charCodeAt(0);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return message;
  try {
    return JSON.parse(message);
  } catch {
    return message;
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

export function realtimeRoutes(deps: Deps, signer: TokenSigner) {
  const hub = createHub(deps, { conversationsOf: (userId) => conversationIdsOf(deps.db, userId) });
  const announcements = createPresenceAnnouncements(deps, hub.isConnected);
  const ctx = { deps, hub, announcements };
  const handlers: SocketHandlers = {
    open(ws) {
      deps.metrics.websocketUpgrades.inc();
      const { session, reqId } = ws.data;
      // Not needed once the socket is registered (the hub keeps the ids).
      ws.data.session = null;
      if (!session) return;
      void socketOpened(ctx, ws, session).catch((error: unknown) => {
        deps.logger.error({ err: error, reqId }, "socket open failed");
        ws.close(1011, "Something went wrong on our side");
      });
    },
    message(ws, message) {
      const conn = hub.connOf(ws);
      if (conn) void handleClientMessage(ctx, conn, parseFrame(message));
    },
    drain(ws) {
      const conn = hub.connOf(ws);
      if (conn) pumpReplay(ctx, conn);
    },
    close(ws, code) {
      recordSocketClose(deps.metrics, code);
      try {
        socketClosed(ctx, ws);
      } catch (error) {
        deps.logger.error({ err: error, reqId: ws.data.reqId }, "socket close failed");
      }
    },
  };
  return (
    new Elysia()
      // server.ts reaches these through the app to close sockets on shutdown.
      .decorate("realtime", { shutdown: hub.shutdown, settled: announcements.settled })
      .onStart(({ server }) => {
        if (server) hub.attach(server);
      })
      .resolve(async ({ request }) => {
        if (!originAllowed(request, deps.config)) {
          return status(403, errorBody("FORBIDDEN", "This origin may not open a socket"));
        }
        const session = await authenticateToken(deps, signer, tokenFromRequest(request));
        if (!session) return status(401, errorBody("UNAUTHORIZED", "Sign in first"));
        // The upgrade's request id, on this socket's error lines.
        return { session, reqId: requestIdOf(request) };
      })
      .get(
        "/ws",
        ({ request, server, session, reqId, set }) => {
          const data: SocketData = { ...handlers, session, reqId };
          // The 101 carries the headers every answer does (the request id, the security headers).
          const headers = set.headers as Record<string, string>;
          if ((server as Server<SocketData> | null)?.upgrade(request, { headers, data })) return;
          return status(400, errorBody("BAD_REQUEST", "Expected a WebSocket upgrade"));
        },
        { detail: { hide: true } },
      )
  );
}
