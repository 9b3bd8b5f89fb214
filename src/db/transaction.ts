// Transactions of the async domain: `transaction` for writes, `readTransaction` for a
// consistent snapshot over several reads. The body gets `tx` and must run its statements
// through it (on PostgreSQL `tx` is the one connection the transaction lives on). On
// SQLite the connection's lock (sqlite-session.ts) holds every other transaction and every
// statement outside one back from BEGIN to COMMIT, so nothing interleaves with the body.
import { connectionOf, type Db } from "./sqlite-session.ts";

/**
 * Runs `body` in a write transaction and commits when it resolves; rolls back and rethrows
 * when it throws. BEGIN IMMEDIATE takes SQLite's write lock first, so that a writer in
 * another process makes this one wait (busy_timeout) instead of failing an upgrade from
 * reading to writing halfway through.
 */
export function transaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  return run(db, "BEGIN IMMEDIATE", body);
}

/** Runs `body` on one snapshot: several reads that see the same committed state. */
export function readTransaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  return run(db, "BEGIN DEFERRED", body);
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
