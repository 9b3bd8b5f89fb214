// The person's profile: first and last name and a short bio. A change reaches everyone
// who shares a conversation with them at once (a `user` frame); a client that was away
// gets the current names with its next conversation list.
import { eq } from "drizzle-orm";
import { conversationPeers } from "../chat/conversations.ts";
import { users } from "../db/schema.ts";
import { toUser, toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { ProfileInput, User } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";

export async function updateProfile(
  deps: Pick<Deps, "db" | "notifier" | "presence">,
  userId: number,
  input: ProfileInput,
): Promise<User> {
  const row = deps.db
    .update(users)
    .set({ firstName: input.firstName, lastName: input.lastName, bio: input.bio })
    .where(eq(users.id, userId))
    .returning()
    .get();
  if (!row) throw new AppError("UNAUTHORIZED", "Sign in first");
  const online = (await deps.presence.online([userId])).has(userId);
  deps.notifier.userChanged([userId, ...conversationPeers(deps.db, userId)], toUserSummary(row, online));
  return toUser(row, online);
}
