// `bun run admin:create` as an operator runs it: a subprocess on a temporary database.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { postJson, signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

const dir = tempDir();
const databasePath = join(dir, "parley.db");

function run(args: string[], env: Record<string, string> = {}) {
  const result = Bun.spawnSync(["bun", "scripts/admin-create.ts", ...args], {
    env: { ...process.env, DATABASE_PATH: databasePath, NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { dir });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (username: string) =>
  server.deps.database.sqlite
    .query<{ id: number; first_name: string; last_name: string; is_admin: number; email: string }, [string]>(
      "select id, first_name, last_name, is_admin, email from users where username = ?",
    )
    .get(username);

test("creates an admin from flags, named Admin <username> by default, who can log in", async () => {
  const result = run(["--username", "root", "--email", "root@example.com", "--password", "long enough"]);
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  expect(result.out).toContain('Created admin "root"');
  expect(row("root")).toMatchObject({ first_name: "Admin", last_name: "root", is_admin: 1, email: "root@example.com" });

  const login = await postJson(`${server.url}/api/auth/login`, { username: "root", password: "long enough" });
  expect(login.status).toBe(200);
  expect((await login.json()).user.isAdmin).toBe(true);
  const activity = server.deps.database.sqlite
    .query<{ n: number }, [number]>(
      "select count(*) as n from activity_log where kind = 'admin_created' and user_id = ?",
    )
    .get(row("root")?.id ?? 0);
  expect(activity?.n).toBe(1);
});

test("takes names from flags and values from ADMIN_* variables", () => {
  const result = run(["--first-name", "Ada", "--last-name", "Lovelace"], {
    ADMIN_USERNAME: "ada_admin",
    ADMIN_EMAIL: "ada@example.com",
    ADMIN_PASSWORD: "analytical engine",
  });
  expect(result.code).toBe(0);
  expect(row("ada_admin")).toMatchObject({ first_name: "Ada", last_name: "Lovelace", is_admin: 1 });
});

test("an existing username only gets the admin flag, and it says so", async () => {
  const plain = await signUp(server.url, { username: "promote_me", password: "original password" });
  const result = run(["--username", "PROMOTE_ME", "--email", "other@example.com", "--password", "another one!"]);
  expect(result.code).toBe(0);
  expect(result.out).toContain('"promote_me" already exists: made them an admin');
  expect(row("promote_me")).toMatchObject({ is_admin: 1, email: plain.user.email });
  // The password is unchanged.
  const login = await postJson(`${server.url}/api/auth/login`, { username: "promote_me", password: plain.password });
  expect(login.status).toBe(200);
  const again = run(["--username", "promote_me"]);
  expect(again.code).toBe(0);
  expect(again.out).toContain("already an admin; nothing changed");
});

test("invalid input is refused with a message and a non-zero exit, creating nothing", () => {
  const bad = run(["--username", "x", "--email", "not-an-email", "--password", "short"]);
  expect(bad.code).not.toBe(0);
  expect(bad.err).toContain("email");
  expect(bad.err).toContain("password");
  expect(bad.err).toContain("username");
  expect(row("x")).toBeNull();

  const missing = run(["--username", "no_email_given"]);
  expect(missing.code).not.toBe(0);
  expect(missing.err).toContain("--email is required");
  expect(row("no_email_given")).toBeNull();

  const unknownFlag = run(["--usernme", "typo"]);
  expect(unknownFlag.code).not.toBe(0);
  expect(unknownFlag.err).toContain("usage:");

  const takenEmail = run(["--username", "second_root", "--email", "ROOT@example.com", "--password", "long enough"]);
  expect(takenEmail.code).not.toBe(0);
  expect(takenEmail.err).toContain("already registered");
  expect(row("second_root")).toBeNull();
});
