// Transactions of the async domain: `transaction` for writes, `readTransaction` for a
// consistent snapshot over several reads. The body gets `tx` and must run its statements
// through it (on PostgreSQL `tx` is the one connection the transaction lives on). On
// SQLite the connection's lock (sqlite-session.ts) holds every other transaction and every
// statement outside one back from BEGIN to COMMIT, so nothing interleaves with the body.
// On PostgreSQL they are drizzle's own transactions, on a connection of the pool.
import { PgTransaction } from "drizzle-orm/pg-core";
import type { PgDb } from "./postgres.ts";
import { connectionOf, type Db } from "./sqlite-session.ts";
import { isPostgres } from "./tables.ts";

/**
 * Runs `body` in a write transaction and commits when it resolves; rolls back and rethrows
 * when it throws. BEGIN IMMEDIATE takes SQLite's write lock first, so that a writer in
 * another process makes this one wait (busy_timeout) instead of failing an upgrade from
 * reading to writing halfway through.
 */
export function transaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  // PostgreSQL's default, READ COMMITTED: the change stream's counter UPDATE waits for
  // another writer's row lock instead of failing (docs/DECISIONS.md, "Isolation levels").
  if (isPostgres(db)) return runPostgres(db, undefined, body);
  return run(db, "BEGIN IMMEDIATE", body);
}

/** Runs `body` on one snapshot: several reads that see the same committed state. */
export function readTransaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  // REPEATABLE READ: every statement of the body sees the snapshot of its first one; read
  // only, so it never fails with a serialization error.
  if (isPostgres(db)) return runPostgres(db, "isolation level repeatable read read only", body);
  return run(db, "BEGIN DEFERRED", body);
}

type BeginPostgres = <T>(db: PgDb, options: string, body: (tx: PgDb) => Promise<T>) => Promise<T>;

/**
 * postgres.ts's `beginPostgres`, handed over when that module loads (a PostgreSQL database
 * exists only after): imported here it would load PostgreSQL's driver on every SQLite start.
 */
let beginPostgres: BeginPostgres | undefined;

export function setBeginPostgres(begin: BeginPostgres): void {
  beginPostgres = begin;
}

function runPostgres<T>(db: Db, options: string | undefined, body: (tx: Db) => Promise<T>): Promise<T> {
  const pg = db as unknown as PgDb;
  const run = (tx: unknown) => body(tx as Db);
  // Inside a body: a savepoint of the transaction (drizzle's nested transaction), undone
  // alone on a throw; it keeps the outer transaction's isolation.
  if (pg instanceof PgTransaction) return pg.transaction(run);
  // The isolation level said in BEGIN itself: one round trip, not BEGIN then SET TRANSACTION.
  if (options !== undefined) {
    if (!beginPostgres) throw new Error("a PostgreSQL database opened without src/db/postgres.ts");
    return beginPostgres(pg, options, run);
  }
  return pg.transaction(run);
}

let savepoints = 0;

async function run<T>(db: Db, begin: string, body: (tx: Db) => Promise<T>): Promise<T> {
  const { sqlite, lock, tx } = connectionOf(db);
  if (db === tx) {
    // A transaction inside a transaction's body: a savepoint, undone alone on a throw.
    const name = `parley_${++savepoints}`;
    sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await body(tx);
      sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    }
  }
  const holder = await lock.acquire();
  try {
    sqlite.exec(begin);
    let result: T;
    try {
      result = await lock.runAs(holder, () => body(tx));
      sqlite.exec("COMMIT");
    } catch (error) {
      // SQLite may have rolled back already (a full disk, an I/O error).
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw error;
    }
    return result;
  } finally {
    lock.release(holder);
  }
}
