// `bun run audit`: checks the lockfile's packages against the registry's advisory
// service (through `bun audit --json`) and exits 1 on a high or critical advisory not
// accepted in audit-allowlist.json. When the service cannot be reached it says plainly
// that nothing was checked and exits 2 — never "0 vulnerabilities". Not part of
// `bun test`: it needs the network (CONTRIBUTING.md).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Advisory = { id: number | string; title?: string; severity?: string; url?: string };
type Allowed = { id: number | string; reason: string };

const root = join(import.meta.dir, "..");
const allowlistPath = join(root, "audit-allowlist.json");
const allowed: Allowed[] = existsSync(allowlistPath) ? JSON.parse(readFileSync(allowlistPath, "utf8")) : [];
const allowedIds = new Set(allowed.map((entry) => String(entry.id)));

const run = Bun.spawnSync(["bun", "audit", "--json"], { cwd: root, stdout: "pipe", stderr: "pipe" });
const out = run.stdout.toString().trim();
let report: Record<string, Advisory[]>;
try {
  report = JSON.parse(out);
  if (typeof report !== "object" || report === null || Array.isArray(report)) throw new Error("not a report");
} catch {
  console.error("NOTHING WAS CHECKED: the advisory service could not be reached or gave no report.");
  console.error(run.stderr.toString().trim() || out || `bun audit exited ${run.exitCode}`);
  process.exit(2);
}

const serious = Object.entries(report).flatMap(([name, advisories]) =>
  advisories
    .filter((a) => a.severity === "high" || a.severity === "critical")
    .map((a) => ({ name, ...a, accepted: allowedIds.has(String(a.id)) })),
);
for (const a of serious) {
  console.log(
    `${a.accepted ? "accepted" : "FAILING "} ${a.severity} ${a.name}: ${a.title ?? ""} (${a.id}) ${a.url ?? ""}`,
  );
}
const packages = Object.keys(report).length;
const failing = serious.filter((a) => !a.accepted).length;
console.log(
  `checked the lockfile: ${packages} package(s) with advisories, ${serious.length} high or critical, ${failing} not accepted`,
);
process.exit(failing > 0 ? 1 : 0);
