// Database rows → the wire types of the contract (times as ISO strings).

import {
  type ActivityEntry,
  type ActivityPerson,
  type AdminUser,
  type Attachment,
  type Message,
  type Reaction,
  type ReplyTo,
  type RoomEvent,
  roomEventSchema,
  type User,
  type UserSummary,
} from "../shared/api.ts";
import type { activityLog, MessageRow, UserRow } from "./schema.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toUserSummary(row: UserRow, online: boolean): UserSummary {
  return {
    id: row.id,
    username: row.username,
    firstName: row.firstName,
    lastName: row.lastName,
    online,
    lastSeenAt: iso(row.lastSeenAt),
    bio: row.bio,
    avatar: avatarPath(row),
  };
}

/**
 * Where the avatar is served: the storage key is in the path, so a new avatar is a new
 * URL and an old one can be cached for good (src/files/avatars.ts).
 */
export function avatarPath(row: Pick<UserRow, "id" | "avatarKey">): string | null {
  return row.avatarKey === null ? null : `/api/avatars/${row.id}/${row.avatarKey}`;
}

export function toUser(row: UserRow, online: boolean): User {
  return {
    ...toUserSummary(row, online),
    email: row.email,
    isAdmin: row.isAdmin,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** What a message's own row does not hold: read from the rows around it (chat/message-views.ts). */
export type MessageExtras = {
  replyTo: ReplyTo | null;
  reactions: Reaction[];
  mentions: number[];
  attachments: Attachment[];
};

export function toMessage(row: MessageRow, extras: MessageExtras): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    body: row.body,
    ...(row.clientId === null ? {} : { clientId: row.clientId }),
    createdAt: new Date(row.createdAt).toISOString(),
    seq: row.seq,
    editedAt: iso(row.editedAt),
    deletedAt: iso(row.deletedAt),
    ...extras,
    ...(row.kind === "system" && row.event ? { event: toRoomEvent(row.event) } : {}),
  };
}

// Stored by the server itself (chat/room-events.ts); parsed so a row can never put an
// unknown shape on the wire.
function toRoomEvent(stored: Record<string, unknown>): RoomEvent {
  return roomEventSchema.parse(stored);
}

/** A user as the admin pages see them: active or not. */
export function toAdminUser(row: UserRow, online: boolean): AdminUser {
  return { ...toUser(row, online), isActive: row.isActive };
}

/** The person an entry is about besides its author, when its detail names one. */
export function activityTargetId(detail: Record<string, unknown> | null): number | null {
  const target = detail?.targetUserId ?? detail?.authorId;
  return typeof target === "number" ? target : null;
}

export function toActivityEntry(
  row: typeof activityLog.$inferSelect,
  people: ReadonlyMap<number, ActivityPerson>,
): ActivityEntry {
  const targetId = activityTargetId(row.detail ?? null);
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    userId: row.userId,
    user: (row.userId !== null && people.get(row.userId)) || null,
    target: (targetId !== null && people.get(targetId)) || null,
    kind: row.kind,
    detail: row.detail ?? null,
    ip: row.ip,
  };
}
