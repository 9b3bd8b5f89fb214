// The database schema for PostgreSQL (drizzle): the same tables, columns, indexes, uniques
// and foreign keys as schema.ts (SQLite), with the same SQL names and TypeScript property
// names, and PostgreSQL types chosen so that a row reads as the same JavaScript values.
// Migrations in drizzle/pg/ are generated from this file. Where it departs from schema.ts,
// a comment says why; docs/DECISIONS.md has the whole mapping.
//
// Full-text search is not described here: messages.search (a generated tsvector column),
// its GIN index and the text search configuration are in the custom migration
// drizzle/pg/0001_message_search.sql, as SQLite's FTS5 table is outside schema.ts.
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

// Times are integer milliseconds since the epoch, as on SQLite: bigint (they outgrow a
// 4-byte integer), read back as JavaScript numbers (exact up to 2^53).
const millis = (name: string) => bigint(name, { mode: "number" });

// Ids: 4-byte integers numbered by an identity column (by default, not always: a copy from
// SQLite and a restore write the ids they carry, then move the sequence past them).
const id = () => integer("id").primaryKey().generatedByDefaultAsIdentity();

// Text that is sorted, compared by range or folded by lower() for an index: collation "C",
// so PostgreSQL compares it bytewise and lower() folds ASCII only, exactly as SQLite does
// whatever locale the database was made with (a prefix search is a range on lower(name),
// src/chat/search.ts, which only bytewise order makes right).
const bytewiseText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

// JSON objects as jsonb, handed to Bun's SQL client as objects. drizzle's own jsonb
// (0.45) passes JSON text, which Bun's client encodes again: the column then holds a JSON
// string, not an object, and `detail ->> 'key'` finds nothing (drizzle-orm#4942, fixed in
// drizzle's 1.0 beta). Bun encodes an object once, and parses jsonb when reading. A string
// read back is a row written the old way (a `db copy` made before this type): parsed too.
const jsonObject = <T>(name: string) =>
  customType<{ data: T; driverData: unknown }>({
    dataType: () => "jsonb",
    toDriver: (value) => value,
    fromDriver: (value) => (typeof value === "string" ? JSON.parse(value) : value) as T,
  })(name);

export const users = pgTable(
  "users",
  {
    id: id(),
    username: bytewiseText("username").notNull(),
    email: bytewiseText("email").notNull(),
    firstName: bytewiseText("first_name").notNull(),
    lastName: bytewiseText("last_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    isAdmin: boolean("is_admin").notNull().default(false),
    isActive: boolean("is_active").notNull().default(true),
    tokenVersion: integer("token_version").notNull().default(0),
    createdAt: millis("created_at").notNull(),
    lastSeenAt: millis("last_seen_at"),
    /** A short status or bio the person writes about themselves (profile; at most 160 characters). */
    bio: text("bio").notNull().default(""),
    /** The avatar's key in the file storage (src/files/storage.ts): a square WebP; null shows initials. */
    avatarKey: text("avatar_key"),
    /** Made while REQUIRE_EMAIL_VERIFICATION was on, and the link not yet followed. */
    emailUnverified: boolean("email_unverified").notNull().default(false),
    /** Desktop notifications wanted: every message, mentions only, or none (chat/notification-settings.ts). */
    desktopNotifications: text("desktop_notifications", { enum: ["all", "mentions", "off"] })
      .notNull()
      .default("all"),
    /** The person dismissed the "Turn on desktop notifications" prompt for good. */
    notificationPromptDismissed: boolean("notification_prompt_dismissed").notNull().default(false),
  },
  (t) => [
    uniqueIndex("users_username_lower_unique").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_unique").on(sql`lower(${t.email})`),
    index("users_first_name_lower").on(sql`lower(${t.firstName})`),
    index("users_last_name_lower").on(sql`lower(${t.lastName})`),
  ],
);

export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    kind: text("kind", { enum: ["direct", "room"] }).notNull(),
    name: bytewiseText("name"),
    /** A room name's uniqueness and search key: NFC and Unicode case folding (chat/names.ts). */
    nameKey: bytewiseText("name_key"),
    directKey: text("direct_key"),
    createdBy: integer("created_by").references((): AnyPgColumn => users.id),
    createdAt: millis("created_at").notNull(),
    lastMessageId: integer("last_message_id"),
    // The conversation's change stream: the number its latest change took (src/chat/stream.ts).
    // Taken by an UPDATE of this row, whose row lock orders the conversation's writers.
    lastSeq: integer("last_seq").notNull().default(0),
    /** A room's topic (empty: none). */
    topic: text("topic").notNull().default(""),
    /** A private room is not listed and is joined only by invitation (src/chat/room-roles.ts). */
    isPrivate: boolean("is_private").notNull().default(false),
    /** When the owner archived the room: read-only, hidden from the room list. */
    archivedAt: millis("archived_at"),
  },
  (t) => [
    uniqueIndex("conversations_direct_key_unique").on(t.directKey),
    uniqueIndex("conversations_room_name_key_unique").on(t.nameKey),
    index("conversations_last_message").on(t.lastMessageId),
  ],
);

