// Who may act on other people's messages. One rule, asked by every caller: a room's
// moderators and its owner (docs/DECISIONS.md, "Room roles").
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { tablesOf } from "../db/tables.ts";

/**
 * May `userId` delete messages others wrote in the conversation? Only in a room, as its
 * owner or one of its moderators; nobody in a direct conversation, nor a non-member.
 * Site admins are not room moderators by being admins.
 */
export async function mayDeleteOthersMessages(db: Db, userId: number, conversationId: number): Promise<boolean> {
  const { conversations, members } = tablesOf(db);
  const [row] = await db
    .select({ kind: conversations.kind })
    .from(members)
    .innerJoin(conversations, eq(conversations.id, members.conversationId))
    .where(
      and(
        eq(members.conversationId, conversationId),
        eq(members.userId, userId),
        inArray(members.role, ["owner", "moderator"]),
      ),
    )
    .limit(1);
  return row?.kind === "room";
}
