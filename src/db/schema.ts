// The database schema (drizzle). Migrations in drizzle/ are generated from this file.
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

// Times are stored as integer milliseconds since the epoch (set in code, not by SQLite,
// whose unixepoch() has only second precision).
const millis = (name: string) => integer(name, { mode: "number" });

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    email: text("email").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    tokenVersion: integer("token_version").notNull().default(0),
    createdAt: millis("created_at").notNull(),
    lastSeenAt: millis("last_seen_at"),
    /** A short status or bio the person writes about themselves (profile; at most 160 characters). */
    bio: text("bio").notNull().default(""),
    /** The avatar's key in the file storage (src/files/storage.ts): a square WebP; null shows initials. */
    avatarKey: text("avatar_key"),
    /**
     * True for an account made while REQUIRE_EMAIL_VERIFICATION was on that has not yet
     * followed the link of its verification mail (src/auth/email-verification.ts).
     */
    emailUnverified: integer("email_unverified", { mode: "boolean" }).notNull().default(false),
    /** Desktop notifications wanted: every message, mentions only, or none (chat/notification-settings.ts). */
    desktopNotifications: text("desktop_notifications", { enum: ["all", "mentions", "off"] })
      .notNull()
      .default("all"),
    /** The person dismissed the "Turn on desktop notifications" prompt for good. */
    notificationPromptDismissed: integer("notification_prompt_dismissed", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("users_username_lower_unique").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_unique").on(sql`lower(${t.email})`),
    index("users_first_name_lower").on(sql`lower(${t.firstName})`),
    index("users_last_name_lower").on(sql`lower(${t.lastName})`),
  ],
);

export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["direct", "room"] }).notNull(),
    name: text("name"),
    /** A room name's uniqueness and search key: NFC and Unicode case folding (chat/names.ts). */
    nameKey: text("name_key"),
    directKey: text("direct_key"),
    createdBy: integer("created_by").references((): AnySQLiteColumn => users.id),
    createdAt: millis("created_at").notNull(),
    lastMessageId: integer("last_message_id"),
    // The conversation's change stream: the number its latest change took. Every change
    // (a new message; later edits, deletions, reactions, membership) takes the next one
    // inside its committing transaction (src/chat/stream.ts).
    lastSeq: integer("last_seq").notNull().default(0),
    /** A room's topic (empty: none). */
    topic: text("topic").notNull().default(""),
    /** A private room is not listed and is joined only by invitation (src/chat/room-roles.ts). */
    isPrivate: integer("is_private", { mode: "boolean" }).notNull().default(false),
    /** When the owner archived the room: read-only, hidden from the room list. */
    archivedAt: millis("archived_at"),
  },
  (t) => [
    uniqueIndex("conversations_direct_key_unique").on(t.directKey),
    uniqueIndex("conversations_room_name_key_unique").on(t.nameKey),
    index("conversations_last_message").on(t.lastMessageId),
  ],
);

