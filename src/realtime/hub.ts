// This instance's sockets: who is connected, which topics each socket is subscribed to,
// and the delivery of bus events to them through Bun's server-level publish (which,
// unlike ws.publish, reaches the publisher's own sockets too). Each frame is serialized
// once per instance, whatever the number of sockets.
import { type AuthSession, liveSession } from "../auth/sessions.ts";
import { conversationPeers } from "../chat/conversations.ts";
import { recordLastSeen } from "../chat/directory.ts";
import { resumeStart } from "../chat/resume.ts";
import type { Deps } from "../deps.ts";
import type { Message } from "../shared/api.ts";
import { CLOSE_CODES } from "../shared/errors.ts";
import { MAX_CLIENT_FRAMES_PER_SECOND, type ServerFrame } from "../shared/events.ts";
import { type BusEvent, conversationTopic, userTopic } from "./bus.ts";

/** A socket's queued bytes past which it is closed (1013) so that its client resumes. */
export const SLOW_CONSUMER_BYTES = 512 * 1024;

/** The part of Bun's ServerWebSocket the realtime layer uses. */
export type Socket = {
  sendText(data: string, compress?: boolean): number;
  subscribe(topic: string): unknown;
  unsubscribe(topic: string): unknown;
  close(code?: number, reason?: string): void;
  /** Bytes queued by send/publish and not yet written to the network. */
  getBufferedAmount(): number;
};

/** The part of Bun's server the hub needs. */
export type Publisher = { publish(topic: string, data: string, compress?: boolean): number };

export type Conn = {
  ws: Socket;
  userId: number;
  sessionId: string;
  topics: Set<string>;
  /** Error frames sent so far; at MAX_SOCKET_ERRORS the socket is closed. */
  errors: number;
  /** Token bucket of client frames. */
  tokens: number;
  refilledAt: number;
  /** When this socket last forwarded `typing`, per conversation. */
  typingAt: Map<number, number>;
  /** A `resume` being sent, paced by backpressure. */
  replay: { messages: Message[]; index: number; complete: boolean; after: number } | null;
  /** A `resume` that arrived during a replay: started when it ends. */
  pendingResume: number | null;
  closed: boolean;
};

export type Hub = ReturnType<typeof createHub>;

