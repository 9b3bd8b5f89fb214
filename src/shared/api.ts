// Wire types and input schemas of the HTTP and tRPC contract, shared with the web client.
import { z } from "zod";
import { nameProblem } from "./names.ts";

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

/** A first, last or room name: trimmed, 1–64 characters, no control or direction characters. */
const trimmedName = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(64, `${label} must be at most 64 characters`)
    .superRefine((name, context) => {
      const problem = nameProblem(name);
      if (problem) context.addIssue({ code: "custom", message: problem });
    });

const newPassword = z.string().min(8, "At least 8 characters").max(200, "At most 200 characters");

export const signupInput = z.object({
  username: z.string().trim().regex(USERNAME_PATTERN, "3–32 letters, digits, '_', '.' or '-'"),
  email: z
    .string()
    .trim()
    .max(254, "Email is too long")
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "Enter an email like name@example.com"),
  firstName: trimmedName("First name"),
  lastName: trimmedName("Last name"),
  password: newPassword,
});
export type SignupInput = z.infer<typeof signupInput>;

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(200),
  newPassword,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const loginInput = z.object({
  username: z.string().trim().min(1, "Username is required").max(254),
  password: z.string().min(1, "Password is required").max(200),
});
export type LoginInput = z.infer<typeof loginInput>;

// What the server answers: one schema per shape, the types derived from them. The server
// builds these (db/wire.ts); tests and development builds of the client parse them.

const id = z.number().int().positive();
/** Times are ISO-8601 strings on the wire. */
const time = z.string();

export const userSummarySchema = z.object({
  id,
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  online: z.boolean(),
  lastSeenAt: time.nullable(),
  /** A short status or bio the person wrote ("" when none). */
  bio: z.string(),
  /** The avatar's path on this server (a square WebP, signed-in viewers only), or null: show initials. */
  avatar: z.string().nullable(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const userSchema = userSummarySchema.extend({ email: z.string(), isAdmin: z.boolean(), createdAt: time });
export type User = z.infer<typeof userSchema>;

/** The first line of a replied-to message, at most this many characters. */
export const REPLY_EXCERPT_LENGTH = 140;

/** The message a reply answers: its first line ("" and `deleted` once it is deleted). */
export const replyToSchema = z.object({ id, senderId: id, excerpt: z.string(), deleted: z.boolean() });
export type ReplyTo = z.infer<typeof replyToSchema>;

/**
 * A reply's quote of its parent: the first line, cut to REPLY_EXCERPT_LENGTH code points.
 * The server builds quotes with it; the client rebuilds the quotes it holds when their
 * parent is edited or deleted, so they change live like the parent.
 */
export function replyExcerpt(parent: {
  id: number;
  senderId: number;
  body: string;
  deletedAt: number | string | null;
}): ReplyTo {
  const deleted = parent.deletedAt !== null;
  const firstLine = deleted ? "" : (parent.body.split("\n", 1)[0] ?? "");
  const codePoints = Array.from(firstLine);
  const excerpt =
    codePoints.length > REPLY_EXCERPT_LENGTH ? codePoints.slice(0, REPLY_EXCERPT_LENGTH).join("") : firstLine;
  return { id: parent.id, senderId: parent.senderId, excerpt, deleted };
}

/** One emoji on a message and who put it there, in the order they did. */
export const reactionSchema = z.object({ emoji: z.string(), userIds: z.array(id) });
export type Reaction = z.infer<typeof reactionSchema>;
// Rooms: roles and the events announced in a room ---------------------------------------

/** What a room member may do: see docs/DECISIONS.md, "Room roles". */
export const ROOM_ROLES = ["owner", "moderator", "member"] as const;
export const roomRoleSchema = z.enum(ROOM_ROLES);
export type RoomRole = z.infer<typeof roomRoleSchema>;

/**
 * A room event, carried by a system line in the room (a message with `event` and an empty
 * body): who did it is the message's sender; the client words it in the reader's language.
 */
export const roomEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("joined") }),
  z.object({ type: z.literal("left") }),
  z.object({ type: z.literal("invited"), userId: id }),
  z.object({ type: z.literal("removed"), userId: id }),
  z.object({ type: z.literal("renamed"), from: z.string(), to: z.string() }),
  /** The new topic; empty: cleared. */
  z.object({ type: z.literal("topic"), topic: z.string() }),
  z.object({ type: z.literal("role"), userId: id, role: z.enum(["moderator", "member"]) }),
  /** Ownership passed to `userId`; the previous owner is a moderator now. */
  z.object({ type: z.literal("owner"), userId: id }),
  z.object({ type: z.literal("archived"), archived: z.boolean() }),
]);
export type RoomEvent = z.infer<typeof roomEventSchema>;

