// Reactions: one person's emoji on a message. Setting one is a change of the message like
// an edit: the message takes the conversation's next number and goes out again, whole,
// with its reactions. `on` sets rather than toggles, so a retried request changes nothing.
import { and, count, countDistinct, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import { MAX_REACTIONS_PER_MESSAGE, MAX_REACTIONS_PER_PERSON, type Message, type ReactInput } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { requireDirectNotBlocked } from "./blocks.ts";
import { announce, deletedAlready, visibleMessage } from "./message-changes.ts";
import { messageView } from "./message-views.ts";
import { throttled } from "./messages.ts";
import { takeSeq } from "./stream.ts";

/**
 * Puts the caller's `emoji` on a message (`on`) or takes it off. Members of the message's
 * conversation only (NOT_FOUND otherwise); a reaction that is already as asked changes
 * nothing and costs nothing; a change takes a token of the send limit.
 */
export async function reactToMessage(deps: Deps, userId: number, input: ReactInput): Promise<Message> {
  const current = await visibleMessage(deps, userId, input.id);
  await requireDirectNotBlocked(deps.db, userId, current.conversationId);
  const before = await reactionState(deps.db, current, userId, input);
  if (before === "unchanged") return messageView(deps.db, current);
  if (before instanceof AppError) throw before;

  const wait = await deps.sendLimiter.take(userId);
  if (wait > 0) throw await throttled(deps, userId, wait);

  let changed: MessageRow;
  try {
    changed = await transaction(deps.db, async (tx) => {
      const { messages, reactions } = tablesOf(tx);
      const seq = await takeSeq(tx, current.conversationId);
      // Judged again under the write lock: a concurrent request may have changed it.
      const state = await reactionState(tx, current, userId, input);
      if (state === "unchanged") throw new Unchanged();
      if (state instanceof AppError) throw state;
      if (input.on) {
        await tx
          .insert(reactions)
          .values({ messageId: current.id, userId, emoji: input.emoji, createdAt: deps.clock.now() });
      } else {
        await tx
          .delete(reactions)
          .where(
            and(eq(reactions.messageId, current.id), eq(reactions.userId, userId), eq(reactions.emoji, input.emoji)),
          );
      }
      const [row] = await tx
        .update(messages)
        .set({ seq })
        .where(and(eq(messages.id, current.id), isNull(messages.deletedAt)))
        .returning();
      if (!row) throw deletedAlready();
      return row;
    });
  } catch (error) {
    // Someone (the same person, retrying) got there first: the answer is the message as it is.
    if (error instanceof Unchanged) return messageView(deps.db, await visibleMessage(deps, userId, input.id));
    throw error;
  }
  return announce(deps, changed);
}

class Unchanged extends Error {}

/** Whether setting the reaction changes anything, or the refusal that applies. */
async function reactionState(db: Db, message: MessageRow, userId: number, input: ReactInput) {
  const { reactions } = tablesOf(db);
  const [mine] = await db
    .select({
      n: count(),
      has: sql<number>`coalesce(sum(case when ${reactions.emoji} = ${input.emoji} then 1 else 0 end), 0)`.mapWith(
        Number,
      ),
    })
    .from(reactions)
    .where(and(eq(reactions.messageId, message.id), eq(reactions.userId, userId)))
    .limit(1);
  const present = (mine?.has ?? 0) > 0;
  if (present === input.on) return "unchanged" as const;
  if (!input.on) return "change" as const;
  if (message.deletedAt !== null) return deletedAlready();
  if ((mine?.n ?? 0) >= MAX_REACTIONS_PER_PERSON) {
    return new AppError("BAD_REQUEST", `You can put at most ${MAX_REACTIONS_PER_PERSON} reactions on one message`);
  }
  const [onMessage] = await db
    .select({
      distinct: countDistinct(reactions.emoji),
      has: sql<number>`coalesce(sum(case when ${reactions.emoji} = ${input.emoji} then 1 else 0 end), 0)`.mapWith(
        Number,
      ),
    })
    .from(reactions)
    .where(eq(reactions.messageId, message.id))
    .limit(1);
  if ((onMessage?.has ?? 0) === 0 && (onMessage?.distinct ?? 0) >= MAX_REACTIONS_PER_MESSAGE) {
    return new AppError("BAD_REQUEST", `A message has at most ${MAX_REACTIONS_PER_MESSAGE} different reactions`);
  }
  return "change" as const;
}
