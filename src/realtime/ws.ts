// GET /ws: the WebSocket of protocol v1 (src/shared/events.ts), on Bun's native WebSocket
// through Elysia's .ws(). Origin and credentials are checked before the upgrade, so a
// refused client gets a plain 401/403 answer, never a socket.
import { Elysia, status } from "elysia";
import { tokenFromRequest } from "../auth/request.ts";
import { authenticateToken } from "../auth/sessions.ts";
import type { TokenSigner } from "../auth/tokens.ts";
import { conversationIdsOf } from "../chat/conversations.ts";
import type { Deps } from "../deps.ts";
import { originAllowed } from "../http/origin.ts";
import { requestIdOf } from "../http/request-id.ts";
import { recordSocketClose } from "../metrics/metrics.ts";
import { errorBody } from "../shared/errors.ts";
import { handleClientMessage, pumpReplay } from "./client-frames.ts";
import { createHub, type Socket } from "./hub.ts";
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

// Elysia's bundled typings of Bun's ServerWebSocket lag behind Bun's (no getBufferedAmount);
// the object is Bun's own.
const socketOf = (ws: { raw: unknown }) => ws.raw as Socket;

export function realtimeRoutes(deps: Deps, signer: TokenSigner) {
  const hub = createHub(deps, { conversationsOf: (userId) => conversationIdsOf(deps.db, userId) });
  const announcements = createPresenceAnnouncements(deps, hub.isConnected);
  const ctx = { deps, hub, announcements };
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
      .ws("/ws", {
        detail: { hide: true },
        open(ws) {
          deps.metrics.websocketUpgrades.inc();
          void socketOpened(ctx, socketOf(ws), ws.data.session).catch((error: unknown) => {
            deps.logger.error({ err: error, reqId: ws.data.reqId }, "socket open failed");
            socketOf(ws).close(1011, "Something went wrong on our side");
          });
        },
        message(ws, message) {
          const conn = hub.connOf(socketOf(ws));
          if (conn) void handleClientMessage(ctx, conn, message);
        },
        drain(ws) {
          const conn = hub.connOf(socketOf(ws));
          if (conn) pumpReplay(ctx, conn);
        },
        close(ws, code) {
          recordSocketClose(deps.metrics, code);
          try {
            socketClosed(ctx, socketOf(ws));
          } catch (error) {
            deps.logger.error({ err: error, reqId: ws.data.reqId }, "socket close failed");
          }
        },
      })
  );
}
