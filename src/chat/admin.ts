// Administration: every account (active or not), switching accounts off and on, admin
// rights, and the activity log. Every change is itself written to the activity log.
import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import { endAllSessions } from "../auth/sessions.ts";
import { logActivity } from "../db/activity.ts";
import { jsonInteger } from "../db/dialect.ts";
import type { UserRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { activityTargetId, toActivityEntry, toAdminUser } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type {
  ActivityEntry,
  ActivityInput,
  ActivityPerson,
  AdminListUsersInput,
  AdminUser,
  Page,
} from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { userPage } from "./directory.ts";
import { withOnline } from "./online.ts";
import { keysetPage } from "./paging.ts";
import { lowerPrefix } from "./search.ts";

const withPresence = (deps: Pick<Deps, "presence">, rows: UserRow[]) =>
  withOnline(deps, rows, (row) => row.id, toAdminUser);

/** Every account by username, optionally those whose username or email starts with `search`. */
export async function listAccounts(deps: Deps, input: AdminListUsersInput): Promise<Page<AdminUser>> {
  const { users } = tablesOf(deps.db);
  const filters: (SQL | undefined)[] = [];
  if (input.search) filters.push(or(lowerPrefix(users.username, input.search), lowerPrefix(users.email, input.search)));
  const { rows, nextCursor } = await userPage(deps.db, filters, input.cursor, input.limit);
  return { items: await withPresence(deps, rows), nextCursor };
}

async function requireUser(deps: Pick<Deps, "db">, userId: number): Promise<UserRow> {
  const { users } = tablesOf(deps.db);
  const [row] = await deps.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError("NOT_FOUND", "No such user");
  return row;
}

/**
 * Switches an account off or on, with the admin's reason in the activity log. Switching
 * off ends all its sessions at once and closes its sockets; an admin cannot switch
 * themselves off.
 */
export async function setAccountActive(
  deps: Deps,
  adminId: number,
  userId: number,
  active: boolean,
  ip: string | null,
  reason = "",
): Promise<AdminUser> {
  const { users } = tablesOf(deps.db);
  if (!active && userId === adminId) {
    throw new AppError("BAD_REQUEST", "You cannot deactivate your own account", { userId: "That is you" });
  }
  const before = await requireUser(deps, userId);
  await deps.db.update(users).set({ isActive: active }).where(eq(users.id, userId));
  if (!active && before.isActive) {
    await endAllSessions(deps, userId);
    deps.notifier.userDisconnected(userId);
  }
  await logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "admin_set_active",
    userId: adminId,
    detail: { targetUserId: userId, active, was: before.isActive, ...(reason ? { reason } : {}) },
    ip,
  });
  const [view] = await withPresence(deps, [await requireUser(deps, userId)]);
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
  const { users } = tablesOf(deps.db);
  if (!admin && userId === adminId) {
    throw new AppError("BAD_REQUEST", "You cannot remove your own admin rights", { userId: "That is you" });
  }
  const before = await requireUser(deps, userId);
  await deps.db.update(users).set({ isAdmin: admin }).where(eq(users.id, userId));
  await logActivity(deps.db, {
    at: deps.clock.now(),
    kind: "admin_set_admin",
    userId: adminId,
    detail: { targetUserId: userId, admin, was: before.isAdmin },
    ip,
  });
  const [view] = await withPresence(deps, [await requireUser(deps, userId)]);
  if (!view) throw new AppError("NOT_FOUND", "No such user");
  return view;
}

/** Each person an entry names (author or target), in one query for the page. */
async function activityPeople(deps: Pick<Deps, "db">, rows: { userId: number | null; detail: unknown }[]) {
  const { users } = tablesOf(deps.db);
  const ids = new Set<number>();
  for (const row of rows) {
    if (row.userId !== null) ids.add(row.userId);
    const target = activityTargetId((row.detail as Record<string, unknown> | null) ?? null);
    if (target !== null) ids.add(target);
  }
  const people = new Map<number, ActivityPerson>();
  if (ids.size === 0) return people;
  const found = await deps.db
    .select({ id: users.id, username: users.username, firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(inArray(users.id, [...ids]));
  for (const person of found) people.set(person.id, person);
  return people;
}

/**
 * The activity log, newest first, optionally of one kind, one author (`userId`) or one
 * person as author or target (`personId`); `before` an id. Each entry names its people.
 */
export async function listActivity(deps: Pick<Deps, "db">, input: ActivityInput): Promise<Page<ActivityEntry>> {
  const { activityLog } = tablesOf(deps.db);
  // An entry about someone names them in its detail (an admin's change, a moderator's
  // deletion); the log is an admin's, small next to messages, so that part is a scan.
  const about = (personId: number) =>
    or(
      eq(activityLog.userId, personId),
      eq(jsonInteger(deps.db, activityLog.detail, "targetUserId"), personId),
      eq(jsonInteger(deps.db, activityLog.detail, "authorId"), personId),
    );
  const { rows, nextCursor } = await keysetPage(
    input.limit,
    (count) =>
      deps.db
        .select()
        .from(activityLog)
        .where(
          and(
            input.kind === undefined ? undefined : eq(activityLog.kind, input.kind),
            input.userId === undefined ? undefined : eq(activityLog.userId, input.userId),
            input.personId === undefined ? undefined : about(input.personId),
            input.before === undefined ? undefined : lt(activityLog.id, input.before),
          ),
        )
        .orderBy(desc(activityLog.id))
        .limit(count),
    (row) => row.id,
  );
  const people = await activityPeople(deps, rows);
  return { items: rows.map((row) => toActivityEntry(row, people)), nextCursor };
}
