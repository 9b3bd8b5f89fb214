// Attachments as the chat sees them: turned into wire shapes a page at a time (one query
// per page of messages, whatever its length), tied to a message when it is sent, and
// readable by exactly the people who may read that message.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { AttachmentRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import type { Attachment } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    image: row.width && row.height && row.thumbnailKey ? { width: row.width, height: row.height } : null,
  };
}

/** The attachments of each message, in upload order, from one query. */
export async function attachmentsOfMessages(
  db: Db,
  messageIds: readonly number[],
): Promise<(messageId: number) => Attachment[]> {
  const { attachments } = tablesOf(db);
  const byMessage = new Map<number, Attachment[]>();
  if (messageIds.length > 0) {
    const rows = await db
      .select()
      .from(attachments)
      .where(inArray(attachments.messageId, [...new Set(messageIds)]))
      .orderBy(asc(attachments.id));
    for (const row of rows) {
      if (row.messageId === null) continue;
      const list = byMessage.get(row.messageId) ?? [];
      list.push(toAttachment(row));
      byMessage.set(row.messageId, list);
    }
  }
  return (messageId) => byMessage.get(messageId) ?? [];
}

/**
 * Inside the send transaction: hands the sender's finished, unsent uploads to the message
 * (and so to its conversation). Anything else in the list — someone else's upload, one
 * already sent, one still arriving — refuses the whole send.
 */
export async function attachUploads(
  db: Db,
  senderId: number,
  message: { id: number; conversationId: number },
  ids: readonly number[],
): Promise<Attachment[]> {
  const { attachments } = tablesOf(db);
  if (ids.length === 0) return [];
  const rows = await db
    .update(attachments)
    .set({ messageId: message.id, conversationId: message.conversationId })
    .where(
      and(
        inArray(attachments.id, [...ids]),
        eq(attachments.uploaderId, senderId),
        isNull(attachments.messageId),
        eq(attachments.state, "ready"),
      ),
    )
    .returning();
  if (rows.length !== ids.length) {
    throw new AppError("BAD_REQUEST", "A file is not yours to send, or was sent already", {
      attachmentIds: "A file is not yours to send, or was sent already",
    });
  }
  return rows.sort((a, b) => a.id - b.id).map(toAttachment);
}

/**
 * The attachment if this user may read it: the uploader before it is sent, the members of
 * its conversation after. NOT_FOUND otherwise: an outsider learns nothing, not even that it exists.
 */
export async function readableAttachment(db: Db, userId: number, attachmentId: number): Promise<AttachmentRow> {
  const { attachments, members } = tablesOf(db);
  const [row] = await db
    .select({ attachment: attachments })
    .from(attachments)
    .leftJoin(members, and(eq(members.conversationId, attachments.conversationId), eq(members.userId, userId)))
    .where(
      and(
        eq(attachments.id, attachmentId),
        eq(attachments.state, "ready"),
        sql`((${attachments.messageId} is null and ${attachments.uploaderId} = ${userId}) or ${members.userId} is not null)`,
      ),
    )
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "No such file");
  return row.attachment;
}

/** Where an attachment's bytes are: its original, and its thumbnail if it has one. */
export type StoredKeys = Pick<AttachmentRow, "storageKey" | "thumbnailKey">;

/**
 * Inside a message's deletion: its attachments' rows go with it (so the changed message
 * shows none), and their storage keys are returned for removal after the commit.
 */
export async function detachFilesOf(db: Db, messageId: number): Promise<StoredKeys[]> {
  const { attachments } = tablesOf(db);
  return await db
    .delete(attachments)
    .where(eq(attachments.messageId, messageId))
    .returning({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey });
}

/** Bytes this user's uploads take (sent or not), for the quota. */
export async function bytesUploadedBy(db: Db, userId: number): Promise<number> {
  const { attachments } = tablesOf(db);
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${attachments.size}), 0)`.mapWith(Number) })
    .from(attachments)
    .where(eq(attachments.uploaderId, userId))
    .limit(1);
  return row?.total ?? 0;
}
