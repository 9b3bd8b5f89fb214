// Conversations as each member sees them: membership checks, the one direct conversation
// per pair, and the conversation list with unread counts in a single query.
import { and, desc, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../db/client.ts";
import type { ConversationRow } from "../db/schema.ts";
import { alias, tablesOf } from "../db/tables.ts";
import { toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { Conversation } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { requireDirectNotBlocked } from "./blocks.ts";
import { messageViews } from "./message-views.ts";
import { withOnline } from "./online.ts";

/** The one answer for "not yours" and "does not exist": never a hint that it exists. */
export const conversationNotFound = () => new AppError("NOT_FOUND", "No such conversation");

// Every send, page of history and read mark checks membership: prepared once per database.
const membership = perDatabase((db) => {
  const { conversations, members } = tablesOf(db);
  return db
    .select({ conversation: conversations, lastReadMessageId: members.lastReadMessageId })
    .from(members)
    .innerJoin(conversations, eq(conversations.id, members.conversationId))
    .where(
      and(eq(members.conversationId, sql.placeholder("conversationId")), eq(members.userId, sql.placeholder("userId"))),
    )
    .prepare();
});

/**
 * The conversation, if `userId` is a member of it; NOT_FOUND otherwise. In a transaction,
 * pass its `tx`.
 */
export async function requireMembership(db: Db, userId: number, conversationId: number) {
  const [row] = await membership(db).execute({ conversationId, userId });
  if (!row) throw conversationNotFound();
  return row;
}

/**
 * May the user say they are typing in the conversation? Members may (NOT_FOUND
 * otherwise), except across a block in a direct conversation (FORBIDDEN).
 */
export async function authorizeTyping(db: Db, userId: number, conversationId: number): Promise<void> {
  await requireMembership(db, userId, conversationId);
  await requireDirectNotBlocked(db, userId, conversationId);
}

/** The conversations the user is a member of: what their sockets follow. */
export async function conversationIdsOf(db: Db, userId: number): Promise<number[]> {
  const { members } = tablesOf(db);
  return (await db.select({ id: members.conversationId }).from(members).where(eq(members.userId, userId))).map(
    (r) => r.id,
  );
}

// Read on each user's first socket here and last one gone (presence): prepared once per database.
const peersStatement = perDatabase((db) => {
  const { members } = tablesOf(db);
  const peer = alias(members, "peer");
  return db
    .selectDistinct({ userId: peer.userId })
    .from(members)
    .innerJoin(peer, eq(peer.conversationId, members.conversationId))
    .where(and(eq(members.userId, sql.placeholder("userId")), ne(peer.userId, sql.placeholder("userId"))))
    .prepare();
});

/** Everyone who shares at least one conversation with the user, the user excepted. */
export async function conversationPeers(db: Db, userId: number): Promise<number[]> {
  return (await peersStatement(db).execute({ userId })).map((r) => r.userId);
}

/** "3:17": the two ids in numeric order, unique per pair. */
export const directKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export async function findDirectConversation(db: Db, a: number, b: number): Promise<ConversationRow | undefined> {
  return (await directByKey(db).execute({ key: directKey(a, b) }))[0];
}

// Every send to a person looks up their direct conversation: prepared once per database.
const directByKey = perDatabase((db) => {
  const { conversations } = tablesOf(db);
  return db
    .select()
    .from(conversations)
    .where(eq(conversations.directKey, sql.placeholder("key")))
    .limit(1)
    .prepare();
});

/**
 * The direct conversation of a pair, created on first use. Call inside a transaction:
 * the unique direct_key decides a race between both sides sending first, and the loser
 * reads the winner's row. `created` is true only for the caller that inserted it.
 */
export async function ensureDirectConversation(db: Db, from: number, to: number, now: number) {
  const { conversations, members } = tablesOf(db);
  const key = directKey(from, to);
  // Nearly always made already: one prepared read, and no insert that would conflict (on
  // PostgreSQL a conflicting INSERT … ON CONFLICT still costs a speculative insertion).
  const [existing] = await directByKey(db).execute({ key });
  if (existing) return { conversation: existing, created: false };
  const [inserted] = await db
    .insert(conversations)
    .values({ kind: "direct", directKey: key, createdBy: from, createdAt: now })
    .onConflictDoNothing({ target: conversations.directKey })
    .returning();
  const conversation = inserted ?? (await directByKey(db).execute({ key }))[0];
  if (!conversation) throw new Error(`direct conversation ${key} vanished`);
  if (inserted) {
    await db
      .insert(members)
      .values([
        { conversationId: conversation.id, userId: from, joinedAt: now },
        { conversationId: conversation.id, userId: to, joinedAt: now },
      ])
      .onConflictDoNothing();
  }
  return { conversation, created: Boolean(inserted) };
}

/**
 * The caller's conversations (all, or those in `onlyIds`), newest activity first, each
 * with its peer or name, last message and unread count: one SQL query and one presence
 * call, whatever their number.
 */
export async function conversationViews(
  deps: Pick<Deps, "db" | "presence">,
  userId: number,
  onlyIds?: readonly number[],
): Promise<Conversation[]> {
  const { conversations, members, mentions, messages, users } = tablesOf(deps.db);
  const me = alias(members, "me");
  const other = alias(members, "other");
  const peer = alias(users, "peer");
  const last = alias(messages, "last");
  // Correlated, so SQLite counts each conversation's unread through the
  // (conversation_id, id) index inside the same statement.
  // System lines (a rename, a join) are never unread.
  const unread =
    sql<number>`(select count(*) from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.id} > ${me.lastReadMessageId} and ${messages.senderId} <> ${userId} and ${messages.kind} = 'user')`.mapWith(
      Number,
    );
  const memberCount =
    sql<number>`case when ${conversations.kind} = 'room' then (select count(*) from ${members} where ${members.conversationId} = ${conversations.id}) else 0 end`.mapWith(
      Number,
    );
  // Unread mentions of the caller, through the (user_id, conversation_id, message_id) index.
  const unreadMentions =
    sql<number>`(select count(*) from ${mentions} where ${mentions.userId} = ${userId} and ${mentions.conversationId} = ${conversations.id} and ${mentions.messageId} > ${me.lastReadMessageId})`.mapWith(
      Number,
    );
  const filters: SQL[] = [];
  if (onlyIds) filters.push(inArray(conversations.id, [...onlyIds]));
  const rows = await deps.db
    .select({
      conversation: conversations,
      peer,
      last,
      unread,
      memberCount,
      role: me.role,
      muted: me.muted,
      unreadMentions,
    })
    .from(conversations)
    .innerJoin(me, and(eq(me.conversationId, conversations.id), eq(me.userId, userId)))
    .leftJoin(
      other,
      and(eq(conversations.kind, "direct"), eq(other.conversationId, conversations.id), ne(other.userId, userId)),
    )
    .leftJoin(peer, eq(peer.id, other.userId))
    .leftJoin(last, eq(last.id, conversations.lastMessageId))
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(sql`coalesce(${last.createdAt}, ${me.joinedAt})`), desc(conversations.id));
  // Every last message with its reactions, mentions and reply quote: a fixed few statements.
  const lastMessages = new Map(
    (
      await messageViews(
        deps.db,
        rows.flatMap((row) => (row.last ? [row.last] : [])),
      )
    ).map((message) => [message.id, message]),
  );
  return withOnline(
    deps,
    rows,
    (row) => row.peer?.id ?? null,
    ({ conversation, peer, last, unread, memberCount, role, muted, unreadMentions }, online) => {
      const lastMessage = last ? lastMessages.get(last.id) : undefined;
      return {
        id: conversation.id,
        kind: conversation.kind,
        ...(conversation.kind === "room" && conversation.name !== null ? { name: conversation.name } : {}),
        ...(peer ? { peer: toUserSummary(peer, online) } : {}),
        ...(lastMessage ? { lastMessage } : {}),
        unread,
        mentions: unreadMentions,
        muted,
        ...(conversation.kind === "room"
          ? {
              room: {
                topic: conversation.topic,
                memberCount,
                role,
                private: conversation.isPrivate,
                archived: conversation.archivedAt !== null,
              },
            }
          : {}),
      };
    },
  );
}

/** One conversation as `userId` sees it (they must be a member). */
export async function conversationView(
  deps: Pick<Deps, "db" | "presence">,
  userId: number,
  conversationId: number,
): Promise<Conversation> {
  const [view] = await conversationViews(deps, userId, [conversationId]);
  if (!view) throw conversationNotFound();
  return view;
}
