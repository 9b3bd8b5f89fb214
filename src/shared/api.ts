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
