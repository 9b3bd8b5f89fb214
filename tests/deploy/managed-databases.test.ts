// deploy/01-build-databases against the fake doctl (DigitalOcean's state in a temp dir):
// the exact doctl calls of a dry run, what a first run creates, that a second run changes
// nothing, and how 03-deploy-repo hands the managed servers' URLs to the app (in the
// uploaded settings file, never on a command line).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fakeDigitalOcean, operatorFolder, writeExecutable } from "./fake-operator.ts";

// A few dozen fake doctl processes per run: slow on a loaded machine (as in deploy-scripts.test.ts).
setDefaultTimeout(120_000);

const root = join(import.meta.dir, "..", "..");
const DOMAIN = "chat.example.test";
let tmp = "";
let doDir = "";
let doBin = "";
let baseSettings = "";
let stateFile = "";

beforeAll(() => {
  const folder = operatorFolder("parley-managed-db-test-");
  tmp = folder.tmp;
  const { keyPath } = folder;
  ({ doDir, doBin } = fakeDigitalOcean(tmp));
  // scp keeps a copy of what it uploads.
  writeExecutable(
    join(doBin, "scp"),
    `#!/bin/sh\necho "scp $*" >> '${join(doDir, "scp.log")}'\n` +
      `for arg; do src=$dest; dest=$arg; done\ncp "$src" '${join(doDir, "uploaded")}'\n`,
  );
  const envProduction = join(tmp, "env.production");
  writeFileSync(
    envProduction,
    `JWT_SECRET=${"ab".repeat(32)}\nALLOWED_ORIGINS=https://${DOMAIN}\nMETRICS_TOKEN=metrics-token-for-tests\n`,
  );
  baseSettings = [
    `DOMAIN=${DOMAIN}`,
    "DNS_ZONE=example.test",
    "EMAIL=ops@example.test",
    "DO_REGION=fra1",
    "DROPLET_NAME=parley-test",
    "DO_TAG=parley-test",
    `SSH_KEY_PATH=${keyPath}`,
    "DEPLOY_USER=parley",
    "REPO_URL=https://git.example.test/parley.git",
    `ENV_PRODUCTION_FILE=${envProduction}`,
    "DO_POLL_SECONDS=0",
    "",
  ].join("\n");
  stateFile = join(tmp, "state");
  writeFileSync(stateFile, "SERVER_IP=203.0.113.10\n");
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function settings(name: string, lines: string): string {
  const path = join(tmp, name);
  writeFileSync(path, `${baseSettings}${lines}`);
  return path;
}

function run(script: string, args: string[], env: Record<string, string>) {
  const result = Bun.spawnSync([join(root, "deploy", script), ...args], {
    cwd: root,
    stdin: "ignore",
    env: {
      PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: tmp,
      LANG: "C.UTF-8",
      PARLEY_DEPLOY_STATE: stateFile,
      FAKE_DO_DIR: doDir,
      TMPDIR: tmp,
      ...env,
    },
  });
  const out = result.stdout.toString();
  const err = result.stderr.toString();
  return { code: result.exitCode ?? -1, out, err };
}

const calls = () =>
  existsSync(join(doDir, "calls.log")) ? readFileSync(join(doDir, "calls.log"), "utf8").trim().split("\n") : [];
const mutating = (lines: string[]) => lines.filter((l) => /\b(create|append)\b/.test(l));
const account = () => JSON.parse(readFileSync(join(doDir, "state.json"), "utf8"));

describe("01-build-databases", () => {
  const managed = () => settings("managed.env.deploy", "DATABASE=managed\nREDIS=managed\n");

  test("--dry-run prints the doctl calls that make both clusters, each open to the tag only", () => {
    const result = run("01-build-databases", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: managed(),
      PARLEY_DEPLOY_STATE: join(tmp, "dry-state"),
    });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const printed = result.out
      .split("\n")
      .filter((l) => l.startsWith("+ doctl "))
      .map((l) => l.slice(2));
    expect(printed).toEqual([
      "doctl account get --format Email --no-header",
      "doctl databases list --format ID,Name,Engine --no-header",
      "doctl databases create parley-test-pg --engine pg --version 17 --region fra1 --size db-s-1vcpu-2gb --num-nodes 1 --wait --format ID --no-header",
      "doctl databases firewalls list '<pg_cluster_id>' --format Type,Value --no-header",
      "doctl databases firewalls append '<pg_cluster_id>' --rule tag:parley-test",
      "doctl databases db list '<pg_cluster_id>' --format Name --no-header",
      "doctl databases db create '<pg_cluster_id>' parley",
      "doctl databases list --format ID,Name,Engine --no-header",
      "doctl databases create parley-test-redis --engine valkey --version 8 --region fra1 --size db-s-1vcpu-1gb --num-nodes 1 --wait --format ID --no-header",
      "doctl databases firewalls list '<redis_cluster_id>' --format Type,Value --no-header",
      "doctl databases firewalls append '<redis_cluster_id>' --rule tag:parley-test",
    ]);
    expect(existsSync(join(tmp, "dry-state"))).toBe(false);
    expect(calls()).toEqual([]);
  });

  test("with the SQLite layout it has nothing to do", () => {
    const result = run("01-build-databases", [], { PARLEY_DEPLOY_ENV: settings("sqlite.env.deploy", "") });
    expect(result.code).toBe(0);
    expect(result.err).toContain("nothing to create");
    expect(calls()).toEqual([]);
  });

  test("the first run creates both clusters, Parley's database and the trusted sources, and records the ids", () => {
    const result = run("01-build-databases", [], { PARLEY_DEPLOY_ENV: managed() });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const made = mutating(calls());
    expect(made).toHaveLength(5);
    const { databases, databaseRules, databaseNames } = account();
    const pg = databases.find((d: { Engine: string }) => d.Engine === "pg");
    const cache = databases.find((d: { Engine: string }) => d.Engine === "valkey");
    expect(pg).toMatchObject({ Name: "parley-test-pg", Version: "17", Region: "fra1", Status: "online" });
    expect(cache).toMatchObject({ Name: "parley-test-redis", Version: "8", Status: "online" });
    for (const cluster of [pg, cache]) {
      expect(databaseRules[cluster.ID].map((r: { Type: string; Value: string }) => `${r.Type}:${r.Value}`)).toEqual([
        "tag:parley-test",
      ]);
    }
    expect(databaseNames[pg.ID]).toEqual(["defaultdb", "parley"]);
    const saved = readFileSync(stateFile, "utf8");
    expect(saved).toContain(`PG_CLUSTER_ID=${pg.ID}\n`);
    expect(saved).toContain(`REDIS_CLUSTER_ID=${cache.ID}\n`);
    // No URL (they hold passwords) in the state file.
    expect(saved).not.toContain("://");
  });

  test("a second run changes nothing", () => {
    const before = account();
    const stateBefore = readFileSync(stateFile, "utf8");
    const callsBefore = calls().length;
    const result = run("01-build-databases", [], { PARLEY_DEPLOY_ENV: managed() });
    expect(result.code).toBe(0);
    expect(mutating(calls().slice(callsBefore))).toEqual([]);
    expect(account()).toEqual(before);
    expect(readFileSync(stateFile, "utf8")).toBe(stateBefore);
  });

  test("03-deploy-repo uploads the private URLs in .env.production (Parley's database), never on a command line", () => {
    const result = run("03-deploy-repo", [], { PARLEY_DEPLOY_ENV: managed() });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const { databases } = account();
    const pg = databases.find((d: { Engine: string }) => d.Engine === "pg");
    const cache = databases.find((d: { Engine: string }) => d.Engine === "valkey");
    const uploaded = readFileSync(join(doDir, "uploaded"), "utf8");
    expect(uploaded).toStartWith(`JWT_SECRET=${"ab".repeat(32)}\n`);
    expect(uploaded).toContain(
      `\nDATABASE_URL=postgresql://doadmin:pw-${pg.ID}@private-parley-test-pg-do-user-1-0.f.db.ondigitalocean.com:25060/parley?sslmode=require\n`,
    );
    expect(uploaded).toContain(
      `\nREDIS_URL=rediss://default:pw-${cache.ID}@private-parley-test-redis-do-user-1-0.f.db.ondigitalocean.com:25061\n`,
    );
    expect(readFileSync(join(doDir, "scp.log"), "utf8")).toContain(
      "parley@203.0.113.10:/home/parley/parley/.env.production",
    );
    // The remote scripts travel base64-encoded in ssh's command line: decoded, no password.
    const sshLines = readFileSync(join(doDir, "ssh.log"), "utf8");
    const scripts = [...sshLines.matchAll(/printf %s '([A-Za-z0-9+/=]+)'/g)].map((m) =>
      Buffer.from(m[1] ?? "", "base64").toString(),
    );
    expect(scripts.length).toBeGreaterThan(1);
    for (const text of [sshLines, ...scripts]) expect(text).not.toContain("pw-db-");
    // The copy with the URLs does not outlive the run.
    const leftovers = new Bun.Glob("parley-env.*").scanSync({ cwd: tmp });
    expect([...leftovers]).toEqual([]);
  });

  test("go makes the databases first; cleanup leaves them and says how to delete them", () => {
    const go = run("go", ["--dry-run"], { PARLEY_DEPLOY_ENV: managed(), PARLEY_DEPLOY_STATE: join(tmp, "go-state") });
    expect(go.code).toBe(0);
    expect(go.err.indexOf("step 01-build-databases")).toBeGreaterThan(-1);
    expect(go.err.indexOf("step 01-build-databases")).toBeLessThan(go.err.indexOf("step 01-build-server"));
    const state = join(tmp, "cleanup-state");
    writeFileSync(
      state,
      "DROPLET_ID=111\nFIREWALL_ID=fw-7\nRESERVED_IP=203.0.113.10\nDNS_ZONE=example.test\n" +
        "PG_CLUSTER_ID=db-pg-1\nREDIS_CLUSTER_ID=db-cache-2\n",
    );
    const callsBefore = calls().length;
    const cleanup = run("cleanup", ["--yes", "--dry-run"], {
      PARLEY_DEPLOY_ENV: managed(),
      PARLEY_DEPLOY_STATE: state,
    });
    expect(cleanup.code).toBe(0);
    expect(cleanup.out).toContain("doctl databases delete db-pg-1 --force");
    expect(cleanup.out).toContain("doctl databases delete db-cache-2 --force");
    expect(cleanup.out).not.toContain("+ doctl databases delete");
    expect(calls().slice(callsBefore)).toEqual([]);
  });
});
