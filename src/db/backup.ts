// Consistent copies of a live database: VACUUM INTO for backups (a snapshot taken in one
// read transaction, safe while other processes write), and an in-place restore that
// replaces every table's rows in one write transaction, so readers never see a mix.
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openDatabase } from "./client.ts";

export function backupDatabase(databasePath: string, targetPath: string) {
  if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath}`);
  if (existsSync(targetPath)) throw new Error(`${targetPath} exists already; choose a new file name`);
  mkdirSync(dirname(targetPath), { recursive: true });
  const source = new Database(databasePath, { readonly: true });
  try {
    source.exec("PRAGMA busy_timeout = 5000");
    source.query("VACUUM INTO ?").run(targetPath);
  } finally {
    source.close();
  }
  verifyDatabaseFile(targetPath);
}

/** Throws unless the file is an intact SQLite database with Parley's tables. */
export function verifyDatabaseFile(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const check = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get();
    if (check?.integrity_check !== "ok") throw new Error(`${path} failed its integrity check`);
    const users = db.query("select 1 from sqlite_master where type = 'table' and name = 'users'").get();
    if (!users) throw new Error(`${path} is not a Parley database`);
  } finally {
    db.close();
  }
}

/** Replaces the live database's content with the backup's, whatever migrations it lacks. */
export function restoreDatabase(databasePath: string, backupPath: string): { tables: number; rows: number } {
  verifyDatabaseFile(backupPath);
  // Bring a copy of the backup up to the current schema, so the columns match.
  const work = mkdtempSync(join(tmpdir(), "parley-restore-"));
  const upgraded = join(work, "backup.db");
  try {
    copyFileSync(backupPath, upgraded);
    openDatabase(upgraded).close();
    const live = openDatabase(databasePath);
    try {
      return copyAllRows(live.sqlite, upgraded);
    } finally {
      live.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function copyAllRows(live: Database, sourcePath: string) {
  const tables = live
    .query<{ name: string }, []>(
      // Ordinary tables only: the search index (a virtual table and its shadow tables) is
      // rebuilt from the restored messages below.
      "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name != '__drizzle_migrations'",
    )
    .all()
    .map((t) => t.name);
  live.exec("PRAGMA foreign_keys = OFF");
  live.query("ATTACH DATABASE ? AS backup").run(sourcePath);
  let rows = 0;
  try {
    live.transaction(() => {
      for (const table of tables) live.exec(`DELETE FROM main."${table}"`);
      for (const table of tables) {
        const columns = live
          .query<{ name: string }, []>(`select name from pragma_table_info('${table}')`)
          .all()
          .map((c) => `"${c.name}"`)
          .join(", ");
        rows += live
          .query(`INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM backup."${table}"`)
          .run().changes;
      }
      // The search index is not copied: rebuilt from the restored messages, all of them
      // indexed (the triggers that keep it in step may not have fired while rows were replaced).
      live.exec("INSERT INTO main.messages_fts (messages_fts) VALUES ('rebuild')");
      live.exec("UPDATE main.search_indexed SET up_to = (SELECT coalesce(max(id), 0) FROM main.messages) WHERE id = 1");
      live.exec("DELETE FROM main.sqlite_sequence");
      live.exec("INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM backup.sqlite_sequence");
      const problems = live.query("PRAGMA main.foreign_key_check").all();
      if (problems.length) throw new Error(`the backup has ${problems.length} broken references; nothing restored`);
    })();
  } finally {
    live.exec("DETACH DATABASE backup");
    live.exec("PRAGMA foreign_keys = ON");
  }
  return { tables: tables.length, rows };
}
