// The life of one socket on this instance: opened (session checked again, registered,
// subscribed, `ready`), then closed. The hub keeps the registry; presence announcements
// hear of a user's first and last socket.
import { type AuthSession, liveSession } from "../auth/sessions.ts";
import { resumeStart } from "../chat/resume.ts";
import type { Deps } from "../deps.ts";
import { CLOSE_CODES } from "../shared/errors.ts";
import { userTopic } from "./bus.ts";
import type { Hub, Socket } from "./hub.ts";
import type { PresenceAnnouncements } from "./presence-announcements.ts";

export type SocketContext = { deps: Deps; hub: Hub; announcements: PresenceAnnouncements };

/**
 * Checks, registers and greets an opened socket. It awaits the database twice; a socket
 * that closes meanwhile is left alone (its close found nothing, or unregistered it).
 */
export async function socketOpened(ctx: SocketContext, ws: Socket, session: AuthSession): Promise<void> {
  const { deps, hub } = ctx;
  const { user, sessionId } = session;
  // A logout or deactivation may have landed between the upgrade's check and now, or land
  // during this check (the hub notes it).
  hub.opening(ws, user.id, sessionId);
  let live: AuthSession | null = null;
  try {
    if (hub.accepting()) live = await liveSession(deps, { sid: sessionId, uid: user.id, tv: user.tokenVersion });
  } finally {
    if (!hub.opened(ws)) live = null;
  }
  if (ws.readyState !== OPEN) return;
  // Shutdown closes the registered sockets; this one is not registered yet.
  if (!hub.accepting()) {
    ws.close(CLOSE_CODES.GOING_AWAY, "Server shutting down");
    return;
  }
  if (!live) {
    ws.close(CLOSE_CODES.POLICY_VIOLATION, "Session ended");
    return;
  }
  // One token could open sockets without end (500 in 0.8 s, ~116 MB): a cap per account.
  if (hub.socketCount(user.id) >= deps.config.maxSocketsPerUser) {
    ws.close(CLOSE_CODES.TOO_MANY_SOCKETS, "Too many open sockets for this account");
    return;
  }
  const { conn, first } = hub.register(ws, user.id, sessionId);
  // Subscribed first, then the newest id read: a message committed after the read is
  // published after the subscription, so it arrives live; anything older is resumable.
  hub.subscribe(conn, userTopic(user.id));
  // Announced before the read below: were it after, a close during the read would say
  // "left" before "arrived".
  if (first) ctx.announcements.arrived(user.id);
  const start = await resumeStart(deps.db, user.id);
  if (conn.closed) return;
  hub.follow(conn, start.conversationIds);
  hub.send(conn, { type: "ready", userId: user.id, lastMessageId: start.lastMessageId, maxBody: deps.config.maxBody });
}

/** Bun's ServerWebSocket.readyState of an open socket. */
const OPEN = 1;

export function socketClosed(ctx: SocketContext, ws: Socket) {
  const closed = ctx.hub.unregister(ws);
  if (closed?.last) ctx.announcements.left(closed.conn.userId);
}
