// Changing one's password: the current one is required (a session left open on a shared
// computer is not enough), the new one passes the signup policy, and every other session
// ends while the one asking stays signed in.
import { and, count, eq, gt } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import { tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import type { ChangePasswordInput } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { passwordProblem } from "./password-policy.ts";
import { type AuthSession, endOtherSessions } from "./sessions.ts";

/** Wrong current passwords allowed per account in the window: an open session cannot guess on. */
const WRONG_CURRENT_LIMIT = 5;
const WINDOW_MS = 15 * 60 * 1000;

export async function changePassword(
  deps: Pick<Deps, "db" | "clock" | "notifier">,
  session: AuthSession,
  input: ChangePasswordInput,
  ip: string,
): Promise<{ endedSessions: number }> {
  const { activityLog, users } = tablesOf(deps.db);
  const userId = session.user.id;
  const now = deps.clock.now();
  const recentFailures =
    (
      await deps.db
        .select({ n: count() })
        .from(activityLog)
        .where(
          and(
            eq(activityLog.userId, userId),
            eq(activityLog.kind, "password_change_failed"),
            gt(activityLog.at, now - WINDOW_MS),
          ),
        )
        .limit(1)
    )[0]?.n ?? 0;
  if (recentFailures >= WRONG_CURRENT_LIMIT) {
    throw new AppError("TOO_MANY_REQUESTS", "Too many wrong passwords; try again later", undefined, WINDOW_MS / 1000);
  }
  // The row, not the session's copy: the hash may have changed since the request began.
  const [user] = await deps.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in first");
  if (!(await Bun.password.verify(input.currentPassword, user.passwordHash))) {
    await logActivity(deps.db, { at: now, kind: "password_change_failed", userId, ip });
    throw new AppError("BAD_REQUEST", "The current password is wrong", {
      currentPassword: "This is not your current password",
    });
  }
  const problem = passwordProblem(input.newPassword, user);
  if (problem) throw new AppError("BAD_REQUEST", problem, { newPassword: problem });

  const passwordHash = await Bun.password.hash(input.newPassword, "argon2id");
  await deps.db.update(users).set({ passwordHash }).where(eq(users.id, userId));
  const endedSessions = await endOtherSessions(deps, session);
  await logActivity(deps.db, { at: deps.clock.now(), kind: "password_changed", userId, detail: { endedSessions }, ip });
  return { endedSessions };
}
