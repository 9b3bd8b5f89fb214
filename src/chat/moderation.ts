// Who may act on other people's messages. One rule, asked by every caller, so that the
// room roles (owner, moderator) plug in at one place.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { conversations, members, users } from "../db/schema.ts";

/**
 * May `userId` delete messages others wrote in the conversation? Only in rooms they are a
 * member of, and for now only site admins (until rooms have roles of their own).
 */
export function mayDeleteOthersMessages(db: Db, userId: number, conversationId: number): boolean {
  const row = db
    .select({ kind: conversations.kind, isAdmin: users.isAdmin })
    .from(members)
    .innerJoin(conversations, eq(conversations.id, members.conversationId))
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)))
    .get();
  return row?.kind === "room" && row.isAdmin;
}
