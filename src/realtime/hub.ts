// This instance's sockets: a registry of who is connected and which topics each socket is
// subscribed to, and the delivery of bus events to them through Bun's server-level publish (which,
// unlike ws.publish, reaches the publisher's own sockets too). Each frame is serialized
// once per instance, whatever the number of sockets.
import type { Deps } from "../deps.ts";
import { CLOSE_CODES } from "../shared/errors.ts";
import type { ServerFrame } from "../shared/events.ts";
import { type BusEvent, CONVERSATION_TOPIC_PREFIX, conversationTopic } from "./bus.ts";
import {
  addToEntry,
  hasMember,
  memberCount,
  membersOf,
  type OneOrMany,
  removeFromEntry,
  withMember,
  withoutMember,
} from "./one-or-many.ts";

/** A socket's queued bytes past which it is closed (1013) so that its client resumes. */
export const SLOW_CONSUMER_BYTES = 512 * 1024;

/** The part of Bun's ServerWebSocket the realtime layer uses. */
export type Socket = {
  sendText(data: string, compress?: boolean): number;
  subscribe(topic: string): unknown;
  unsubscribe(topic: string): unknown;
  close(code?: number, reason?: string): void;
  /** 1 while open (Bun's ServerWebSocket). */
  readonly readyState: number;
  /** Bytes queued by send/publish and not yet written to the network. */
  getBufferedAmount(): number;
};

/** The part of Bun's server the hub needs. */
export type Publisher = { publish(topic: string, data: string, compress?: boolean): number };

/** One registered socket. What it may send, and its state for that, is client-frames.ts's. */
export type Conn = {
  ws: Socket;
  userId: number;
  sessionId: string;
  /** Usually one (its user's topic) when the user is in no conversation: kept without a Set then. */
  topics: OneOrMany<string>;
  closed: boolean;
  /** Membership events that arrived while its open read the conversations it follows (see `follow`). */
  heard?: MembershipEvent[];
};

type MembershipEvent = Extract<BusEvent, { type: "membership" }>;

export type Hub = ReturnType<typeof createHub>;

export type HubOptions = {
  /** The conversations a user's sockets follow, as the database says now. */
  conversationsOf: (userId: number) => Promise<number[]>;
};