export const members = pgTable(
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
    muted: boolean("muted").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("members_user").on(t.userId),
    index("members_conversation_read_seq").on(t.conversationId, t.readSeq),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: id(),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    senderId: integer("sender_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    clientId: text("client_id"),
    createdAt: millis("created_at").notNull(),
    // The stream number of this message's latest change (src/chat/message-changes.ts).
    seq: integer("seq").notNull().default(0),
    /** When the body was last edited (null: never). Earlier versions are not kept. */
    editedAt: millis("edited_at"),
    /** When the message was deleted; then `body` is "" and its reactions and mentions are gone. */
    deletedAt: millis("deleted_at"),
    /** The message this one answers, in the same conversation. */
    replyToId: integer("reply_to_id").references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    /** "system": a room event (renamed, joined, removed, ...) told by `event`, worded by the client. */
    kind: text("kind", { enum: ["user", "system"] })
      .notNull()
      .default("user"),
    // jsonb where SQLite keeps JSON text: drizzle hands back the same object either way.
    event: jsonObject<Record<string, unknown>>("event"),
  },
  (t) => [
    index("messages_conversation_id").on(t.conversationId, t.id),
    uniqueIndex("messages_conversation_seq").on(t.conversationId, t.seq),
    // As on SQLite, rows whose client_id is null never collide (nulls are distinct).
    uniqueIndex("messages_sender_client_id_unique").on(t.senderId, t.clientId),
  ],
);

export const reactions = pgTable(
  "reactions",
  {
    id: id(),
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

export const mentions = pgTable(
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

export const sessions = pgTable(
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
    lastActiveAt: millis("last_active_at"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const passwordResets = pgTable(
  "password_resets",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
    usedAt: millis("used_at"),
    createdBy: integer("created_by").references((): AnyPgColumn => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("password_resets_token_hash").on(t.tokenHash), index("password_resets_user").on(t.userId)],
);

export const emailVerifications = pgTable(
  "email_verifications",
  {
    id: id(),
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

export const blocks = pgTable(
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

export const activityLog = pgTable(
  "activity_log",
  {
    id: id(),
    at: millis("at").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").notNull(),
    detail: jsonObject<Record<string, unknown>>("detail"),
    ip: text("ip"),
  },
  (t) => [
    index("activity_log_kind").on(t.kind, t.id),
    index("activity_log_user").on(t.userId, t.id),
    index("activity_log_kind_ip_at").on(t.kind, t.ip, t.at),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    uploaderId: integer("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: integer("message_id").references(() => messages.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
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
    index("attachments_unsent").on(t.createdAt).where(sql`${t.messageId} is null`),
  ],
);
