// Changing a message after it was sent: editing and deleting it (reactions: reactions.ts). Each change is a change
// of the conversation's stream like a new message: it takes the next number first in its
// transaction, the message row records it (messages.seq moves), and only after the commit
// is the message, as it now is, announced in the same `message` frame as a new one.
import { and, eq, isNull } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import type { MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import { detachFilesOf, type StoredKeys } from "../files/attachments.ts";
import { removeStoredFiles } from "../files/uploads.ts";
import { checkMessageBody, type EditInput, type Message } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { requireDirectNotBlocked } from "./blocks.ts";
import { requireMembership } from "./conversations.ts";
import { resolveMentions, storeMentions } from "./mentions.ts";
import { messageView } from "./message-views.ts";
import { throttled } from "./messages.ts";
import { mayDeleteOthersMessages } from "./moderation.ts";
import { takeSeq } from "./stream.ts";

const messageNotFound = () => new AppError("NOT_FOUND", "No such message");

/** The message, if `userId` is a member of its conversation; NOT_FOUND otherwise (alike for both). */
export async function visibleMessage(deps: Pick<Deps, "db">, userId: number, messageId: number): Promise<MessageRow> {
  const { members, messages } = tablesOf(deps.db);
  const [row] = await deps.db
    .select({ message: messages })
    .from(messages)
    .innerJoin(members, and(eq(members.conversationId, messages.conversationId), eq(members.userId, userId)))
    .where(eq(messages.id, messageId))
    .limit(1);
  if (!row) throw messageNotFound();
  return row.message;
}

/**
 * Replaces the body of the caller's own message. The new body obeys the rules of a new
 * one; the same body again changes nothing (a retry is harmless); an edit takes a token of
 * the send limit. There is no edit window, and earlier versions are not kept.
 */
export async function editMessage(deps: Deps, userId: number, input: EditInput): Promise<Message> {
  const current = await visibleMessage(deps, userId, input.id);
  if (current.senderId !== userId) throw new AppError("FORBIDDEN", "Only its author can edit a message");
  await requireDirectNotBlocked(deps.db, userId, current.conversationId);
  if (current.deletedAt !== null) throw deletedAlready();
  const checked = checkMessageBody(input.body, deps.config.maxBody);
  if (!checked.ok) throw new AppError("BAD_REQUEST", checked.message, { body: checked.message });
  if (checked.body === current.body) return messageView(deps.db, current);

  const wait = await deps.sendLimiter.take(userId);
  if (wait > 0) throw await throttled(deps, userId, wait);

  const edited = await transaction(deps.db, async (tx) => {
    const { messages } = tablesOf(tx);
    const seq = await takeSeq(tx, current.conversationId);
    const { conversation } = await requireMembership(tx, userId, current.conversationId);
    const mentioned = await resolveMentions(tx, conversation, userId, checked.body);
    const [row] = await tx
      .update(messages)
      .set({ body: checked.body, editedAt: deps.clock.now(), seq })
      .where(and(eq(messages.id, current.id), isNull(messages.deletedAt)))
      .returning();
    // Deleted meanwhile: throwing rolls the number back.
    if (!row) throw deletedAlready();
    // Mentions follow the new text: someone named by the edit is mentioned from now on.
    await storeMentions(tx, row.id, row.conversationId, mentioned);
    return row;
  });
  return announce(deps, edited);
}

/**
 * Deletes a message: its body, reactions and mentions leave the database; the row stays,
 * so the conversation shows where it was. Authors delete their own; those who may
 * moderate the room delete others' (written to the activity log). Deleting a deleted
 * message changes nothing.
 */
export async function deleteMessage(
  deps: Deps,
  userId: number,
  messageId: number,
  ip: string | null,
): Promise<Message> {
  const current = await visibleMessage(deps, userId, messageId);
  if (current.deletedAt !== null) return messageView(deps.db, current);
  const moderated = current.senderId !== userId;
  if (moderated && !(await mayDeleteOthersMessages(deps.db, userId, current.conversationId))) {
    throw new AppError("FORBIDDEN", "Only its author or a moderator of the room can delete a message");
  }

  let deleted: { row: MessageRow; files: StoredKeys[] };
  try {
    deleted = await storeDeletion(deps, current, moderated ? { moderatorId: userId, ip } : null);
  } catch (error) {
    // Someone else deleted it meanwhile: their change stands, and is the answer.
    if (error instanceof DeletedMeanwhile) return messageView(deps.db, await visibleMessage(deps, userId, messageId));
    throw error;
  }
  // Committed: the files go too (their rows went with the message).
  void removeStoredFiles(deps, deleted.files);
  return announce(deps, deleted.row);
}

class DeletedMeanwhile extends Error {}

function storeDeletion(deps: Deps, current: MessageRow, moderation: { moderatorId: number; ip: string | null } | null) {
  return transaction(deps.db, async (tx) => {
    const { mentions, messages, reactions } = tablesOf(tx);
    const now = deps.clock.now();
    const seq = await takeSeq(tx, current.conversationId);
    const [row] = await tx
      .update(messages)
      .set({ body: "", deletedAt: now, seq })
      .where(and(eq(messages.id, current.id), isNull(messages.deletedAt)))
      .returning();
    // Throwing rolls the number back: a stream number always names a change.
    if (!row) throw new DeletedMeanwhile();
    await tx.delete(reactions).where(eq(reactions.messageId, row.id));
    await tx.delete(mentions).where(eq(mentions.messageId, row.id));
    const files = await detachFilesOf(tx, row.id);
    if (moderation) {
      // Same connection, so inside this transaction: the deletion and its record commit together.
      await logActivity(tx, {
        at: now,
        kind: "message_deleted_by_moderator",
        userId: moderation.moderatorId,
        detail: { messageId: row.id, conversationId: row.conversationId, authorId: row.senderId },
        ip: moderation.ip,
      });
    }
    return { row, files };
  });
}

export const deletedAlready = () => new AppError("BAD_REQUEST", "The message was deleted");

/** After the commit: the message as it now is, to every member, and to the caller. */
export async function announce(deps: Deps, row: MessageRow): Promise<Message> {
  const message = await messageView(deps.db, row);
  deps.notifier.message(message);
  return message;
}
