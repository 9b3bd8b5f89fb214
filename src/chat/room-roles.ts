// Running a room: who may invite, remove, choose moderators, hand the room over, archive
// it, rename it and set its topic (docs/DECISIONS.md, "Room roles"). Every rule is decided
// here, for tRPC and the socket layer alike. A caller who is not a member gets NOT_FOUND
// (the room is not theirs to see); a member without the right gets FORBIDDEN.
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { ConversationRow, MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { transaction } from "../db/transaction.ts";
import { toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { RoomEvent, RoomMember, RoomRole } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { roomNameKey } from "../shared/names.ts";
import { conversationView } from "./conversations.ts";
import { withOnline } from "./online.ts";
import { recordRoomEvent, roomEventView } from "./room-events.ts";

export const roomNotFound = () => new AppError("NOT_FOUND", "No such room");
export const roomNameTaken = () =>
  new AppError("CONFLICT", "A room with this name exists", { name: "This name is taken" });
const memberNotFound = () => new AppError("NOT_FOUND", "No such member");

const RANK: Record<RoomRole, number> = { member: 0, moderator: 1, owner: 2 };

type RoomMembership = { room: ConversationRow; role: RoomRole };

/** The room and the caller's role in it; NOT_FOUND alike for a non-member and a non-room. */
async function requireRoomMembership(db: Db, userId: number, roomId: number): Promise<RoomMembership> {
  const { conversations, members } = tablesOf(db);
  const [row] = await db
    .select({ room: conversations, role: members.role })
    .from(members)
    .innerJoin(conversations, eq(conversations.id, members.conversationId))
    .where(and(eq(members.conversationId, roomId), eq(members.userId, userId)))
    .limit(1);
  if (row?.room.kind !== "room") throw roomNotFound();
  return row;
}

function requireRole(membership: RoomMembership, least: "moderator" | "owner", doing: string): void {
  if (RANK[membership.role] >= RANK[least]) return;
  throw new AppError(
    "FORBIDDEN",
    least === "owner" ? `Only the room's owner may ${doing}` : `Only the room's moderators and owner may ${doing}`,
  );
}

/** An archived room is read-only: nothing changes in it but being unarchived, or left. */
export function requireNotArchived(room: ConversationRow): void {
  if (room.archivedAt !== null) throw new AppError("FORBIDDEN", "This room is archived");
}

/** Whether the member `userId` may invite people: anyone in a public room, moderators up in a private one. */
const mayInvite = (membership: RoomMembership) => !membership.room.isPrivate || RANK[membership.role] >= 1;

async function memberRole(db: Db, roomId: number, userId: number): Promise<RoomRole | undefined> {
  const { members } = tablesOf(db);
  return (
    await db
      .select({ role: members.role })
      .from(members)
      .where(and(eq(members.conversationId, roomId), eq(members.userId, userId)))
      .limit(1)
  )[0]?.role;
}

async function setRole(db: Db, roomId: number, userId: number, role: RoomRole): Promise<void> {
  const { members } = tablesOf(db);
  await db
    .update(members)
    .set({ role })
    .where(and(eq(members.conversationId, roomId), eq(members.userId, userId)));
}

/**
 * One change of a room, in one transaction: `plan` checks the caller's rights (throwing
 * NOT_FOUND or FORBIDDEN) and says what happens, or null when nothing would change; then
 * the system line takes the stream number, first, and `write` makes the change. The line
 * is published after the commit.
 */
async function changeRoom(
  deps: Deps,
  actorId: number,
  roomId: number,
  plan: (membership: RoomMembership, tx: Db) => Promise<PlannedChange | null> | PlannedChange | null,
): Promise<MessageRow | null> {
  const now = deps.clock.now();
  const line = await transaction(deps.db, async (tx) => {
    const planned = await plan(await requireRoomMembership(tx, actorId, roomId), tx);
    if (!planned) return null;
    const recorded = await recordRoomEvent(tx, roomId, actorId, planned.event, now);
    await planned.write();
    return recorded;
  });
  if (line) deps.notifier.message(roomEventView(line));
  return line;
}

/** What a change of a room does: the system line's event, and the write (on the plan's `tx`). */
type PlannedChange = { event: RoomEvent; write: () => Promise<unknown> };

/** The room's members, owner and moderators first, then by name; members only. */
export async function listRoomMembers(
  deps: Pick<Deps, "db" | "presence">,
  userId: number,
  roomId: number,
): Promise<RoomMember[]> {
  const { members, users } = tablesOf(deps.db);
  await requireRoomMembership(deps.db, userId, roomId);
  const rows = await deps.db
    .select({ user: users, role: members.role })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.conversationId, roomId))
    .orderBy(
      sql`case ${members.role} when 'owner' then 0 when 'moderator' then 1 else 2 end`,
      asc(sql`lower(${users.firstName})`),
      asc(sql`lower(${users.lastName})`),
      asc(users.id),
    );
  return withOnline(
    deps,
    rows,
    (row) => row.user.id,
    (row, online) => ({ user: toUserSummary(row.user, online), role: row.role }),
  );
}

