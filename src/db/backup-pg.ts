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
  const pgDump = postgresTool("pg_dump");
  await requireDumpOf(pgDump, url);
  try {
    // Custom format: compressed, and pg_restore can list it, check it and restore it with
    // --clean. No owners or grants: a restore may run as another role (a managed service's).
    await run(
      [pgDump, "--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, `--dbname=${dbname}`],
      env,
    );
    await verifyPostgresDump(file);
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}

/**
 * Refuses, saying what to install, when pg_dump is older than the server: it cannot dump
 * a newer server (it says only "server version mismatch"). The one found first (PATH, then
 * Debian's highest major) may be the machine's default while the server is a managed
 * service's newer major.
 */
async function requireDumpOf(pgDump: string, url: string): Promise<void> {
  const version = await run([pgDump, "--version"], process.env);
  const tool = Number(/\)\s*(\d+)/.exec(version)?.[1] ?? Number.NaN);
  const client = new SQL({ url, max: 1 });
  let server: number;
  try {
    const [row] = await client`select current_setting('server_version_num')::int / 10000 as major`;
    server = (row as { major: number }).major;
  } finally {
    await client.close();
  }
  if (!(tool >= server)) {
    throw new Error(
      `${pgDump} is ${version.trim()}, older than the server (PostgreSQL ${server}), and cannot back it up: install PostgreSQL ${server}'s client programs (apt-get install -y postgresql-client-${server}) or put a pg_dump of ${server} or later first on PATH`,
    );
  }
}

/**
 * The storage keys (originals and thumbnails of sent files) a backup's attachments name:
 * what its folder of files (src/files/backup.ts) holds. Read from the dump's copy of the
 * table, so they are the snapshot's, as SQLite's are read from the backup file.
 */
export async function storedKeysInDump(file: string): Promise<string[]> {
  const data = await run(
    [postgresTool("pg_restore"), "--data-only", "--table=attachments", "--file=-", file],
    process.env,
  );
  const lines = data.split("\n");
  const start = lines.findIndex((line) => line.startsWith("COPY public.attachments ("));
  if (start < 0) return [];
  const columns = (lines[start] ?? "").replace(/^[^(]*\(|\).*$/g, "").split(", ");
  const field = (row: string[], name: string) => row[columns.indexOf(name)];
  const keys: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === "\\.") break;
    const row = line.split("\t");
    if (field(row, "state") !== "ready") continue;
    for (const stored of [field(row, "storage_key"), field(row, "thumbnail_key")]) {
      // \N is COPY's null; a key is a random name with nothing COPY would escape.
      if (stored && stored !== "\\N") keys.push(stored);
    }
  }
  return keys;
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
