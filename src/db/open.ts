// Opens the configured database: PostgreSQL when DATABASE_URL is set, else the SQLite file.
import type { Config } from "../config.ts";
import { type DbHandle, openDatabase } from "./client.ts";

/** PostgreSQL when DATABASE_URL is set (its migrations applied under a lock), else the SQLite file. */
export async function openConfiguredDatabase(config: Pick<Config, "databaseUrl" | "databasePath">): Promise<DbHandle> {
  if (config.databaseUrl) {
    // Loaded only here: PostgreSQL's driver and schema cost every SQLite start otherwise.
    const { openPostgresDatabase } = await import("./postgres.ts");
    return openPostgresDatabase(config.databaseUrl);
  }
  return openDatabase(config.databasePath);
}

/** Where the data is, for messages: the SQLite file, or PostgreSQL's host and database (never its password). */
export function databaseLabel(config: Pick<Config, "databaseUrl" | "databasePath">): string {
  if (!config.databaseUrl) return config.databasePath;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.host}${url.pathname}`;
}