export const members = sqliteTable(
  "members",
  {
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    joinedAt: millis("joined_at").notNull(),
    lastReadMessageId: integer("last_read_message_id").notNull().default(0),
    // The stream number of this member's latest read-mark change (0: never read).
    readSeq: integer("read_seq").notNull().default(0),
    /** In a room: what the member may do (src/chat/room-roles.ts). Direct conversations: member. */
    role: text("role", { enum: ["owner", "moderator", "member"] })
      .notNull()
      .default("member"),
    /** Muted by this member: no unread count and no notification, except for mentions. */
    muted: integer("muted", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("members_user").on(t.userId),
    // "Read marks of conversation C changed after seq N", for the catch-up.
    index("members_conversation_read_seq").on(t.conversationId, t.readSeq),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    senderId: integer("sender_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    clientId: text("client_id"),
    createdAt: millis("created_at").notNull(),
    // The stream number of this message's latest change: its creation, an edit, a
    // deletion or a reaction (src/chat/message-changes.ts).
    seq: integer("seq").notNull().default(0),
    /** When the body was last edited (null: never). Earlier versions are not kept. */
    editedAt: millis("edited_at"),
    /** When the message was deleted; then `body` is "" and its reactions and mentions are gone. */
    deletedAt: millis("deleted_at"),
    /** The message this one answers, in the same conversation. */
    replyToId: integer("reply_to_id").references((): AnySQLiteColumn => messages.id, { onDelete: "set null" }),
    /** "system": a room event (renamed, joined, removed, ...) told by `event`, worded by the client. */
    kind: text("kind", { enum: ["user", "system"] })
      .notNull()
      .default("user"),
    event: text("event", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("messages_conversation_id").on(t.conversationId, t.id),
    uniqueIndex("messages_conversation_seq").on(t.conversationId, t.seq),
    uniqueIndex("messages_sender_client_id_unique").on(t.senderId, t.clientId),
  ],
);

// One person's emoji on one message. `id` orders the chips by first use.
export const reactions = sqliteTable(
  "reactions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: text("emoji").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [uniqueIndex("reactions_message_user_emoji").on(t.messageId, t.userId, t.emoji)],
);

// Who a message mentions (`<@id>` in its body, or everyone for `<@room>`), for the
// per-conversation unread mention count: the conversation is repeated here so the count
// is one index range per conversation.
export const mentions = sqliteTable(
  "mentions",
  {
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId] }),
    index("mentions_user_conversation_message").on(t.userId, t.conversationId, t.messageId),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
    revokedAt: millis("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    // When a request last came with this session: for the person's list of signed-in
    // devices. Written at most once a minute per session (sessions.ts), not per request.
    lastActiveAt: millis("last_active_at"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

// Password reset links: only a SHA-256 of the token is kept (a database copy alone cannot
// reset anything); single use (used_at) and short-lived (expires_at).
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
    usedAt: millis("used_at"),
    /** The admin who made the link by hand (no mail configured), or null for a mailed link. */
    createdBy: integer("created_by").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("password_resets_token_hash").on(t.tokenHash), index("password_resets_user").on(t.userId)],
);

// Email verification links: as password resets, only a SHA-256 of the token is kept;
// single use (used_at) and short-lived (expires_at).
export const emailVerifications = sqliteTable(
  "email_verifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
    usedAt: millis("used_at"),
  },
  (t) => [
    uniqueIndex("email_verifications_token_hash").on(t.tokenHash),
    index("email_verifications_user").on(t.userId),
  ],
);

// A person blocked by another: the blocked one can no longer write to the blocker in a
// direct conversation, and the blocker's client folds the blocked one's room messages
// (src/chat/blocks.ts).
export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: integer("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: integer("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("blocks_blocked").on(t.blockedId)],
);

export const activityLog = sqliteTable(
  "activity_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: millis("at").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    ip: text("ip"),
  },
  (t) => [
    index("activity_log_kind").on(t.kind, t.id),
    index("activity_log_user").on(t.userId, t.id),
    // The failed-login throttle counts recent failures by IP (src/auth/login-throttle.ts).
    index("activity_log_kind_ip_at").on(t.kind, t.ip, t.at),
  ],
);

// Uploaded files. An upload belongs to its uploader until it is sent with a message, then
// to that message's conversation (whose members may read it). `storage_key` is a random
// name in the file storage (src/files/storage.ts); the user's file name is only shown.
export const attachments = sqliteTable(
  "attachments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uploaderId: integer("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: integer("message_id").references(() => messages.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    // "uploading" while the bytes arrive (a crash leaves it so, for the sweeper), then "ready".
    state: text("state", { enum: ["uploading", "ready"] }).notNull(),
    storageKey: text("storage_key").notNull(),
    thumbnailKey: text("thumbnail_key"),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("attachments_storage_key_unique").on(t.storageKey),
    index("attachments_message").on(t.messageId),
    index("attachments_uploader").on(t.uploaderId),
    // The sweeper's scan: uploads never sent, oldest first.
    index("attachments_unsent").on(t.createdAt).where(sql`${t.messageId} is null`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
