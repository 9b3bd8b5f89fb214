// What a (re)connecting user may see: the conversations their socket follows, and the
// messages of those conversations they missed since a given id. The socket layer asks;
// membership decides here, as for every other read.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../db/client.ts";
import { tablesOf } from "../db/tables.ts";
import type { Message } from "../shared/api.ts";
import { messageViews } from "./message-views.ts";

// Every socket's open reads this: prepared once per database.
const resumeStartStatement = perDatabase((db) => {
  const { members } = tablesOf(db);
  return db
    .select({
      conversationId: members.conversationId,
      // Correlated max over the (conversation_id, id) index: one index probe per conversation.
      // (Spelled out: drizzle leaves columns unqualified here, which would correlate nothing.)
      lastMessageId: sql<
        number | null
      >`(select max("m"."id") from "messages" "m" where "m"."conversation_id" = "members"."conversation_id")`,
    })
    .from(members)
    .where(eq(members.userId, sql.placeholder("userId")))
    .prepare();
});

/** The user's conversations and the newest message id among them (0 if none). */
export async function resumeStart(
  db: Db,
  userId: number,
): Promise<{ conversationIds: number[]; lastMessageId: number }> {
  const rows = await resumeStartStatement(db).execute({ userId });
  let lastMessageId = 0;
  for (const row of rows)
    if (row.lastMessageId !== null && row.lastMessageId > lastMessageId) lastMessageId = row.lastMessageId;
  return { conversationIds: rows.map((r) => r.conversationId), lastMessageId };
}

/**
 * Messages of the user's conversations with an id above `after`, oldest first, at most
 * `limit`; `complete` is false when more follow. One indexed query, reading one row more
 * than the limit to know.
 */
export async function messagesSince(
  db: Db,
  userId: number,
  after: number,
  limit: number,
): Promise<{ messages: Message[]; complete: boolean }> {
  const { members, messages } = tablesOf(db);
  const rows = await db
    .select({ message: messages })
    .from(members)
    .innerJoin(messages, and(eq(messages.conversationId, members.conversationId), gt(messages.id, after)))
    .where(eq(members.userId, userId))
    .orderBy(asc(messages.id))
    .limit(limit + 1);
  const replayed = await messageViews(
    db,
    rows.slice(0, limit).map((r) => r.message),
  );
  return { messages: replayed, complete: rows.length <= limit };
}
