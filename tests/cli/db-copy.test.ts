// `parley db copy` as an operator runs it: beside a live server, into the test cluster.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { backupDatabase } from "../../src/db/backup.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { signUp } from "../helpers/client.ts";
import { sharedPostgres } from "../helpers/postgres.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

let server: TestServer;
let pg: Awaited<ReturnType<typeof sharedPostgres>>;
beforeAll(async () => {
  [server, pg] = await Promise.all([startTestServer(), sharedPostgres()]);
  const ada = await signUp(server.url);
  const room = await ada.trpc.rooms.create.mutate({ name: "Moving" });
  await ada.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "moving day" });
});
afterAll(() => server?.close());

// As root, the operator's limits are played by `nobody`: root writes read-only files anyway.
const asOperator = (argv: string[]) => (process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--", ...argv] : argv);

const run = (args: string[], options: { unprivileged?: boolean } = {}) => {
  const argv = ["bun", "src/cli/parley.ts", "db", "copy", ...args];
  const result = Bun.spawnSync(options.unprivileged ? asOperator(argv) : argv, {
    env: { ...process.env, NODE_ENV: "test", ...(options.unprivileged ? { HOME: tmpdir() } : {}) },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
};

test("copies, reports each table and the verification; a second run copies nothing", async () => {
  const target = await pg.createDatabase();
  const from = join(server.dir, "parley.db");
  const first = run(["--from", from, "--to", target]);
  expect({ code: first.code, err: first.err }).toEqual({ code: 0, err: "" });
  expect(first.out).toMatch(
    /^messages: 1 copied, 0 updated, 0 removed, 0 already there; 1 rows, SHA-256 [0-9a-f]{64}/m,
  );
  expect(first.out).toMatch(/: 12 tables, \d+ rows, counts and checksums equal\n$/);
  const second = run(["--from", from, "--to", target]);
  expect(second.code).toBe(0);
  expect(second.out).toContain("messages: 0 copied, 0 updated, 0 removed, 1 already there");
  expect(second.out).not.toMatch(/[1-9]\d* (copied|updated|removed)/);
});

test("copies a backup on a read-only mount, as docs/SCALING.md does, and leaves it untouched", async () => {
  const folder = tempDir("parley-import-");
  try {
    const file = join(folder, "parley.db");
    backupDatabase(join(server.dir, "parley.db"), file);
    const digest = () => new Bun.CryptoHasher("sha256").update(readFileSync(file)).digest("hex");
    const before = digest();
    chmodSync(file, 0o444);
    chmodSync(folder, 0o555);
    const copied = run(["--from", file, "--to", await pg.createDatabase()], { unprivileged: true });
    expect({ code: copied.code, err: copied.err }).toEqual({ code: 0, err: "" });
    expect(copied.out).toContain("messages: 1 copied");
    expect(readdirSync(folder)).toEqual(["parley.db"]);
    expect(digest()).toBe(before);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a refused copy exits 1 with what to do; wrong usage exits 2", async () => {
  const target = await pg.createDatabase();
  await (await openPostgres(target)).close();
  const client = new SQL({ url: target, max: 1 });
  await client.unsafe(
    "insert into users (id, username, email, first_name, last_name, password_hash, created_at) values (1, 'other', 'o@example.com', 'O', 'T', 'x', 7)",
  );
  await client.close();
  const refused = run(["--from", join(server.dir, "parley.db"), "--to", target]);
  expect(refused.code).toBe(1);
  expect(refused.err).toStartWith("db copy failed: the target's users row id 1 is another one");
  expect(refused.err).toContain("Copy into a new, empty database");
  const missing = run(["--from", join(server.dir, "parley.db")]);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain("missing --to URL");
  const absent = run(["--from", join(server.dir, "absent.db"), "--to", target]);
  expect(absent.code).toBe(1);
  expect(absent.err).toContain("no database at");
});
