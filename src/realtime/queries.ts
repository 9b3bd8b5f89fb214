// The database reads and writes of the realtime layer, one query each.
import { and, asc, eq, gt, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { type MessageRow, members, messages, sessions, users } from "../db/schema.ts";

/** The user's conversations and the newest message id among them (0 if none). */
export function socketStartState(db: Db, userId: number): { conversationIds: number[]; lastMessageId: number } {
  const rows = db
    .select({
      conversationId: members.conversationId,
      // Correlated max over the (conversation_id, id) index: one index probe per conversation.
      // (Spelled out: drizzle leaves columns unqualified here, which would correlate nothing.)
      lastMessageId: sql<
        number | null
      >`(select max("m"."id") from "messages" "m" where "m"."conversation_id" = "members"."conversation_id")`,
    })
    .from(members)
    .where(eq(members.userId, userId))
    .all();
  let lastMessageId = 0;
  for (const row of rows)
    if (row.lastMessageId !== null && row.lastMessageId > lastMessageId) lastMessageId = row.lastMessageId;
  return { conversationIds: rows.map((r) => r.conversationId), lastMessageId };
}

/** Messages of the user's conversations with an id above `after`, oldest first. */
export function messagesAfter(db: Db, userId: number, after: number, limit: number): MessageRow[] {
  return db
    .select({ message: messages })
    .from(members)
    .innerJoin(messages, and(eq(messages.conversationId, members.conversationId), gt(messages.id, after)))
    .where(eq(members.userId, userId))
    .orderBy(asc(messages.id))
    .limit(limit)
    .all()
    .map((r) => r.message);
}

/** Everyone who shares at least one conversation with the user, the user excepted. */
export function presencePeers(db: Db, userId: number): number[] {
  const peer = alias(members, "peer");
  return db
    .selectDistinct({ userId: peer.userId })
    .from(members)
    .innerJoin(peer, eq(peer.conversationId, members.conversationId))
    .where(and(eq(members.userId, userId), ne(peer.userId, userId)))
    .all()
    .map((r) => r.userId);
}

export function isMember(db: Db, conversationId: number, userId: number): boolean {
  return (
    db
      .select({ one: sql`1` })
      .from(members)
      .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)))
      .get() !== undefined
  );
}

/**
 * Is the session still good (not revoked, user active, same token version)? Checked again
 * when the socket opens: a logout or deactivation that landed between the upgrade's check
 * and the open would otherwise leave the socket open.
 */
export function sessionStillValid(db: Db, sessionId: string, userId: number, tokenVersion: number): boolean {
  const row = db
    .select({ revokedAt: sessions.revokedAt, isActive: users.isActive, tokenVersion: users.tokenVersion })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .get();
  return !!row && row.revokedAt === null && row.isActive && row.tokenVersion === tokenVersion;
}

export function touchLastSeen(db: Db, userId: number, at: number) {
  db.update(users).set({ lastSeenAt: at }).where(eq(users.id, userId)).run();
}
