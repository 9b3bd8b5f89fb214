// The PostgreSQL adapter on a real cluster: the migrations of drizzle/pg build the schema
// once however many instances start together, rows read back as the same JavaScript
// values as on SQLite, and uniqueness, ordering and full-text search behave as SQLite's.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SQL } from "bun";
import { eq, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../src/db/errors.ts";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { conversations, messages, users } from "../../src/db/schema-pg.ts";
import { PG_MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { sharedPostgres } from "../helpers/postgres.ts";

let pg: Awaited<ReturnType<typeof sharedPostgres>>;
let handle: PgHandle;
beforeAll(async () => {
  pg = await sharedPostgres();
  handle = await openPostgres(await pg.createDatabase());
});
afterAll(async () => {
  await handle?.close();
});

const journalEntries = () =>
  (JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries
    .length;

async function appliedMigrations(url: string): Promise<{ n: number; distinct: number }> {
  const client = new SQL({ url, max: 1 });
  try {
    const [row] =
      await client`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`;
    return row;
  } finally {
    await client.close();
  }
}

test("four instances opening a fresh database at once all start, and each migration is applied once", async () => {
  const url = await pg.createDatabase();
  const handles = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url)));
  try {
    expect(await appliedMigrations(url)).toEqual({ n: journalEntries(), distinct: journalEntries() });
    for (const each of handles) {
      const [row] = await each.db.execute<{ n: number }>(sql`select count(*)::int as n from users`);
      expect(row?.n).toBe(0);
    }
  } finally {
    await Promise.all(handles.map((each) => each.close()));
  }
  // A restart finds nothing to do.
  const again = await openPostgres(url);
  await again.close();
  expect((await appliedMigrations(url)).n).toBe(journalEntries());
});

async function addUser(username: string, email = `${username}@example.com`) {
  const [row] = await handle.db
    .insert(users)
    .values({ username, email, firstName: "F", lastName: "L", passwordHash: "x", createdAt: 1_790_000_000_123 })
    .returning();
  if (!row) throw new Error("no row");
  return row;
}

test("a row reads back as on SQLite: number ids and millisecond times, booleans, JSON objects", async () => {
  const user = await addUser("values");
  expect(user).toMatchObject({ isAdmin: false, isActive: true, createdAt: 1_790_000_000_123, lastSeenAt: null });
  expect(typeof user.id).toBe("number");
  const [room] = await handle.db
    .insert(conversations)
    .values({ kind: "room", name: "Values", nameKey: "values", createdBy: user.id, createdAt: 5 })
    .returning();
  if (!room) throw new Error("no room");
  const event = { type: "renamed", from: "a", to: "b", n: 2 };
  const [message] = await handle.db
    .insert(messages)
    .values({ conversationId: room.id, senderId: user.id, body: "", createdAt: 6, kind: "system", event, seq: 1 })
    .returning();
  expect(message).toMatchObject({ event, kind: "system", createdAt: 6, editedAt: null, replyToId: null });
  const [read] = await handle.db
    .select()
    .from(messages)
    .where(eq(messages.id, message?.id ?? 0));
  expect(read?.event).toEqual(event);
});

test("usernames and emails are unique whatever their ASCII case, as on SQLite", async () => {
  await addUser("Alice", "alice@example.com");
  // What the domain asks when it races for a unique key (src/db/errors.ts).
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (error: unknown) => (isUniqueViolation(error) ? "unique violation" : String(error)),
    );
  expect(await refusal(addUser("alice", "other@example.com"))).toBe("unique violation");
  expect(await refusal(addUser("bob", "ALICE@EXAMPLE.COM"))).toBe("unique violation");
  // Other refusals are not taken for one.
  expect(await refusal(handle.db.execute(sql`insert into users (username) values ('nobody')`))).not.toBe(
    "unique violation",
  );
});

test("names compare bytewise and lower() folds ASCII only, whatever the database's locale", async () => {
  // A database with a linguistic collation (ICU's English), as a managed service may make
  // one: without their own collation, the columns would sort "a", "b", "C" and fold "É".
  const name = `linguistic_${process.pid}`;
  const admin = new SQL({ url: pg.url, max: 1 });
  await admin.unsafe(`create database ${name} template template0 locale_provider icu icu_locale 'en-US'`);
  await admin.close();
  const own = await openPostgres(pg.url.replace(/\/postgres$/, `/${name}`));
  try {
    for (const name of ["b", "C", "a", "É", "é"]) {
      await own.db.insert(users).values({
        username: name,
        email: `${name}@x.io`,
        firstName: name,
        lastName: "L",
        passwordHash: "x",
        createdAt: 0,
      });
    }
    const rows = await own.db.execute<{ name: string; folded: string }>(
      sql`select username as name, lower(username) as folded from users order by username`,
    );
    expect(rows.map((row) => row.name)).toEqual(["C", "a", "b", "É", "é"]);
    expect(rows.map((row) => row.folded)).toEqual(["c", "a", "b", "É", "é"]);
  } finally {
    await own.close();
  }
});

test("full-text search: words in any form, accents folded, mentions and highlight markers left out", async () => {
  const user = await addUser("searcher");
  const [room] = await handle.db
    .insert(conversations)
    .values({ kind: "room", name: "Search", nameKey: "search", createdBy: user.id, createdAt: 0 })
    .returning();
  const add = async (body: string, seq: number) => {
    const [row] = await handle.db
      .insert(messages)
      .values({ conversationId: room?.id ?? 0, senderId: user.id, body, createdAt: 0, seq })
      .returning({ id: messages.id });
    return row?.id;
  };
  const running = await add("zq running through the café", 1);
  const mention = await add("zq hello <@12> and <@room>", 2);
  const forged = await add("zq \uE001marked\uE002 words", 3);
  const find = async (words: string) =>
    (
      await handle.db.execute<{ id: number }>(
        sql`select id from messages where search @@ plainto_tsquery('parley_search', ${words}) order by id`,
      )
    ).map((row) => row.id);
  expect(await find("zq run")).toEqual([running]);
  expect(await find("zq RUNS cafe")).toEqual([running]);
  expect(await find("zq CAFÉ")).toEqual([running]);
  expect(await find("zq the")).toEqual([running]); // no stop words, as FTS5
  expect(await find("zq hello")).toEqual([mention]);
  expect(await find("zq 12")).toEqual([]);
  expect(await find("zq room")).toEqual([]);
  expect(await find("zq marked")).toEqual([forged]);
  // An edit re-indexes the message: found by its new words only.
  await handle.db
    .update(messages)
    .set({ body: "zq walked" })
    .where(eq(messages.id, running ?? 0));
  expect(await find("zq run")).toEqual([]);
  expect(await find("zq walking")).toEqual([running]);
  // The GIN index serves a match (the table is too small for the planner to choose it unasked).
  const plan = await handle.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    return tx.execute(
      sql`explain select id from messages where search @@ plainto_tsquery('parley_search', 'anything')`,
    );
  });
  expect(JSON.stringify(plan)).toContain("messages_search");
});
