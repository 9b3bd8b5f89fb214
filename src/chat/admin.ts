// Administration: every account (active or not), switching accounts off and on, admin
// rights, and the activity log. Every change is itself written to the activity log.
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { endAllSessions } from "../auth/sessions.ts";
import { logActivity } from "../db/activity.ts";
import { activityLog, type UserRow, users } from "../db/schema.ts";
import { toActivityEntry, toAdminUser } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { ActivityEntry, ActivityInput, AdminListUsersInput, AdminUser, Page } from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { userPage } from "./directory.ts";
import { withOnline } from "./online.ts";
import { keysetPage } from "./paging.ts";
import { lowerPrefix } from "./search.ts";

const withPresence = (deps: Pick<Deps, "presence">, rows: UserRow[]) =>
  withOnline(deps, rows, (row) => row.id, toAdminUser);

/** Every account by username, optionally those whose username or email starts with `search`. */
export async function listAccounts(deps: Deps, input: AdminListUsersInput): Promise<Page<AdminUser>> {
  const filters: (SQL | undefined)[] = [];
  if (input.search) filters.push(or(lowerPrefix(users.username, input.search), lowerPrefix(users.email, input.search)));
  const { rows, nextCursor } = userPage(deps.db, filters, input.cursor, input.limit);
  return { items: await withPresence(deps, rows), nextCursor };
}

function requireUser(deps: Pick<Deps, "db">, userId: number): UserRow {
  const row = deps.db.select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw new AppError("NOT_FOUND", "No such user");
  return row;
}

/**
 * Switches an account off or on. Switching off ends all its sessions at once and closes
 * its sockets; an admin cannot switch themselves off.
 */
export async function setAccountActive(
  deps: Deps,
  adminId: number,
  userId: number,
  active: boolean,
  ip: string | null,
): Promise<AdminUser> {
  if (!active && userId === adminId) {
    throw new AppError("BAD_REQUEST", "You cannot deactivate your own account", { userId: "That is you" });
  }
  const before = requireUser(deps, userId);
  deps.db.update(users).set({ isActive: active }).where(eq(users.id, userId)).run();
  if (!active && before.isActive) {
    endAllSessions(deps, userId);
    deps.notifier.userDisconnected(userId);
  }
  logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "admin_set_active",
    userId: adminId,
    detail: { targetUserId: userId, active, was: before.isActive },
    ip,
  });
  const [view] = await withPresence(deps, [requireUser(deps, userId)]);
  if (!view) throw new AppError("NOT_FOUND", "No such user");
  return view;
}

/** Grants or removes admin rights; an admin cannot remove their own (no locking out). */
export async function setAccountAdmin(
  deps: Deps,
  adminId: number,
  userId: number,
  admin: boolean,
  ip: string | null,
): Promise<AdminUser> {
  if (!admin && userId === adminId) {
    throw new AppError("BAD_REQUEST", "You cannot remove your own admin rights", { userId: "That is you" });
  }
  const before = requireUser(deps, userId);
  deps.db.update(users).set({ isAdmin: admin }).where(eq(users.id, userId)).run();
  logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "admin_set_admin",
    userId: adminId,
    detail: { targetUserId: userId, admin, was: before.isAdmin },
    ip,
  });
  const [view] = await withPresence(deps, [requireUser(deps, userId)]);
  if (!view) throw new AppError("NOT_FOUND", "No such user");
  return view;
}

/** The activity log, newest first, optionally of one kind or one user; `before` an id. */
export function listActivity(deps: Pick<Deps, "db">, input: ActivityInput): Page<ActivityEntry> {
  const { rows, nextCursor } = keysetPage(
    input.limit,
    (count) =>
      deps.db
        .select()
        .from(activityLog)
        .where(
          and(
            input.kind === undefined ? undefined : eq(activityLog.kind, input.kind),
            input.userId === undefined ? undefined : eq(activityLog.userId, input.userId),
            input.before === undefined ? undefined : lt(activityLog.id, input.before),
          ),
        )
        .orderBy(desc(activityLog.id))
        .limit(count)
        .all(),
    (row) => row.id,
  );
  return { items: rows.map(toActivityEntry), nextCursor };
}
