// The person's profile: first and last name and a short bio. A change reaches everyone
// who shares a conversation with them at once (a `user` frame); a client that was away
// gets the current names with its next conversation list.
import { eq } from "drizzle-orm";
import { conversationPeers } from "../chat/conversations.ts";
import type { UserRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { toUser, toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { ProfileInput, User } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";

export async function updateProfile(
  deps: Pick<Deps, "db" | "notifier" | "presence">,
  userId: number,
  input: ProfileInput,
): Promise<User> {
  const { users } = tablesOf(deps.db);
  const [row] = await deps.db
    .update(users)
    .set({ firstName: input.firstName, lastName: input.lastName, bio: input.bio })
    .where(eq(users.id, userId))
    .returning();
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in first");
  return announceProfile(deps, row);
}

/** Tells the person and everyone sharing a conversation with them their profile as it now is. */
export async function announceProfile(deps: Pick<Deps, "db" | "notifier" | "presence">, row: UserRow): Promise<User> {
  const online = (await deps.presence.online([row.id])).has(row.id);
  deps.notifier.userChanged([row.id, ...(await conversationPeers(deps.db, row.id))], toUserSummary(row, online));
  return toUser(row, online);
}
