// Message rows → the wire's Message, with what lives beside the row: its reactions, its
// mentions and an excerpt of the message it replies to. Whole pages at once, in a fixed
// number of statements (one per kind, for every row of the page), never one per message.
import { asc, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { type MessageExtras, toMessage } from "../db/wire.ts";
import { attachmentsOfMessages } from "../files/attachments.ts";
import { type Message, type Reaction, type ReplyTo, replyExcerpt } from "../shared/api.ts";

/** The rows as Messages, in the same order: at most four statements, whatever their number. */
export async function messageViews(db: Db, rows: readonly MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const reactionsOf = await reactionsByMessage(db, ids);
  const mentionsOf = await mentionsByMessage(db, ids);
  const parents = await parentsById(db, rows);
  const attachmentsOf = await attachmentsOfMessages(db, ids);
  return rows.map((row) =>
    toMessage(row, {
      replyTo: row.replyToId === null ? null : (parents.get(row.replyToId) ?? null),
      reactions: reactionsOf.get(row.id) ?? [],
      mentions: mentionsOf.get(row.id) ?? [],
      attachments: attachmentsOf(row.id),
    }),
  );
}

/** One row as a Message. */
export async function messageView(db: Db, row: MessageRow): Promise<Message> {
  const [view] = await messageViews(db, [row]);
  if (!view) throw new Error(`message ${row.id} has no view`);
  return view;
}

/** A message that was just created: no reactions yet, its mentions and parent known to the caller. */
export function newMessageView(row: MessageRow, extras: Omit<MessageExtras, "reactions">): Message {
  return toMessage(row, { ...extras, reactions: [] });
}

async function reactionsByMessage(db: Db, ids: number[]): Promise<Map<number, Reaction[]>> {
  const { reactions } = tablesOf(db);
  const rows = await db
    .select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId })
    .from(reactions)
    .where(inArray(reactions.messageId, ids))
    .orderBy(asc(reactions.id));
  const byMessage = new Map<number, Reaction[]>();
  for (const { messageId, emoji, userId } of rows) {
    let chips = byMessage.get(messageId);
    if (!chips) {
      chips = [];
      byMessage.set(messageId, chips);
    }
    // Rows come in order of reaction: the first row of an emoji places its chip.
    const chip = chips.find((c) => c.emoji === emoji);
    if (chip) chip.userIds.push(userId);
    else chips.push({ emoji, userIds: [userId] });
  }
  return byMessage;
}

async function mentionsByMessage(db: Db, ids: number[]): Promise<Map<number, number[]>> {
  const { mentions } = tablesOf(db);
  const rows = await db
    .select({ messageId: mentions.messageId, userId: mentions.userId })
    .from(mentions)
    .where(inArray(mentions.messageId, ids))
    .orderBy(asc(mentions.messageId), asc(mentions.userId));
  const byMessage = new Map<number, number[]>();
  for (const { messageId, userId } of rows) {
    const list = byMessage.get(messageId);
    if (list) list.push(userId);
    else byMessage.set(messageId, [userId]);
  }
  return byMessage;
}

async function parentsById(db: Db, rows: readonly MessageRow[]): Promise<Map<number, ReplyTo>> {
  const { messages } = tablesOf(db);
  const parentIds = [...new Set(rows.flatMap((row) => (row.replyToId === null ? [] : [row.replyToId])))];
  if (parentIds.length === 0) return new Map();
  const parents = await db
    .select({ id: messages.id, senderId: messages.senderId, body: messages.body, deletedAt: messages.deletedAt })
    .from(messages)
    .where(inArray(messages.id, parentIds));
  return new Map(parents.map((parent) => [parent.id, replyExcerpt(parent)]));
}
