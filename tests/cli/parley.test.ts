// The `parley` command's surface: help for every command, exit codes, errors that say
// what to do, --config and serve --print-config. In-process through runCli, and once as
// a subprocess the way an operator runs it.
import { afterEach, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS, runCli } from "../../src/cli/parley.ts";
import { tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

/** Runs a command line in this process, capturing what it prints. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = spyOn(console, "log").mockImplementation((...parts) => void out.push(parts.join(" ")));
  const error = spyOn(console, "error").mockImplementation((...parts) => void err.push(parts.join(" ")));
  try {
    const code = await runCli(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => {
  // runCli never sets an exit code itself; keep it that way for the runner.
  expect(process.exitCode ?? 0).toBe(0);
});

test("lists every command, and each answers --help with its usage and exit 0", async () => {
  const overview = await cli(["--help"]);
  expect(overview.code).toBe(0);
  for (const name of [
    "serve",
    "migrate",
    "admin create",
    "backup FILE",
    "restore FILE",
    "db copy",
    "seed",
    "version",
  ]) {
    expect(overview.out).toContain(`  ${name} `);
  }
  expect(overview.out).toContain("Exit codes: 0 done, 1 failed");
  for (const command of COMMANDS) {
    const help = await cli([...command.name.split(" "), "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toStartWith(`usage: parley ${command.name}`);
    expect(help.out).toContain("-h, --help");
    expect(help.out.includes("--config FILE")).toBe(command.readsConfig === true);
  }
});

test("wrong usage exits 2 with a message that points to the help", async () => {
  const none = await cli([]);
  expect(none.code).toBe(2);
  expect(none.err).toContain("usage: parley <command>");

  const unknown = await cli(["serv"]);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('unknown command "serv"');
  expect(unknown.err).toContain("parley --help");

  const group = await cli(["admin"]);
  expect(group.code).toBe(2);
  expect(group.err).toContain("parley admin create");

  const flag = await cli(["migrate", "--databse", "x"]);
  expect(flag.code).toBe(2);
  expect(flag.err).toContain("--databse");
  expect(flag.err).toContain("parley migrate --help");

  const missing = await cli(["backup"]);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain("missing FILE");

  const extra = await cli(["restore", "a.db", "b.db"]);
  expect(extra.code).toBe(2);
  expect(extra.err).toContain("unexpected argument: b.db");
});

test("a missing config file fails with exit 1 and says what to pass", async () => {
  const result = await cli(["migrate", "--config", "/nonexistent/parley.env"]);
  expect(result.code).toBe(1);
  expect(result.err).toContain("Cannot read the config file /nonexistent/parley.env");
});

test("version prints the package version and a commit", async () => {
  const result = await cli(["version"]);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/^parley \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}|unknown); bun /);
  expect((await cli(["--version"])).out).toBe(result.out);
});

test("serve --print-config, run as an operator would: file and environment, secrets masked, nothing started", () => {
  const dir = tempDir();
  const file = join(dir, "parley.env");
  writeFileSync(file, `PORT=4400\nDATABASE_PATH=${join(dir, "chat.db")}\nMETRICS_TOKEN=scrape-me-secretly\n`);
  const run = (env: Record<string, string>) =>
    Bun.spawnSync(["bun", "src/cli/parley.ts", "serve", "--print-config", "--config", file], {
      env: { ...process.env, PORT: "", JWT_SECRET: "", ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
  const result = run({ JWT_SECRET: "x".repeat(40), LOG_LEVEL: "warn" });
  const out = result.stdout.toString();
  expect(result.exitCode).toBe(0);
  expect(out).toMatch(/^PORT=4400 +# file$/m);
  expect(out).toMatch(/^LOG_LEVEL=warn +# environment$/m);
  expect(out).toMatch(/^JWT_SECRET=\*+ \(40 characters\) +# environment$/m);
  expect(out).not.toContain("scrape-me-secretly");
  expect(out).not.toContain("x".repeat(40));

  const invalid = run({ MAX_BODY: "many" });
  expect(invalid.exitCode).toBe(1);
  expect(invalid.stderr.toString()).toContain("MAX_BODY");
});
