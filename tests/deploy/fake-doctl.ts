// A stand-in for DigitalOcean's doctl, for the deploy script tests: it keeps the
// account's state (ssh keys, droplets, reserved IPs, domains and records, firewalls,
// certificates, load balancers, database clusters with their trusted sources and databases)
// in FAKE_DO_DIR/state.json, logs every call to FAKE_DO_DIR/calls.log and answers
// in doctl's text format (--format columns, --no-header). Only the commands the
// deploy scripts use are known; anything else fails loudly.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Row = Record<string, string>;
type State = {
  nextId: number;
  keys: Row[];
  droplets: Row[];
  reservedIps: Row[];
  domains: Row[];
  records: Record<string, Row[]>;
  firewalls: Row[];
  certificates: Row[];
  loadBalancers: Row[];
  databases: Row[];
  /** Per cluster id: its trusted sources (Type, Value) and its databases' names. */
  databaseRules: Record<string, Row[]>;
  databaseNames: Record<string, string[]>;
};

const dir = process.env.FAKE_DO_DIR;
if (!dir) {
  console.error("fake doctl: FAKE_DO_DIR is not set");
  process.exit(2);
}
const statePath = join(dir, "state.json");
const state: State = existsSync(statePath)
  ? JSON.parse(readFileSync(statePath, "utf8"))
  : { nextId: 1, keys: [], droplets: [], reservedIps: [], domains: [], records: {}, firewalls: [] };
state.certificates ??= [];
state.loadBalancers ??= [];
state.databases ??= [];
state.databaseRules ??= {};
state.databaseNames ??= {};

const argv = process.argv.slice(2);
appendFileSync(join(dir, "calls.log"), `${argv.join(" ")}\n`);

const booleanFlags = new Set([
  "--no-header",
  "--wait",
  "--enable-monitoring",
  "--enable-backups",
  "--force",
  "--private",
  "--redirect-http-to-https",
  "--disable-lets-encrypt-dns-records",
]);
const words: string[] = [];
const flags: Record<string, string> = {};
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] ?? "";
  if (arg.startsWith("--")) {
    if (booleanFlags.has(arg)) flags[arg] = "true";
    else flags[arg] = argv[++i] ?? "";
  } else {
    words.push(arg);
  }
}

function fail(message: string): never {
  console.error(`Error: ${message}`);
  process.exit(1);
}

function flag(name: string): string {
  const value = flags[name];
  if (value === undefined) fail(`missing ${name}`);
  return value;
}

function nextId(): string {
  return String(state.nextId++);
}

function print(rows: Row[], defaultColumns: string[]): void {
  const columns = flags["--format"]?.split(",") ?? defaultColumns;
  if (!flags["--no-header"]) console.log(columns.join("    "));
  for (const row of rows) console.log(columns.map((c) => row[c] ?? "").join("    "));
}

function md5Fingerprint(publicKeyFile: string): string {
  const blob = readFileSync(publicKeyFile, "utf8").trim().split(/\s+/)[1] ?? "";
  const hex = createHash("md5").update(Buffer.from(blob, "base64")).digest("hex");
  return hex.match(/../g)?.join(":") ?? "";
}

function find(rows: Row[], key: string, value: string): Row {
  const row = rows.find((r) => r[key] === value);
  if (!row) fail(`${value} not found`);
  return row;
}

const command = words.join(" ");
const [, , , arg0 = "", arg1 = ""] = words;
const recordsOf = (zone: string): Row[] => {
  state.records[zone] ??= [];
  return state.records[zone];
};

