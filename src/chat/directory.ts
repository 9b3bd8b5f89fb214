// The user directory: who you can talk to, searched by name, a page at a time.
import { and, asc, eq, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type UserRow, users } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Page, UserSummary, UsersListInput } from "../shared/api.ts";
import { lowerPrefix } from "./search.ts";
import { toUserSummary } from "./wire.ts";

const DEFAULT_PAGE = 50;

/**
 * Active users other than the caller, by username, whose username, first or last name
 * starts with `search`. The cursor is the id of the last user of the previous page.
 */
export async function listUsers(
  deps: Pick<Deps, "db" | "presence">,
  callerId: number,
  input: UsersListInput,
): Promise<Page<UserSummary>> {
  const limit = input.limit ?? DEFAULT_PAGE;
  const filters: (SQL | undefined)[] = [eq(users.isActive, true), ne(users.id, callerId)];
  if (input.search) {
    filters.push(
      or(
        lowerPrefix(users.username, input.search),
        lowerPrefix(users.firstName, input.search),
        lowerPrefix(users.lastName, input.search),
      ),
    );
  }
  const { rows, nextCursor } = userPage(deps.db, filters, input.cursor, limit);
  const online = rows.length ? await deps.presence.online(rows.map((u) => u.id)) : new Set<number>();
  return { items: rows.map((row) => toUserSummary(row, online.has(row.id))), nextCursor };
}

/** Records when the user was last connected (shown as "last seen" while they are away). */
export function recordLastSeen(db: Deps["db"], userId: number, at: number) {
  db.update(users).set({ lastSeenAt: at }).where(eq(users.id, userId)).run();
}

/**
 * One page of users matching `filters`, by username (case-insensitively), after the user
 * `cursor`. One row more than the page is read to know whether another page follows.
 */
export function userPage(
  db: Deps["db"],
  filters: (SQL | undefined)[],
  cursor: number | undefined,
  limit: number,
): { rows: UserRow[]; nextCursor: number | null } {
  const rows = db
    .select()
    .from(users)
    .where(and(...filters, cursor === undefined ? undefined : afterUser(cursor)))
    .orderBy(asc(sql`lower(${users.username})`))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** Users that sort after the user `cursor` (usernames are unique case-insensitively). */
function afterUser(cursor: number): SQL {
  const at = alias(users, "cursor_user");
  return sql`lower(${users.username}) > (select lower(${at.username}) from ${users} as ${sql.identifier("cursor_user")} where ${at.id} = ${cursor})`;
}
