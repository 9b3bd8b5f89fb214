// The user directory: who you can talk to, searched by name, a page at a time.
import { and, asc, eq, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import { perDatabase } from "../db/client.ts";
import type { UserRow } from "../db/schema.ts";
import { alias, type Tables, tablesOf } from "../db/tables.ts";
import { toUserSummary } from "../db/wire.ts";
import type { Deps } from "../deps.ts";
import type { Page, UserSummary, UsersListInput } from "../shared/api.ts";
import { withOnline } from "./online.ts";
import { keysetPage } from "./paging.ts";
import { lowerPrefix } from "./search.ts";

/**
 * Active users other than the caller, by username, whose username, first or last name
 * starts with `search`. The cursor is the id of the last user of the previous page.
 */
export async function listUsers(
  deps: Pick<Deps, "db" | "presence">,
  callerId: number,
  input: UsersListInput,
): Promise<Page<UserSummary>> {
  const { users } = tablesOf(deps.db);
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
  const { rows, nextCursor } = await userPage(deps.db, filters, input.cursor, input.limit);
  return { items: await withOnline(deps, rows, (row) => row.id, toUserSummary), nextCursor };
}

/**
 * The people of `ids` the caller may know of: active accounts, the caller, and
 * deactivated accounts that share a conversation with the caller (whose old messages the
 * caller still reads, under their name). Others are left out, not refused. For a client
 * that meets a sender it does not know; the directory (`listUsers`) lists active people only.
 */
export async function usersByIds(
  deps: Pick<Deps, "db" | "presence">,
  callerId: number,
  ids: readonly number[],
): Promise<UserSummary[]> {
  const { members, users } = tablesOf(deps.db);
  const mine = alias(members, "mine");
  const theirs = alias(members, "theirs");
  const sharesConversation = sql`exists (select 1 from ${members} as ${sql.identifier("mine")}
    join ${members} as ${sql.identifier("theirs")} on ${theirs.conversationId} = ${mine.conversationId}
    where ${mine.userId} = ${callerId} and ${theirs.userId} = ${users.id})`;
  const rows = await deps.db
    .select()
    .from(users)
    .where(and(inArray(users.id, [...ids]), or(eq(users.isActive, true), eq(users.id, callerId), sharesConversation)))
    .orderBy(asc(users.id));
  return withOnline(deps, rows, (row) => row.id, toUserSummary);
}

// Written on each user's first socket here and last one gone: prepared once per database.
const lastSeenStatement = perDatabase((db) => {
  const { users } = tablesOf(db);
  return db
    .update(users)
    .set({ lastSeenAt: sql`${sql.placeholder("at")}` })
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare();
});

/** Records when the user was last connected (shown as "last seen" while they are away). */
export async function recordLastSeen(db: Deps["db"], userId: number, at: number) {
  await lastSeenStatement(db).execute({ userId, at });
}

/**
 * One page of users matching `filters`, by username (case-insensitively), after the user
 * `cursor`.
 */
export async function userPage(
  db: Deps["db"],
  filters: (SQL | undefined)[],
  cursor: number | undefined,
  limit: number | undefined,
): Promise<{ rows: UserRow[]; nextCursor: number | null }> {
  const { users } = tablesOf(db);
  return keysetPage(
    limit,
    (count) =>
      db
        .select()
        .from(users)
        .where(and(...filters, cursor === undefined ? undefined : afterUser(users, cursor)))
        .orderBy(asc(sql`lower(${users.username})`))
        .limit(count),
    (row) => row.id,
  );
}

/** Users that sort after the user `cursor` (usernames are unique case-insensitively). */
function afterUser(users: Tables["users"], cursor: number): SQL {
  const at = alias(users, "cursor_user");
  return sql`lower(${users.username}) > (select lower(${at.username}) from ${users} as ${sql.identifier("cursor_user")} where ${at.id} = ${cursor})`;
}
