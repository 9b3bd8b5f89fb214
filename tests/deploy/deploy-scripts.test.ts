// The deploy scripts, the nginx configs and the container files, checked without a
// cloud or a server: bash syntax, --help, --dry-run output (with fake doctl, ssh,
// scp and rsync on PATH that must never run), 01-build-server's idempotency against
// a fake doctl keeping DigitalOcean's state in a temp dir, and nginx -t when nginx
// is installed.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fakeDigitalOcean, writeExecutable } from "./fake-operator.ts";

// Each dry run is a few hundred bash and fake-doctl processes: about 2 s on a quiet machine,
// but 30 s when two cores are shared with a browser test or two.
setDefaultTimeout(120_000);

const root = join(import.meta.dir, "..", "..");
const deployDir = join(root, "deploy");
const nginxDir = join(deployDir, "nginx");
const scripts = [
  "go",
  "01-build-databases",
  "01-build-server",
  "01-build-cluster",
  "each-droplet",
  "02-config-server",
  "03-deploy-repo",
  "tls",
  "userlogin",
  "rootlogin",
  "backup",
  "restore",
  "cleanup",
  "rollback",
  "04-offsite-backups",
  "03-deploy-binary",
  "rollback-binary",
];
const DOMAIN = "chat.example.test";
// biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder the nginx image substitutes
const DOMAIN_VAR = "${DOMAIN}";
const SERVER_IP = "203.0.113.10";

// The tools the scripts run on the operator's machine and on the droplet. Missing ones
// fail the suite with how to install them, rather than skipping what they check.
const REQUIRED_TOOLS = { "ssh-keygen": "openssh-client", nginx: "nginx", openssl: "openssl" };
const missingTools = Object.entries(REQUIRED_TOOLS).filter(
  ([tool]) => Bun.spawnSync(["sh", "-c", `command -v ${tool}`]).exitCode !== 0,
);
if (missingTools.length > 0) {
  throw new Error(
    `The deploy tests need ${missingTools.map(([tool]) => tool).join(", ")}: ` +
      `apt-get install -y ${missingTools.map(([, pkg]) => pkg).join(" ")} (Debian/Ubuntu; .ci/run does it).`,
  );
}

let tmp = "";
let home = "";
let fakeBin = "";
let marker = "";
let envFile = "";
let stateFile = "";
let sqliteFile = "";

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "parley-deploy-test-"));
  home = join(tmp, "home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  const keyPath = join(home, ".ssh", "id_ed25519");
  const keygen = Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", keyPath]);
  expect(keygen.exitCode).toBe(0);

  // Fakes of the tools that reach the outside world: any call is a failure.
  fakeBin = join(tmp, "fake-bin");
  mkdirSync(fakeBin);
  marker = join(tmp, "external-tool-was-run");
  for (const tool of ["doctl", "ssh", "scp", "rsync"]) {
    writeExecutable(join(fakeBin, tool), `#!/bin/sh\necho "${tool} $*" >> '${marker}'\nexit 1\n`);
  }

  const envProduction = join(tmp, "env.production");
  writeFileSync(
    envProduction,
    `JWT_SECRET=${"ab".repeat(32)}\nALLOWED_ORIGINS=https://${DOMAIN}\nMETRICS_TOKEN=metrics-token-for-tests\n`,
  );
  envFile = join(tmp, "env.deploy");
  writeFileSync(
    envFile,
    [
      `DOMAIN=${DOMAIN}`,
      "DNS_ZONE=example.test",
      "EMAIL=ops@example.test",
      "DO_REGION=fra1",
      "DO_SIZE=s-1vcpu-2gb",
      "DO_IMAGE=ubuntu-24-04-x64",
      "DROPLET_NAME=parley-test",
      "DO_TAG=parley-test",
      "FIREWALL_NAME=parley-test-web",
      `SSH_KEY_PATH=${keyPath}`,
      "SSH_KEY_NAME=parley-test-key",
      "DEPLOY_USER=parley",
      "REPO_URL=https://git.example.test/parley.git",
      "BRANCH=main",
      `ENV_PRODUCTION_FILE=${envProduction}`,
      `LOCAL_BACKUP_DIR=${join(tmp, "backups")}`,
      "DO_POLL_SECONDS=0",
      "",
    ].join("\n"),
  );
  stateFile = join(tmp, "state");
  writeFileSync(
    stateFile,
    [
      "SSH_KEY_ID=5",
      "DROPLET_ID=111",
      "DROPLET_NAME=parley-test",
      `RESERVED_IP=${SERVER_IP}`,
      `SERVER_IP=${SERVER_IP}`,
      "FIREWALL_ID=fw-7",
      "DNS_ZONE=example.test",
      "",
    ].join("\n"),
  );
  sqliteFile = join(tmp, "parley-backup.db");
  writeFileSync(sqliteFile, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(84)]));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Run = { code: number; out: string; err: string; all: string };

function runScript(name: string, args: string[], env: Record<string, string> = {}): Run {
  const result = Bun.spawnSync([join(deployDir, name), ...args], {
    cwd: root,
    stdin: "ignore",
    env: {
      PATH: `${fakeBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: home,
      LANG: "C.UTF-8",
      PARLEY_DEPLOY_ENV: envFile,
      PARLEY_DEPLOY_STATE: stateFile,
      ...env,
    },
  });
  const out = result.stdout.toString();
  const err = result.stderr.toString();
  return { code: result.exitCode ?? -1, out, err, all: out + err };
}

function expectNoExternalCalls(): void {
  const calls = existsSync(marker) ? readFileSync(marker, "utf8") : "";
  expect(calls).toBe("");
}

describe("deploy scripts", () => {
  test.each([...scripts, "lib.sh"])("%s passes bash -n", (name) => {
    const result = Bun.spawnSync(["bash", "-n", join(deployDir, name)]);
    expect(result.stderr.toString()).toBe("");
    expect(result.exitCode).toBe(0);
  });

  test.each(scripts)("%s starts with the bash shebang and strict mode", (name) => {
    const text = readFileSync(join(deployDir, name), "utf8");
    expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(text).toContain("set -euo pipefail");
  });

  test.each(scripts)("%s --help prints usage and exits 0 without settings", (name) => {
    const result = runScript(name, ["--help"], { PARLEY_DEPLOY_ENV: join(tmp, "missing.env") });
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Usage: deploy/${name}`);
    expect(result.out).toContain("--dry-run");
    expectNoExternalCalls();
  });

  test("an unknown option is refused", () => {
    const result = runScript("backup", ["--frobnicate"]);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("unknown option");
  });

  test("without a settings file the scripts say where it should be", () => {
    const result = runScript("02-config-server", ["--dry-run"], { PARLEY_DEPLOY_ENV: join(tmp, "missing.env") });
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("deploy/.env.deploy.example");
    expectNoExternalCalls();
  });
});

