// Backups of a PostgreSQL database, with the contract of SQLite's (backup.ts): a backup is
// a consistent copy taken while Parley runs, never overwrites a file, and is checked
// before it is called done; a restore checks the file first, replaces the content in one
// transaction and upgrades the result to this version's schema. pg_dump takes its
// snapshot in one repeatable-read transaction, so writers keep going meanwhile.
// The CLI's `backup` and `restore` pick these once the configuration has DATABASE_URL.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { SQL } from "bun";
import { migratePostgres } from "./postgres.ts";

const INSTALL = "install PostgreSQL's client programs: apt-get install -y postgresql-client";

/**
 * A PostgreSQL program (pg_dump, pg_restore; the tests' initdb): on PATH, else in Debian's
 * /usr/lib/postgresql/<major>/bin, the highest major first (a pg_dump older than the
 * server refuses to dump it). Missing, the error says how to install it (`install`).
 */
export function postgresTool(name: string, install = INSTALL): string {
  const onPath = Bun.which(name, { PATH: process.env.PATH ?? "" });
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((major) => /^\d+$/.test(major) && existsSync(join(root, major, "bin", name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0] === undefined) throw new Error(`${name} not found (on PATH or in ${root}/*/bin): ${install}`);
  return join(root, majors[0], "bin", name);
}

/**
 * The URL without its password, and the password for PGPASSWORD: a command line is
 * visible to every user of the machine (ps), the environment of a process only to its owner.
 */
function connection(url: string): { dbname: string; env: Record<string, string | undefined> } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

async function run(argv: string[], env: Record<string, string | undefined>): Promise<string> {
  const child = Bun.spawn(argv, { env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`${argv[0]?.split("/").at(-1)} failed (${code}): ${err.trim() || out.trim()}`);
  return out;
}

/** Dumps the database at `url` into `file` (pg_dump's custom format), then checks the file. */
export async function backupPostgres(url: string, file: string): Promise<void> {
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  mkdirSync(dirname(file), { recursive: true });
  const { dbname, env } = connection(url);
  try {
    // Custom format: compressed, and pg_restore can list it, check it and restore it with
    // --clean. No owners or grants: a restore may run as another role (a managed service's).
    await run(
      [
        postgresTool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        `--file=${file}`,
        `--dbname=${dbname}`,
      ],
      env,
    );
    await verifyPostgresDump(file);
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}

/** Throws unless `file` is a dump pg_restore can read, of a database with Parley's tables. */
export async function verifyPostgresDump(file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`no backup at ${file}`);
  const list = await run([postgresTool("pg_restore"), "--list", file], process.env).catch((error: unknown) => {
    throw new Error(`${file} is not a PostgreSQL backup (${error instanceof Error ? error.message : error})`);
  });
  if (!/ TABLE DATA public users /.test(list)) throw new Error(`${file} is not a Parley database backup`);
}

/**
 * Replaces the content of the database at `url` with the backup's, in one transaction
 * (readers see the old data or the new), then applies the migrations the backup lacks.
 */
export async function restorePostgres(url: string, file: string): Promise<{ tables: number; rows: number }> {
  await verifyPostgresDump(file);
  const { dbname, env } = connection(url);
  await run(
    [
      postgresTool("pg_restore"),
      "--clean",
      "--if-exists",
      "--single-transaction",
      "--exit-on-error",
      "--no-owner",
      "--no-privileges",
      `--dbname=${dbname}`,
      file,
    ],
    env,
  );
  await migratePostgres(url);
  return countRows(url);
}

async function countRows(url: string): Promise<{ tables: number; rows: number }> {
  const client = new SQL({ url, max: 1 });
  try {
    const tables = (await client`select tablename from pg_tables where schemaname = 'public'`) as {
      tablename: string;
    }[];
    let rows = 0;
    for (const { tablename } of tables) {
      const [row] = await client.unsafe(`select count(*)::int as n from "${tablename.replaceAll('"', '""')}"`);
      rows += (row as { n: number }).n;
    }
    return { tables: tables.length, rows };
  } finally {
    await client.close();
  }
}
