// The tables of the database a statement runs on. The domain is written once, typed with
// SQLite's schema (schema.ts); on PostgreSQL the same names give schema-pg.ts's tables,
// which carry the same columns and JavaScript values (tests/db/schema-pg.test.ts), so the
// query a function builds is right for the database it is given. See docs/DECISIONS.md,
// "Domain on both databases".
import { PgDatabase } from "drizzle-orm/pg-core";
import type { Db } from "./client.ts";
import * as sqlite from "./schema.ts";

export type Tables = typeof sqlite;

let pgTables: Tables | undefined;

/**
 * schema-pg.ts's tables, loaded the first time a PostgreSQL database asks: building them
 * is part of every start, and a SQLite server never uses them. `require` keeps tablesOf
 * synchronous (the module is loaded already whenever a PostgreSQL database is open).
 */
function postgresTables(): Tables {
  // One cast, here: the type checker cannot compare two dialects' tables, so that a table
  // or column added to one schema and not the other fails tests/db/schema-pg.test.ts instead.
  pgTables ??= require("./schema-pg.ts") as unknown as Tables;
  return pgTables;
}

/**
 * Whether `db` (a database or a transaction's `tx`) is PostgreSQL. drizzle's PostgreSQL
 * transactions are databases too, so one `instanceof` covers both; on SQLite it is a short
 * walk up the prototype chain, the only cost the SQLite path pays.
 */
export function isPostgres(db: Db): boolean {
  return (db as unknown) instanceof PgDatabase;
}

/** schema.ts's tables on SQLite, schema-pg.ts's on PostgreSQL. */
export function tablesOf(db: Db): Tables {
  return isPostgres(db) ? postgresTables() : sqlite;
}

/**
 * A second name for a table in one query (a self-join). drizzle's `alias` is the same
 * proxy in both dialects (drizzle-orm/pg-core and sqlite-core both wrap the table in a
 * TableAliasProxyHandler), so SQLite's, typed for the domain's tables, serves tables of
 * either.
 */
export { alias } from "drizzle-orm/sqlite-core";