describe("--dry-run prints the remote commands and runs none", () => {
  test("01-build-server", () => {
    const freshState = join(tmp, "dry-run-state");
    const result = runScript("01-build-server", ["--dry-run"], { PARLEY_DEPLOY_STATE: freshState });
    expect(result.code).toBe(0);
    for (const expected of [
      "doctl compute ssh-key list",
      "doctl compute ssh-key import parley-test-key --public-key-file",
      "doctl compute droplet create parley-test --region fra1 --size s-1vcpu-2gb --image ubuntu-24-04-x64",
      "--tag-names parley-test",
      "doctl compute reserved-ip create --droplet-id",
      "doctl compute domain records create example.test --record-type A --record-name chat",
      "--record-name www.chat",
      "doctl compute firewall create --name parley-test-web",
      "protocol:tcp,ports:22,",
      "protocol:tcp,ports:80,",
      "protocol:tcp,ports:443,",
      "root@<reserved-ip>",
    ]) {
      expect(result.out).toContain(expected);
    }
    expect(existsSync(freshState)).toBe(false);
    expectNoExternalCalls();
  });

  test("02-config-server", () => {
    const result = runScript("02-config-server", ["--dry-run"]);
    expect(result.code).toBe(0);
    for (const expected of [
      `root@${SERVER_IP}`,
      "apt_get upgrade",
      "PermitRootLogin no",
      "PasswordAuthentication no",
      "DEPLOY_USER=parley",
      "NOPASSWD:ALL",
      "authorized_keys",
      "ufw default deny incoming",
      "ufw allow 22/tcp",
      "ufw allow 80/tcp",
      "ufw allow 443/tcp",
      "docker.io docker-compose-v2",
      "unattended-upgrades",
    ]) {
      expect(result.out).toContain(expected);
    }
    expectNoExternalCalls();
  });

  test("03-deploy-repo", () => {
    const result = runScript("03-deploy-repo", ["--dry-run"]);
    expect(result.code).toBe(0);
    for (const expected of [
      `parley@${SERVER_IP}`,
      "REPO_URL=https://git.example.test/parley.git",
      'git clone --branch "$BRANCH" "$REPO_URL" "$APP_DIR"',
      "+ scp",
      `parley@${SERVER_IP}:/home/parley/parley/.env.production`,
      "docker compose build",
      "docker compose run --rm migrate",
      "wait_healthy",
      "/api/health",
    ]) {
      expect(result.out).toContain(expected);
    }
    expectNoExternalCalls();
  });

  test("03-deploy-repo refuses a production env without JWT_SECRET", () => {
    const weak = join(tmp, "weak.env.production");
    writeFileSync(weak, `JWT_SECRET=\nALLOWED_ORIGINS=https://${DOMAIN}\nMETRICS_TOKEN=x\n`);
    const env = join(tmp, "weak.env.deploy");
    writeFileSync(env, `${readFileSync(envFile, "utf8")}ENV_PRODUCTION_FILE=${weak}\n`);
    const result = runScript("03-deploy-repo", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("JWT_SECRET");
    expectNoExternalCalls();
  });

  test("tls", () => {
    const result = runScript("tls", ["--dry-run"]);
    expect(result.code).toBe(0);
    for (const expected of [
      `DOMAIN=${DOMAIN}`,
      "EMAIL=ops@example.test",
      "set_mode before-certs",
      "certbot certonly --webroot -w /var/www/certbot",
      '-d "$DOMAIN" -d "www.$DOMAIN"',
      "NGINX_MODE=after-certs docker compose run --rm --no-deps nginx nginx -t",
      "set_mode after-certs",
      "certbot renew --quiet --deploy-hook",
      "nginx -s reload",
      "parley-renew-certs.timer",
    ]) {
      expect(result.out).toContain(expected);
    }
    expectNoExternalCalls();
  });

  test("backup", () => {
    const result = runScript("backup", ["--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("docker compose exec -T app1 bun run backup");
    expect(result.out).toContain("VACUUM INTO");
    expect(result.out).toMatch(/NAME=parley-\d{8}T\d{6}Z\.db/);
    expect(result.out).toMatch(new RegExp(`\\+ scp .*parley@${SERVER_IP}:/home/parley/parley-backups/parley-`));
    // The uploaded files come with it, and leave the server's staging folder with it.
    expect(result.out).toContain('docker compose cp "app1:/data/backups/$NAME.files" "$STAGING/$NAME.files"');
    expect(result.out).toMatch(
      new RegExp(`\\+ scp -q -r .*parley@${SERVER_IP}:/home/parley/parley-backups/parley-\\S+\\.db\\.files `),
    );
    expect(result.out).toContain('rm -rf "$FILE" "$FILE.files"');
    expect(existsSync(join(tmp, "backups"))).toBe(false);
    expectNoExternalCalls();
  });

  test("restore FILE", () => {
    const result = runScript("restore", ["--dry-run", sqliteFile]);
    expect(result.code).toBe(0);
    expect(`${result.out}${result.err}`).toContain(`no ${sqliteFile}.files folder`);
    // The container step puts back missing uploaded files, overwriting none.
    expect(result.out).toContain('cp -R -n "/restore/$2.files/." /data/files/');
    for (const expected of [
      "+ scp",
      "docker compose stop app1 app2",
      '"$db.before-restore-$1"',
      'rm -f "$db-shm"',
      "docker compose up -d",
      "check_health",
    ]) {
      expect(result.out).toContain(expected);
    }
    expectNoExternalCalls();
  });

  test("restore FILE with its FILE.files folder uploads the files too", () => {
    const withFiles = join(tmp, "with-files.db");
    writeFileSync(withFiles, readFileSync(sqliteFile));
    mkdirSync(`${withFiles}.files`, { recursive: true });
    writeFileSync(join(`${withFiles}.files`, "abc123"), "bytes");
    const result = runScript("restore", ["--dry-run", withFiles]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      new RegExp(
        `\\+ scp -q -r .*${withFiles}\\.files parley@${SERVER_IP}:/home/parley/parley-restore/restore-\\S+\\.db\\.files`,
      ),
    );
    expectNoExternalCalls();
  });

  test("restore refuses a file that is not an SQLite database", () => {
    const bogus = join(tmp, "not-a-db.db");
    writeFileSync(bogus, "hello");
    const result = runScript("restore", ["--dry-run", bogus]);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("not an SQLite database");
    expectNoExternalCalls();
  });

  test("cleanup --yes", () => {
    const before = readFileSync(stateFile, "utf8");
    const result = runScript("cleanup", ["--yes", "--dry-run"]);
    expect(result.code).toBe(0);
    for (const expected of [
      `doctl compute reserved-ip-action unassign ${SERVER_IP}`,
      "doctl compute droplet delete 111 --force",
      "doctl compute firewall delete fw-7 --force",
      `doctl compute reserved-ip delete ${SERVER_IP} --force`,
      "doctl compute domain records list example.test",
      "doctl compute domain records delete example.test",
    ]) {
      expect(result.out).toContain(expected);
    }
    expect(readFileSync(stateFile, "utf8")).toBe(before);
    expectNoExternalCalls();
  });

  test("cleanup without --yes asks for the droplet name and deletes nothing when not confirmed", () => {
    const result = runScript("cleanup", [], { PATH: `${fakeBin}:/usr/bin:/bin` });
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("--yes");
    // The state file knows every id, so nothing was even looked up.
    expectNoExternalCalls();
  });

  test("userlogin and rootlogin", () => {
    const user = runScript("userlogin", ["--dry-run"]);
    expect(user.code).toBe(0);
    expect(user.out).toContain(`+ ssh -t -i ${join(home, ".ssh", "id_ed25519")}`);
    expect(user.out).toContain(`parley@${SERVER_IP}`);
    const rootLogin = runScript("rootlogin", ["--dry-run", "--", "uptime"]);
    expect(rootLogin.code).toBe(0);
    expect(rootLogin.out).toContain(`root@${SERVER_IP} uptime`);
    expectNoExternalCalls();
  });

  test("go runs every step in order", () => {
    const result = runScript("go", ["--dry-run"]);
    expect(result.code).toBe(0);
    const order = ["doctl compute droplet create", "PermitRootLogin no", "docker compose build", "certbot certonly"];
    const positions = order.map((s) => result.out.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expectNoExternalCalls();
  });
});

describe("01-build-server against a fake DigitalOcean", () => {
  let doDir = "";
  let doBin = "";
  let state = "";
  const calls = () => readFileSync(join(doDir, "calls.log"), "utf8").trim().split("\n");
  const doState = () => JSON.parse(readFileSync(join(doDir, "state.json"), "utf8"));
  const mutating = (lines: string[]) =>
    lines.filter((l) => /\b(create|import|update|assign|unassign|delete)\b/.test(l.replace(/--record-name \S+/, "")));

  beforeAll(() => {
    ({ doDir, doBin } = fakeDigitalOcean(tmp));
    state = join(tmp, "fake-do-state");
  });

  const run = () =>
    runScript("01-build-server", [], {
      PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      PARLEY_DEPLOY_STATE: state,
      FAKE_DO_DIR: doDir,
    });

  test("the first run creates everything and records it", () => {
    const result = run();
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const made = mutating(calls());
    expect(made.filter((l) => l.startsWith("compute ssh-key import"))).toHaveLength(1);
    expect(made.filter((l) => l.startsWith("compute droplet create"))).toHaveLength(1);
    expect(made.filter((l) => l.startsWith("compute reserved-ip create"))).toHaveLength(1);
    expect(made.filter((l) => l.startsWith("compute domain create example.test"))).toHaveLength(1);
    expect(made.filter((l) => l.startsWith("compute domain records create"))).toHaveLength(2);
    expect(made.filter((l) => l.startsWith("compute firewall create"))).toHaveLength(1);
    expect(made).toHaveLength(7);

    const account = doState();
    const ip = account.reservedIps[0].IP;
    expect(account.reservedIps[0].DropletID).toBe(account.droplets[0].ID);
    const records = account.records["example.test"].map((r: { Name: string; Data: string }) => `${r.Name}=${r.Data}`);
    expect(records.sort()).toEqual([`chat=${ip}`, `www.chat=${ip}`]);
    expect(account.firewalls[0].Tags).toBe("parley-test");
    expect(account.firewalls[0].InboundRules).toContain("ports:443");

    const saved = readFileSync(state, "utf8");
    expect(saved).toContain(`SERVER_IP=${ip}\n`);
    expect(saved).toContain(`DROPLET_ID=${account.droplets[0].ID}\n`);
    expect(saved).toContain(`FIREWALL_ID=${account.firewalls[0].ID}\n`);
    expect(readFileSync(join(doDir, "ssh.log"), "utf8")).toContain(`root@${ip} true`);
  });

  test("a second run changes nothing", () => {
    const accountBefore = doState();
    const stateBefore = readFileSync(state, "utf8");
    const callsBefore = calls().length;
    const result = run();
    expect(result.code).toBe(0);
    expect(mutating(calls().slice(callsBefore))).toEqual([]);
    expect(doState()).toEqual(accountBefore);
    expect(readFileSync(state, "utf8")).toBe(stateBefore);
  });

  test("a DNS record pointing elsewhere is updated, not duplicated", () => {
    const account = doState();
    const www = account.records["example.test"].find((r: { Name: string }) => r.Name === "www.chat");
    www.Data = "192.0.2.99";
    writeFileSync(join(doDir, "state.json"), JSON.stringify(account));
    const callsBefore = calls().length;
    const result = run();
    expect(result.code).toBe(0);
    const made = mutating(calls().slice(callsBefore));
    expect(made).toHaveLength(1);
    expect(made[0]).toStartWith(`compute domain records update example.test --record-id ${www.ID}`);
    expect(doState().records["example.test"]).toHaveLength(2);
  });

  test("DO_BACKUPS=1 turns droplet backups on for the existing droplet, once", () => {
    const env = settingsWith("backups.env.deploy", "DO_BACKUPS=1\n");
    const withBackups = () =>
      runScript("01-build-server", [], {
        PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        PARLEY_DEPLOY_STATE: state,
        PARLEY_DEPLOY_ENV: env,
        FAKE_DO_DIR: doDir,
      });
    const enables = (lines: string[]) => lines.filter((l) => l.startsWith("compute droplet-action enable-backups"));
    const callsBefore = calls().length;
    const first = withBackups();
    expect(first.err).not.toContain("error:");
    expect(first.code).toBe(0);
    expect(enables(calls().slice(callsBefore))).toHaveLength(1);
    expect(doState().droplets[0].Features).toContain("backups");
    const callsBetween = calls().length;
    expect(withBackups().code).toBe(0);
    expect(enables(calls().slice(callsBetween))).toEqual([]);
  });

  test("cleanup --yes deletes the droplet, firewall and reserved IP, and shows the DNS records left", () => {
    const ip = doState().reservedIps[0].IP;
    const result = runScript("cleanup", ["--yes"], {
      PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      PARLEY_DEPLOY_STATE: state,
      FAKE_DO_DIR: doDir,
    });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const account = doState();
    expect(account.droplets).toEqual([]);
    expect(account.firewalls).toEqual([]);
    expect(account.reservedIps).toEqual([]);
    expect(account.records["example.test"]).toHaveLength(2);
    for (const record of account.records["example.test"]) {
      expect(result.out).toContain(`doctl compute domain records delete example.test ${record.ID} --force`);
    }
    expect(result.out).toContain(ip);
    expect(existsSync(state)).toBe(false);
  });
});

describe("nginx configs", () => {
  const read = (name: string) => readFileSync(join(nginxDir, name), "utf8");

  test("both modes serve the ACME challenge from the webroot and deny /metrics", () => {
    for (const mode of ["before-certs", "after-certs"]) {
      const conf = read(`parley.${mode}.conf`);
      expect(conf).toContain("location ^~ /.well-known/acme-challenge/");
      expect(conf).toContain("root /var/www/certbot;");
      expect(conf).toMatch(/location = \/metrics \{\s*deny all;\s*\}/);
      expect(conf).toContain(`server_name ${DOMAIN_VAR} www.${DOMAIN_VAR};`);
      expect(conf).toContain("include /etc/nginx/parley/upstream.inc;");
      expect(conf).toContain("include /etc/nginx/parley/proxy.inc;");
    }
    expect(read("parley.before-certs.conf")).not.toContain("443");
  });

  test("after-certs redirects to HTTPS and sets up TLS", () => {
    const conf = read("parley.after-certs.conf");
    expect(conf).toContain(`return 301 https://${DOMAIN_VAR}$request_uri;`);
    expect(conf).toContain("listen 443 ssl");
    expect(conf).toContain(`ssl_certificate /etc/letsencrypt/live/${DOMAIN_VAR}/fullchain.pem;`);
    expect(conf).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(conf).toContain("ssl_stapling on;");
    expect(conf).toMatch(/add_header Strict-Transport-Security "max-age=\d+; includeSubDomains" always;/);
    expect(conf).toContain("include /etc/nginx/parley/gzip.inc;");
    expect(read("gzip.inc")).toContain("gzip on;");
  });

  test("behind the load balancer: plain HTTP, the client's address and scheme taken from it, /metrics denied", () => {
    const conf = read("parley.behind-lb.conf");
    expect(conf).toContain("listen 80 default_server;");
    expect(conf).not.toContain("443");
    expect(conf).not.toContain("acme-challenge");
    expect(conf).toContain("real_ip_header X-Forwarded-For;");
    for (const range of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]) {
      expect(conf).toContain(`set_real_ip_from ${range};`);
    }
    expect(conf).toMatch(
      /map \$http_x_forwarded_proto \$parley_forwarded_proto \{\s*default http;\s*https https;\s*\}/,
    );
    expect(conf).toMatch(/location = \/metrics \{\s*deny all;\s*\}/);
    expect(conf).toContain("include /etc/nginx/parley/proxy.inc;");
    expect(conf).toContain("include /etc/nginx/parley/gzip.inc;");
    // At the edge, the scheme passed on is nginx's own, never a header a client sent.
    for (const mode of ["before-certs", "after-certs"]) {
      expect(read(`parley.${mode}.conf`)).toMatch(/map \$scheme \$parley_forwarded_proto \{\s*default \$scheme;\s*\}/);
    }
  });

  test("the proxy passes WebSocket upgrades and the forwarding headers", () => {
    const proxy = read("proxy.inc");
    expect(proxy).toContain("location = /ws");
    expect(proxy).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(proxy).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(proxy).toContain("proxy_read_timeout 75s;");
    expect(proxy).toContain("client_max_body_size 64k;");
    const headers = read("proxy-headers.inc");
    for (const header of ["Host $host", "X-Forwarded-For $remote_addr", "X-Forwarded-Proto $parley_forwarded_proto"]) {
      expect(headers).toContain(`proxy_set_header ${header};`);
    }
    const upstream = read("upstream.inc");
    expect(upstream).toContain("least_conn;");
    expect(upstream).toContain("server app1:3000");
    expect(upstream).toContain("server app2:3000");
  });

  test("nginx -t accepts both configs", () => {
    const dir = join(tmp, "nginx");
    const includes = join(dir, "parley");
    const live = join(dir, "live");
    mkdirSync(includes, { recursive: true });
    mkdirSync(live, { recursive: true });
    const cert = Bun.spawnSync([
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${DOMAIN}`,
      "-keyout",
      join(live, "privkey.pem"),
      "-out",
      join(live, "fullchain.pem"),
    ]);
    expect(cert.exitCode).toBe(0);
    writeFileSync(join(live, "chain.pem"), readFileSync(join(live, "fullchain.pem")));
    const version = Bun.spawnSync(["nginx", "-v"]).stderr.toString();
    const [major = 0, minor = 0, patch = 0] = (version.match(/nginx\/(\d+)\.(\d+)\.(\d+)/)?.slice(1) ?? []).map(Number);
    const knowsHttp2On = major > 1 || minor > 25 || (minor === 25 && patch >= 1);
    // What the container does, by hand: substitute ${DOMAIN}, point the paths at the temp
    // dir, and use loopback for the upstreams (nginx resolves them when it loads).
    const localize = (text: string) =>
      text
        .replaceAll(DOMAIN_VAR, DOMAIN)
        .replaceAll("/etc/nginx/parley/", `${includes}/`)
        .replaceAll(`/etc/letsencrypt/live/${DOMAIN}/`, `${live}/`)
        .replace(/server app([12]):3000/g, "server 127.0.0.1:300$1")
        .replace(knowsHttp2On ? /$^/ : /^\s*http2 on;$/m, "");
    for (const name of ["proxy.inc", "proxy-headers.inc", "upstream.inc", "gzip.inc"]) {
      writeFileSync(join(includes, name), localize(read(name)));
    }
    for (const mode of ["before-certs", "after-certs", "behind-lb"]) {
      const site = join(dir, `${mode}.conf`);
      writeFileSync(site, localize(read(`parley.${mode}.conf`)));
      const main = join(dir, "nginx.conf");
      writeFileSync(
        main,
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  include ${site};\n}\n`,
      );
      const result = Bun.spawnSync(["nginx", "-t", "-q", "-c", main, "-e", join(dir, "error.log")]);
      expect(`${mode}: ${result.stderr.toString().replace(/.*ssl_stapling.*\n/g, "")}`).toBe(`${mode}: `);
      expect(result.exitCode).toBe(0);
    }
  });
});

describe("the profile postgres", () => {
  type Service = Record<string, unknown> & { depends_on?: Record<string, Record<string, unknown>> };
  const compose = () =>
    Bun.YAML.parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
      services: Record<string, Service>;
      volumes: Record<string, { name: string }>;
      secrets: Record<string, { file: string }>;
    };

  test("PostgreSQL only with the profile, in its named volume, its password a compose secret, healthy by pg_isready", () => {
    const { services, volumes, secrets } = compose();
    const pg = services.postgres ?? {};
    expect(pg.profiles).toEqual(["postgres"]);
    expect(pg.volumes).toEqual(["postgres-data:/var/lib/postgresql/data"]);
    expect(volumes["postgres-data"]?.name).toBe("parley-postgres-data");
    expect(pg.environment).toEqual({
      POSTGRES_USER: "parley",
      POSTGRES_DB: "parley",
      POSTGRES_PASSWORD_FILE: "/run/secrets/postgres_password",
    });
    expect(pg.secrets).toEqual(["postgres_password"]);
    expect(secrets.postgres_password?.file).toBe("./.postgres-password");
    const health = pg.healthcheck as { test: string[] };
    expect(health.test).toEqual([
      "CMD",
      "pg_isready",
      "--host",
      "127.0.0.1",
      "--username",
      "parley",
      "--dbname",
      "parley",
    ]);
    // Nothing starts it without the profile.
    for (const [name, service] of Object.entries(services)) {
      if (name !== "postgres") expect(JSON.stringify(service.profiles ?? [])).not.toContain("postgres");
    }
  });

  test("migrate and the instances wait for it to be healthy, through docker-compose.postgres.yml only", () => {
    const { services } = compose();
    const overlay = Bun.YAML.parse(readFileSync(join(root, "docker-compose.postgres.yml"), "utf8")) as {
      services: Record<string, Service>;
    };
    expect(Object.keys(overlay.services).sort()).toEqual(["app1", "app2", "migrate"]);
    for (const name of ["migrate", "app1", "app2"]) {
      expect({ name, postgres: overlay.services[name]?.depends_on?.postgres }).toEqual({
        name,
        postgres: { condition: "service_healthy" },
      });
      // The SQLite layout has no dependency on a service its profile leaves out: any Compose
      // v2 takes it (without required: false, which needs 2.26).
      expect({ name, postgres: services[name]?.depends_on?.postgres }).toEqual({ name, postgres: undefined });
    }
    expect(services.app1?.depends_on?.redis).toEqual({ condition: "service_healthy" });
    expect(services.app1?.depends_on?.migrate).toEqual({ condition: "service_completed_successfully" });
  });

  test("neither the password nor the metrics token reaches git or the image's build context", () => {
    for (const file of [".gitignore", ".dockerignore"]) {
      const lines = readFileSync(join(root, file), "utf8").split("\n");
      expect({ file, has: lines.includes(".postgres-password") }).toEqual({ file, has: true });
      expect({ file, has: lines.includes(".metrics-token") }).toEqual({ file, has: true });
    }
  });

  test("03-deploy-repo with DATABASE=postgres makes the password once on the server and turns the profile on", () => {
    const env = settingsWith("postgres.env.deploy", "DATABASE=postgres\nMONITORING=1\n");
    const result = runScript("03-deploy-repo", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      "DATABASE=postgres",
      "[ -s .postgres-password ] || (umask 077 && openssl rand -hex 24 >.postgres-password)",
      "DATABASE_URL=postgres://parley:%s@postgres:5432/parley",
      "env_set COMPOSE_FILE docker-compose.yml:docker-compose.postgres.yml",
      "sed -i '/^COMPOSE_FILE=/d' .env",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own expansion
      'profiles="${profiles:+$profiles,}monitoring"',
      'env_set COMPOSE_PROFILES "$profiles"',
    ]);
    // The password is appended after the upload and before anything starts.
    expect(result.out.indexOf("openssl rand -hex 24")).toBeLessThan(
      result.out.indexOf("docker compose run --rm migrate"),
    );
    expect(runScript("03-deploy-repo", ["--dry-run"]).out).toContain("DATABASE=sqlite");
    expectNoExternalCalls();
  });

  test("a mistyped layout, or a URL the layout does not use, is refused before anything runs", () => {
    const production = (name: string, lines: string) => {
      const path = join(tmp, name);
      writeFileSync(path, `${readFileSync(join(tmp, "env.production"), "utf8")}${lines}`);
      return path;
    };
    for (const [settings, message] of <[string, string][]>[
      ["DATABASE=mysql\n", "DATABASE must be sqlite, postgres, managed or external"],
      ["REDIS=memcached\n", "REDIS must be local, managed or external"],
      ["DATABASE=external\n", "DATABASE=external: set DATABASE_URL=postgres://"],
      [
        `DATABASE=postgres\nENV_PRODUCTION_FILE=${production("url.env.production", "DATABASE_URL=postgres://a@b/c\n")}\n`,
        "DATABASE_URL is set in",
      ],
      [
        `ENV_PRODUCTION_FILE=${production("redis.env.production", "REDIS_URL=redis://elsewhere:6379\n")}\n`,
        "REDIS_URL is set in",
      ],
    ]) {
      const result = runScript("03-deploy-repo", ["--dry-run"], {
        PARLEY_DEPLOY_ENV: settingsWith("layout.env.deploy", settings),
      });
      expect(result.code).not.toBe(0);
      expect(result.err).toContain(message);
    }
    const binary = runScript("03-deploy-binary", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: settingsWith("binary-pg.env.deploy", "DATABASE=postgres\n"),
    });
    expect(binary.code).not.toBe(0);
    expect(binary.err).toContain("03-deploy-binary runs on SQLite alone");
    expectNoExternalCalls();
  });
});

