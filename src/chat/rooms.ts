// Rooms: named conversations. Public rooms are listed and anyone may join; private rooms
// are not listed and are joined by invitation (room-roles.ts, with the other rules).
import { and, asc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { isUniqueViolation } from "../db/errors.ts";
import { onlyRow } from "../db/rows.ts";
import type { MessageRow } from "../db/schema.ts";
import { alias, tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import type { Conversation, Page, RoomSummary, RoomsListInput } from "../shared/api.ts";
import { roomNameKey } from "../shared/names.ts";
import { conversationView } from "./conversations.ts";
import { keysetPage } from "./paging.ts";
import { recordRoomEvent, roomEventView } from "./room-events.ts";
import { roomNameTaken as nameTaken, roomNotFound, successorOf } from "./room-roles.ts";
import { prefixRange } from "./search.ts";

/**
 * Creates a room (name already trimmed and checked, 1–64 characters); the creator is its
 * first member and its owner. The name is stored in NFC; its key (NFC, case-folded) must be
 * unique, private rooms included.
 */
export async function createRoom(deps: Deps, userId: number, name: string, isPrivate = false): Promise<Conversation> {
  const now = deps.clock.now();
  const room = await insertRoom(deps, userId, name.normalize("NFC"), isPrivate, now);
  const view = await conversationView(deps, userId, room.id);
  deps.notifier.conversationAdded(userId, view);
  return view;
}

async function insertRoom(deps: Deps, userId: number, name: string, isPrivate: boolean, now: number) {
  try {
    // Awaited here, so that the catch below sees a failed commit.
    return await transaction(deps.db, async (tx) => {
      const { conversations, members } = tablesOf(tx);
      const nameKey = roomNameKey(name);
      const [taken] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(eq(conversations.nameKey, nameKey))
        .limit(1);
      if (taken) throw nameTaken();
      const inserted = onlyRow(
        await tx
          .insert(conversations)
          .values({ kind: "room", name, nameKey, isPrivate, createdBy: userId, createdAt: now })
          .returning(),
      );
      await tx.insert(members).values({ conversationId: inserted.id, userId, joinedAt: now, role: "owner" });
      return inserted;
    });
  } catch (error) {
    // The unique index on name_key has the last word if two creations race.
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/**
 * Joins a public room, announced in the room; joining again changes nothing and announces
 * nothing. Private and archived rooms are not found by those outside them.
 */
export async function joinRoom(deps: Deps, userId: number, roomId: number): Promise<Conversation> {
  const now = deps.clock.now();
  const line = await transaction(deps.db, async (tx) => {
    const { conversations, members } = tablesOf(tx);
    const [room] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, roomId), eq(conversations.kind, "room")))
      .limit(1);
    if (!room) throw roomNotFound();
    const [member] = await tx
      .select({ userId: members.userId })
      .from(members)
      .where(and(eq(members.conversationId, roomId), eq(members.userId, userId)))
      .limit(1);
    if (member) return null;
    if (room.isPrivate || room.archivedAt !== null) throw roomNotFound();
    const joined = await recordRoomEvent(tx, roomId, userId, { type: "joined" }, now);
    // A newcomer starts with the history read: unread counts what came after joining.
    await tx
      .insert(members)
      .values({ conversationId: room.id, userId, joinedAt: now, lastReadMessageId: room.lastMessageId ?? 0 });
    return joined;
  });
  const view = await conversationView(deps, userId, roomId);
  if (line) {
    deps.notifier.conversationAdded(userId, view);
    deps.notifier.message(roomEventView(line));
  }
  return view;
}

/**
 * Leaves a room the caller is a member of, announced in the room; the room stays for the
 * others. An owner who leaves others behind hands the room to a successor (successorOf).
 * Leaving a private room means needing a new invitation.
 */
export async function leaveRoom(deps: Deps, userId: number, roomId: number): Promise<void> {
  const now = deps.clock.now();
  const lines = await transaction(deps.db, async (tx) => {
    const { conversations, members } = tablesOf(tx);
    const [membership] = await tx
      .select({ role: members.role })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.conversationId))
      .where(and(eq(members.conversationId, roomId), eq(members.userId, userId), eq(conversations.kind, "room")))
      .limit(1);
    if (!membership) return null;
    const told: MessageRow[] = [];
    const successor = membership.role === "owner" ? await successorOf(tx, roomId, userId) : undefined;
    if (successor !== undefined) {
      told.push(await recordRoomEvent(tx, roomId, userId, { type: "owner", userId: successor }, now));
      await tx
        .update(members)
        .set({ role: "owner" })
        .where(and(eq(members.conversationId, roomId), eq(members.userId, successor)));
    }
    told.push(await recordRoomEvent(tx, roomId, userId, { type: "left" }, now));
    await tx.delete(members).where(and(eq(members.conversationId, roomId), eq(members.userId, userId)));
    return told;
  });
  if (!lines) throw roomNotFound();
  for (const line of lines) deps.notifier.message(roomEventView(line));
  deps.notifier.conversationRemoved(userId, roomId);
}

/**
 * Rooms by name, optionally those starting with `search`, with the caller's membership:
 * public rooms, and the private rooms the caller is in; never archived ones.
 */
export async function listRooms(
  deps: Pick<Deps, "db">,
  userId: number,
  input: RoomsListInput,
): Promise<Page<RoomSummary>> {
  const { conversations, members, messages } = tablesOf(deps.db);
  const last = alias(messages, "last");
  const joined = sql<boolean>`exists (select 1 from ${members} where ${members.conversationId} = ${conversations.id} and ${members.userId} = ${userId})`;
  const filters: (SQL | undefined)[] = [
    eq(conversations.kind, "room"),
    isNull(conversations.archivedAt),
    or(eq(conversations.isPrivate, false), joined),
  ];
  if (input.search) filters.push(prefixRange(conversations.nameKey, roomNameKey(input.search)));
  if (input.cursor !== undefined) {
    const at = alias(conversations, "cursor_room");
    filters.push(
      sql`${conversations.nameKey} > (select ${at.nameKey} from ${conversations} as ${sql.identifier("cursor_room")} where ${at.id} = ${input.cursor})`,
    );
  }
  const { rows, nextCursor } = await keysetPage(
    input.limit,
    (count) =>
      deps.db
        .select({
          id: conversations.id,
          name: conversations.name,
          memberCount:
            sql<number>`(select count(*) from ${members} where ${members.conversationId} = ${conversations.id})`.mapWith(
              Number,
            ),
          lastActivityAt: sql<number>`coalesce(${last.createdAt}, ${conversations.createdAt})`.mapWith(Number),
          joined,
          isPrivate: conversations.isPrivate,
        })
        .from(conversations)
        .leftJoin(last, eq(last.id, conversations.lastMessageId))
        .where(and(...filters))
        .orderBy(asc(conversations.nameKey))
        .limit(count),
    (row) => row.id,
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name ?? "",
      memberCount: row.memberCount,
      lastActivityAt: new Date(row.lastActivityAt).toISOString(),
      joined: Boolean(row.joined),
      private: row.isPrivate,
    })),
    nextCursor,
  };
}
