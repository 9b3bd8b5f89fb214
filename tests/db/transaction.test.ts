// The async transaction of one SQLite connection: bodies that await never interleave, a
// throw undoes only its own body's writes, the connection's lock is handed on in arrival
// order (after a throw too), and statements outside a transaction wait for it.
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { asyncDrizzle, type Db } from "../../src/db/sqlite-session.ts";
import { readTransaction, transaction } from "../../src/db/transaction.ts";
import { tempDir } from "../helpers/server.ts";

const notes = sqliteTable("notes", { id: integer("id").primaryKey(), name: text("name").notNull() });
const tags = sqliteTable("tags", { noteId: integer("note_id").notNull(), tag: text("tag").notNull() });

let dir: string;
let sqlite: Database;
let db: Db;

beforeEach(() => {
  dir = tempDir();
  sqlite = new Database(join(dir, "t.db"), { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("create table notes (id integer primary key, name text not null)");
  sqlite.exec("create table tags (note_id integer not null, tag text not null)");
  db = asyncDrizzle(sqlite).db;
});

afterEach(() => {
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A promise the test resolves by hand: a body awaiting it stays open until then. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const names = async (on: Db) => (await on.select().from(notes).orderBy(asc(notes.id))).map((n) => n.name);
const committed = () =>
  sqlite
    .query<{ name: string }, []>("select name from notes order by id")
    .all()
    .map((n) => n.name);

/** Lets every queued microtask and timer of this turn run: what could interleave, does. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("two transactions on one connection never interleave: each sees its own writes and committed ones", async () => {
  const held = gate();
  const seen: Record<string, string[]> = {};
  const first = transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "a" });
    await held.promise;
    seen.first = await names(tx);
  });
  await settle();
  const second = transaction(db, async (tx) => {
    seen.secondAtStart = await names(tx);
    await tx.insert(notes).values({ name: "b" });
    seen.second = await names(tx);
  });
  await settle();
  // The second has not begun while the first is open.
  expect(seen.secondAtStart).toBeUndefined();
  held.open();
  await Promise.all([first, second]);
  expect(seen).toEqual({ first: ["a"], secondAtStart: ["a"], second: ["a", "b"] });
  expect(committed()).toEqual(["a", "b"]);
});

test("a throwing body rolls back its own writes only, and the error reaches the caller", async () => {
  await transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "kept" });
  });
  const held = gate();
  const failing = transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "undone" });
    await held.promise;
    throw new Error("no");
  });
  await settle();
  // Issued while the failing transaction is open (a drizzle query runs when awaited or
  // given a then): it must not join that transaction and vanish with it.
  const outside = db
    .insert(notes)
    .values({ name: "outside" })
    .then(() => {});
  const after = transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "after" });
  });
  await settle();
  held.open();
  await expect(failing).rejects.toThrow("no");
  await Promise.all([outside, after]);
  expect(committed()).toEqual(["kept", "outside", "after"]);
});

test("the connection is free again after a throw: later transactions and statements run", async () => {
  await expect(
    transaction(db, async (tx) => {
      await tx.insert(notes).values({ name: "x" });
      throw new Error("first fails");
    }),
  ).rejects.toThrow("first fails");
  expect(sqlite.inTransaction).toBe(false);
  await transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "y" });
  });
  await db.insert(notes).values({ name: "z" });
  expect(await names(db)).toEqual(["y", "z"]);
});

test("waiting transactions and statements take the connection in the order they asked for it", async () => {
  const held = gate();
  const order: string[] = [];
  const first = transaction(db, async () => {
    order.push("first");
    await held.promise;
  });
  await settle();
  const queued = [
    transaction(db, async (tx) => {
      order.push("t2");
      await tx.insert(notes).values({ name: "t2" });
    }),
    db
      .insert(notes)
      .values({ name: "s3" })
      .then(() => order.push("s3")),
    readTransaction(db, async (tx) => {
      order.push(`t4 saw ${(await names(tx)).join(",")}`);
    }),
    transaction(db, async (tx) => {
      order.push("t5");
      await tx.insert(notes).values({ name: "t5" });
    }),
  ];
  await settle();
  expect(order).toEqual(["first"]);
  held.open();
  await Promise.all([first, ...queued]);
  expect(order).toEqual(["first", "t2", "s3", "t4 saw t2,s3", "t5"]);
});

test("a read outside a transaction waits for it and never sees its uncommitted rows", async () => {
  const held = gate();
  const failing = transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "never" });
    await held.promise;
    throw new Error("rolled back");
  });
  await settle();
  let read: string[] | undefined;
  const reading = names(db).then((n) => {
    read = n;
  });
  await settle();
  expect(read).toBeUndefined();
  held.open();
  await expect(failing).rejects.toThrow("rolled back");
  await reading;
  expect(read).toEqual([]);
});

test("a body that runs a statement on db instead of its tx fails at once instead of waiting for itself", async () => {
  await expect(
    transaction(db, async (tx) => {
      await tx.insert(notes).values({ name: "in" });
      await db.insert(notes).values({ name: "wrong handle" });
    }),
  ).rejects.toThrow("use its tx");
  expect(committed()).toEqual([]);
});

test("a transaction inside a body is a savepoint: its throw undoes its writes, not the outer ones", async () => {
  await transaction(db, async (tx) => {
    await tx.insert(notes).values({ name: "outer" });
    await expect(
      transaction(tx, async (inner) => {
        await inner.insert(notes).values({ name: "inner" });
        throw new Error("inner fails");
      }),
    ).rejects.toThrow("inner fails");
  });
  expect(committed()).toEqual(["outer"]);
});

test("prepared statements run with execute(params) and resolve to rows, in and outside a transaction", async () => {
  const byName = db
    .select()
    .from(notes)
    .where(sql`${notes.name} = ${sql.placeholder("name")}`)
    .prepare();
  await db.insert(notes).values({ name: "p" });
  expect(await byName.execute({ name: "p" })).toEqual([{ id: 1, name: "p" }]);
  const insert = db
    .insert(notes)
    .values({ name: sql.placeholder("name") })
    .returning()
    .prepare();
  const [row] = await insert.execute({ name: "q" });
  expect(row).toEqual({ id: 2, name: "q" });
});

test("rows map as drizzle maps them: a left join's missing side is null, not an object of nulls", async () => {
  await db.insert(notes).values([{ name: "tagged" }, { name: "bare" }]);
  await db.insert(tags).values({ noteId: 1, tag: "red" });
  const rows = await db
    .select({ note: notes.name, tags })
    .from(notes)
    .leftJoin(tags, eq(tags.noteId, notes.id))
    .orderBy(asc(notes.id));
  expect(rows).toEqual([
    { note: "tagged", tags: { noteId: 1, tag: "red" } },
    { note: "bare", tags: null },
  ]);
});