describe("container files", () => {
  test("the Dockerfile builds in stages and runs as bun with a health check", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM oven\/bun:\d+\.\d+\.\d+ AS base$/m);
    expect(dockerfile).toContain("bun install --frozen-lockfile");
    expect(dockerfile).toContain("bun run build");
    expect(dockerfile).toContain("bun install --production --frozen-lockfile");
    expect(dockerfile).toContain("COPY --from=build /app/web/dist ./web/dist");
    expect(dockerfile).toMatch(/NODE_ENV=production[\s\\]+DATABASE_PATH=\/data\/parley\.db/);
    expect(dockerfile).toContain("USER bun");
    expect(dockerfile).toContain("VOLUME /data");
    expect(dockerfile).toContain("http://127.0.0.1:3000/api/health");
    expect(dockerfile).toContain('CMD ["bun", "src/index.ts"]');
  });

  test("compose migrates once before the two instances and mounts the nginx mode", () => {
    const compose = Bun.YAML.parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
      services: Record<string, Record<string, unknown>>;
      volumes: Record<string, unknown>;
    };
    const { services } = compose;
    expect(services.migrate?.command).toEqual(["bun", "src/db/migrate-cli.ts"]);
    for (const name of ["app1", "app2"]) {
      const app = services[name] ?? {};
      expect(app.depends_on).toMatchObject({ migrate: { condition: "service_completed_successfully" } });
      expect(app.restart).toBe("unless-stopped");
      // The defaults first, so that .env.production can point REDIS_URL at a managed Redis.
      expect(app.env_file).toEqual(["deploy/compose-app.env", ".env.production"]);
      expect(app.environment).not.toHaveProperty("REDIS_URL");
      expect(app.volumes).toEqual(["parley-data:/data"]);
    }
    expect(readFileSync(join(deployDir, "compose-app.env"), "utf8")).toContain("\nREDIS_URL=redis://redis:6379\n");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation
    expect(services.redis?.image).toBe("${REDIS_IMAGE:-redis:7.4.2-alpine}");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation
    expect(services.nginx?.image).toBe("${NGINX_IMAGE:-nginx:1.28.0-alpine}");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation
    const modeFile = "./deploy/nginx/parley.${NGINX_MODE:-before-certs}.conf";
    expect(JSON.stringify(services.nginx?.volumes)).toContain(modeFile);
    expect(JSON.stringify(services.nginx?.volumes)).toContain("/etc/nginx/templates/default.conf.template");
    expect(Object.keys(compose.volumes)).toContain("parley-data");
    for (const mode of ["before-certs", "after-certs"]) {
      expect(existsSync(join(nginxDir, `parley.${mode}.conf`))).toBe(true);
    }
  });
});

