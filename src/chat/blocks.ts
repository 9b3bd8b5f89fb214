// Blocking a person. A block is one person's decision about another: the blocked person
// can no longer start or continue a direct conversation with the blocker (FORBIDDEN: they
// are a member, so the conversation is theirs to know of, but writing in it is refused),
// and the blocker cannot write to them either until they unblock (no one-sided last
// word). In rooms nothing is refused: the blocker's client folds the blocked person's
// messages, from the list `account.blocks` gives it.
import { and, asc, eq, or, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../db/client.ts";
import { alias, tablesOf } from "../db/tables.ts";
import { toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { UserSummary } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { withOnline } from "./online.ts";

/** The refusal the blocked person sees: plain, no reason given. */
export const blockedRefusal = () => new AppError("FORBIDDEN", "You cannot send messages to this person");
/** The refusal the blocker sees when writing to someone they blocked. */
const blockerRefusal = () => new AppError("FORBIDDEN", "You blocked this person; unblock them to write to them");

const statements = perDatabase((db) => {
  const { blocks, conversations, members } = tablesOf(db);
  const p = sql.placeholder;
  const peer = alias(members, "peer");
  return {
    /** Who blocked whom between two people, if anyone. */
    between: db
      .select({ blockerId: blocks.blockerId })
      .from(blocks)
      .where(
        or(
          and(eq(blocks.blockerId, p("a")), eq(blocks.blockedId, p("b"))),
          and(eq(blocks.blockerId, p("b")), eq(blocks.blockedId, p("a"))),
        ),
      )
      .limit(1)
      .prepare(),
    /** The other member of a direct conversation (none for a room). */
    directPeer: db
      .select({ userId: peer.userId })
      .from(conversations)
      .innerJoin(peer, eq(peer.conversationId, conversations.id))
      .where(
        and(
          eq(conversations.id, p("conversationId")),
          eq(conversations.kind, "direct"),
          sql`${peer.userId} <> ${p("userId")}`,
        ),
      )
      .prepare(),
  };
});

/** FORBIDDEN when either of the two has blocked the other; the message says which way. */
export async function requireNotBlocked(db: Db, senderId: number, peerId: number): Promise<void> {
  const [found] = await statements(db).between.execute({ a: senderId, b: peerId });
  if (!found) return;
  throw found.blockerId === senderId ? blockerRefusal() : blockedRefusal();
}

/**
 * For writing in a conversation the caller is a member of (a message, an edit, a
 * reaction, typing): in a direct one, FORBIDDEN across a block; rooms are never refused.
 */
export async function requireDirectNotBlocked(db: Db, userId: number, conversationId: number): Promise<void> {
  const [peer] = await statements(db).directPeer.execute({ conversationId, userId });
  if (peer) await requireNotBlocked(db, userId, peer.userId);
}

async function requireUser(db: Db, userId: number) {
  const { users } = tablesOf(db);
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError("NOT_FOUND", "No such user");
}

/**
 * Blocks `targetId`; blocking again changes nothing. Not written to the activity log: whom
 * a person blocks is theirs alone, not something for the admin page.
 */
export async function blockUser(deps: Pick<Deps, "db" | "clock">, blockerId: number, targetId: number) {
  const { blocks } = tablesOf(deps.db);
  if (targetId === blockerId) throw new AppError("BAD_REQUEST", "You cannot block yourself", { userId: "That is you" });
  await requireUser(deps.db, targetId);
  const now = deps.clock.now();
  await deps.db.insert(blocks).values({ blockerId, blockedId: targetId, createdAt: now }).onConflictDoNothing();
}

/** Lifts a block; unblocking someone not blocked changes nothing. */
export async function unblockUser(deps: Pick<Deps, "db">, blockerId: number, targetId: number) {
  const { blocks } = tablesOf(deps.db);
  await deps.db.delete(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, targetId)));
}

/** The people the caller blocked, earliest first. */
export async function blockedUsers(deps: Pick<Deps, "db" | "presence">, userId: number): Promise<UserSummary[]> {
  const { blocks, users } = tablesOf(deps.db);
  const rows = await deps.db
    .select({ user: users })
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, userId))
    .orderBy(asc(blocks.createdAt), asc(blocks.blockedId));
  return withOnline(
    deps,
    rows,
    (r) => r.user.id,
    (r, online) => toUserSummary(r.user, online),
  );
}