/**
 * A file sent with a message (or uploaded and not yet sent). Its bytes are at
 * `/api/files/{id}` and, for an image, a thumbnail at `/api/files/{id}/thumbnail`;
 * `image` gives the shown size, so a client reserves the space before it loads.
 */
export const attachmentSchema = z.object({
  id,
  name: z.string(),
  /** Taken from the bytes, not the name; `application/octet-stream` when unknown. */
  contentType: z.string(),
  size: z.number().int().min(0),
  image: z.object({ width: z.number().int().min(1), height: z.number().int().min(1) }).nullable(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Most files sent with one message. */
export const MAX_ATTACHMENTS = 10;

export const messageSchema = z.object({
  id,
  conversationId: id,
  senderId: id,
  /** "" once deleted: the text is gone from the database, not hidden. */
  body: z.string(),
  clientId: z.string().optional(),
  createdAt: time,
  /** The number of this message's latest change in its conversation's stream. */
  seq: z.number().int().min(1),
  /** When the body was last edited; null if never. */
  editedAt: time.nullable(),
  /** When the message was deleted; null while it is not. */
  deletedAt: time.nullable(),
  replyTo: replyToSchema.nullable(),
  /** In order of first use; the viewer's own: `userIds.includes(me)`. */
  reactions: z.array(reactionSchema),
  /** The people the message mentions (`<@id>` in the body; everyone present for `<@room>`). */
  mentions: z.array(id),
  /** Files sent with it, in upload order ([] once the message is deleted: the files are gone). */
  attachments: z.array(attachmentSchema),
  /** Present on a system line: the room event it announces (the body is empty). */
  event: roomEventSchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z.object({
  id,
  kind: z.enum(["direct", "room"]),
  name: z.string().optional(),
  peer: userSummarySchema.optional(),
  lastMessage: messageSchema.optional(),
  unread: z.number().int().min(0),
  /** Rooms only: the room as its member sees it. */
  room: z
    .object({
      topic: z.string(),
      memberCount: z.number().int().min(0),
      /** The caller's role in the room. */
      role: roomRoleSchema,
      private: z.boolean(),
      archived: z.boolean(),
    })
    .optional(),
  /** Unread messages that mention the viewer (also counted when the conversation is muted). */
  mentions: z.number().int().min(0),
  /**
   * The viewer muted it: clients show no unread count and send no notification for it,
   * except for mentions (`unread` is still the true count, for the "New messages" line).
   */
  muted: z.boolean(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const authResultSchema = z.object({ user: userSchema, token: z.string() });
export type AuthResult = z.infer<typeof authResultSchema>;
export const healthSchema = z.object({
  ok: z.boolean(),
  /** "failing": reads work, writes do not (unwritable or full files, I/O errors). */
  db: z.enum(["ok", "failing", "down"]),
  bus: z.enum(["local", "redis", "degraded"]),
});
export type Health = z.infer<typeof healthSchema>;

// Conversations, rooms and administration (tRPC inputs and answers) -------------------

/** Keyset pagination: the id of the last item of the previous page. */
const cursor = id.optional();
const pageLimit = z.number().int().min(1).max(100).optional();
const search = z.string().trim().max(64).optional();

/** Default of MAX_BODY; the server's configured value (in `ready`) is what counts. */
export const DEFAULT_MAX_BODY = 4000;

// C0 and C1 control characters other than tab (U+0009) and newline (U+000A).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * A message body: trimmed, 1..maxBody Unicode code points (not UTF-16 units), well-formed,
 * no control characters but "\n" and "\t". Parses to the trimmed body.
 */
export const messageBody = (maxBody: number = DEFAULT_MAX_BODY) =>
  z
    .string()
    .trim()
    .min(1, "A message cannot be empty")
    .refine((body) => body.isWellFormed(), { message: "The message is not valid text", abort: true })
    .refine((body) => !FORBIDDEN_CONTROL.test(body), {
      message: "The message contains control characters",
      abort: true,
    })
    .refine((body) => codePointsAtMost(body, maxBody), { message: `A message is at most ${maxBody} characters` });

function codePointsAtMost(text: string, max: number): boolean {
  if (text.length <= max) return true;
  let codePoints = 0;
  for (const _ of text) if (++codePoints > max) return false;
  return true;
}

// One schema per limit, built once: building it cost ~29 µs, thirty times the check itself,
// on every message sent.
const bodySchemas = new Map<number, ReturnType<typeof messageBody>>();

/** `messageBody` as a result: the trimmed body, or the first problem in words. */
export function checkMessageBody(
  body: string,
  maxBody: number = DEFAULT_MAX_BODY,
): { ok: true; body: string } | { ok: false; message: string } {
  let schema = bodySchemas.get(maxBody);
  if (!schema) {
    schema = messageBody(maxBody);
    bodySchemas.set(maxBody, schema);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, message: parsed.error.issues[0]?.message ?? "Invalid message" };
}

export const usersListInput = z
  .object({ search, cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
export type UsersListInput = z.output<typeof usersListInput>;

/** Most people one `users.byIds` call looks up. */
export const MAX_LOOKUP_IDS = 100;
export const usersByIdsInput = z.object({ ids: z.array(id).min(1).max(MAX_LOOKUP_IDS) });

export const sendInput = z.object({
  to: z.union([z.object({ userId: id }), z.object({ conversationId: id })]),
  // Parsed by the chat domain with messageBody(MAX_BODY), the configured limit, after a
  // known clientId has returned its stored message.
  body: z.string(),
  clientId: z.string().min(1, "clientId is 1–64 characters").max(64, "clientId is 1–64 characters").optional(),
  /** Uploads (POST /api/files) to send with it; the body may then be empty. */
  attachmentIds: z
    .array(id)
    .max(MAX_ATTACHMENTS, `At most ${MAX_ATTACHMENTS} files per message`)
    .refine((ids) => new Set(ids).size === ids.length, "An attachment is listed twice")
    .optional(),
  /** The message this one answers: a message of the same conversation. */
  replyTo: id.optional(),
});
export type SendInput = z.infer<typeof sendInput>;

export const messagesInput = z.union([
  z.object({ conversationId: id, before: id.optional(), limit: pageLimit }),
  z.object({ peerId: id, before: id.optional(), limit: pageLimit }),
]);
export type MessagesInput = z.infer<typeof messagesInput>;

export const messageIdInput = z.object({ id });

/** `history.edit`: the new body obeys `messageBody(MAX_BODY)`, checked by the domain. */
export const editInput = z.object({ id, body: z.string() });
export type EditInput = z.infer<typeof editInput>;

/** Most different emoji on one message, and most one person puts on one message. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
export const MAX_REACTIONS_PER_PERSON = 10;

// One emoji as Unicode recommends it for general interchange (RGI): a single code point,
// a keycap, a flag, a skin tone or a ZWJ sequence, never two emoji nor text.
const RGI_EMOJI = /^\p{RGI_Emoji}$/v;
const VARIATION_SELECTOR_16 = "\uFE0F";

/**
 * A reaction: exactly one emoji. An emoji sent without its emoji-style selector ("❤") is
 * stored in its fully qualified form ("❤️"), so both spellings make one chip.
 */
export const reactionEmoji = z
  .string()
  .max(32, "A reaction is one emoji")
  .transform((emoji) =>
    !RGI_EMOJI.test(emoji) && RGI_EMOJI.test(emoji + VARIATION_SELECTOR_16) ? emoji + VARIATION_SELECTOR_16 : emoji,
  )
  .refine((emoji) => RGI_EMOJI.test(emoji), { message: "A reaction is one emoji" });

/** `history.react`: set (not toggle) the caller's `emoji` on a message, so a retry is harmless. */
export const reactInput = z.object({ id, emoji: reactionEmoji, on: z.boolean() });
export type ReactInput = z.infer<typeof reactInput>;

/** `history.around`: a page of a conversation centred on one of its messages. */
export const aroundInput = z.object({ conversationId: id, messageId: id, limit: pageLimit });
export type AroundInput = z.infer<typeof aroundInput>;

/** Oldest first; `hasOlder`/`hasNewer`: more messages lie beyond either end. */
export const aroundPageSchema = z.object({
  messages: z.array(messageSchema),
  hasOlder: z.boolean(),
  hasNewer: z.boolean(),
});
export type AroundPage = z.infer<typeof aroundPageSchema>;
/** `history.setMuted`: the caller mutes or unmutes one of their conversations. */
export const setMutedInput = z.object({ conversationId: id, muted: z.boolean() });
export type SetMutedInput = z.infer<typeof setMutedInput>;

/** Desktop notifications: for every message, for mentions only, or none. */
export const desktopNotificationsSchema = z.enum(["all", "mentions", "off"]);
export type DesktopNotifications = z.infer<typeof desktopNotificationsSchema>;

/** The person's notification settings, kept on the server so they follow them to every device. */
export const notificationSettingsSchema = z.object({
  desktop: desktopNotificationsSchema,
  /** The "Turn on desktop notifications" prompt was dismissed for good. */
  promptDismissed: z.boolean(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** `account.setNotificationSettings`: what is given changes, the rest stays. */
export const notificationSettingsInput = notificationSettingsSchema.partial();
export type NotificationSettingsInput = z.infer<typeof notificationSettingsInput>;

export const markReadInput = z.object({ conversationId: id, upTo: z.number().int().min(0) });

export const roomNameInput = z.object({ name: trimmedName("A room name") });
export const createRoomInput = roomNameInput.extend({ private: z.boolean().optional() });
export const roomIdInput = z.object({ id });
export const renameRoomInput = roomNameInput.extend({ id });
export const ROOM_TOPIC_MAX = 250;
export const roomTopicInput = z.object({
  id,
  topic: z
    .string()
    .trim()
    .max(ROOM_TOPIC_MAX, `A topic is at most ${ROOM_TOPIC_MAX} characters`)
    .refine((topic) => topic.isWellFormed() && !FORBIDDEN_CONTROL.test(topic.replaceAll("\t", " ")), {
      message: "A topic cannot contain control characters",
    })
    .refine((topic) => !topic.includes("\n"), { message: "A topic is one line" }),
});
export const roomInviteInput = z.object({ id, username: z.string().trim().min(1, "Username is required").max(64) });
export const roomMemberInput = z.object({ id, userId: id });
export const roomRoleInput = z.object({ id, userId: id, role: z.enum(["moderator", "member"]) });
export const roomArchiveInput = z.object({ id, archived: z.boolean() });
export const roomMemberSchema = z.object({ user: userSummarySchema, role: roomRoleSchema });
export type RoomMember = z.infer<typeof roomMemberSchema>;
export const roomsListInput = z
  .object({ search, cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
export type RoomsListInput = z.output<typeof roomsListInput>;

export const adminListUsersInput = z
  .object({ search: z.string().trim().max(254).optional(), cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
/** `reason`: why, in the admin's words; written to the activity log with the change. */
export const setActiveInput = z.object({
  userId: id,
  active: z.boolean(),
  reason: z.string().trim().max(500).optional(),
});
export const setAdminInput = z.object({ userId: id, admin: z.boolean() });
export const activityInput = z
  .object({
    kind: z.string().trim().min(1).max(64).optional(),
    /** Entries this person made. */
    userId: id.optional(),
    /** Entries this person made or that were about them (an admin's change, a moderator's deletion). */
    personId: id.optional(),
    before: id.optional(),
    limit: pageLimit,
  })
  .optional()
  .transform((v) => v ?? {});

export type Page<T> = { items: T[]; nextCursor: number | null };
// The change stream (src/chat/stream.ts) -------------------------------------------------

const seq = z.number().int().min(0);

/** How far `userId` has read in a conversation, and the stream number of that change. */
export const readMarkSchema = z.object({ userId: id, upTo: z.number().int().min(0), seq });
export type ReadMark = z.infer<typeof readMarkSchema>;

/**
 * Where a reader of a conversation starts: everything up to `seq` is in the page it came
 * with; `readUpTo` is the reader's own mark; `reads` the others' (most recent first).
 */
export const streamStartSchema = z.object({ seq, readUpTo: z.number().int().min(0), reads: z.array(readMarkSchema) });

/** `history.changes`: a conversation's changes after `after` (a number the client holds). */
export const changesInput = z.object({ conversationId: id, after: seq });

/**
 * A conversation's changes after a number, each as it is now, in stream order. The reader
 * then holds `seq`: the conversation's latest number when `complete`, otherwise the last
 * change returned (ask again after it).
 */
export const changesPageSchema = z.object({
  conversationId: id,
  messages: z.array(messageSchema),
  reads: z.array(readMarkSchema),
  seq,
  complete: z.boolean(),
});
export type ChangesPage = z.infer<typeof changesPageSchema>;

/** A page of history; the latest page (no `before`) carries where the stream stands. */
export const messagesPageSchema = z.object({
  items: z.array(messageSchema),
  hasMore: z.boolean(),
  stream: streamStartSchema.optional(),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;
export const readStateSchema = z.object({
  conversationId: id,
  upTo: z.number().int().min(0),
  unread: z.number().int().min(0),
});
export type ReadState = z.infer<typeof readStateSchema>;
export const roomSummarySchema = z.object({
  id,
  name: z.string(),
  memberCount: z.number().int().min(0),
  lastActivityAt: time,
  joined: z.boolean(),
  private: z.boolean(),
});
export type RoomSummary = z.infer<typeof roomSummarySchema>;
export const adminUserSchema = userSchema.extend({ isActive: z.boolean() });
export type AdminUser = z.infer<typeof adminUserSchema>;
/** A person as the activity log names them (null in an entry: unknown or since deleted). */
export const activityPersonSchema = z.object({ id, username: z.string(), firstName: z.string(), lastName: z.string() });
export type ActivityPerson = z.infer<typeof activityPersonSchema>;
export const activityEntrySchema = z.object({
  id,
  at: time,
  userId: id.nullable(),
  /** Who did it (`userId`'s person). */
  user: activityPersonSchema.nullable(),
  /** Whom it was about, when someone else: `detail.targetUserId` or `detail.authorId`. */
  target: activityPersonSchema.nullable(),
  kind: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;
export type AdminListUsersInput = z.output<typeof adminListUsersInput>;
export type ActivityInput = z.output<typeof activityInput>;

// Accounts: the person's own sessions ----------------------------------------------------

/** A signed-in device as its owner sees it; `id` is not the session token's id. */
export const sessionViewSchema = z.object({
  id: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: time,
  lastActiveAt: time,
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;
export const sessionIdInput = z.object({ id: z.string().min(1).max(64) });

// Forgotten passwords ---------------------------------------------------------------------

/** How a forgotten password is reset here: a mailed link, or one an admin makes. */
export const authOptionsSchema = z.object({ passwordReset: z.enum(["email", "admin"]) });
export type AuthOptions = z.infer<typeof authOptionsSchema>;
export const forgotPasswordInput = z.object({ email: z.string().trim().min(3, "Enter your email").max(254) });
export const resetPasswordInput = z.object({ token: z.string().min(16).max(128), password: newPassword });
/** A reset link an admin made: `path` (with the token in its fragment) on this server's origin. */
export const resetLinkSchema = z.object({ path: z.string(), expiresAt: time });
export type ResetLink = z.infer<typeof resetLinkSchema>;
export const resetLinkInput = z.object({ userId: id });

// Email verification (REQUIRE_EMAIL_VERIFICATION) -------------------------------------------

/** Signup's answer (202) when the new account must confirm its address first: no session yet. */
export const signupPendingSchema = z.object({ emailVerification: z.literal("sent") });
export type SignupPending = z.infer<typeof signupPendingSchema>;
export const verifyEmailInput = z.object({ token: z.string().min(16).max(128) });

// The person's profile ---------------------------------------------------------------------

export const MAX_BIO = 160;
export const profileInput = z.object({
  firstName: trimmedName("First name"),
  lastName: trimmedName("Last name"),
  bio: z
    .string()
    .trim()
    .max(MAX_BIO, `At most ${MAX_BIO} characters`)
    .superRefine((bio, context) => {
      const problem = bio === "" ? null : nameProblem(bio);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }),
});
export type ProfileInput = z.infer<typeof profileInput>;

// Blocking a person ------------------------------------------------------------------------

export const blockInput = z.object({ userId: id });