// The settings file plus some lines, for tests of one option.
function settingsWith(name: string, lines: string): string {
  const path = join(tmp, name);
  writeFileSync(path, `${readFileSync(envFile, "utf8")}${lines}`);
  return path;
}

function expectAllIn(text: string, parts: string[]): void {
  for (const part of parts) expect(text).toContain(part);
}

describe("releases: versioned images and rollback", () => {
  test("03-deploy-repo builds parley:<commit>, records the release and keeps the last KEEP_RELEASES images", () => {
    const result = runScript("03-deploy-repo", ["--dry-run"]);
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      'version="$(git rev-parse --short=12 HEAD)"',
      'env_set PARLEY_VERSION "$version"',
      'echo "$version" >>"$releases"',
      "KEEP_RELEASES=5",
      'docker image rm "parley:$tag"',
      "{{join .RepoDigests",
    ]);
    // The build step comes after the version is set, so the image carries the tag.
    expect(result.out.indexOf("env_set PARLEY_VERSION")).toBeLessThan(result.out.indexOf("docker compose build"));
    expectNoExternalCalls();
  });

  test("a digest pinned in the settings reaches the server's .env", () => {
    const pin = `redis:7.4.2-alpine@sha256:${"a".repeat(64)}`;
    const env = settingsWith("pinned.env.deploy", `REDIS_IMAGE=${pin}\n`);
    const result = runScript("03-deploy-repo", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.code).toBe(0);
    expect(result.out).toContain(`REDIS_IMAGE=${pin}`);
    expectNoExternalCalls();
  });

  test("rollback --dry-run goes back to the release before the current one without building", () => {
    const result = runScript("rollback", ["--dry-run"]);
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      `parley@${SERVER_IP}`,
      "TARGET=''",
      "$0 == cur { print prev; exit }",
      'docker image inspect "parley:$TARGET"',
      'git checkout -q --detach "$TARGET"',
      'env_set PARLEY_VERSION "$TARGET"',
      'docker compose up -d --no-build --no-deps "$svc"',
      "wait_healthy",
      "check_health",
    ]);
    expect(result.out).not.toContain("docker compose build");
    expect(result.out).not.toContain("docker compose run --rm migrate");
    expectNoExternalCalls();
  });

  test("rollback VERSION and --list", () => {
    const to = runScript("rollback", ["--dry-run", "0123456789ab"]);
    expect(to.code).toBe(0);
    expect(to.out).toContain("TARGET=0123456789ab");
    const list = runScript("rollback", ["--dry-run", "--list"]);
    expect(list.code).toBe(0);
    expect(list.out).toContain(".parley-releases");
    const bad = runScript("rollback", ["--dry-run", "latest; rm -rf /"]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("VERSION must be a commit id");
    expectNoExternalCalls();
  });
});

