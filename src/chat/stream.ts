// The change stream of a conversation: every change to it (a new message, a read mark;
// later edits, deletions, reactions, membership) takes the next number of the
// conversation's sequence inside the transaction that commits it, so the numbers a
// conversation hands out are contiguous and in commit order. A client holding `seq n`
// that sees `n + 2` knows it missed `n + 1`, and asks for "the changes after n".
//
// Each row that can change records the number of its latest change (messages.seq,
// members.read_seq), so "the changes after n" is the current state of every row changed
// since n: superseded changes (a read mark moved twice) come back once, as they are now,
// like Telegram's getDifference. See docs/DECISIONS.md, "The change stream".
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../db/client.ts";
import { tablesOf } from "../db/tables.ts";
import { readTransaction } from "../db/transaction.ts";
import type { ChangesPage, ReadMark } from "../shared/api.ts";
import { requireMembership } from "./conversations.ts";
import { messageViews } from "./message-views.ts";

/** Most changes one `changesSince` answer carries; `complete: false` says ask again. */
export const CHANGES_LIMIT = 500;

/** Read marks an opened conversation's first page carries at most (the most recent). */
export const READ_MARKS_LIMIT = 200;

const streamStatements = perDatabase((db) => {
  const { conversations } = tablesOf(db);
  const p = sql.placeholder;
  return {
    // An UPDATE, not a read then a write: on PostgreSQL it takes the conversation row's
    // lock until the transaction ends, so a second writer waits and numbers become
    // visible in order; on SQLite the single writer already serializes.
    next: db
      .update(conversations)
      .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
      .where(eq(conversations.id, p("conversationId")))
      .returning({ seq: conversations.lastSeq })
      .prepare(),
    current: db
      .select({ seq: conversations.lastSeq })
      .from(conversations)
      .where(eq(conversations.id, p("conversationId")))
      .prepare(),
  };
});

/**
 * Takes the conversation's next number. Call with the `tx` of the transaction that commits
 * the change, before its other writes: a rollback gives the number back.
 */
export async function takeSeq(db: Db, conversationId: number): Promise<number> {
  const [row] = await streamStatements(db).next.execute({ conversationId });
  if (!row) throw new Error(`conversation ${conversationId} has no stream`);
  return row.seq;
}

/** The number of the conversation's latest change (0: none yet). */
export async function currentSeq(db: Db, conversationId: number): Promise<number> {
  return (await streamStatements(db).current.execute({ conversationId }))[0]?.seq ?? 0;
}

/**
 * The changes of a conversation after `after`, in stream order, at most `limit`: each
 * message and read mark changed since, as it is now. `seq` is where the reader stands
 * afterwards: the conversation's latest number when `complete`, otherwise the last change
 * returned (ask again from there). Members only; NOT_FOUND otherwise.
 */
export async function changesSince(
  db: Db,
  userId: number,
  conversationId: number,
  after: number,
  limit = CHANGES_LIMIT,
): Promise<ChangesPage> {
  // One read transaction: the changes and the latest number come from the same snapshot,
  // so no change can commit between them and be skipped.
  return readTransaction(db, async (tx) => {
    const { members, messages } = tablesOf(tx);
    await requireMembership(tx, userId, conversationId);
    const changedMessages = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, after)))
      .orderBy(asc(messages.seq))
      .limit(limit + 1);
    const changedReads = await tx
      .select({ userId: members.userId, upTo: members.lastReadMessageId, seq: members.readSeq })
      .from(members)
      .where(and(eq(members.conversationId, conversationId), gt(members.readSeq, after)))
      .orderBy(asc(members.readSeq))
      .limit(limit + 1);
    const latest = await currentSeq(tx, conversationId);
    // Merge both by number and cut at `limit`: what is returned is a prefix of the stream.
    const all = [
      ...changedMessages.map((row) => ({ seq: row.seq, message: row })),
      ...changedReads.map((read) => ({ seq: read.seq, read })),
    ].sort((a, b) => a.seq - b.seq);
    const kept = all.slice(0, limit);
    const complete = all.length <= limit;
    const page: ChangesPage = {
      conversationId,
      messages: [],
      reads: [],
      seq: complete ? latest : (kept.at(-1)?.seq ?? after),
      complete,
    };
    const changed = [];
    for (const change of kept) {
      if ("message" in change) changed.push(change.message);
      else page.reads.push(change.read);
    }
    page.messages = await messageViews(tx, changed);
    return page;
  });
}

/**
 * Who has read how far in a conversation, the user excepted: the most recent marks, at
 * most READ_MARKS_LIMIT, each with the number of its change.
 * @public for the change stream's socket catch-up (issue 12), not called yet.
 */
export async function readMarks(db: Db, userId: number, conversationId: number): Promise<ReadMark[]> {
  const { members } = tablesOf(db);
  return db
    .select({ userId: members.userId, upTo: members.lastReadMessageId, seq: members.readSeq })
    .from(members)
    .where(
      and(
        eq(members.conversationId, conversationId),
        sql`${members.userId} <> ${userId}`,
        gt(members.lastReadMessageId, 0),
      ),
    )
    .orderBy(sql`${members.lastReadMessageId} desc`)
    .limit(READ_MARKS_LIMIT);
}
