// A room's changes (joins, removals, renames, roles, ...) are told in the room itself as
// system lines: messages with an `event` and an empty body, worded by each reader's client
// in their own language. Being messages, they ride the change stream like any other: the
// line takes the conversation's next number inside the transaction that makes the change,
// and is published only after it commits, so a reconnecting client catches up on it.
import type { Db } from "../db/client.ts";
import { onlyRow } from "../db/rows.ts";
import type { MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import type { Message, RoomEvent } from "../shared/api.ts";
import { newMessageView } from "./message-views.ts";
import { takeSeq } from "./stream.ts";

/**
 * Records `event`, done by `actorId`, as a system line of the room. Call inside the
 * transaction that makes the change, before its other writes (it takes the stream number).
 * The line does not move the room's last message: the conversation list previews what
 * people said, and system lines never count as unread.
 */
export async function recordRoomEvent(
  db: Db,
  roomId: number,
  actorId: number,
  event: RoomEvent,
  now: number,
): Promise<MessageRow> {
  const { messages } = tablesOf(db);
  const seq = await takeSeq(db, roomId);
  return onlyRow(
    await db
      .insert(messages)
      .values({ conversationId: roomId, senderId: actorId, body: "", kind: "system", event, createdAt: now, seq })
      .returning(),
  );
}

/** A system line as the wire's Message: no reply, reactions, mentions or files. */
export const roomEventView = (line: MessageRow): Message =>
  newMessageView(line, { replyTo: null, mentions: [], attachments: [] });
