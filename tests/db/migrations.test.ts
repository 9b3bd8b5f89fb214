import { expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
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