/**
 * Adds the person with `username` to the room: any member may in a public room, moderators
 * and the owner in a private one. They join at once (no accept step) with the history read.
 */
export async function inviteToRoom(deps: Deps, actorId: number, roomId: number, username: string): Promise<RoomMember> {
  const { users } = tablesOf(deps.db);
  const [invitee] = await deps.db
    .select()
    .from(users)
    .where(and(sql`lower(${users.username}) = lower(${username})`, eq(users.isActive, true)))
    .limit(1);
  await changeRoom(deps, actorId, roomId, async ({ room, role }, tx) => {
    const { members } = tablesOf(tx);
    requireNotArchived(room);
    if (!mayInvite({ room, role })) {
      throw new AppError("FORBIDDEN", "Only the room's moderators and owner may invite people to a private room");
    }
    if (!invitee) throw new AppError("NOT_FOUND", "No such user", { username: "No one has this username" });
    if (await memberRole(tx, roomId, invitee.id)) {
      throw new AppError("CONFLICT", "Already a member", { username: "Already in this room" });
    }
    return {
      event: { type: "invited", userId: invitee.id },
      write: async () =>
        await tx.insert(members).values({
          conversationId: roomId,
          userId: invitee.id,
          joinedAt: deps.clock.now(),
          lastReadMessageId: room.lastMessageId ?? 0,
        }),
    };
  });
  if (!invitee) throw memberNotFound(); // unreachable: changeRoom threw
  deps.notifier.conversationAdded(invitee.id, await conversationView(deps, invitee.id, roomId));
  const online = await deps.presence.online([invitee.id]);
  return { user: toUserSummary(invitee, online.has(invitee.id)), role: "member" };
}

/**
 * Removes a member: moderators remove members, the owner anyone. The removed person can no
 * longer read the room, and their clients drop it at once.
 */
export async function removeFromRoom(deps: Deps, actorId: number, roomId: number, userId: number): Promise<void> {
  await changeRoom(deps, actorId, roomId, async (membership, tx) => {
    const { members } = tablesOf(tx);
    requireNotArchived(membership.room);
    requireRole(membership, "moderator", "remove members");
    if (userId === actorId) throw new AppError("BAD_REQUEST", "To go, leave the room");
    const target = await memberRole(tx, roomId, userId);
    if (!target) throw memberNotFound();
    if (RANK[target] >= RANK[membership.role]) {
      throw new AppError("FORBIDDEN", "Moderators may remove members, not other moderators or the owner");
    }
    return {
      event: { type: "removed", userId },
      write: async () =>
        await tx.delete(members).where(and(eq(members.conversationId, roomId), eq(members.userId, userId))),
    };
  });
  deps.notifier.conversationRemoved(userId, roomId);
}

/** Makes a member a moderator, or a moderator a member again: the owner only. */
export async function setRoomRole(
  deps: Deps,
  actorId: number,
  roomId: number,
  userId: number,
  role: "moderator" | "member",
): Promise<void> {
  await changeRoom(deps, actorId, roomId, async (membership, tx) => {
    requireNotArchived(membership.room);
    requireRole(membership, "owner", "choose moderators");
    const target = await memberRole(tx, roomId, userId);
    if (!target) throw memberNotFound();
    if (target === "owner") throw new AppError("BAD_REQUEST", "The owner stays owner until they hand the room over");
    if (target === role) return null;
    return { event: { type: "role", userId, role }, write: () => setRole(tx, roomId, userId, role) };
  });
}