switch (true) {
  case command === "account get":
    print([{ Email: "ops@example.test", Status: "active" }], ["Email", "Status"]);
    break;

  case command === "compute ssh-key list":
    print(state.keys, ["ID", "Name", "FingerPrint"]);
    break;
  case command.startsWith("compute ssh-key import "): {
    const fingerprint = md5Fingerprint(flag("--public-key-file"));
    if (state.keys.some((k) => k.FingerPrint === fingerprint)) fail("SSH Key is already in use on your account");
    const key = { ID: nextId(), Name: arg0, FingerPrint: fingerprint };
    state.keys.push(key);
    print([key], ["ID", "Name", "FingerPrint"]);
    break;
  }

  case command === "compute droplet list":
    print(state.droplets, ["ID", "Name", "PublicIPv4", "Status"]);
    break;
  case command.startsWith("compute droplet create "): {
    if (state.droplets.some((d) => d.Name === arg0)) fail(`droplet ${arg0} exists`);
    const id = nextId();
    const droplet = {
      ID: id,
      Name: arg0,
      // Without --wait a new droplet is not active yet: the next `get` finds it so.
      Status: flags["--wait"] ? "active" : "new",
      PublicIPv4: `198.51.100.${id}`,
      Tags: flag("--tag-names"),
      Region: flag("--region"),
      Features: ["--enable-backups", "--enable-monitoring"]
        .filter((f) => flags[f])
        .map((f) => f.slice("--enable-".length))
        .join(","),
    };
    state.droplets.push(droplet);
    print([droplet], ["ID", "Name", "PublicIPv4", "Status"]);
    break;
  }
  case command.startsWith("compute droplet get "): {
    const droplet = find(state.droplets, "ID", arg0);
    print([droplet], ["ID", "Name", "PublicIPv4", "Status"]);
    droplet.Status = "active";
    break;
  }
  case command.startsWith("compute droplet-action enable-backups "): {
    const droplet = find(state.droplets, "ID", arg0);
    if (droplet.Features?.split(",").includes("backups")) fail("backups are already enabled");
    droplet.Features = ["backups", ...(droplet.Features ? droplet.Features.split(",") : [])].join(",");
    break;
  }
  case command.startsWith("compute droplet delete "):
    find(state.droplets, "ID", arg0);
    state.droplets = state.droplets.filter((d) => d.ID !== arg0);
    break;

  case command === "compute reserved-ip list":
    print(state.reservedIps, ["IP", "Region", "DropletID"]);
    break;
  case command === "compute reserved-ip create": {
    const dropletId = flag("--droplet-id");
    const droplet = find(state.droplets, "ID", dropletId);
    const ip = { IP: `203.0.113.${nextId()}`, Region: droplet.Region ?? "", DropletID: dropletId };
    state.reservedIps.push(ip);
    print([ip], ["IP", "Region", "DropletID"]);
    break;
  }
  case command.startsWith("compute reserved-ip-action assign "):
    find(state.reservedIps, "IP", arg0).DropletID = arg1;
    break;
  case command.startsWith("compute reserved-ip-action unassign "):
    find(state.reservedIps, "IP", arg0).DropletID = "";
    break;
  case command.startsWith("compute reserved-ip delete "):
    if (find(state.reservedIps, "IP", arg0).DropletID) fail("the reserved IP is assigned to a droplet");
    state.reservedIps = state.reservedIps.filter((r) => r.IP !== arg0);
    break;

  case command === "compute domain list":
    print(state.domains, ["Domain", "TTL"]);
    break;
  case command.startsWith("compute domain create "): {
    if (state.domains.some((d) => d.Domain === arg0)) fail(`domain ${arg0} exists`);
    const domain = { Domain: arg0, TTL: "1800" };
    state.domains.push(domain);
    print([domain], ["Domain", "TTL"]);
    break;
  }
  case command.startsWith("compute domain records list "):
    find(state.domains, "Domain", words[4] ?? "");
    print(recordsOf(words[4] ?? ""), ["ID", "Type", "Name", "Data", "Priority", "Port", "TTL", "Weight"]);
    break;
  case command.startsWith("compute domain records create "): {
    const record = {
      ID: nextId(),
      Type: flag("--record-type"),
      Name: flag("--record-name"),
      Data: flag("--record-data"),
      TTL: flag("--record-ttl"),
    };
    recordsOf(words[4] ?? "").push(record);
    print([record], ["ID", "Type", "Name", "Data", "TTL"]);
    break;
  }
  case command.startsWith("compute domain records update "): {
    const record = find(recordsOf(words[4] ?? ""), "ID", flag("--record-id"));
    record.Data = flag("--record-data");
    record.TTL = flag("--record-ttl");
    print([record], ["ID", "Type", "Name", "Data", "TTL"]);
    break;
  }

  case command === "compute firewall list":
    print(state.firewalls, ["ID", "Name", "Status"]);
    break;
  case command === "compute firewall create": {
    const firewall = {
      ID: `fw-${nextId()}`,
      Name: flag("--name"),
      Status: "succeeded",
      Tags: flag("--tag-names"),
      InboundRules: flag("--inbound-rules"),
    };
    state.firewalls.push(firewall);
    print([firewall], ["ID", "Name", "Status"]);
    break;
  }
  case command.startsWith("compute firewall delete "):
    find(state.firewalls, "ID", arg0);
    state.firewalls = state.firewalls.filter((f) => f.ID !== arg0);
    break;

  case command === "compute certificate list":
    print(state.certificates, ["ID", "Name", "DNSNames", "SHA1Fingerprint", "NotAfter", "Created", "Type", "State"]);
    break;
  case command === "compute certificate create": {
    const name = flag("--name");
    if (state.certificates.some((c) => c.Name === name)) fail(`a certificate named ${name} exists`);
    if (flag("--type") !== "lets_encrypt") fail("only lets_encrypt certificates are expected");
    const zoneOf = (host: string) => state.domains.find((d) => host === d.Domain || host.endsWith(`.${d.Domain}`));
    const names = flag("--dns-names");
    // DigitalOcean issues Let's Encrypt certificates only for names in its own DNS zones.
    for (const host of names.split(",")) if (!zoneOf(host)) fail(`${host} is not in a DigitalOcean DNS zone`);
    const certificate = {
      ID: `cert-${nextId()}`,
      Name: name,
      DNSNames: names,
      Type: "lets_encrypt",
      State: "verified",
    };
    state.certificates.push(certificate);
    print([certificate], ["ID", "Name", "DNSNames", "Type", "State"]);
    break;
  }

  case command === "compute load-balancer list":
    print(state.loadBalancers, ["ID", "IP", "Name", "Status", "Region", "Tag"]);
    break;
  case command === "compute load-balancer create": {
    const name = flag("--name");
    if (state.loadBalancers.some((l) => l.Name === name)) fail(`a load balancer named ${name} exists`);
    const rules = flag("--forwarding-rules");
    for (const id of rules.matchAll(/certificate_id:([^, ]+)/g)) find(state.certificates, "ID", id[1] ?? "");
    const lb = {
      ID: `lb-${nextId()}`,
      // Without --wait the address is not known yet.
      IP: flags["--wait"] ? `203.0.113.${state.nextId}` : "",
      Name: name,
      Status: flags["--wait"] ? "active" : "new",
      Region: flag("--region"),
      Tag: flag("--tag-name"),
      ForwardingRules: rules,
      HealthCheck: flag("--health-check"),
      RedirectHttpToHttps: String(Boolean(flags["--redirect-http-to-https"])),
      HttpIdleTimeoutSeconds: flag("--http-idle-timeout-seconds"),
      SizeUnit: flag("--size-unit"),
    };
    state.loadBalancers.push(lb);
    print([lb], ["ID", "IP", "Name", "Status", "Region", "Tag"]);
    break;
  }

  case command === "databases list":
    print(state.databases, ["ID", "Name", "Engine", "Version", "NumNodes", "Region", "Status", "Size"]);
    break;
  case command.startsWith("databases create "): {
    const name = words[2] ?? "";
    if (state.databases.some((d) => d.Name === name)) fail(`a cluster named ${name} exists`);
    const engine = flag("--engine");
    if (!["pg", "valkey", "redis"].includes(engine)) fail(`engine ${engine} is not one the deploy scripts use`);
    const id = `db-${nextId()}`;
    const cluster = {
      ID: id,
      Name: name,
      Engine: engine,
      Version: flag("--version"),
      NumNodes: flag("--num-nodes"),
      Region: flag("--region"),
      // Without --wait a new cluster is still being made.
      Status: flags["--wait"] ? "online" : "creating",
      Size: flag("--size"),
    };
    state.databases.push(cluster);
    state.databaseNames[id] = engine === "pg" ? ["defaultdb"] : [];
    print([cluster], ["ID", "Name", "Engine", "Version", "NumNodes", "Region", "Status", "Size"]);
    break;
  }
  case command.startsWith("databases connection "): {
    const cluster = find(state.databases, "ID", words[2] ?? "");
    const host = `${flags["--private"] ? "private-" : ""}${cluster.Name}-do-user-1-0.f.db.ondigitalocean.com`;
    const URI =
      cluster.Engine === "pg"
        ? `postgresql://doadmin:pw-${cluster.ID}@${host}:25060/defaultdb?sslmode=require`
        : `rediss://default:pw-${cluster.ID}@${host}:25061`;
    print([{ URI, Host: host }], ["URI", "Database", "Host", "Port", "User", "Password", "SSL"]);
    break;
  }
  case command.startsWith("databases firewalls list "):
    find(state.databases, "ID", arg0);
    print(state.databaseRules[arg0] ?? [], ["UUID", "ClusterUUID", "Type", "Value"]);
    break;
  case command.startsWith("databases firewalls append "): {
    find(state.databases, "ID", arg0);
    const [type = "", value = ""] = flag("--rule").split(":");
    if (!["droplet", "k8s", "ip_addr", "tag", "app"].includes(type)) fail(`unknown rule type ${type}`);
    state.databaseRules[arg0] ??= [];
    state.databaseRules[arg0].push({ UUID: `rule-${nextId()}`, ClusterUUID: arg0, Type: type, Value: value });
    break;
  }
  case command.startsWith("databases db list "):
    find(state.databases, "ID", arg0);
    print(
      (state.databaseNames[arg0] ?? []).map((Name) => ({ Name })),
      ["Name"],
    );
    break;
  case command.startsWith("databases db create "): {
    find(state.databases, "ID", arg0);
    const names = state.databaseNames[arg0] ?? [];
    if (names.includes(arg1)) fail(`database ${arg1} exists`);
    state.databaseNames[arg0] = [...names, arg1];
    break;
  }

  default:
    console.error(`fake doctl: unknown command: ${argv.join(" ")}`);
    process.exit(2);
}

writeFileSync(statePath, JSON.stringify(state, null, 2));