export function createHub(deps: Pick<Deps, "bus" | "logger" | "metrics">, options: HubOptions) {
  const { bus, logger, metrics } = deps;
  let server: Publisher | null = null;
  let shuttingDown = false;
  // Most users have one socket here, most user topics one subscriber: a lone one is kept
  // without a Set (one-or-many.ts).
  const byUser = new Map<number, Conn | Set<Conn>>();
  const byTopic = new Map<string, Conn | Set<Conn>>();
  const bySocket = new WeakMap<Socket, Conn>();
  /** Sockets whose open is checking their session: a session ended meanwhile is noted here. */
  const opening = new Map<Socket, { userId: number; sessionId: string; ended: boolean }>();

  function subscribe(conn: Conn, topic: string) {
    if (conn.closed || hasMember(conn.topics, topic)) return;
    conn.ws.subscribe(topic);
    conn.topics = withMember(conn.topics, topic);
    addToEntry(byTopic, topic, conn);
  }

  function unsubscribe(conn: Conn, topic: string) {
    if (!hasMember(conn.topics, topic)) return;
    conn.topics = withoutMember(conn.topics, topic);
    if (!conn.closed) conn.ws.unsubscribe(topic);
    removeFromEntry(byTopic, topic, conn);
  }

  function followConversations(conversationIds: number[], conns: Iterable<Conn>) {
    const wanted = new Set(conversationIds.map(conversationTopic));
    for (const conn of conns) {
      for (const topic of [...membersOf(conn.topics)])
        if (topic.startsWith(CONVERSATION_TOPIC_PREFIX) && !wanted.has(topic)) unsubscribe(conn, topic);
      for (const topic of wanted) subscribe(conn, topic);
    }
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
      if (local === undefined) continue;
      // Leave the excluded user's sockets out: off the topic for this one publish, back on
      // right after (synchronous, so no other frame can slip between).
      const skipped: Conn[] = [];
      if (excluded) {
        for (const conn of membersOf(excluded)) {
          if (hasMember(conn.topics, topic)) {
            conn.ws.unsubscribe(topic);
            skipped.push(conn);
          }
        }
      }
      if (skipped.length < memberCount(local)) {
        // Never retried: 0 may mean one socket dropped it while the others got it.
        const status = server.publish(topic, json, false);
        if (status <= 0) shedSlowConsumers(membersOf(local));
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
        resyncing?.push(event);
        const topic = conversationTopic(event.conversationId);
        for (const conn of membersOf(byUser.get(event.userId))) {
          conn.heard?.push(event);
          if (event.joined) subscribe(conn, topic);
          else unsubscribe(conn, topic);
        }
        return;
      }
      case "disconnect":
        for (const pending of opening.values()) {
          if (
            pending.userId === event.userId &&
            (event.sessionId === undefined || pending.sessionId === event.sessionId)
          ) {
            pending.ended = true;
          }
        }
        for (const conn of [...membersOf(byUser.get(event.userId))]) {
          if (event.sessionId === undefined || conn.sessionId === event.sessionId) {
            conn.ws.close(CLOSE_CODES.POLICY_VIOLATION, "Session ended");
          }
        }
        return;
      case "resync":
        void resync().catch((error: unknown) => logger.error({ err: error }, "realtime resync failed"));
        return;
    }
  }

  /** Membership events that arrive while a resync reads the database, applied again after it. */
  let resyncing: MembershipEvent[] | null = null;

  // The membership events published while frames were lost never arrived either: a
  // conversation begun (or left) elsewhere meanwhile would stay unfollowed (or followed)
  // for good. Follow what the database says first, then tell the clients: what commits
  // after their catch-up then arrives live.
  async function resync() {
    const seen: MembershipEvent[] = [];
    resyncing = seen;
    const following = new Map<number, number[]>();
    try {
      for (const userId of [...byUser.keys()]) following.set(userId, await options.conversationsOf(userId));
    } finally {
      if (resyncing === seen) resyncing = null;
    }
    for (const [userId, conversationIds] of following) {
      const conns = byUser.get(userId);
      if (conns) followConversations(conversationIds, [...membersOf(conns)]);
    }
    // A change announced during the reads may be newer than what they saw: applied again,
    // in order, it has the last word.
    for (const event of seen) handleBusEvent(event);
    const json = JSON.stringify({ type: "resync" } satisfies ServerFrame);
    for (const conns of byUser.values()) for (const conn of membersOf(conns)) send(conn, json);
  }

  bus.onEvent((event) => {
    // The local bus calls this on the sender's own request path: never throw into it.
    try {
      handleBusEvent(event);
    } catch (error) {
      logger.error({ err: error, event: event.type }, "realtime delivery failed");
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

    subscribe,

    /** False once shutdown began: new sockets are closed with 1001. */
    accepting: () => !shuttingDown,

    /**
     * A socket whose open awaits its session check: an end of that session announced
     * meanwhile (it cannot close a socket not registered yet) is kept for `opened`.
     */
    opening(ws: Socket, userId: number, sessionId: string): void {
      opening.set(ws, { userId, sessionId, ended: false });
    },

    /** The session check is done: false when the session ended while it ran. */
    opened(ws: Socket): boolean {
      const pending = opening.get(ws);
      opening.delete(ws);
      return !pending?.ended;
    },

    /**
     * Registers an opened socket. `first`: the user had no other socket on this instance.
     * Membership events are kept from now until `follow`.
     */
    register(ws: Socket, userId: number, sessionId: string): { conn: Conn; first: boolean } {
      const conn: Conn = { ws, userId, sessionId, topics: undefined, closed: false, heard: [] };
      bySocket.set(ws, conn);
      const first = addToEntry(byUser, userId, conn);
      metrics.openSockets.inc();
      return { conn, first };
    },

    /**
     * Follows the conversations read for a new socket, then the membership events heard
     * during that read, in order: a join or leave newer than the read has the last word.
     */
    follow(conn: Conn, conversationIds: number[]): void {
      for (const conversationId of conversationIds) subscribe(conn, conversationTopic(conversationId));
      const heard = conn.heard ?? [];
      conn.heard = undefined;
      for (const event of heard) {
        const topic = conversationTopic(event.conversationId);
        if (event.joined) subscribe(conn, topic);
        else unsubscribe(conn, topic);
      }
    },

    /** A socket closed (either side). `last`: the user has no other socket on this instance. */
    unregister(ws: Socket): { conn: Conn; last: boolean } | null {
      const conn = bySocket.get(ws);
      if (!conn || conn.closed) return null;
      conn.closed = true;
      bySocket.delete(ws);
      // Bun drops a closed socket's subscriptions itself; only the index needs updating.
      for (const topic of membersOf(conn.topics)) removeFromEntry(byTopic, topic, conn);
      conn.topics = undefined;
      metrics.openSockets.dec();
      removeFromEntry(byUser, conn.userId, conn);
      return { conn, last: !byUser.has(conn.userId) };
    },

    /** How many sockets the user has open on this instance. */
    socketCount(userId: number): number {
      return memberCount(byUser.get(userId));
    },

    /** Has the user a socket open on this instance? */
    isConnected(userId: number): boolean {
      return byUser.has(userId);
    },

    /** Refuse new sockets and close every open one with 1001 (clients reconnect elsewhere). */
    shutdown() {
      shuttingDown = true;
      for (const conns of [...byUser.values()]) {
        for (const conn of [...membersOf(conns)]) conn.ws.close(CLOSE_CODES.GOING_AWAY, "Server shutting down");
      }
    },
  };
}
