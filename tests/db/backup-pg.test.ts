// PostgreSQL backups on a real cluster: pg_dump while the database is in use, a restore that
// brings the data back in one transaction, and files that are not a Parley backup refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SQL } from "bun";
import { eq, sql } from "drizzle-orm";
import { backupPostgres, postgresTool, restorePostgres, storedKeysInDump } from "../../src/db/backup-pg.ts";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { attachments, conversations, messages, users } from "../../src/db/schema-pg.ts";
import { sharedPostgres } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/server.ts";

let pg: Awaited<ReturnType<typeof sharedPostgres>>;
let url: string;
let handle: PgHandle;
const dir = tempDir("parley-pg-backup-");
beforeAll(async () => {
  pg = await sharedPostgres();
  url = await pg.createDatabase();
  handle = await openPostgres(url);
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const user = (username: string) => ({
  username,
  email: `${username}@example.com`,
  firstName: "F",
  lastName: "L",
  passwordHash: "x",
  createdAt: 1_790_000_000_000,
});

test("finds pg_dump and pg_restore", () => {
  expect(postgresTool("pg_dump")).toMatch(/pg_dump$/);
  expect(postgresTool("pg_restore")).toMatch(/pg_restore$/);
});

test("a backup, changes, a restore: the data is back, and the server keeps its connections", async () => {
  const [kept] = await handle.db.insert(users).values(user("kept")).returning();
  if (!kept) throw new Error("no user");
  const file = join(dir, "nested", "one.dump");
  await backupPostgres(url, file);
  await expect(backupPostgres(url, file)).rejects.toThrow("exists already");

  await handle.db.update(users).set({ firstName: "Changed" }).where(eq(users.id, kept.id));
  await handle.db.insert(users).values(user("made_after"));

  const restored = await restorePostgres(url, file);
  expect(restored.tables).toBeGreaterThanOrEqual(12);
  expect(restored.rows).toBe(1);
  // The open handle (a running Parley's pool) reads the restored rows.
  expect((await handle.db.select().from(users)).map((u) => [u.username, u.firstName])).toEqual([["kept", "F"]]);
  // The search column and the identity sequences came back with the tables.
  const [room] = await handle.db
    .insert(conversations)
    .values({ kind: "room", name: "R", nameKey: "r", createdAt: 1 })
    .returning();
  const [made] = await handle.db
    .insert(messages)
    .values({ conversationId: room?.id ?? 0, senderId: kept.id, body: "restored pelicans", createdAt: 2 })
    .returning();
  const client = new SQL({ url, max: 1 });
  const found = await client`select id from messages where search @@ plainto_tsquery('parley_search', 'pelican')`;
  await client.close();
  expect(found.map((row: { id: number }) => row.id)).toEqual([made?.id]);
  // As SQLite's restore puts sqlite_sequence back: ids continue from the backup's.
  const [after] = await handle.db.insert(users).values(user("next")).returning();
  expect(after?.id).toBe(kept.id + 1);
});

test("the URL's password reaches pg_dump and pg_restore in PGPASSWORD, never on their command line", async () => {
  const admin = new SQL({ url: pg.url, max: 1 });
  await admin.unsafe("create role backup_reader login superuser password 'p@ss word'");
  await admin.close();
  const withPassword = url.replace("://parley@", `://backup_reader:${encodeURIComponent("p@ss word")}@`);
  // The real programs, each behind a script that writes down what it was given (the test
  // cluster trusts 127.0.0.1, so the server itself would accept any password).
  const wrappers = join(dir, "bin");
  const seen = join(dir, "seen.txt");
  mkdirSync(wrappers, { recursive: true });
  for (const tool of ["pg_dump", "pg_restore"] as const) {
    const script = join(wrappers, tool);
    writeFileSync(
      script,
      `#!/bin/sh\necho "${tool} $* PGPASSWORD=$PGPASSWORD" >> '${seen}'\nexec '${postgresTool(tool)}' "$@"\n`,
    );
    chmodSync(script, 0o755);
  }
  const path = process.env.PATH;
  process.env.PATH = `${wrappers}:${path}`;
  try {
    const file = join(dir, "with-password.dump");
    await backupPostgres(withPassword, file);
    await restorePostgres(withPassword, file);
  } finally {
    process.env.PATH = path;
  }
  const lines = readFileSync(seen, "utf8").trim().split("\n");
  // pg_dump --version first (checked against the server's major), then the dump and its check.
  expect(lines.map((line) => line.split(" ")[0])).toEqual([
    "pg_dump",
    "pg_dump",
    "pg_restore",
    "pg_restore",
    "pg_restore",
  ]);
  for (const line of lines) {
    const [command, password] = line.split(" PGPASSWORD=");
    expect(command).not.toContain("p@ss");
    expect(command).not.toContain("p%40ss");
    if (command?.includes("--dbname=")) expect(password).toBe("p@ss word");
  }
});

test("a file that is not a backup is refused and nothing changes", async () => {
  const before = (await handle.db.select().from(users)).length;
  const junk = join(dir, "junk.dump");
  writeFileSync(junk, "not a dump");
  await expect(restorePostgres(url, junk)).rejects.toThrow("is not a PostgreSQL backup");
  await expect(restorePostgres(url, join(dir, "absent.dump"))).rejects.toThrow("no backup at");
  expect((await handle.db.select().from(users)).length).toBe(before);
});

test("a pg_dump older than the server is refused, saying which client programs to install", async () => {
  // A pg_dump of PostgreSQL 9.6 first on PATH, as a machine's default may be.
  const old = join(dir, "old-bin");
  mkdirSync(old, { recursive: true });
  writeFileSync(join(old, "pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
  chmodSync(join(old, "pg_dump"), 0o755);
  const [row] = await handle.db.execute<{ major: number }>(
    sql`select current_setting('server_version_num')::int / 10000 as major`,
  );
  const path = process.env.PATH;
  process.env.PATH = `${old}:${path}`;
  const file = join(dir, "too-old.dump");
  try {
    await expect(backupPostgres(url, file)).rejects.toThrow(
      `${join(old, "pg_dump")} is pg_dump (PostgreSQL) 9.6.24, older than the server (PostgreSQL ${row?.major}), and cannot back it up: install PostgreSQL ${row?.major}'s client programs (apt-get install -y postgresql-client-${row?.major})`,
    );
  } finally {
    process.env.PATH = path;
  }
  expect(existsSync(file)).toBe(false);
});

test("the storage keys a dump's attachments name: sent files' originals and thumbnails", async () => {
  const [owner] = await handle.db.insert(users).values(user("uploader")).returning();
  const file = (storageKey: string, state: "ready" | "uploading", thumbnailKey: string | null = null) => ({
    uploaderId: owner?.id ?? 0,
    state,
    storageKey,
    thumbnailKey,
    name: "f",
    contentType: "image/png",
    size: 1,
    createdAt: 0,
  });
  await handle.db
    .insert(attachments)
    .values([file("photo-key", "ready", "photo-thumb"), file("pdf-key", "ready"), file("half-key", "uploading")]);
  const dump = join(dir, "keys.dump");
  await backupPostgres(url, dump);
  expect((await storedKeysInDump(dump)).sort()).toEqual(["pdf-key", "photo-key", "photo-thumb"]);
});
