// `parley migrate` as an operator runs it before starting several instances: on each
// database of the run, a fresh database gets every migration once, and a second run
// changes nothing; a database it cannot reach is a failure that names it.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openConfiguredDatabase } from "../../src/db/open.ts";
import { MIGRATIONS_DIR, PG_MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { databaseEnv, forEachDatabase, rawRows } from "../helpers/databases.ts";
import { freePort } from "../helpers/redis.ts";
import { tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

const migrate = (env: Record<string, string>) => {
  const result = Bun.spawnSync(["bun", "src/cli/parley.ts", "migrate"], {
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
};

forEachDatabase((database) => {
  const dir = tempDir();
  let selected: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    selected = await databaseEnv(database);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await selected.drop();
  });

  test("applies every migration to a fresh database once; a second run changes nothing", async () => {
    const databasePath = join(dir, "parley.db");
    const env = { DATABASE_PATH: databasePath, ...selected.env };
    const label = selected.env.DATABASE_URL
      ? `PostgreSQL ${new URL(selected.env.DATABASE_URL).host}${new URL(selected.env.DATABASE_URL).pathname}`
      : databasePath;
    for (let run = 0; run < 2; run++) {
      expect(migrate(env)).toEqual({ code: 0, out: `migrated ${label}\n`, err: "" });
    }
    const folder = database === "postgres" ? PG_MIGRATIONS_DIR : MIGRATIONS_DIR;
    const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
    const handle = await openConfiguredDatabase({ databasePath, databaseUrl: selected.env.DATABASE_URL });
    try {
      const table = database === "postgres" ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
      const [row] = await rawRows<{ n: number | string }>(handle, `select count(*) as n from ${table}`);
      expect(Number(row?.n)).toBe(journal.entries.length);
    } finally {
      await handle.close();
    }
  });
});

test("a PostgreSQL it cannot reach: exit 1, naming the database but not the password", async () => {
  const url = `postgres://parley:secret-word@127.0.0.1:${await freePort()}/nowhere`;
  const result = migrate({ DATABASE_URL: url });
  expect(result.code).toBe(1);
  expect(result.err).toContain(`Migrating PostgreSQL ${new URL(url).host}/nowhere failed:`);
  expect(result.err).not.toContain("secret-word");
});
