// Opens the SQLite database with the pragmas Parley relies on and applies migrations.
// The only module that imports drizzle's bun:sqlite driver (the domain's async handle is
// built in sqlite-session.ts).
import { constants, Database } from "bun:sqlite";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { PgPreparedQuery, PgTransaction } from "drizzle-orm/pg-core";
import { MIGRATIONS_DIR } from "../runtime-files.ts";
import { backfillRoomNameKeys } from "./room-name-keys.ts";
import { asyncDrizzle, type Db } from "./sqlite-session.ts";

export type { Db };

/** An open database of either kind: `db` for the domain, `ping` for health, `close` on the way out. */
export type DbHandle = SqliteHandle | PostgresHandle;
export type SqliteHandle = {
  dialect: "sqlite";
  db: Db;
  /** The raw connection, for what only SQLite does: the write probe, statement timing, backups. */
  sqlite: Database;
  ping(): Promise<void>;
  close(): Promise<void>;
};
export type PostgresHandle = { dialect: "postgres"; db: Db; ping(): Promise<void>; close(): Promise<void> };

export const migrationsFolder = MIGRATIONS_DIR;

/**
 * `build(db)` run once per database and kept: for statements on hot paths, prepared once.
 * Built anew on each call, drizzle rebuilds a query's SQL text every time, which costs
 * several times the query itself (docs/BENCHMARKS.md). Run with `.execute(params)`, which
 * both drizzle's bun-sqlite and bun-sql prepared queries have. `build` returns one prepared
 * statement or an object of them. Inside a transaction's body take the statements of its
 * `tx`: a statement prepared on `db` waits for the transaction to end on SQLite, and runs
 * on another connection, outside the transaction, on PostgreSQL. On SQLite `tx` is one
 * long-lived handle per connection, so its statements are prepared once too; on
 * PostgreSQL each transaction has a `tx` of its own, so its statements are the ones built
 * once for the database, bound to the transaction's connection (`onConnectionOf`).
 */
export function perDatabase<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<object, T>();
  return (db) => {
    let value = built.get(db);
    if (value !== undefined) return value;
    if (isPgTransaction(db)) {
      // Built once per database (the transactions of one share its dialect object), on
      // whichever handle came first: every call binds them to its own connection.
      const key = dialectOf(db);
      let template = built.get(key);
      if (template === undefined) {
        template = build(db);
        built.set(key, template);
      }
      return onConnectionOf(template, db);
    }
    value = build(db);
    built.set(db, value);
    return value;
  };
}

export function openDatabase(path: string, options: { migrate?: boolean } = {}): SqliteHandle {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
  // busy_timeout first: switching to WAL needs a lock another process may hold.
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  if (options.migrate ?? true) {
    // drizzle's migrator is synchronous: it gets a synchronous handle of its own.
    migrateWithRetry(drizzle({ client: sqlite }));
    backfillRoomNameKeys(sqlite);
  }
  return {
    dialect: "sqlite",
    db: asyncDrizzle(sqlite).db,
    sqlite,
    async ping() {
      sqlite.query("select 1").get();
    },
    async close() {
      try {
        sqlite.exec("PRAGMA optimize");
      } catch {}
      sqlite.close();
    },
  };
}

/**
 * Opens a database only to read it, writing nothing into it or beside it: `db copy`'s
 * source (no pragma that writes, no migration, no optimize on close). A live
 * installation's file is read through its WAL as usual. A file whose WAL index cannot be
 * made (a backup on a read-only mount, or not this user's to write) is read as
 * immutable; only when no WAL file lies beside it, so everything committed is in the
 * file itself and nothing is writing it.
 */
export function openDatabaseReadOnly(path: string): SqliteHandle {
  if (!existsSync(path)) throw new Error(`no database at ${path}`);
  let sqlite = new Database(path, { readonly: true, strict: true });
  try {
    sqlite.exec("PRAGMA busy_timeout = 5000");
    sqlite.query("select count(*) from sqlite_master").get();
  } catch (error) {
    sqlite.close();
    if (existsSync(`${path}-wal`)) throw error;
    const uri = `file:${encodeURI(path).replaceAll("?", "%3f").replaceAll("#", "%23")}?immutable=1`;
    sqlite = new Database(uri, constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_URI);
  }
  const opened = sqlite;
  return {
    dialect: "sqlite",
    db: asyncDrizzle(opened).db,
    sqlite: opened,
    async ping() {
      opened.query("select 1").get();
    },
    async close() {
      opened.close();
    },
  };
}

// Several instances starting on a fresh file at once can race in drizzle's migrator: it
// reads the applied list before a deferred BEGIN, so the loser fails with "database is
// locked" (or finds the tables made). Retrying re-reads the list and finds nothing to do.
function migrateWithRetry(db: ReturnType<typeof drizzle>) {
  for (let attempt = 0; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      Bun.sleepSync(50 * (attempt + 1));
    }
  }
}

/** The raw SQLite connection of a handle; for what exists on SQLite only (refused on PostgreSQL). */
export function sqliteOf(handle: DbHandle): Database {
  if (handle.dialect !== "sqlite") throw new Error("this runs on SQLite only, and the database is PostgreSQL");
  return handle.sqlite;
}

function isPgTransaction(db: Db): boolean {
  return (db as unknown) instanceof PgTransaction;
}

function dialectOf(db: Db): object {
  return (db as unknown as { dialect: object }).dialect;
}

/**
 * Statements prepared once on PostgreSQL, run on the connection of `tx`'s transaction:
 * each a copy that differs only in the client it sends on. drizzle's bun-sql prepared
 * query keeps its finished SQL text, parameters and row mapping and sends through
 * `this.client` (a pool, or a transaction's reserved connection: `tx.session.client`), so
 * the copy inherits all but that. tests/db/postgres-statements.test.ts proves they run in
 * the transaction, and fails if drizzle moves the client elsewhere.
 */
function onConnectionOf<T>(statements: T, tx: Db): T {
  const client = (tx as unknown as { session: { client: unknown } }).session.client;
  const bind = (statement: unknown) => {
    if (!is(statement, PgPreparedQuery)) throw new Error("perDatabase on PostgreSQL builds prepared statements only");
    return Object.create(statement, { client: { value: client } });
  };
  if (is(statements, PgPreparedQuery)) return bind(statements);
  const bound: Record<string, unknown> = {};
  for (const [name, statement] of Object.entries(statements as Record<string, unknown>)) bound[name] = bind(statement);
  return bound as T;
}
