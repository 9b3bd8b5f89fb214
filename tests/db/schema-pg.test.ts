// schema-pg.ts mirrors schema.ts: the same tables, column names (SQL and TypeScript),
// nullability, defaults' presence, primary keys, indexes (name, uniqueness) and foreign
// keys, so one domain can run on either database.
import { expect, test } from "bun:test";
import { is } from "drizzle-orm";
import { PgTable, getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { SQLiteTable, getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import * as sqlite from "../../src/db/schema.ts";
import * as pg from "../../src/db/schema-pg.ts";

type Shape = {
  name: string;
  columns: string[];
  primaryKey: string[];
  indexes: string[];
  foreignKeys: string[];
};

function shape(
  config: ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>,
  keys: Record<string, string>,
): Shape {
  const primary = config.columns.filter((c) => c.primary).map((c) => c.name);
  return {
    name: config.name,
    columns: config.columns
      .map((c) => `${keys[c.name]}=${c.name} ${c.notNull ? "not null" : "null"} ${c.hasDefault ? "default" : ""}`)
      .sort(),
    primaryKey: [...primary, ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name))].sort(),
    indexes: config.indexes.map((i) => `${i.config.name} ${i.config.unique ? "unique" : ""}`).sort(),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return `${ref.columns.map((c) => c.name)} -> ${ref.foreignColumns.map((c) => c.name)} ${fk.onDelete ?? "no action"}`;
      })
      .sort(),
  };
}

const propertyNames = (table: object) =>
  Object.fromEntries(
    Object.entries(table)
      .filter(([, column]) => column && typeof column === "object" && "name" in column && "columnType" in column)
      .map(([key, column]) => [(column as { name: string }).name, key]),
  );

test("every SQLite table has its PostgreSQL twin, column for column and index for index", () => {
  const sqliteTables = Object.entries(sqlite).filter(([, value]) => is(value, SQLiteTable)) as [string, SQLiteTable][];
  const pgTables = new Map(Object.entries(pg).filter(([, value]) => is(value, PgTable)) as [string, PgTable][]);
  expect([...pgTables.keys()].sort()).toEqual(sqliteTables.map(([key]) => key).sort());
  for (const [key, table] of sqliteTables) {
    const twin = pgTables.get(key);
    if (!twin) throw new Error(`no PostgreSQL table ${key}`);
    // Identity ids have a default on PostgreSQL where SQLite's autoincrement has none.
    const withoutIdDefault = (s: Shape) => ({
      ...s,
      columns: s.columns.map((c) => c.replace(/^(id=id not null) default$/, "$1 ")),
    });
    expect(withoutIdDefault(shape(pgConfig(twin), propertyNames(twin)))).toEqual(
      withoutIdDefault(shape(sqliteConfig(table), propertyNames(table))),
    );
  }
});
