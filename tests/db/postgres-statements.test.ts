// perDatabase on PostgreSQL: each transaction has a `tx` of its own, yet a hot statement's
// SQL text is built once, and each transaction's copy runs on that transaction's
// connection: it sees the transaction's own writes, nobody else sees them before COMMIT,
// and a rollback undoes them. Rows come back mapped as drizzle maps them (joined tables
// nested, columns by their JavaScript names). See docs/DECISIONS.md, "Statements built
// once on PostgreSQL". The transaction wrapper's own settings are checked at the end:
// readTransaction says its isolation level in BEGIN itself.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { eq, sql } from "drizzle-orm";
import { type Db, type PostgresHandle, perDatabase } from "../../src/db/client.ts";
import { openPostgresDatabase, type PgDb } from "../../src/db/postgres.ts";
import { tablesOf } from "../../src/db/tables.ts";
import { readTransaction, transaction } from "../../src/db/transaction.ts";
import { sharedPostgres } from "../helpers/postgres.ts";

let handle: PostgresHandle;
let observer: SQL;

beforeAll(async () => {
  const pg = await sharedPostgres();
  const url = await pg.createDatabase();
  handle = await openPostgresDatabase(url, { connections: 4 });
  observer = new SQL({ url, max: 1 });
});
afterAll(async () => {
  await Promise.all([handle?.close(), observer?.close()]);
});

let builds = 0;
const statements = perDatabase((db: Db) => {
  builds++;
  const { users, sessions } = tablesOf(db);
  const p = sql.placeholder;
  return {
    insert: db
      .insert(users)
      .values({
        username: p("username"),
        email: p("email"),
        firstName: "F",
        lastName: "L",
        passwordHash: "x",
        createdAt: p("createdAt"),
      })
      .returning({ id: users.id, createdAt: users.createdAt })
      .prepare(),
    byName: db
      .select({ id: users.id, isActive: users.isActive, firstName: users.firstName })
      .from(users)
      .where(eq(users.username, p("username")))
      .prepare(),
    withSession: db
      .select()
      .from(users)
      .leftJoin(sessions, eq(sessions.userId, users.id))
      .where(eq(users.username, p("username")))
      .prepare(),
  };
});

const committed = async (username: string) =>
  (await observer`select count(*)::int as n from users where username = ${username}`)[0].n as number;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

test("a statement taken from tx runs in the transaction: its writes are its own until COMMIT", async () => {
  const inside = deferred();
  const release = deferred();
  const done = transaction(handle.db, async (tx) => {
    const [row] = await statements(tx).insert.execute({ username: "ann", email: "ann@example.com", createdAt: 5 });
    expect(row).toEqual({ id: expect.any(Number), createdAt: 5 });
    expect(await statements(tx).byName.execute({ username: "ann" })).toEqual([
      { id: row?.id ?? -1, isActive: true, firstName: "F" },
    ]);
    inside.resolve();
    await release.promise;
  });
  await inside.promise;
  // Another connection does not see it, nor does the database's own statement.
  expect(await committed("ann")).toBe(0);
  expect(await statements(handle.db).byName.execute({ username: "ann" })).toEqual([]);
  release.resolve();
  await done;
  expect(await committed("ann")).toBe(1);
  expect(await statements(handle.db).byName.execute({ username: "ann" })).toHaveLength(1);
});

test("a throw rolls back what the transaction's statements wrote", async () => {
  const failure = new Error("undo");
  await expect(
    transaction(handle.db, async (tx) => {
      await statements(tx).insert.execute({ username: "bob", email: "bob@example.com", createdAt: 1 });
      throw failure;
    }),
  ).rejects.toBe(failure);
  expect(await committed("bob")).toBe(0);
});

test("two open transactions each run the shared statements on their own connection", async () => {
  const bothWrote = { a: deferred(), b: deferred() };
  const bothRead = { a: deferred(), b: deferred() };
  const seen: Record<string, string[]> = {};
  const run = (name: "a" | "b", other: "a" | "b") =>
    transaction(handle.db, async (tx) => {
      await statements(tx).insert.execute({ username: `t-${name}`, email: `${name}@t.example`, createdAt: 2 });
      bothWrote[name].resolve();
      await bothWrote[other].promise;
      seen[name] = [
        ...(await statements(tx).byName.execute({ username: `t-${name}` })),
        ...(await statements(tx).byName.execute({ username: `t-${other}` })),
      ].map((row) => row.firstName);
      // Neither commits before both have read.
      bothRead[name].resolve();
      await bothRead[other].promise;
    });
  await Promise.all([run("a", "b"), run("b", "a")]);
  // Each saw its own row and not the other's, still uncommitted at the time.
  expect(seen).toEqual({ a: ["F"], b: ["F"] });
  expect(await committed("t-a")).toBe(1);
  expect(await committed("t-b")).toBe(1);
});

test("a join's rows are mapped as drizzle maps them: tables nested, a missing join null", async () => {
  const rows = await transaction(handle.db, (tx) => statements(tx).withSession.execute({ username: "ann" }));
  expect(rows).toEqual([{ users: expect.objectContaining({ username: "ann", firstName: "F" }), sessions: null }]);
});

test("the statements are built once for the database, and once for all its transactions", async () => {
  const before = builds;
  for (let i = 0; i < 5; i++) {
    await transaction(handle.db, (tx) => statements(tx).byName.execute({ username: "ann" }));
  }
  await statements(handle.db).byName.execute({ username: "ann" });
  // Earlier tests built both already: nothing more.
  expect(builds).toBe(before);
  expect(builds).toBe(2);
});

test("a savepoint's tx gets the statements too, bound to the same transaction", async () => {
  await transaction(handle.db, async (tx) => {
    await transaction(tx, async (inner) => {
      await statements(inner).insert.execute({ username: "cat", email: "cat@example.com", createdAt: 3 });
    });
    expect(await statements(tx).byName.execute({ username: "cat" })).toHaveLength(1);
    expect(await committed("cat")).toBe(0);
  });
  expect(await committed("cat")).toBe(1);
});

const setting = async (tx: Db, name: "transaction_isolation" | "transaction_read_only") => {
  const rows = (await (tx as unknown as PgDb).execute(sql.raw(`show ${name}`))) as unknown as Array<
    Record<string, string>
  >;
  return rows[0]?.[name];
};

test("readTransaction is one REPEATABLE READ, READ ONLY snapshot; transaction is READ COMMITTED and writes", async () => {
  const seen = await readTransaction(handle.db, async (tx) => {
    const before = await statements(tx).byName.execute({ username: "dan" });
    // Committed by another connection between the two reads: the snapshot does not see it.
    await observer`insert into users (username, email, first_name, last_name, password_hash, created_at)
      values ('dan', 'dan@example.com', 'F', 'L', 'x', 4)`;
    const after = await statements(tx).byName.execute({ username: "dan" });
    return {
      isolation: await setting(tx, "transaction_isolation"),
      readOnly: await setting(tx, "transaction_read_only"),
      rows: [before.length, after.length],
    };
  });
  expect(seen).toEqual({ isolation: "repeatable read", readOnly: "on", rows: [0, 0] });
  await expect(
    readTransaction(handle.db, (tx) =>
      statements(tx).insert.execute({ username: "eve", email: "e@x.example", createdAt: 1 }),
    ),
  ).rejects.toThrow();
  expect(await committed("eve")).toBe(0);
  const written = await transaction(handle.db, async (tx) => ({
    isolation: await setting(tx, "transaction_isolation"),
    readOnly: await setting(tx, "transaction_read_only"),
  }));
  expect(written).toEqual({ isolation: "read committed", readOnly: "off" });
});