/** Hands the room to another member: the owner only; they stay on as a moderator. */
export async function transferRoom(deps: Deps, actorId: number, roomId: number, userId: number): Promise<void> {
  await changeRoom(deps, actorId, roomId, async (membership, tx) => {
    requireNotArchived(membership.room);
    requireRole(membership, "owner", "hand the room over");
    if (userId === actorId) throw new AppError("BAD_REQUEST", "You own this room already");
    if (!(await memberRole(tx, roomId, userId))) throw memberNotFound();
    return {
      event: { type: "owner", userId },
      write: async () => {
        await setRole(tx, roomId, actorId, "moderator");
        await setRole(tx, roomId, userId, "owner");
      },
    };
  });
}

/**
 * Archives the room (read-only, hidden from the room list, still readable and searchable
 * by its members) or brings it back: the owner only.
 */
export async function setRoomArchived(deps: Deps, actorId: number, roomId: number, archived: boolean): Promise<void> {
  await changeRoom(deps, actorId, roomId, (membership, tx) => {
    const { conversations } = tablesOf(tx);
    requireRole(membership, "owner", archived ? "archive the room" : "bring the room back");
    if ((membership.room.archivedAt !== null) === archived) return null;
    return {
      event: { type: "archived", archived },
      write: async () =>
        await tx
          .update(conversations)
          .set({ archivedAt: archived ? deps.clock.now() : null })
          .where(eq(conversations.id, roomId)),
    };
  });
}

/** Renames the room (moderators and the owner); names stay unique, compared by roomNameKey. */
export async function renameRoom(deps: Deps, actorId: number, roomId: number, name: string): Promise<void> {
  const wanted = name.normalize("NFC");
  const nameKey = roomNameKey(wanted);
  try {
    await changeRoom(deps, actorId, roomId, async (membership, tx) => {
      const { conversations } = tablesOf(tx);
      requireNotArchived(membership.room);
      requireRole(membership, "moderator", "rename the room");
      const from = membership.room.name ?? "";
      if (from === wanted) return null;
      const [taken] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.nameKey, nameKey), ne(conversations.id, roomId)))
        .limit(1);
      if (taken) throw roomNameTaken();
      return {
        event: { type: "renamed", from, to: wanted },
        write: async () =>
          await tx.update(conversations).set({ name: wanted, nameKey }).where(eq(conversations.id, roomId)),
      };
    });
  } catch (error) {
    // The unique index on name_key has the last word if a creation or rename races.
    if (isUniqueViolation(error)) throw roomNameTaken();
    throw error;
  }
}

/** Sets the room's topic (empty clears it): moderators and the owner. */
export async function setRoomTopic(deps: Deps, actorId: number, roomId: number, topic: string): Promise<void> {
  await changeRoom(deps, actorId, roomId, (membership, tx) => {
    const { conversations } = tablesOf(tx);
    requireNotArchived(membership.room);
    requireRole(membership, "moderator", "set the topic");
    if (membership.room.topic === topic) return null;
    return {
      event: { type: "topic", topic },
      write: async () => await tx.update(conversations).set({ topic }).where(eq(conversations.id, roomId)),
    };
  });
}

/**
 * Who takes over when the owner leaves a room others are still in: the longest-standing
 * moderator, else the longest-standing member.
 */
export async function successorOf(db: Db, roomId: number, ownerId: number): Promise<number | undefined> {
  const { members } = tablesOf(db);
  return (
    await db
      .select({ userId: members.userId })
      .from(members)
      .where(
        and(
          eq(members.conversationId, roomId),
          ne(members.userId, ownerId),
          inArray(members.role, ["moderator", "member"]),
        ),
      )
      .orderBy(sql`case ${members.role} when 'moderator' then 0 else 1 end`, asc(members.joinedAt), asc(members.userId))
      .limit(1)
  )[0]?.userId;
}
