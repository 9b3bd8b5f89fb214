// The test matrix: contract-level test files run once per database. PARLEY_TEST_DATABASES
// lists them (default "sqlite,postgres"; "sqlite" for a quick local run). A file wraps its
// tests in `forEachDatabase`; every server its tests start (startTestServer,
// startTwoInstances) then uses that block's database: SQLite in the server's temp folder,
// or a fresh database on the one PostgreSQL cluster of the run (sharedPostgres; a
// database costs a few milliseconds).
import { afterAll, beforeAll, describe } from "bun:test";
import { sql } from "drizzle-orm";
import type { DbHandle } from "../../src/db/client.ts";
import type { PgDb } from "../../src/db/postgres.ts";
import { sharedPostgres } from "./postgres.ts";

export type TestDatabase = "sqlite" | "postgres";

const KNOWN: readonly TestDatabase[] = ["sqlite", "postgres"];

/** The databases this run covers, from PARLEY_TEST_DATABASES. */
export const testDatabases: TestDatabase[] = (() => {
  const listed = (process.env.PARLEY_TEST_DATABASES ?? "").trim();
  if (!listed) return [...KNOWN];
  const names = listed.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!KNOWN.includes(name as TestDatabase)) {
      throw new Error(`PARLEY_TEST_DATABASES: unknown database "${name}" (known: ${KNOWN.join(", ")})`);
    }
  }
  return names as TestDatabase[];
})();

let current: TestDatabase | undefined;

/** The database of the `forEachDatabase` block running now (undefined outside one: SQLite). */
export function currentTestDatabase(): TestDatabase | undefined {
  return current;
}

/**
 * Runs `body` inside one `describe` per database of the run, named after it. The blocks run
 * one after the other, and each one's first hook makes its database the current one.
 */
export function forEachDatabase(body: (database: TestDatabase) => void): void {
  for (const database of testDatabases) {
    describe(database, () => {
      beforeAll(() => {
        current = database;
      });
      afterAll(() => {
        current = undefined;
      });
      body(database);
    });
  }
}

/**
 * What a server's environment needs for `database`: on PostgreSQL a DATABASE_URL of its
 * own, and `drop` to remove that database once its servers are closed, so the run's one
 * cluster does not grow by a database (several MB) per server.
 */
export async function databaseEnv(
  database: TestDatabase | undefined,
): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (database !== "postgres") return { env: {}, drop: async () => {} };
  const cluster = await sharedPostgres();
  const url = await cluster.createDatabase();
  return { env: { DATABASE_URL: url }, drop: () => cluster.dropDatabase(url) };
}

/**
 * Raw SQL on either database, for a test to look at or arrange rows the API does not
 * show: `?` placeholders on both (PostgreSQL's `$n` are made here). Write what both
 * dialects read: `false`/`true` for booleans, `count(*)::int`-free counts through
 * `Number(...)`.
 */
export async function rawRows<T = Record<string, unknown>>(
  database: DbHandle,
  text: string,
  ...params: unknown[]
): Promise<T[]> {
  const parts = text.split("?");
  if (parts.length !== params.length + 1) throw new Error(`${params.length} parameters for ${parts.length - 1} "?"`);
  const query = sql.join(
    parts.flatMap((part, i) => (i < params.length ? [sql.raw(part), sql`${params[i]}`] : [sql.raw(part)])),
  );
  if (database.dialect === "postgres") return (await (database.db as unknown as PgDb).execute(query)) as unknown as T[];
  return (await database.db.all(query)) as T[];
}
