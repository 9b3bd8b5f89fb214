// drizzle on bun:sqlite, made asynchronous like drizzle's PostgreSQL drivers, with one
// FIFO lock per connection (see transaction.ts and docs/DECISIONS.md, "An async domain").
//
// bun:sqlite runs a statement synchronously, and drizzle's own bun-sqlite transaction is a
// synchronous callback: an async body would commit before its awaits finish. Here every
// query resolves to a Promise, and a transaction holds the connection's lock from BEGIN to
// COMMIT across its awaits. A statement issued outside a transaction while one is open
// would otherwise run inside it (one connection, one transaction): it would read rows not
// yet committed, and its writes would vanish with a rollback. So such a statement waits
// its turn in the lock's queue; the transaction's body runs its own statements through
// `tx`, a second drizzle instance on the same connection that does not wait.
import type { Changes, Database } from "bun:sqlite";
import { AsyncLocalStorage } from "node:async_hooks";
import { SQLiteBunSession } from "drizzle-orm/bun-sqlite/session";
import type { Logger } from "drizzle-orm/logger";
import type { Query } from "drizzle-orm/sql";
import {
  BaseSQLiteDatabase,
  type SelectedFieldsOrdered,
  SQLiteAsyncDialect,
  type SQLiteExecuteMethod,
  SQLitePreparedQuery,
  SQLiteSession,
  SQLiteSyncDialect,
} from "drizzle-orm/sqlite-core";
export type Db = BaseSQLiteDatabase<"async", Changes>;

/** Marks the async work of one transaction's body, to catch a body that awaits the lock it holds. */
const holders = new AsyncLocalStorage<object>();

/**
 * One connection's turn-taking: a transaction holds it from BEGIN to COMMIT; anyone else
 * (a transaction, or a lone statement outside one) queues, first come first served.
 */
export class ConnectionLock {
  private holder: object | null = null;
  private readonly waiting: Array<{ holder: object; resolve: (holder: object) => void }> = [];

  get busy(): boolean {
    return this.holder !== null;
  }

  /** Waits for the connection, then holds it until `release(holder)`. */
  acquire(): Promise<object> {
    const holder = {};
    if (this.holder === null) {
      this.holder = holder;
      return Promise.resolve(holder);
    }
    // The body of the transaction holding the lock would wait for itself for ever.
    if (holders.getStore() === this.holder) {
      return Promise.reject(new Error("a statement on the database waits for the transaction it runs in: use its tx"));
    }
    return new Promise((resolve) => this.waiting.push({ holder, resolve }));
  }

  release(holder: object): void {
    if (this.holder !== holder) throw new Error("released a connection lock it did not hold");
    const next = this.waiting.shift();
    this.holder = next?.holder ?? null;
    next?.resolve(next.holder);
  }

  /** Runs `body` as the holder's: its awaits carry the mark (see `acquire`). */
  runAs<T>(holder: object, body: () => Promise<T>): Promise<T> {
    return holders.run(holder, body);
  }
}

type Prepared = SQLitePreparedQuery<{
  type: "sync";
  run: Changes;
  all: unknown[];
  get: unknown;
  values: unknown[][];
  execute: unknown;
}>;

/** A statement of the async Db: its sync bun-sqlite twin, run when the connection is free. */
class LockedQuery extends SQLitePreparedQuery<{
  type: "async";
  run: Changes;
  all: unknown[];
  get: unknown;
  values: unknown[][];
  execute: unknown;
}> {
  constructor(
    private readonly inner: Prepared,
    private readonly lock: ConnectionLock | null,
    executeMethod: SQLiteExecuteMethod,
    query: Query,
  ) {
    super("async", executeMethod, query);
    // drizzle sets which joined tables may come back null on the query it prepared (this
    // one) after preparing it; the inner query maps the rows, so it must see the setting.
    Object.defineProperty(this, "joinsNotNullableMap", {
      get: () => (inner as unknown as { joinsNotNullableMap: unknown }).joinsNotNullableMap,
      set: (value: unknown) => {
        (inner as unknown as { joinsNotNullableMap: unknown }).joinsNotNullableMap = value;
      },
    });
  }

  private async take<T>(run: () => T): Promise<T> {
    // No transaction open: the statement runs at once (it is synchronous, nothing can
    // interleave). Otherwise it waits for the transactions queued before it.
    if (this.lock === null || !this.lock.busy) return run();
    const holder = await this.lock.acquire();
    try {
      return run();
    } finally {
      this.lock.release(holder);
    }
  }

  run(placeholderValues?: Record<string, unknown>): Promise<Changes> {
    return this.take(() => this.inner.run(placeholderValues) as Changes);
  }
  all(placeholderValues?: Record<string, unknown>): Promise<unknown[]> {
    return this.take(() => this.inner.all(placeholderValues) as unknown[]);
  }
  get(placeholderValues?: Record<string, unknown>): Promise<unknown> {
    return this.take(() => this.inner.get(placeholderValues));
  }
  values(placeholderValues?: Record<string, unknown>): Promise<unknown[][]> {
    return this.take(() => this.inner.values(placeholderValues) as unknown[][]);
  }
  /** @internal drizzle asks the prepared query whether it answers in arrays. */
  isResponseInArrayMode(): boolean {
    return (this.inner as unknown as { isResponseInArrayMode(): boolean }).isResponseInArrayMode();
  }
}

class LockedSession extends SQLiteSession<"async", Changes, Record<string, never>, never> {
  constructor(
    private readonly inner: SQLiteBunSession<Record<string, never>, never>,
    private readonly lock: ConnectionLock | null,
    dialect: SQLiteAsyncDialect,
  ) {
    super(dialect);
  }

  prepareQuery(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    executeMethod: SQLiteExecuteMethod,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => unknown,
  ) {
    const inner = this.inner.prepareQuery(query, fields, executeMethod, isResponseInArrayMode, customResultMapper);
    return new LockedQuery(inner as unknown as Prepared, this.lock, executeMethod, query);
  }

  /** drizzle's logger lives on the session (tests record statements through it): the inner one's, shared with `tx`. */
  get logger(): Logger {
    return (this.inner as unknown as { logger: Logger }).logger;
  }
  set logger(logger: Logger) {
    (this.inner as unknown as { logger: Logger }).logger = logger;
  }

  transaction<T>(): Promise<T> {
    throw new Error("use transaction() or readTransaction() of src/db/transaction.ts");
  }
}

/** The async Db of one connection, the `tx` its transactions' bodies get, and its lock. */
export type Connection = { db: Db; tx: Db; lock: ConnectionLock; sqlite: Database };

const connections = new WeakMap<Db, Connection>();

export function connectionOf(db: Db): Connection {
  const connection = connections.get(db);
  if (!connection) throw new Error("not a Parley database handle");
  return connection;
}

export function asyncDrizzle(sqlite: Database): Connection {
  const syncDialect = new SQLiteSyncDialect();
  const dialect = new SQLiteAsyncDialect();
  const inner = new SQLiteBunSession<Record<string, never>, never>(sqlite, syncDialect, undefined, {});
  const lock = new ConnectionLock();
  const build = (gate: ConnectionLock | null) =>
    new BaseSQLiteDatabase("async", dialect, new LockedSession(inner, gate, dialect), undefined) as unknown as Db;
  const connection: Connection = { db: build(lock), tx: build(null), lock, sqlite };
  connections.set(connection.db, connection);
  connections.set(connection.tx, connection);
  return connection;
}
