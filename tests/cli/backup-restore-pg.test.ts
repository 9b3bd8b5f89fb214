// `parley backup` and `parley restore` with DATABASE_URL, as an operator runs them: the
// same commands, messages and FILE.files/ as on SQLite, on a real PostgreSQL cluster.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { attachments, conversations, messages, users } from "../../src/db/schema-pg.ts";
import { sharedPostgres } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

let url: string;
let handle: PgHandle;
const dir = tempDir("parley-cli-pg-backup-");
const filesPath = join(dir, "files");

beforeAll(async () => {
  url = await (await sharedPostgres()).createDatabase();
  handle = await openPostgres(url);
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) => {
  const result = Bun.spawnSync(["bun", "src/cli/parley.ts", ...args], {
    env: { ...process.env, DATABASE_URL: url, FILES_PATH: filesPath, NODE_ENV: "test", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
};

const label = () => `PostgreSQL ${new URL(url).host}${new URL(url).pathname}`;

async function addUser(username: string) {
  const [row] = await handle.db
    .insert(users)
    .values({
      username,
      email: `${username}@example.com`,
      firstName: "F",
      lastName: "L",
      passwordHash: "x",
      createdAt: 1,
    })
    .returning();
  if (!row) throw new Error("no user");
  return row;
}

test("backup copies the database and its uploaded files; restore brings both back", async () => {
  const ada = await addUser("kept_user");
  const [room] = await handle.db
    .insert(conversations)
    .values({ kind: "room", name: "Backed up", nameKey: "backed up", createdAt: 1 })
    .returning();
  const [kept] = await handle.db
    .insert(messages)
    .values({ conversationId: room?.id ?? 0, senderId: ada.id, body: "kept pelican", createdAt: 2, seq: 1 })
    .returning();
  mkdirSync(filesPath, { recursive: true });
  for (const key of ["photo-key", "photo-thumb", "gone-key"]) writeFileSync(join(filesPath, key), `bytes of ${key}`);
  const file = (storageKey: string, thumbnailKey: string | null = null) => ({
    uploaderId: ada.id,
    messageId: kept?.id ?? 0,
    conversationId: room?.id ?? 0,
    state: "ready" as const,
    storageKey,
    thumbnailKey,
    name: storageKey,
    contentType: "image/png",
    size: 8,
    createdAt: 3,
  });
  await handle.db.insert(attachments).values([file("photo-key", "photo-thumb"), file("pdf-key")]);

  const target = join(dir, "backups", "one.dump");
  const backup = run(["backup", target]);
  expect(backup.err).toBe("");
  expect(backup.code).toBe(0);
  expect(backup.out).toContain(`backed up ${label()} to ${target}`);
  // The snapshot names three objects; "pdf-key" was never on disk.
  expect(backup.out).toContain(`backed up 2 uploaded files from ${filesPath} to ${target}.files (1 deleted since`);
  expect(readdirSync(`${target}.files`).sort()).toEqual(["photo-key", "photo-thumb"]);
  expect(backup.out).not.toContain(new URL(url).password || "no password in the URL");

  // Changes after the backup are undone by the restore.
  await handle.db
    .update(messages)
    .set({ body: "lost pelican" })
    .where(eq(messages.id, kept?.id ?? 0));
  await addUser("made_after_backup");
  // A restore on a new machine: the files come back into its empty FILES_PATH.
  const newFiles = join(dir, "new-machine-files");
  const restore = run(["restore", target], { FILES_PATH: newFiles });
  expect(restore.err).toContain("1 uploaded files the backup refers to are in neither");
  expect(restore.code).toBe(0);
  expect(restore.out).toContain(`restored 2 uploaded files from ${target}.files into ${newFiles}`);
  expect(restore.out).toMatch(new RegExp(`restored \\d+ rows in \\d+ tables from ${target} into ${label()}`));
  expect(readFileSync(join(newFiles, "photo-thumb"), "utf8")).toBe("bytes of photo-thumb");
  expect((await handle.db.select({ username: users.username }).from(users)).map((u) => u.username)).toEqual([
    "kept_user",
  ]);
  const [body] = await handle.db.select({ body: messages.body }).from(messages);
  expect(body?.body).toBe("kept pelican");
});

test("backup refuses to overwrite; restore refuses a file that is not a PostgreSQL backup", () => {
  const existing = join(dir, "exists.dump");
  writeFileSync(existing, "not a backup");
  const backup = run(["backup", existing]);
  expect(backup.code).toBe(1);
  expect(backup.err).toContain("backup failed:");
  expect(backup.err).toContain("exists already");
  const restore = run(["restore", existing]);
  expect(restore.code).toBe(1);
  expect(restore.err).toContain("restore failed:");
  expect(restore.err).toContain("is not a PostgreSQL backup");
  expect(run(["backup"]).code).toBe(2);
  expect(existsSync(`${existing}.files`)).toBe(false);
});

test("backup with a pg_dump older than the server fails, saying what to install", () => {
  const old = join(dir, "old-bin");
  mkdirSync(old, { recursive: true });
  writeFileSync(join(old, "pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n", { mode: 0o755 });
  const target = join(dir, "too-old.dump");
  const backup = run(["backup", target], { PATH: `${old}:${process.env.PATH}` });
  expect(backup.code).toBe(1);
  expect(backup.err).toMatch(/backup failed: .*pg_dump is pg_dump \(PostgreSQL\) 9\.6\.24, older than the server/);
  expect(backup.err).toContain("apt-get install -y postgresql-client-");
  expect(existsSync(target)).toBe(false);
});
