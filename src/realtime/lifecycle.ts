// The life of one socket on this instance: opened (session checked again, registered,
// subscribed, `ready`), then closed. The hub keeps the registry; presence announcements
// hear of a user's first and last socket.
import { type AuthSession, liveSession } from "../auth/sessions.ts";
import { resumeStart } from "../chat/resume.ts";
import type { Deps } from "../deps.ts";
import { CLOSE_CODES } from "../shared/errors.ts";
import { conversationTopic, userTopic } from "./bus.ts";
import type { Hub, Socket } from "./hub.ts";
import type { PresenceAnnouncements } from "./presence-announcements.ts";

export type SocketContext = { deps: Deps; hub: Hub; announcements: PresenceAnnouncements };

export function socketOpened(ctx: SocketContext, ws: Socket, session: AuthSession) {
  const { deps, hub } = ctx;
  if (!hub.accepting()) {
    ws.close(CLOSE_CODES.GOING_AWAY, "Server shutting down");
    return;
  }
  const { user, sessionId } = session;
  // A logout or deactivation may have landed between the upgrade's check and now.
  if (!liveSession(deps, { sid: sessionId, uid: user.id, tv: user.tokenVersion })) {
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
  const start = resumeStart(deps.db, user.id);
  for (const conversationId of start.conversationIds) hub.subscribe(conn, conversationTopic(conversationId));
  hub.send(conn, { type: "ready", userId: user.id, lastMessageId: start.lastMessageId, maxBody: deps.config.maxBody });
  if (first) ctx.announcements.arrived(user.id);
}

export function socketClosed(ctx: SocketContext, ws: Socket) {
  const closed = ctx.hub.unregister(ws);
  if (closed?.last) ctx.announcements.left(closed.conn.userId);
}
