import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { openDatabase } from "../../src/db/client.ts";
import { MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { tempDir } from "../helpers/server.ts";

test("the real migrations build the whole schema on a fresh file, in WAL mode", () => {
  const dir = tempDir();
  const handle = openDatabase(join(dir, "nested", "parley.db"));
  const tables = handle.sqlite
    .query<{ name: string }, []>("select name from sqlite_master where type = 'table' order by name")
    .all()
    .map((t) => t.name);
  expect(tables).toEqual(
    expect.arrayContaining(["users", "conversations", "members", "messages", "sessions", "activity_log"]),
  );
  expect(handle.sqlite.query("pragma journal_mode").get()).toEqual({ journal_mode: "wal" });
  expect(handle.sqlite.query("pragma foreign_keys").get()).toEqual({ foreign_keys: 1 });
  handle.close();
});

test("migrating twice, or from two handles at once, applies each migration once", () => {
  const dir = tempDir();
  const path = join(dir, "parley.db");
  const a = openDatabase(path);
  const b = openDatabase(path);
  const count = a.sqlite.query<{ n: number }, []>("select count(*) as n from __drizzle_migrations").get();
  expect(count?.n).toBeGreaterThan(0);
  const again = b.sqlite.query<{ n: number }, []>("select count(*) as n from __drizzle_migrations").get();
  expect(again?.n).toBe(count?.n ?? -1);
  a.close();
  b.close();
});

test("usernames are unique whatever their case", () => {
  const handle = openDatabase(join(tempDir(), "p.db"));
  const insert = (username: string, email: string) =>
    handle.sqlite
      .query(
        "insert into users (username, email, first_name, last_name, password_hash, created_at) values (?, ?, 'A', 'B', 'x', 0)",
      )
      .run(username, email);
  insert("Alice", "a@example.com");
  expect(() => insert("alice", "other@example.com")).toThrow("UNIQUE");
  expect(() => insert("bob", "A@EXAMPLE.COM")).toThrow("UNIQUE");
  handle.close();
});

test("accounts migration: avatars and email verification on users, blocks one row per pair", () => {
  const handle = openDatabase(join(tempDir(), "p.db"));
  const columns = handle.sqlite
    .query<{ name: string }, []>("pragma table_info(users)")
    .all()
    .map((c) => c.name);
  expect(columns).toEqual(expect.arrayContaining(["avatar_key", "email_unverified"]));
  const insertUser = handle.sqlite.query(
    "insert into users (username, email, first_name, last_name, password_hash, created_at) values (?, ?, 'A', 'B', 'x', 0) returning id, email_unverified as unverified",
  );
  const a = insertUser.get("ann", "ann@example.com") as { id: number; unverified: number };
  const b = insertUser.get("ben", "ben@example.com") as { id: number; unverified: number };
  expect(a.unverified).toBe(0); // accounts made before (or without) the setting need nothing
  const block = handle.sqlite.query("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)");
  block.run(a.id, b.id);
  expect(() => block.run(a.id, b.id)).toThrow("UNIQUE");
  handle.sqlite
    .query("insert into email_verifications (user_id, token_hash, created_at, expires_at) values (?, 'h', 0, 1)")
    .run(b.id);
  handle.sqlite.query("delete from users where id = ?").run(b.id);
  expect(handle.sqlite.query("select count(*) as n from blocks").get()).toEqual({ n: 0 });
  expect(handle.sqlite.query("select count(*) as n from email_verifications").get()).toEqual({ n: 0 });
  handle.close();
});

test("a database migrated from the old top-level drizzle/ folder upgrades from drizzle/sqlite/, each migration once", () => {
  // drizzle's migrator knows an applied migration by its journal time (and records the
  // file's hash), not by its path: moving the folder changes nothing for a deployed file.
  const dir = tempDir();
  const oldFolder = join(dir, "drizzle");
  cpSync(MIGRATIONS_DIR, oldFolder, { recursive: true });
  const journalPath = join(oldFolder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const all = journal.entries.length;
  journal.entries = journal.entries.slice(0, all - 2);
  writeFileSync(journalPath, JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path, { create: true, strict: true });
  migrate(drizzle({ client: old }), { migrationsFolder: oldFolder });
  old.close();

  const upgraded = openDatabase(path);
  const recorded = upgraded.sqlite
    .query<{ hash: string }, []>("select hash from __drizzle_migrations order by created_at")
    .all()
    .map((row) => row.hash);
  upgraded.close();
  expect(recorded).toEqual(readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.hash));
  expect(recorded).toHaveLength(all);
});
