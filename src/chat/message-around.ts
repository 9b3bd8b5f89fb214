// A page of history centred on one message (a reply's parent, a search hit, a message
// link): keyset reads on both sides of it, never an OFFSET.
import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import { tablesOf } from "../db/tables.ts";
import { readTransaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import type { AroundInput, AroundPage } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { requireMembership } from "./conversations.ts";
import { messageViews } from "./message-views.ts";

/**
 * The message and up to `limit - 1` others around it, oldest first: half before it, the
 * rest after. NOT_FOUND for a conversation the caller is not in, or a message not in it.
 */
export async function messagesAround(deps: Deps, userId: number, input: AroundInput): Promise<AroundPage> {
  const { conversationId, messageId } = input;
  const limit = input.limit ?? deps.config.messagesToLoad;
  const olderCount = Math.floor((limit - 1) / 2);
  const newerCount = limit - 1 - olderCount;
  // One read transaction: both sides and the message itself from one snapshot.
  return readTransaction(deps.db, async (tx) => {
    const { messages } = tablesOf(tx);
    await requireMembership(tx, userId, conversationId);
    const [target] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId)))
      .limit(1);
    if (!target) throw new AppError("NOT_FOUND", "No such message");
    // Each side reads one row more than it keeps, which says whether more lie beyond.
    const inConversation = eq(messages.conversationId, conversationId);
    const older = await tx
      .select()
      .from(messages)
      .where(and(inConversation, lt(messages.id, messageId)))
      .orderBy(desc(messages.id))
      .limit(olderCount + 1);
    const newer = await tx
      .select()
      .from(messages)
      .where(and(inConversation, gt(messages.id, messageId)))
      .orderBy(asc(messages.id))
      .limit(newerCount + 1);
    const rows = [...older.slice(0, olderCount).reverse(), target, ...newer.slice(0, newerCount)];
    return {
      messages: await messageViews(tx, rows),
      hasOlder: older.length > olderCount,
      hasNewer: newer.length > newerCount,
    };
  });
}