describe("backups", () => {
  const bucketSettings =
    "BACKUP_S3_ENDPOINT=fra1.digitaloceanspaces.com\nBACKUP_S3_BUCKET=parley-backups\n" +
    "BACKUP_S3_ACCESS_KEY=DO00EXAMPLEKEY\nBACKUP_S3_SECRET_KEY=example-secret-key\n" +
    "BACKUP_PASSWORD=a-long-backup-password-for-tests\n";

  test("01-build-server --dry-run with DO_BACKUPS=1 creates the droplet with backups", () => {
    const env = settingsWith("dry-backups.env.deploy", "DO_BACKUPS=1\n");
    const result = runScript("01-build-server", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: env,
      PARLEY_DEPLOY_STATE: join(tmp, "dry-backups-state"),
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/doctl compute droplet create parley-test .*--enable-backups/);
    const without = runScript("01-build-server", ["--dry-run"], { PARLEY_DEPLOY_STATE: join(tmp, "dry-no-backups") });
    expect(without.out).not.toContain("--enable-backups");
    expectNoExternalCalls();
  });

  test("04-offsite-backups --dry-run installs restic, the settings (by scp) and the nightly timer", () => {
    const env = settingsWith("offsite.env.deploy", bucketSettings);
    const result = runScript("04-offsite-backups", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.code).toBe(0);
    expect(result.err).toContain("s3:https://fra1.digitaloceanspaces.com/parley-backups/parley");
    expectAllIn(result.out, [
      `parley@${SERVER_IP}:/home/parley/.parley-offsite-backup.env`,
      `parley@${SERVER_IP}:/home/parley/.parley-offsite-backup.password`,
      "apt-get install -y -q -o DPkg::Lock::Timeout=600 restic",
      "install -m 600 -o root -g root",
      "/usr/local/sbin/parley-offsite-backup",
      "systemctl enable --now parley-offsite-backup.timer",
      "systemctl start parley-offsite-backup.service",
    ]);
    // The secrets never appear in what runs on the server (its process list shows that).
    expect(result.out).not.toContain("example-secret-key");
    expect(result.out).not.toContain("a-long-backup-password-for-tests");
    expectNoExternalCalls();
  });

  test("04-offsite-backups says which settings are missing", () => {
    const result = runScript("04-offsite-backups", ["--dry-run"]);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("BACKUP_S3_ENDPOINT");
    expect(result.err).toContain("BACKUP_PASSWORD");
    expectNoExternalCalls();
  });

  test("restore --date fetches the day's copy from the bucket on the server, then swaps it in", () => {
    const result = runScript("restore", ["--dry-run", "--date", "2026-11-30"]);
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      "DATE=2026-11-30",
      '/usr/local/sbin/parley-offsite-backup fetch "$DATE" "$OUT"',
      "docker compose stop app1 app2",
      "check_health",
    ]);
    expect(result.out).not.toContain("+ scp");
    expect(result.out.indexOf("parley-offsite-backup fetch")).toBeLessThan(result.out.indexOf("docker compose stop"));
    for (const bad of [
      ["--date", "last tuesday"],
      ["--date", "2026-11-30", "some.db"],
    ]) {
      expect(runScript("restore", ["--dry-run", ...bad]).code).not.toBe(0);
    }
    expectNoExternalCalls();
  });

  test("the SQLite copies refuse a layout with a database server, and say what backs it up instead", () => {
    for (const [database, message] of <[string, string][]>[
      ["managed", "backed up by it daily"],
      ["postgres", "docker compose exec -T postgres pg_dump -U parley parley >parley.sql"],
      ["external", "the database's backups are its own"],
    ]) {
      const env = settingsWith(
        `backup-${database}.env.deploy`,
        `DATABASE=${database}\n${database === "external" ? "" : bucketSettings}`,
      );
      for (const script of ["backup", "restore", "04-offsite-backups"]) {
        const result = runScript(script, ["--dry-run", ...(script === "restore" ? ["--date", "latest"] : [])], {
          PARLEY_DEPLOY_ENV: env,
        });
        expect({ script, database, code: result.code }).toEqual({ script, database, code: 1 });
        expect(result.err).toContain(message);
      }
    }
    const go = runScript("go", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: settingsWith("go-postgres-offsite.env.deploy", `DATABASE=postgres\n${bucketSettings}`),
    });
    expect(go.code).toBe(0);
    expect(go.err).toContain("the off-host backups copy the SQLite file and DATABASE=postgres: not run");
    expect(go.out).not.toContain("parley-offsite-backup.timer");
    expectNoExternalCalls();
  });

  test("go adds the off-host backups step when a bucket is set", () => {
    expect(runScript("go", ["--dry-run"]).out).not.toContain("parley-offsite-backup.timer");
    const env = settingsWith("go-offsite.env.deploy", bucketSettings);
    const result = runScript("go", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.code).toBe(0);
    expect(result.out.indexOf("certbot certonly")).toBeLessThan(result.out.indexOf("parley-offsite-backup.timer"));
    expectNoExternalCalls();
  });
});

