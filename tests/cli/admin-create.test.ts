// `parley admin create` (`bun run admin:create`) as an operator runs it: a subprocess on a
// temporary database, from flags and variables, from a pipe, and on a real terminal.

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { sqliteOf } from "../../src/db/client.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

const dir = tempDir();
const databasePath = join(dir, "parley.db");

const COMMAND = ["bun", "src/cli/parley.ts", "admin", "create"];
const environment = (env: Record<string, string>) => ({
  ...process.env,
  DATABASE_PATH: databasePath,
  NODE_ENV: "test",
  LOG_LEVEL: "silent",
  ...env,
});

function run(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const result = Bun.spawnSync([...COMMAND, ...args], {
    env: environment(env),
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
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
  sqliteOf(server.deps.database)
    .query<{ id: number; first_name: string; last_name: string; is_admin: number; email: string }, [string]>(
      "select id, first_name, last_name, is_admin, email from users where username = ?",
    )
    .get(username);

test("creates an admin from flags and ADMIN_PASSWORD, named Admin <username> by default, who can log in", async () => {
  const result = run(["--username", "root", "--email", "root@example.com"], { ADMIN_PASSWORD: "long enough" });
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  expect(result.out).toContain('Created admin "root"');
  expect(row("root")).toMatchObject({ first_name: "Admin", last_name: "root", is_admin: 1, email: "root@example.com" });

  const login = await postJson(`${server.url}/api/auth/login`, { username: "root", password: "long enough" });
  expect(login.status).toBe(200);
  expect((await login.json()).user.isAdmin).toBe(true);
  const activity = sqliteOf(server.deps.database)
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
  const result = run(["--username", "PROMOTE_ME", "--email", "other@example.com"], { ADMIN_PASSWORD: "another one!" });
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
  const bad = run(["--username", "x", "--email", "not-an-email"], { ADMIN_PASSWORD: "short" });
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
  expect(unknownFlag.err).toContain("parley admin create --help");

  const takenEmail = run(["--username", "second_root", "--email", "ROOT@example.com"], {
    ADMIN_PASSWORD: "long enough",
  });
  expect(takenEmail.code).not.toBe(0);
  expect(takenEmail.err).toContain("already registered");
  expect(row("second_root")).toBeNull();
});

test("refuses the password as a flag, saying why and what to use instead", () => {
  const result = run(["--username", "flag_pw", "--email", "flag@example.com", "--password", "long enough"]);
  expect(result.code).toBe(2);
  expect(result.err).toContain("shell history");
  expect(result.err).toContain("--password-stdin");
  expect(row("flag_pw")).toBeNull();
  const help = run(["--help"]);
  expect(help.code).toBe(0);
  expect(help.out).toContain("--password-stdin");
  expect(help.out).not.toMatch(/--password [A-Z]/);
});

test("reads the password from stdin with --password-stdin, spaces kept, line ending dropped", async () => {
  const result = run(
    ["--username", "piped", "--email", "piped@example.com", "--password-stdin"],
    {},
    "  spaced out pass \n",
  );
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  const login = await postJson(`${server.url}/api/auth/login`, { username: "piped", password: "  spaced out pass " });
  expect(login.status).toBe(200);

  const empty = run(["--username", "piped_empty", "--email", "e@example.com", "--password-stdin"], {}, "");
  expect(empty.code).toBe(2);
  expect(empty.err).toContain("standard input was empty");
  expect(row("piped_empty")).toBeNull();
});

test("without a terminal and without a password it says where a password can come from", () => {
  const result = run(["--username", "no_password", "--email", "np@example.com"]);
  expect(result.code).toBe(2);
  expect(result.err).toContain("ADMIN_PASSWORD");
  expect(result.err).toContain("--password-stdin");
  expect(row("no_password")).toBeNull();
});

/** A process on a real pseudo-terminal (util-linux `script`), typed into and read from. */
function onTerminal(args: string[]) {
  if (!Bun.which("script")) throw new Error("`script` is missing: apt-get install -y util-linux");
  const child = Bun.spawn(["script", "-q", "-e", "-c", [...COMMAND, ...args].join(" "), "/dev/null"], {
    env: environment({ TERM: "xterm" }),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  let screen = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      screen += decoder.decode(read.value, { stream: true });
    }
  })();
  return {
    screen: () => screen,
    async waitFor(text: string) {
      const deadline = Date.now() + 15_000;
      while (!screen.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the terminal shows:\n${screen}`);
        await Bun.sleep(20);
      }
    },
    type(keys: string) {
      child.stdin.write(keys);
      child.stdin.flush();
    },
    async exit() {
      const code = await child.exited;
      await reading;
      return code;
    },
  };
}

test("on a terminal the password is asked twice without echo, and a cursor key is not stored", async () => {
  const secret = "tangerine owl 42";
  const terminal = onTerminal(["--username", "typed_admin", "--email", "typed@example.com"]);
  await terminal.waitFor("Password (8");
  // Typed, then ← (an escape sequence a hand-made reader stored), then Enter.
  terminal.type(secret);
  terminal.type("\x1b[D");
  terminal.type("\r");
  await terminal.waitFor("Password again");
  terminal.type(`${secret}\x1b[D\r`);
  expect(await terminal.exit()).toBe(0);
  expect(terminal.screen()).toContain('Created admin "typed_admin"');
  expect(terminal.screen()).not.toContain("tangerine");

  const login = await postJson(`${server.url}/api/auth/login`, { username: "typed_admin", password: secret });
  expect(login.status).toBe(200);
  expect((await login.json()).user.isAdmin).toBe(true);
});

test("on a terminal two different passwords create nothing", async () => {
  const terminal = onTerminal(["--username", "typo_admin", "--email", "typo@example.com"]);
  await terminal.waitFor("Password (8");
  terminal.type("first attempt 1\r");
  await terminal.waitFor("Password again");
  terminal.type("first attempt 2\r");
  expect(await terminal.exit()).toBe(2);
  expect(terminal.screen()).toContain("The passwords differ");
  expect(row("typo_admin")).toBeNull();
});
