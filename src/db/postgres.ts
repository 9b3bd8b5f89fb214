// Opens a PostgreSQL database (drizzle over Bun's built-in SQL client, schema-pg.ts) and
// applies drizzle/pg/'s migrations first, under an advisory lock so that many instances
// starting at once migrate once. The only module that imports drizzle's bun-sql driver.
import { SQL } from "bun";
import { BunSQLSession, BunSQLTransaction, drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import { PG_MIGRATIONS_DIR } from "../runtime-files.ts";
import type { Db, PostgresHandle } from "./client.ts";
import * as schema from "./schema-pg.ts";
import { setBeginPostgres } from "./transaction.ts";

export type PgDb = ReturnType<typeof drizzle<typeof schema>>;
export type PgHandle = { db: PgDb; close(): Promise<void> };

/**
 * The database for the domain, typed as SQLite's like every `Db`: the domain's queries are
 * written in the part of drizzle both dialects share, and take schema-pg.ts's tables from
 * `tablesOf` (tables.ts).
 */
export async function openPostgresDatabase(
  url: string,
  options: { migrate?: boolean; connections?: number } = {},
): Promise<PostgresHandle> {
  const { db, client } = await openPostgresClient(url, options);
  return {
    dialect: "postgres",
    db: db as unknown as Db,
    async ping() {
      await client`select 1`;
    },
    close: () => client.close(),
  };
}

// Any fixed number works, as long as nothing else on the database takes the same lock:
// "parley" in ASCII.
const MIGRATION_LOCK = 0x7061726c6579;

/** drizzle's PostgreSQL database itself, for what is PostgreSQL's only (`db copy`, the adapter's tests). */
export async function openPostgres(
  url: string,
  options: { migrate?: boolean; connections?: number } = {},
): Promise<PgHandle> {
  const { db, client } = await openPostgresClient(url, options);
  return { db, close: () => client.close() };
}

async function openPostgresClient(url: string, options: { migrate?: boolean; connections?: number }) {
  if (options.migrate ?? true) await migratePostgres(url);
  const client = new SQL({ url, max: options.connections ?? 10 });
  return { client, db: drizzle({ client, schema }) };
}

/**
 * Applies the migrations not yet applied. drizzle's migrator reads the last applied one
 * before its transaction begins, so two instances starting together could both apply the
 * same migration; a session-level advisory lock, taken on the migrator's one connection
 * and held until it is done, makes the others wait and then find nothing to do. The lock
 * goes with the connection if the process dies.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = new SQL({ url, max: 1 });
  try {
    await client.unsafe(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_DIR });
    } finally {
      await client.unsafe(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.close();
  }
}

/**
 * drizzle's transaction on `db`, with `options` (an isolation level, an access mode) said
 * in BEGIN itself: drizzle's own `transaction(body, config)` sends BEGIN, then SET
 * TRANSACTION, a round trip more per transaction. The `tx` is built as drizzle builds it
 * (bun-sql/session.js, `transaction`): a session on the transaction's reserved connection.
 */
export function beginPostgres<T>(db: PgDb, options: string, body: (tx: PgDb) => Promise<T>): Promise<T> {
  const { dialect, session } = db as unknown as {
    dialect: ConstructorParameters<typeof BunSQLSession>[1];
    session: {
      client: SQL;
      schema: ConstructorParameters<typeof BunSQLSession>[2];
      options: ConstructorParameters<typeof BunSQLSession>[3];
    };
  };
  return session.client.begin(options, (client) => {
    const txSession = new BunSQLSession(client, dialect, session.schema, session.options);
    return body(new BunSQLTransaction(dialect, txSession, session.schema) as unknown as PgDb);
  }) as Promise<T>;
}

setBeginPostgres(beginPostgres);