describe("02-config-server options", () => {
  test("by default: fail2ban on ssh, reboots at 04:30 UTC when updates need one, bounded journald and Docker logs", () => {
    const result = runScript("02-config-server", ["--dry-run"]);
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      "FAIL2BAN=1",
      "AUTO_REBOOT=1",
      "AUTO_REBOOT_TIME=04:30",
      'Unattended-Upgrade::Automatic-Reboot-Time "$AUTO_REBOOT_TIME";',
      "apt_get install fail2ban",
      "maxretry = 5",
      "SystemMaxUse=$JOURNAL_MAX_USE",
      "JOURNAL_MAX_USE=500M",
      '"log-opts": { "max-size": "10m", "max-file": "5" }',
      "SSH_SOURCES=0.0.0.0/0\\ ::/0",
    ]);
    expectNoExternalCalls();
  });

  test("SSH_ALLOWED_FROM narrows ssh in ufw; FAIL2BAN=0 and AUTO_REBOOT=0 turn those off", () => {
    const env = settingsWith(
      "narrow.env.deploy",
      "SSH_ALLOWED_FROM=203.0.113.7/32,2001:db8::/48\nFAIL2BAN=0\nAUTO_REBOOT=0\n",
    );
    const result = runScript("02-config-server", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      "SSH_SOURCES=203.0.113.7/32\\ 2001:db8::/48",
      'ufw allow from "$source" to any port 22 proto tcp',
      "ufw delete allow 22/tcp",
      "FAIL2BAN=0",
      "AUTO_REBOOT=0",
    ]);
    expectNoExternalCalls();
  });

  test("unsafe or mistyped values are refused before anything runs", () => {
    for (const [line, message] of <[string, string][]>[
      ["SSH_ALLOWED_FROM=203.0.113.7/32,example.com", "example.com is not an address or CIDR"],
      ["FAIL2BAN=yes", "FAIL2BAN must be 0 or 1"],
      ["AUTO_REBOOT_TIME=4am", "AUTO_REBOOT_TIME must be HH:MM"],
    ]) {
      const env = settingsWith("bad-option.env.deploy", `${line}\n`);
      const result = runScript("02-config-server", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
      expect(result.code).not.toBe(0);
      expect(result.err).toContain(message);
    }
    expectNoExternalCalls();
  });
});

