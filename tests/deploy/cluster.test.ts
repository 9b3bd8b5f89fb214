// Across hosts: deploy/01-build-cluster against the fake doctl (DigitalOcean's state in a
// temp dir) — the exact doctl calls of a dry run, what a first run creates, that a second
// changes nothing, that DNS moves only when asked — and how go, each-droplet, tls and
// 03-deploy-repo behave with APP_DROPLETS of 2.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fakeDigitalOcean, operatorFolder } from "./fake-operator.ts";

// A few dozen fake doctl processes per run: slow on a loaded machine (as in deploy-scripts.test.ts).
setDefaultTimeout(120_000);

const root = join(import.meta.dir, "..", "..");
const DOMAIN = "chat.example.test";
let tmp = "";
let doDir = "";
let doBin = "";
let keyPath = "";
let stateFile = "";

beforeAll(() => {
  ({ tmp, keyPath } = operatorFolder("parley-cluster-test-"));
  ({ doDir, doBin } = fakeDigitalOcean(tmp));
  writeFileSync(
    join(tmp, "env.production"),
    `JWT_SECRET=${"ab".repeat(32)}\nALLOWED_ORIGINS=https://${DOMAIN}\nMETRICS_TOKEN=metrics-token-for-tests\n` +
      "S3_BUCKET=parley-files\nS3_ENDPOINT=https://fra1.digitaloceanspaces.com\n",
  );
  writeFileSync(
    join(tmp, "no-bucket.env.production"),
    `JWT_SECRET=${"ab".repeat(32)}\nALLOWED_ORIGINS=https://${DOMAIN}\nMETRICS_TOKEN=metrics-token-for-tests\n`,
  );
  stateFile = join(tmp, "state");
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function settings(name: string, lines = ""): string {
  const path = join(tmp, name);
  writeFileSync(
    path,
    [
      `DOMAIN=${DOMAIN}`,
      "DNS_ZONE=example.test",
      "EMAIL=ops@example.test",
      "DO_REGION=fra1",
      "DO_SIZE=s-2vcpu-4gb",
      "DROPLET_NAME=parley-app",
      "DO_TAG=parley-app",
      "FIREWALL_NAME=parley-app-web",
      "SSH_ALLOWED_FROM=203.0.113.7/32",
      `SSH_KEY_PATH=${keyPath}`,
      "SSH_KEY_NAME=parley-test-key",
      "DEPLOY_USER=parley",
      "REPO_URL=https://git.example.test/parley.git",
      `ENV_PRODUCTION_FILE=${join(tmp, "env.production")}`,
      "DO_POLL_SECONDS=0",
      "DATABASE=managed",
      "REDIS=managed",
      "APP_DROPLETS=2",
      lines,
    ].join("\n"),
  );
  return path;
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = Bun.spawnSync([join(root, "deploy", script), ...args], {
    cwd: root,
    stdin: "ignore",
    env: {
      PATH: `${doBin}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: tmp,
      LANG: "C.UTF-8",
      PARLEY_DEPLOY_ENV: settings("cluster.env.deploy"),
      PARLEY_DEPLOY_STATE: stateFile,
      FAKE_DO_DIR: doDir,
      ...env,
    },
  });
  const out = result.stdout.toString();
  const err = result.stderr.toString();
  return { code: result.exitCode ?? -1, out, err };
}

const calls = () =>
  existsSync(join(doDir, "calls.log")) ? readFileSync(join(doDir, "calls.log"), "utf8").trim().split("\n") : [];
const mutating = (lines: string[]) =>
  lines.filter((l) => /\b(create|import|update|delete)\b/.test(l.replace(/--record-name \S+/, "")));
const account = () => JSON.parse(readFileSync(join(doDir, "state.json"), "utf8"));

describe("01-build-cluster", () => {
  test("--dry-run prints the doctl calls: droplets, certificate, load balancer, DNS, firewall", () => {
    const result = run("01-build-cluster", ["--dry-run"], { PARLEY_DEPLOY_STATE: join(tmp, "dry-state") });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const printed = result.out
      .split("\n")
      .filter((l) => l.startsWith("+ doctl "))
      .map((l) => l.slice(2));
    expect(printed).toEqual([
      "doctl account get --format Email --no-header",
      "doctl compute ssh-key list --format ID,Name,FingerPrint --no-header",
      `doctl compute ssh-key import parley-test-key --public-key-file ${keyPath}.pub --format ID --no-header`,
      "doctl compute droplet list --format ID,Name,PublicIPv4,Status --no-header",
      "doctl compute droplet create parley-app-1 --region fra1 --size s-2vcpu-4gb --image ubuntu-24-04-x64 --ssh-keys '<ssh-key-id>' --tag-names parley-app --enable-monitoring --wait --format ID,PublicIPv4 --no-header",
      "doctl compute droplet create parley-app-2 --region fra1 --size s-2vcpu-4gb --image ubuntu-24-04-x64 --ssh-keys '<ssh-key-id>' --tag-names parley-app --enable-monitoring --wait --format ID,PublicIPv4 --no-header",
      "doctl compute domain list --format Domain --no-header",
      "doctl compute domain create example.test --format Domain --no-header",
      "doctl compute certificate list --format ID,Name --no-header",
      `doctl compute certificate create --type lets_encrypt --name parley-app-cert --dns-names ${DOMAIN},www.${DOMAIN} --format ID --no-header`,
      "doctl compute load-balancer list --format ID,Name,IP --no-header",
      "doctl compute load-balancer create --name parley-app-lb --region fra1 --size-unit 1 --tag-name parley-app " +
        "--forwarding-rules 'entry_protocol:https,entry_port:443,target_protocol:http,target_port:80,certificate_id:<certificate-id> entry_protocol:http,entry_port:80,target_protocol:http,target_port:80' " +
        "--health-check protocol:http,port:80,path:/api/health,check_interval_seconds:10,response_timeout_seconds:5,healthy_threshold:3,unhealthy_threshold:3 " +
        "--redirect-http-to-https --disable-lets-encrypt-dns-records --http-idle-timeout-seconds 75 --wait --format ID,IP --no-header",
      "doctl compute domain records list example.test --format ID,Type,Name,Data --no-header",
      "doctl compute domain records create example.test --record-type A --record-name chat --record-data '<load-balancer-ip>' --record-ttl 300 --format ID --no-header",
      "doctl compute domain records create example.test --record-type A --record-name www.chat --record-data '<load-balancer-ip>' --record-ttl 300 --format ID --no-header",
      "doctl compute firewall list --format ID,Name --no-header",
      "doctl compute firewall create --name parley-app-web --inbound-rules 'protocol:tcp,ports:22,address:203.0.113.7/32 protocol:tcp,ports:80,load_balancer_uid:<load-balancer-id>' " +
        "--outbound-rules 'protocol:tcp,ports:all,address:0.0.0.0/0,address:::/0 protocol:udp,ports:all,address:0.0.0.0/0,address:::/0 protocol:icmp,address:0.0.0.0/0,address:::/0' " +
        "--tag-names parley-app --format ID --no-header",
    ]);
    expect(result.out).toContain("'root@<droplet-2-ip>' true");
    expect(existsSync(join(tmp, "dry-state"))).toBe(false);
    expect(calls()).toEqual([]);
  });

  test("the first run creates the droplets, certificate, load balancer, DNS records and firewall", () => {
    const result = run("01-build-cluster", []);
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(mutating(calls())).toHaveLength(9);
    const { droplets, certificates, loadBalancers, records, firewalls } = account();
    expect(droplets.map((d: { Name: string; Tags: string }) => `${d.Name}:${d.Tags}`)).toEqual([
      "parley-app-1:parley-app",
      "parley-app-2:parley-app",
    ]);
    const [lb] = loadBalancers;
    expect(lb).toMatchObject({ Name: "parley-app-lb", Tag: "parley-app", RedirectHttpToHttps: "true" });
    expect(lb.ForwardingRules).toContain(
      `entry_protocol:https,entry_port:443,target_protocol:http,target_port:80,certificate_id:${certificates[0].ID}`,
    );
    expect(lb.HealthCheck).toStartWith("protocol:http,port:80,path:/api/health,");
    expect(certificates[0].DNSNames).toBe(`${DOMAIN},www.${DOMAIN}`);
    expect(records["example.test"].map((r: { Name: string; Data: string }) => `${r.Name}=${r.Data}`).sort()).toEqual([
      `chat=${lb.IP}`,
      `www.chat=${lb.IP}`,
    ]);
    // Port 80 from the load balancer alone, ssh from the operator; no 443 on the droplets.
    expect(firewalls[0].InboundRules).toBe(
      `protocol:tcp,ports:22,address:203.0.113.7/32 protocol:tcp,ports:80,load_balancer_uid:${lb.ID}`,
    );
    const saved = readFileSync(stateFile, "utf8");
    expect(saved).toContain(`APP_DROPLET_IPS=${droplets.map((d: { PublicIPv4: string }) => d.PublicIPv4).join(",")}\n`);
    expect(saved).toContain(`LB_ID=${lb.ID}\n`);
    const ssh = readFileSync(join(doDir, "ssh.log"), "utf8");
    for (const droplet of droplets) expect(ssh).toContain(`root@${droplet.PublicIPv4} true`);
  });

  test("a second run changes nothing", () => {
    const before = account();
    const stateBefore = readFileSync(stateFile, "utf8");
    const callsBefore = calls().length;
    const result = run("01-build-cluster", []);
    expect(result.code).toBe(0);
    expect(mutating(calls().slice(callsBefore))).toEqual([]);
    expect(account()).toEqual(before);
    expect(readFileSync(stateFile, "utf8")).toBe(stateBefore);
  });

  test("DNS pointing at the old droplet stays until --switch-dns", () => {
    const state = account();
    for (const record of state.records["example.test"]) record.Data = "192.0.2.50";
    writeFileSync(join(doDir, "state.json"), JSON.stringify(state));
    const callsBefore = calls().length;
    const kept = run("01-build-cluster", []);
    expect(kept.code).toBe(0);
    expect(kept.err).toContain("still points at 192.0.2.50");
    expect(kept.err).toContain("--switch-dns");
    expect(mutating(calls().slice(callsBefore))).toEqual([]);
    const switched = run("01-build-cluster", ["--switch-dns"]);
    expect(switched.code).toBe(0);
    const lbIp = account().loadBalancers[0].IP;
    const updates = mutating(calls().slice(callsBefore));
    expect(updates).toHaveLength(2);
    for (const line of updates) expect(line).toStartWith("compute domain records update example.test");
    for (const record of account().records["example.test"]) expect(record.Data).toBe(lbIp);
  });

  test("each-droplet runs 03-deploy-repo on every droplet in turn, nginx behind the load balancer", () => {
    const ips: string[] = account().droplets.map((d: { PublicIPv4: string }) => d.PublicIPv4);
    const result = run("each-droplet", ["03-deploy-repo", "--dry-run"]);
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(result.err).toContain(`droplet 1 of 2 (${ips[0]}): 03-deploy-repo`);
    expect(result.err).toContain(`droplet 2 of 2 (${ips[1]}): 03-deploy-repo`);
    expect(result.out.indexOf(`parley@${ips[0]}`)).toBeLessThan(result.out.indexOf(`parley@${ips[1]}`));
    expect(result.out).toContain("APP_DROPLETS=2");
    expect(result.out).toContain("env_set NGINX_MODE behind-lb");
    // The managed servers' URLs are asked for per droplet, never printed.
    expect(result.out).toContain("doctl databases connection");
    expect(run("each-droplet", ["tls", "--dry-run"]).err).toContain("each-droplet runs 02-config-server");
    // Only a Parley that reads DATABASE_URL is deployed with a database server.
    expect(result.out).toContain("! grep -q DATABASE_URL src/config.ts");
    // Uploaded files must be in a bucket every droplet reaches.
    const noBucket = run("each-droplet", ["03-deploy-repo", "--dry-run"], {
      PARLEY_DEPLOY_ENV: settings(
        "no-bucket.env.deploy",
        `ENV_PRODUCTION_FILE=${join(tmp, "no-bucket.env.production")}\n`,
      ),
    });
    expect(noBucket.code).not.toBe(0);
    expect(noBucket.err).toContain("set S3_BUCKET");
  });

  test("go: databases, cluster, then each droplet configured and deployed; no certbot", () => {
    const result = run("go", ["--dry-run"], { PARLEY_DEPLOY_STATE: join(tmp, "go-state") });
    expect(result.err).not.toContain("error:");
    expect(result.code).toBe(0);
    const steps = [...result.err.matchAll(/==> step (.+)/g)].map((m) => m[1]);
    expect(steps).toEqual([
      "01-build-databases",
      "01-build-cluster",
      "each-droplet 02-config-server",
      "each-droplet 03-deploy-repo",
    ]);
    expect(result.out).not.toContain("certbot certonly");
    expect(result.out).toContain("'parley@<droplet-2-ip>' bash");
  });

  test("tls has nothing to do, and several droplets refuse an unshared database or Redis", () => {
    const tls = run("tls", ["--dry-run"]);
    expect(tls.code).not.toBe(0);
    expect(tls.err).toContain("the load balancer ends TLS");
    for (const [lines, message] of <[string, string][]>[
      ["DATABASE=sqlite\n", "needs a shared database"],
      ["DATABASE=postgres\n", "needs a shared database"],
      ["REDIS=local\n", "needs a shared Redis"],
    ]) {
      const result = run("01-build-cluster", ["--dry-run"], {
        PARLEY_DEPLOY_ENV: settings("unshared.env.deploy", lines),
      });
      expect(result.code).not.toBe(0);
      expect(result.err).toContain(message);
    }
    const one = run("01-build-cluster", ["--dry-run"], {
      PARLEY_DEPLOY_ENV: settings("one.env.deploy", "APP_DROPLETS=1\n"),
    });
    expect(one.code).not.toBe(0);
    expect(one.err).toContain("one droplet needs no load balancer");
  });
});
