// deploy/.env.deploy is parsed by the deploy scripts, never run by bash: a value holding
// `;`, `$(...)` or backquotes stays text. 01-build-server runs against the fake doctl with
// such values; no command in them may run, and DigitalOcean receives them as written.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fakeDigitalOcean, operatorFolder } from "./fake-operator.ts";

// 01-build-server runs a dozen fake doctl processes: slow on a loaded machine, as in
// deploy-scripts.test.ts (the preload's default timeout reaches only a run's first file).
setDefaultTimeout(120_000);

const root = join(import.meta.dir, "..", "..");
let tmp = "";
let keyPath = "";
let doDir = "";
let doBin = "";

beforeAll(() => {
  ({ tmp, keyPath } = operatorFolder("parley-settings-test-"));
  ({ doDir, doBin } = fakeDigitalOcean(tmp));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function buildServer(settings: string[]) {
  const envFile = join(tmp, "env.deploy");
  writeFileSync(
    envFile,
    [
      "DOMAIN=chat.example.test",
      "DNS_ZONE=example.test",
      `SSH_KEY_PATH=${keyPath}`,
      "DO_POLL_SECONDS=0",
      ...settings,
      "",
    ].join("\n"),
  );
  const result = Bun.spawnSync([join(root, "deploy", "01-build-server")], {
    cwd: root,
    stdin: "ignore",
    env: {
      PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: tmp,
      LANG: "C.UTF-8",
      PARLEY_DEPLOY_ENV: envFile,
      PARLEY_DEPLOY_STATE: join(tmp, "state"),
      FAKE_DO_DIR: doDir,
    },
  });
  return { code: result.exitCode ?? -1, err: result.stderr.toString() };
}

describe("the deploy settings file", () => {
  test("a hostile value is text: nothing in it runs, and it is used as written", () => {
    const marks = ["semicolon", "dollar", "backquote", "quoted"].map((name) => join(tmp, `ran-${name}`));
    const [semicolon, dollar, backquote, quoted] = marks as [string, string, string, string];
    const result = buildServer([
      `SSH_KEY_NAME=key;touch\${IFS}${semicolon}`,
      `DROPLET_NAME=$(touch\${IFS}${dollar})`,
      `DO_TAG=\`touch\${IFS}${backquote}\``,
      `FIREWALL_NAME="fw $(touch ${quoted})" # a comment`,
    ]);
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    for (const mark of marks) expect(existsSync(mark)).toBe(false);

    const account = JSON.parse(readFileSync(join(doDir, "state.json"), "utf8"));
    expect(account.keys[0].Name).toBe(`key;touch\${IFS}${semicolon}`);
    expect(account.droplets[0].Name).toBe(`$(touch\${IFS}${dollar})`);
    expect(account.firewalls[0].Name).toBe(`fw $(touch ${quoted})`);
  });

  test("a line that is not NAME=value stops the script before anything runs", () => {
    const mark = join(tmp, "ran-bare-command");
    const result = buildServer([`touch ${mark}`]);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("line 5: expected NAME=value");
    expect(existsSync(mark)).toBe(false);
  });

  test("an unquoted value with a space, or a setting that changes the shell, is refused", () => {
    const spaced = buildServer(["DO_TAG=two words"]);
    expect(spaced.code).not.toBe(0);
    expect(spaced.err).toContain("quote the value of DO_TAG");
    const preload = buildServer([`LD_PRELOAD=${join(tmp, "evil.so")}`]);
    expect(preload.code).not.toBe(0);
    expect(preload.err).toContain("LD_PRELOAD cannot be set");
  });
});