describe("the single executable under systemd (03-deploy-binary)", () => {
  const unitFile = join(deployDir, "binary", "parley.service");

  test("the unit is hardened: its own user, read-only system, no new privileges, only the data dir writable", () => {
    const unit = readFileSync(unitFile, "utf8");
    expectAllIn(unit, [
      "User=parley-app",
      "ExecStart=/opt/parley/parley serve --config /etc/parley/parley.env",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ReadWritePaths=/var/lib/parley",
      "StateDirectory=parley",
      "ProtectHome=yes",
      "PrivateTmp=yes",
      "CapabilityBoundingSet=\n",
      "KillSignal=SIGTERM",
    ]);
    expect(unit).not.toMatch(/^User=root/m);
    // systemd's own assessment of the unit file: "OK" is an exposure below 2.0 of 10.
    const security = Bun.spawnSync(["systemd-analyze", "security", "--offline=true", unitFile]);
    const report = security.stdout.toString() + security.stderr.toString();
    const exposure = Number(/Overall exposure level for parley\.service: ([\d.]+)/.exec(report)?.[1]);
    expect(exposure).toBeLessThan(2);
  });

  test("--dry-run with --file uploads it, swaps it in atomically keeping the previous one, migrates, restarts and checks health", () => {
    const executable = join(tmp, "parley-linux-x64");
    writeFileSync(executable, "#!/bin/sh\n");
    const result = runScript("03-deploy-binary", ["--dry-run", "--file", executable]);
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      `scp -q -i ${join(home, ".ssh", "id_ed25519")}`,
      `${executable} parley@${SERVER_IP}:/home/parley/parley-upload.bin`,
      "binary/parley.service parley@",
      "useradd --system --home-dir /var/lib/parley --no-create-home --shell /usr/sbin/nologin parley-app",
      "chown root:parley-app /etc/parley/parley.env.new",
      "DATABASE_PATH=/var/lib/parley/parley.db",
      "install -d -m 700 -o parley-app -g parley-app /var/lib/parley",
      "ln -f /opt/parley/parley /opt/parley/parley.previous",
      "mv -f /opt/parley/parley.new /opt/parley/parley",
      "runuser -u parley-app -- /opt/parley/parley migrate --config /etc/parley/parley.env || put_back_previous",
      "systemctl restart parley",
      '[ "$healthy" = 1 ] || put_back_previous',
      "ln -f /opt/parley/parley.previous /opt/parley/parley.new",
      "certbot --nginx",
    ]);
    // The new file is checked (it runs) before it replaces the old one.
    expect(result.out.indexOf("/opt/parley/parley.new version")).toBeLessThan(
      result.out.indexOf("mv -f /opt/parley/parley.new /opt/parley/parley"),
    );
    expect(result.out).not.toContain("bun ");
    expectNoExternalCalls();
  });

  test("without --file it builds the executable for BINARY_ARCH; a wrong arch or missing file is refused", () => {
    const built = runScript("03-deploy-binary", ["--dry-run"]);
    expect(built.code).toBe(0);
    expect(built.out).toContain("scripts/release.ts --target linux-x64 --out");
    const arm = runScript("03-deploy-binary", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: settingsWith("env.arm64", "BINARY_ARCH=arm64\n"),
    });
    expect(arm.out).toContain("--target linux-arm64");
    expect(arm.out).toContain("parley-0.1.0-linux-arm64 parley@");
    const sparc = runScript("03-deploy-binary", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: settingsWith("env.sparc", "BINARY_ARCH=sparc\n"),
    });
    expect(sparc.code).not.toBe(0);
    expect(sparc.err).toContain("BINARY_ARCH must be x64 or arm64");
    const missing = runScript("03-deploy-binary", ["--dry-run", "--file", join(tmp, "nothing-here")]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain("no executable at");
    expectNoExternalCalls();
  });

  test("a site written by an earlier deploy gets the scheme map that proxy-headers.inc now needs, once", () => {
    const script = readFileSync(join(deployDir, "03-deploy-binary"), "utf8");
    const line = script.match(/^ {2}sed -i '.*' \/etc\/nginx\/sites-available\/parley$/m)?.[0];
    expect(line).toBeDefined();
    const site = join(tmp, "old-site.conf");
    // The site as 03-deploy-binary wrote it before: before-certs without the map.
    const old = readFileSync(join(nginxDir, "parley.before-certs.conf"), "utf8").replace(
      /\n# nginx is the edge[^\n]*\nmap \$scheme \$parley_forwarded_proto \{[^}]*\}\n/,
      "\n",
    );
    expect(old).not.toContain("parley_forwarded_proto");
    writeFileSync(site, old);
    const migrate = `grep -q parley_forwarded_proto '${site}' || ${(line ?? "").trim().replace("/etc/nginx/sites-available/parley", `'${site}'`)}`;
    for (let i = 0; i < 2; i++) expect(Bun.spawnSync(["bash", "-c", migrate]).exitCode).toBe(0);
    const migrated = readFileSync(site, "utf8");
    expect(migrated).toContain(
      "include /etc/nginx/parley/upstream.inc;\nmap $scheme $parley_forwarded_proto { default $scheme; }\n",
    );
    expect(migrated.match(/parley_forwarded_proto/g)).toHaveLength(1);
  });

  test("rollback-binary swaps the previous executable back in and keeps the replaced one", () => {
    const result = runScript("rollback-binary", ["--dry-run"]);
    expect(result.code).toBe(0);
    expectAllIn(result.out, [
      "ln -f /opt/parley/parley /opt/parley/parley.rollback",
      "mv -f /opt/parley/parley.new /opt/parley/parley",
      "mv -f /opt/parley/parley.rollback /opt/parley/parley.previous",
      "systemctl restart parley",
    ]);
    expectNoExternalCalls();
  });

  test("go --binary deploys the executable instead of Compose", () => {
    const result = runScript("go", ["--binary", "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.err).toContain("step 03-deploy-binary");
    expect(result.err).not.toContain("step 03-deploy-repo");
    expect(result.err).not.toContain("step tls");
    expectNoExternalCalls();
  });
});

test("03-deploy-repo with MONITORING=1 turns the monitoring profile on and hands Prometheus the metrics token", () => {
  const env = settingsWith("monitoring.env.deploy", "MONITORING=1\n");
  const result = runScript("03-deploy-repo", ["--dry-run"], { PARLEY_DEPLOY_ENV: env });
  expect(result.code).toBe(0);
  expectAllIn(result.out, [
    "MONITORING=1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own expansion
    'profiles="${profiles:+$profiles,}monitoring"',
    'env_set COMPOSE_PROFILES "$profiles"',
    ">.metrics-token",
  ]);
  expectNoExternalCalls();
});
