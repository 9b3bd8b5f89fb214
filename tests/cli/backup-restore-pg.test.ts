// What only PostgreSQL's `parley backup` and `parley restore` do (the contract's cases run
// on both databases in backup-restore.test.ts): name the database by host and name,
// and refuse a pg_dump older than the server.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { users } from "../../src/db/schema-pg.ts";
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

test("backup and restore name the database by PostgreSQL's host and database name", async () => {
  await handle.db.insert(users).values({
    username: "named",
    email: "named@example.com",
    firstName: "F",
    lastName: "L",
    passwordHash: "x",
    createdAt: 1,
  });
  const target = join(dir, "named.dump");
  const backup = run(["backup", target]);
  expect(backup.err).toBe("");
  expect(backup.out).toContain(`backed up ${label()} to ${target}`);
  const restore = run(["restore", target]);
  expect(restore.err).toBe("");
  expect(restore.out).toMatch(new RegExp(`restored 1 rows in \\d+ tables from ${target} into ${label()}`));
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
