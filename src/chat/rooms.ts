// Rooms: named conversations anyone may find, join and leave.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { isUniqueViolation } from "../db/errors.ts";
import { conversations, members, messages } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Conversation, Page, RoomSummary, RoomsListInput } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { roomNameKey } from "../shared/names.ts";
import { conversationView } from "./conversations.ts";
import { keysetPage } from "./paging.ts";
import { prefixRange } from "./search.ts";

/** One answer for a room that does not exist and for a conversation that is not a room. */
const roomNotFound = () => new AppError("NOT_FOUND", "No such room");
const nameTaken = () => new AppError("CONFLICT", "A room with this name exists", { name: "This name is taken" });

/**
 * Creates a room (name already trimmed and checked, 1–64 characters); the creator is its
 * first member. The name is stored in NFC; its key (NFC, case-folded) must be unique.
 */
export async function createRoom(deps: Deps, userId: number, name: string): Promise<Conversation> {
  const now = deps.clock.now();
  const room = insertRoom(deps, userId, name.normalize("NFC"), now);
  const view = await conversationView(deps, userId, room.id);
  deps.notifier.conversationAdded(userId, view);
  return view;
}

function insertRoom(deps: Deps, userId: number, name: string, now: number) {
  try {
    return deps.db.transaction(
      (tx) => {
        const nameKey = roomNameKey(name);
        const taken = tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(eq(conversations.nameKey, nameKey))
          .get();
        if (taken) throw nameTaken();
        const inserted = tx
          .insert(conversations)
          .values({ kind: "room", name, nameKey, createdBy: userId, createdAt: now })
          .returning()
          .get();
        tx.insert(members).values({ conversationId: inserted.id, userId, joinedAt: now }).run();
        return inserted;
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    // The unique index on name_key has the last word if two creations race.
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/** Joins a room; joining again changes nothing and announces nothing. */
export async function joinRoom(deps: Deps, userId: number, roomId: number): Promise<Conversation> {
  const now = deps.clock.now();
  const joined = deps.db.transaction(
    (tx) => {
      const room = tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.id, roomId), eq(conversations.kind, "room")))
        .get();
      if (!room) throw roomNotFound();
      // A newcomer starts with the history read: unread counts what came after joining.
      const inserted = tx
        .insert(members)
        .values({ conversationId: room.id, userId, joinedAt: now, lastReadMessageId: room.lastMessageId ?? 0 })
        .onConflictDoNothing()
        .returning()
        .get();
      return Boolean(inserted);
    },
    { behavior: "immediate" },
  );
  const view = await conversationView(deps, userId, roomId);
  if (joined) deps.notifier.conversationAdded(userId, view);
  return view;
}

/** Leaves a room the caller is a member of; the room stays for the others. */
export function leaveRoom(deps: Deps, userId: number, roomId: number): void {
  const left = deps.db.transaction(
    (tx) => {
      const membership = tx
        .select({ conversationId: members.conversationId })
        .from(members)
        .innerJoin(conversations, eq(conversations.id, members.conversationId))
        .where(and(eq(members.conversationId, roomId), eq(members.userId, userId), eq(conversations.kind, "room")))
        .get();
      if (!membership) return false;
      tx.delete(members)
        .where(and(eq(members.conversationId, roomId), eq(members.userId, userId)))
        .run();
      return true;
    },
    { behavior: "immediate" },
  );
  if (!left) throw roomNotFound();
  deps.notifier.conversationRemoved(userId, roomId);
}

/** Rooms by name, optionally those starting with `search`, with the caller's membership. */
export function listRooms(deps: Pick<Deps, "db">, userId: number, input: RoomsListInput): Page<RoomSummary> {
  const last = alias(messages, "last");
  const filters: (SQL | undefined)[] = [eq(conversations.kind, "room")];
  if (input.search) filters.push(prefixRange(conversations.nameKey, roomNameKey(input.search)));
  if (input.cursor !== undefined) {
    const at = alias(conversations, "cursor_room");
    filters.push(
      sql`${conversations.nameKey} > (select ${at.nameKey} from ${conversations} as ${sql.identifier("cursor_room")} where ${at.id} = ${input.cursor})`,
    );
  }
  const { rows, nextCursor } = keysetPage(
    input.limit,
    (count) =>
      deps.db
        .select({
          id: conversations.id,
          name: conversations.name,
          memberCount: sql<number>`(select count(*) from ${members} where ${members.conversationId} = ${conversations.id})`,
          lastActivityAt: sql<number>`coalesce(${last.createdAt}, ${conversations.createdAt})`,
          joined: sql<number>`exists (select 1 from ${members} where ${members.conversationId} = ${conversations.id} and ${members.userId} = ${userId})`,
        })
        .from(conversations)
        .leftJoin(last, eq(last.id, conversations.lastMessageId))
        .where(and(...filters))
        .orderBy(asc(conversations.nameKey))
        .limit(count)
        .all(),
    (row) => row.id,
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name ?? "",
      memberCount: row.memberCount,
      lastActivityAt: new Date(row.lastActivityAt).toISOString(),
      joined: Boolean(row.joined),
    })),
    nextCursor,
  };
}
