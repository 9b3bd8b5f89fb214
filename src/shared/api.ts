// Wire types and input schemas of the HTTP and tRPC contract, shared with the web client.
import { z } from "zod";

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

const trimmedName = (label: string) =>
  z.string().trim().min(1, `${label} is required`).max(64, `${label} must be at most 64 characters`);

export const signupInput = z.object({
  username: z.string().trim().regex(USERNAME_PATTERN, "3–32 letters, digits, '_', '.' or '-'"),
  email: z
    .string()
    .trim()
    .max(254, "Email is too long")
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "Enter an email like name@example.com"),
  firstName: trimmedName("First name"),
  lastName: trimmedName("Last name"),
  password: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters"),
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.object({
  username: z.string().trim().min(1, "Username is required").max(254),
  password: z.string().min(1, "Password is required").max(200),
});
export type LoginInput = z.infer<typeof loginInput>;

/** Times are ISO-8601 strings on the wire. */
export type UserSummary = {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  online: boolean;
  lastSeenAt: string | null;
};

export type User = UserSummary & { email: string; isAdmin: boolean; createdAt: string };

export type Message = {
  id: number;
  conversationId: number;
  senderId: number;
  body: string;
  clientId?: string;
  createdAt: string;
};

export type Conversation = {
  id: number;
  kind: "direct" | "room";
  name?: string;
  peer?: UserSummary;
  lastMessage?: Message;
  unread: number;
};

export type AuthResult = { user: User; token: string };
export type Health = { ok: boolean; db: "ok" | "down"; bus: "local" | "redis" | "degraded" };

// Conversations, rooms and administration (tRPC inputs and answers) -------------------

const id = z.number().int().positive();
/** Keyset pagination: the id of the last item of the previous page. */
const cursor = id.optional();
const pageLimit = z.number().int().min(1).max(100).optional();
const search = z.string().trim().max(64).optional();

/** Default of MAX_BODY; the server's configured value is what counts. */
export const DEFAULT_MAX_BODY = 4000;

// C0 and C1 control characters other than tab (U+0009) and newline (U+000A).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * A message body as the server checks it: trimmed, 1..maxBody Unicode code points,
 * no control characters but "\n" and "\t". Returns the trimmed body or the problem.
 */
export function checkMessageBody(
  body: string,
  maxBody: number = DEFAULT_MAX_BODY,
): { ok: true; body: string } | { ok: false; message: string } {
  const trimmed = body.trim();
  if (trimmed.length === 0) return { ok: false, message: "A message cannot be empty" };
  if (!trimmed.isWellFormed()) return { ok: false, message: "The message is not valid text" };
  if (FORBIDDEN_CONTROL.test(trimmed)) return { ok: false, message: "The message contains control characters" };
  let codePoints = 0;
  for (const _ of trimmed) {
    codePoints += 1;
    if (codePoints > maxBody) return { ok: false, message: `A message is at most ${maxBody} characters` };
  }
  return { ok: true, body: trimmed };
}

export const usersListInput = z
  .object({ search, cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
export type UsersListInput = z.output<typeof usersListInput>;

export const sendInput = z.object({
  to: z.union([z.object({ userId: id }), z.object({ conversationId: id })]),
  // Trimming, length in code points and control characters: checkMessageBody, with the
  // configured MAX_BODY.
  body: z.string(),
  clientId: z.string().min(1, "clientId is 1–64 characters").max(64, "clientId is 1–64 characters").optional(),
});
export type SendInput = z.infer<typeof sendInput>;

export const messagesInput = z.union([
  z.object({ conversationId: id, before: id.optional(), limit: pageLimit }),
  z.object({ peerId: id, before: id.optional(), limit: pageLimit }),
]);
export type MessagesInput = z.infer<typeof messagesInput>;

export const messageIdInput = z.object({ id });
export const markReadInput = z.object({ conversationId: id, upTo: z.number().int().min(0) });
export type MarkReadInput = z.infer<typeof markReadInput>;

export const roomNameInput = z.object({
  name: z.string().trim().min(1, "A room needs a name").max(64, "Room names are at most 64 characters"),
});
export const roomIdInput = z.object({ id });
export const roomsListInput = z
  .object({ search, cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
export type RoomsListInput = z.output<typeof roomsListInput>;

export const adminListUsersInput = z
  .object({ search: z.string().trim().max(254).optional(), cursor, limit: pageLimit })
  .optional()
  .transform((v) => v ?? {});
export const setActiveInput = z.object({ userId: id, active: z.boolean() });
export const setAdminInput = z.object({ userId: id, admin: z.boolean() });
export const activityInput = z
  .object({
    kind: z.string().trim().min(1).max(64).optional(),
    userId: id.optional(),
    before: id.optional(),
    limit: pageLimit,
  })
  .optional()
  .transform((v) => v ?? {});

export type Page<T> = { items: T[]; nextCursor: number | null };
export type MessagesPage = { items: Message[]; hasMore: boolean };
export type ReadState = { conversationId: number; upTo: number; unread: number };
export type RoomSummary = {
  id: number;
  name: string;
  memberCount: number;
  lastActivityAt: string;
  joined: boolean;
};
export type AdminUser = User & { isActive: boolean; lastSeenAt: string | null };
export type ActivityEntry = {
  id: number;
  at: string;
  userId: number | null;
  kind: string;
  detail: Record<string, unknown> | null;
  ip: string | null;
};
export type AdminListUsersInput = z.output<typeof adminListUsersInput>;
export type ActivityInput = z.output<typeof activityInput>;
