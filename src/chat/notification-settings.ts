// What a person wants to be told about: a conversation muted (no unread count, no
// notification, except mentions) and desktop notifications for everything, mentions only
// or nothing. Kept on the server, so a setting follows the person to every device.
import { and, eq } from "drizzle-orm";
import { type Tables, tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import type { Conversation, NotificationSettings, NotificationSettingsInput, SetMutedInput } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { conversationNotFound, conversationView } from "./conversations.ts";

/**
 * Mutes or unmutes one of the caller's conversations; NOT_FOUND when they are not in it.
 * The new view goes to the caller's other sockets (their other tabs follow).
 */
export async function setMuted(
  deps: Pick<Deps, "db" | "presence" | "notifier">,
  userId: number,
  input: SetMutedInput,
): Promise<Conversation> {
  const { members } = tablesOf(deps.db);
  const [changed] = await deps.db
    .update(members)
    .set({ muted: input.muted })
    .where(and(eq(members.conversationId, input.conversationId), eq(members.userId, userId)))
    .returning({ conversationId: members.conversationId });
  if (!changed) throw conversationNotFound();
  const view = await conversationView(deps, userId, input.conversationId);
  deps.notifier.conversationChanged(userId, view);
  return view;
}

const settingsColumns = (users: Tables["users"]) => ({
  desktop: users.desktopNotifications,
  promptDismissed: users.notificationPromptDismissed,
});

export async function notificationSettings(deps: Pick<Deps, "db">, userId: number): Promise<NotificationSettings> {
  const { users } = tablesOf(deps.db);
  const [row] = await deps.db.select(settingsColumns(users)).from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in first");
  return row;
}

export async function updateNotificationSettings(
  deps: Pick<Deps, "db">,
  userId: number,
  input: NotificationSettingsInput,
): Promise<NotificationSettings> {
  const { users } = tablesOf(deps.db);
  const change = {
    ...(input.desktop !== undefined ? { desktopNotifications: input.desktop } : {}),
    ...(input.promptDismissed !== undefined ? { notificationPromptDismissed: input.promptDismissed } : {}),
  };
  if (Object.keys(change).length === 0) return notificationSettings(deps, userId);
  const [row] = await deps.db.update(users).set(change).where(eq(users.id, userId)).returning(settingsColumns(users));
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in first");
  return row;
}
