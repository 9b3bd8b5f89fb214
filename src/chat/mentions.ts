// Who a message mentions, decided when it is sent or edited: the members it names with
// `<@id>` (others are not recorded: the markup stays text for them) and, for `<@room>` in
// a room, every member but the sender. The rows feed `mentions` on the message and the
// per-conversation unread mention count.
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { ConversationRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { AppError } from "../shared/errors.ts";
import { mentionMarkup, OPEN_ROOM_MENTION_LIMIT } from "../shared/mentions.ts";
import { mayDeleteOthersMessages } from "./moderation.ts";

/**
 * The ids a body mentions in a conversation, sorted; no statement at all for a body
 * without markup. `<@room>` in a room of more than OPEN_ROOM_MENTION_LIMIT members is
 * FORBIDDEN unless the sender may moderate it; in a direct conversation it mentions no one.
 */
export async function resolveMentions(
  db: Db,
  conversation: Pick<ConversationRow, "id" | "kind">,
  senderId: number,
  body: string,
): Promise<number[]> {
  const { members } = tablesOf(db);
  if (!body.includes("<@")) return [];
  const markup = mentionMarkup(body);
  const everyone = markup.room && conversation.kind === "room";
  if (!everyone && markup.userIds.length === 0) return [];
  const others = and(eq(members.conversationId, conversation.id), ne(members.userId, senderId));
  const rows = await db
    .select({ userId: members.userId })
    .from(members)
    .where(everyone ? others : and(others, inArray(members.userId, markup.userIds)));
  if (
    everyone &&
    rows.length + 1 > OPEN_ROOM_MENTION_LIMIT &&
    !(await mayDeleteOthersMessages(db, senderId, conversation.id))
  ) {
    throw new AppError(
      "FORBIDDEN",
      `Only moderators may mention everyone in a room of more than ${OPEN_ROOM_MENTION_LIMIT} members`,
    );
  }
  return rows.map((r) => r.userId).sort((a, b) => a - b);
}

/** Replaces the message's mention rows (call in the transaction that stores the message). */
export async function storeMentions(
  db: Db,
  messageId: number,
  conversationId: number,
  userIds: readonly number[],
): Promise<void> {
  const { mentions } = tablesOf(db);
  await db.delete(mentions).where(eq(mentions.messageId, messageId));
  if (userIds.length === 0) return;
  await db.insert(mentions).values(userIds.map((userId) => ({ messageId, userId, conversationId })));
}