export function createHub(deps: Deps) {
  const { db, bus, logger, metrics } = deps;
  let server: Publisher | null = null;
  let shuttingDown = false;
  const byUser = new Map<number, Set<Conn>>();
  const byTopic = new Map<string, Set<Conn>>();
  const bySocket = new WeakMap<Socket, Conn>();
  /** Presence updates and announcements in flight, awaited on shutdown. */
  const pending = new Set<Promise<unknown>>();

  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => logger.error({ err: error }, "realtime task failed"));
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  function subscribe(conn: Conn, topic: string) {
    if (conn.closed || conn.topics.has(topic)) return;
    conn.ws.subscribe(topic);
    conn.topics.add(topic);
    const set = byTopic.get(topic);
    if (set) set.add(conn);
    else byTopic.set(topic, new Set([conn]));
  }

  function unsubscribe(conn: Conn, topic: string) {
    if (!conn.topics.delete(topic)) return;
    if (!conn.closed) conn.ws.unsubscribe(topic);
    const set = byTopic.get(topic);
    set?.delete(conn);
    if (set?.size === 0) byTopic.delete(topic);
  }

  /** Close what fell too far behind; its client reconnects and resumes from the database. */
  function shedSlowConsumers(conns: Iterable<Conn>) {
    for (const conn of conns) {
      if (!conn.closed && conn.ws.getBufferedAmount() > SLOW_CONSUMER_BYTES) {
        logger.warn({ userId: conn.userId }, "closing a socket that fell behind");
        conn.ws.close(CLOSE_CODES.TRY_AGAIN_LATER, "Too far behind: reconnect and resume");
      }
    }
  }

  function send(conn: Conn, frame: ServerFrame | string): number {
    if (conn.closed) return 0;
    const status = conn.ws.sendText(typeof frame === "string" ? frame : JSON.stringify(frame));
    if (status === -1) shedSlowConsumers([conn]);
    return status;
  }

  function deliverFrame(event: Extract<BusEvent, { type: "frame" }>) {
    if (!server) return;
    const json = JSON.stringify(event.frame);
    const topics = typeof event.topic === "string" ? [event.topic] : event.topic;
    const excluded = event.exceptUserId === undefined ? undefined : byUser.get(event.exceptUserId);
    for (const topic of topics) {
      const local = byTopic.get(topic);
      if (!local || local.size === 0) continue;
      // Leave the excluded user's sockets out: off the topic for this one publish, back on
      // right after (synchronous, so no other frame can slip between).
      const skipped: Conn[] = [];
      if (excluded) {
        for (const conn of excluded) {
          if (conn.topics.has(topic)) {
            conn.ws.unsubscribe(topic);
            skipped.push(conn);
          }
        }
      }
      if (skipped.length < local.size) {
        // Never retried: 0 may mean one socket dropped it while the others got it.
        const status = server.publish(topic, json, false);
        if (status <= 0) shedSlowConsumers(local);
      }
      for (const conn of skipped) conn.ws.subscribe(topic);
    }
    metrics.framesDelivered.inc({ type: event.frame.type });
    if (event.frame.type === "message") {
      const age = Date.now() - Date.parse(event.frame.message.createdAt);
      if (age >= 0 && age < 60_000) metrics.deliveryLatency.observe(age / 1000);
    }
  }

  function handleBusEvent(event: BusEvent) {
    switch (event.type) {
      case "frame":
        deliverFrame(event);
        return;
      case "membership": {
        const topic = conversationTopic(event.conversationId);
        for (const conn of byUser.get(event.userId) ?? []) {
          if (event.joined) subscribe(conn, topic);
          else unsubscribe(conn, topic);
        }
        return;
      }
      case "disconnect":
        for (const conn of [...(byUser.get(event.userId) ?? [])]) {
          if (event.sessionId === undefined || conn.sessionId === event.sessionId) {
            conn.ws.close(CLOSE_CODES.POLICY_VIOLATION, "Session ended");
          }
        }
        return;
      case "resync": {
        const json = JSON.stringify({ type: "resync" } satisfies ServerFrame);
        for (const conns of byUser.values()) for (const conn of conns) send(conn, json);
        return;
      }
    }
  }

  bus.onEvent((event) => {
    // The local bus calls this on the sender's own request path: never throw into it.
    try {
      handleBusEvent(event);
    } catch (error) {
      logger.error({ err: error, event: event.type }, "realtime delivery failed");
    }
  });

  /** Tell the user's peers (those sharing a conversation, at this moment) that they came or went. */
  function announcePresence(userId: number, online: boolean) {
    const peers = conversationPeers(db, userId);
    if (peers.length === 0) return;
    bus.publish({ type: "frame", topic: peers.map(userTopic), frame: { type: "presence", userId, online } });
  }

  deps.presence.onChange((userId, online) => {
    try {
      announcePresence(userId, online);
      if (!online) recordLastSeen(db, userId, deps.clock.now());
    } catch (error) {
      logger.error({ err: error }, "presence announcement failed");
    }
  });

  return {
    attach(started: Publisher) {
      server = started;
    },

    connOf(ws: Socket): Conn | undefined {
      return bySocket.get(ws);
    },

    send,

    /** A socket opened: subscribe it, register it, say `ready`. */
    open(ws: Socket, session: AuthSession): Conn | null {
      if (shuttingDown) {
        ws.close(CLOSE_CODES.GOING_AWAY, "Server shutting down");
        return null;
      }
      const { user, sessionId } = session;
      if (!liveSession(deps, { sid: sessionId, uid: user.id, tv: user.tokenVersion })) {
        ws.close(CLOSE_CODES.POLICY_VIOLATION, "Session ended");
        return null;
      }
      const now = deps.clock.now();
      const conn: Conn = {
        ws,
        userId: user.id,
        sessionId,
        topics: new Set(),
        errors: 0,
        tokens: MAX_CLIENT_FRAMES_PER_SECOND,
        refilledAt: now,
        typingAt: new Map(),
        replay: null,
        pendingResume: null,
        closed: false,
      };
      bySocket.set(ws, conn);
      const conns = byUser.get(user.id);
      const first = !conns;
      if (conns) conns.add(conn);
      else byUser.set(user.id, new Set([conn]));
      metrics.openSockets.inc();

      // Subscribed first, then the newest id read: a message committed after the read is
      // published after the subscription, so it arrives live; anything older is resumable.
      subscribe(conn, userTopic(user.id));
      const start = resumeStart(db, user.id);
      for (const conversationId of start.conversationIds) subscribe(conn, conversationTopic(conversationId));
      send(conn, { type: "ready", userId: user.id, lastMessageId: start.lastMessageId, maxBody: deps.config.maxBody });

      if (first) {
        recordLastSeen(db, user.id, now);
        track(
          deps.presence.connected(user.id).then((cameOnline) => {
            if (cameOnline) announcePresence(user.id, true);
          }),
        );
      }
      return conn;
    },

    /** A socket closed (either side). */
    close(ws: Socket) {
      const conn = bySocket.get(ws);
      if (!conn || conn.closed) return;
      conn.closed = true;
      conn.replay = null;
      bySocket.delete(ws);
      // Bun drops a closed socket's subscriptions itself; only the index needs updating.
      for (const topic of conn.topics) {
        const set = byTopic.get(topic);
        set?.delete(conn);
        if (set?.size === 0) byTopic.delete(topic);
      }
      conn.topics.clear();
      metrics.openSockets.dec();
      const conns = byUser.get(conn.userId);
      conns?.delete(conn);
      if (conns?.size !== 0) return;
      byUser.delete(conn.userId);
      const userId = conn.userId;
      try {
        recordLastSeen(db, userId, deps.clock.now());
      } catch (error) {
        logger.warn({ err: error }, "could not record last_seen_at");
      }
      track(
        deps.presence.disconnected(userId).then((wentOffline) => {
          // Reconnected meanwhile (another tab, a quick reload): not offline after all.
          if (wentOffline && !byUser.has(userId)) announcePresence(userId, false);
        }),
      );
    },

    /** Sockets currently open on this instance. */
    socketCount() {
      let count = 0;
      for (const conns of byUser.values()) count += conns.size;
      return count;
    },

    /** Refuse new sockets and close every open one with 1001 (clients reconnect elsewhere). */
    shutdown() {
      shuttingDown = true;
      for (const conns of [...byUser.values()]) {
        for (const conn of [...conns]) conn.ws.close(CLOSE_CODES.GOING_AWAY, "Server shutting down");
      }
    },

    /** Resolves when presence updates and announcements in flight are done. */
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
