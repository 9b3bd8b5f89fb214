// The few SQL spellings where SQLite and PostgreSQL differ, one named function each, so
// the domain's raw SQL reads the same on both (docs/DECISIONS.md, "Domain on both
// databases"). Counts and sums need no function here: `.mapWith(Number)` on the selected
// expression reads PostgreSQL's 8-byte integers (strings through Bun's client) as numbers.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { isPostgres } from "./tables.ts";

/** A JSON column's top-level `key` as text (null when absent): `json_extract` or `->>`. */
export function jsonText(db: Db, column: SQLWrapper, key: string): SQL<string | null> {
  return isPostgres(db)
    ? sql`(${column} ->> ${sql.raw(quoted(key))})`
    : sql`json_extract(${column}, ${sql.raw(quoted(`$.${key}`))})`;
}

/** A JSON column's top-level `key` as an integer (null when absent or not a number). */
export function jsonInteger(db: Db, column: SQLWrapper, key: string): SQL<number | null> {
  if (!isPostgres(db)) return sql`json_extract(${column}, ${sql.raw(quoted(`$.${key}`))})`;
  const field = sql`(${column} -> ${sql.raw(quoted(key))})`;
  return sql`(case when jsonb_typeof(${field}) = 'number' then (${field})::bigint end)`;
}

// Keys are the code's own constants; quoted as SQL text all the same.
function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
