// Parley's benchmarks, in one command. Starts its own servers (Parley as `bun src/index.ts`,
// the hand-written baseline, redis-server) on free loopback ports with temporary
// databases and the send rate limit off, drives them from separate load-generator
// processes, and prints a table. See bench/README.md.
//
//   bun run bench                  the full run (a few minutes)
//   bun run bench --quick          a first look (under a minute)
//   bun run bench --only 1,6       some scenarios
//   bun run bench --tiny           the harness's own check, at a toy scale (the test suite)
//   bun run bench --disk           databases in the OS temp folder instead of /dev/shm
//   bun run bench --sqlite-only    no PostgreSQL rows (by default scenarios 1, 2 and 4 also run
//                                  Parley on a PostgreSQL cluster the bench starts; not at --tiny,
//                                  where --postgres asks for them)
//   bun run bench --json FILE      also write every figure as JSON
//   bun run bench --charts DIR     also draw the curves as SVG files in DIR (docs/benchmarks)
//   bun run bench --profile DIR    Parley runs under Bun's CPU profiler; profiles (.cpuprofile
//                                  and Markdown) land in DIR, one per Parley process
//   bun run bench --timeline DIR   every server runs with a stall probe (bench/lib/stall-probe.ts)
//                                  and scenario 1 writes each message's latency to DIR; then
//                                  `bun bench/tail.ts DIR` says what the slowest messages met
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Chart, writeCharts } from "./lib/charts.ts";
import { startPostgres } from "./lib/postgres.ts";
import { OtherLoadMeter } from "./lib/proc.ts";
import { parleyRuntimeFlags, timeline } from "./lib/processes.ts";
import {
  type BenchContext,
  type Row,
  renderRows,
  renderTargets,
  type ScenarioOutcome,
  type TargetCheck,
} from "./lib/report.ts";
import { SCALES, type Scale } from "./lib/scale.ts";
import { coldStart } from "./scenarios/cold-start.ts";
import { connections } from "./scenarios/connections.ts";
import { directMessages, twoInstances } from "./scenarios/direct.ts";
import { history } from "./scenarios/history.ts";
import { roomFanOut } from "./scenarios/room.ts";
import { search } from "./scenarios/search.ts";
import { webClient } from "./scenarios/web.ts";

const SCENARIOS: Record<string, { title: string; run(ctx: BenchContext): Promise<ScenarioOutcome> }> = {
  "1": { title: "direct messages", run: directMessages },
  "2": { title: "room fan-out", run: roomFanOut },
  "3": { title: "connections", run: connections },
  "4": { title: "history", run: history },
  "5": { title: "two instances through Redis", run: twoInstances },
  "6": { title: "cold start", run: coldStart },
  "7": { title: "search", run: search },
  "8": { title: "web client", run: webClient },
};

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    tiny: { type: "boolean", default: false },
    only: { type: "string" },
    disk: { type: "boolean", default: false },
    postgres: { type: "boolean" },
    "sqlite-only": { type: "boolean", default: false },
    json: { type: "string" },
    charts: { type: "string" },
    profile: { type: "string" },
    timeline: { type: "string" },
  },
});

if (values.profile) {
  parleyRuntimeFlags.push("--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${resolve(values.profile)}`);
}

const scale: Scale = values.tiny ? SCALES.tiny : values.quick ? SCALES.quick : SCALES.full;
const selected = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(SCENARIOS);
for (const key of selected) if (!SCENARIOS[key]) throw new Error(`no scenario "${key}" (1–8)`);

// Databases live in memory (tmpfs) unless --disk: on a virtual disk the fsync of SQLite's
// WAL checkpoints stalls both servers alike and the comparison measures the disk.
const scratchRoot = !values.disk && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const workDir = mkdtempSync(join(scratchRoot, "parley-bench-"));

function machine() {
  const memory = `${(totalmem() / 1024 ** 3).toFixed(0)} GiB`;
  const model = cpus()[0]?.model ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  let kernel = "";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {}
  return { cores: cpus().length, model, memory, bun: Bun.version, kernel, load, date: new Date().toISOString() };
}

const started = performance.now();
const before = machine();
console.log(
  `Parley bench — ${scale.name} scale — ${before.date}\n` +
    `machine: ${before.cores} cores (${before.model}), ${before.memory}, Bun ${before.bun}, Linux ${before.kernel}, ` +
    `load average ${before.load}\ndatabases in ${scratchRoot === "/dev/shm" ? "tmpfs (/dev/shm)" : "the OS temp folder"}\n`,
);

if (values.timeline) {
  timeline.dir = resolve(values.timeline);
  mkdirSync(timeline.dir, { recursive: true });
}
const ctx: BenchContext = { scale, workDir, timelineDir: timeline.dir, log: (line) => console.log(line) };
const rows: Row[] = [];
const targets: TargetCheck[] = [];
const notes: string[] = [];

// PostgreSQL beside SQLite: one cluster for the run (stopped below, and by the harness's
// exit and signal hooks on an error or Ctrl-C). Off at the toy scale, which the test suite
// runs, unless asked for; a machine without PostgreSQL gets the SQLite rows and a note.
const POSTGRES_SCENARIOS = ["1", "2", "4"];
const wantPostgres =
  !values["sqlite-only"] &&
  (values.postgres ?? scale.name !== "tiny") &&
  selected.some((key) => POSTGRES_SCENARIOS.includes(key));
if (wantPostgres) {
  try {
    ctx.postgres = await startPostgres();
    console.log(`PostgreSQL: a cluster of this run on 127.0.0.1:${ctx.postgres.port} (scenarios 1, 2, 4)\n`);
    notes.push(
      "postgres rows: Parley's CPU % is its own process; the PostgreSQL server's CPU is not in it and counts as " +
        "another process in the load line below",
    );
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    console.log(`PostgreSQL not started (${reason}): SQLite rows only\n`);
    notes.push(`no PostgreSQL rows: ${reason}`);
  }
}
const failures: string[] = [];
const charts: Chart[] = [];
/** Per scenario, the CPU the rest of the machine used meanwhile (percent of one core). */
const otherLoad: { scenario: string; otherPercent: number; benchPercent: number }[] = [];
// Above this, a scenario's figures were taken next to a busy neighbour: say so.
const NOISY_PERCENT = 20;

for (const key of selected) {
  const scenario = SCENARIOS[key] as (typeof SCENARIOS)[string];
  const at = performance.now();
  console.log(`scenario ${key}: ${scenario.title}`);
  const load = new OtherLoadMeter();
  load.start();
  try {
    const outcome = await scenario.run(ctx);
    rows.push(...outcome.rows);
    targets.push(...outcome.targets);
    notes.push(...outcome.notes);
    failures.push(...(outcome.failures ?? []));
    charts.push(...(outcome.charts ?? []));
  } catch (error) {
    const message = (error as Error).message?.split("\n")[0] ?? String(error);
    failures.push(`scenario ${key} (${scenario.title}) failed: ${message}`);
    rows.push({ scenario: `${key} ${scenario.title}`, server: "–", step: "failed", throughput: "–", note: message });
    console.log(`  failed: ${(error as Error).stack ?? error}`);
  }
  const { otherPercent, benchPercent } = load.stop();
  otherLoad.push({ scenario: `${key} ${scenario.title}`, otherPercent, benchPercent });
  console.log(
    `  (${((performance.now() - at) / 1000).toFixed(1)} s; the bench's processes used ${benchPercent.toFixed(0)}% ` +
      `of a core, other processes on the machine ${otherPercent.toFixed(0)}%)\n`,
  );
}

await ctx.postgres?.stop();

// At the toy scale the figures say nothing about the targets.
if (scale.name === "tiny") for (const target of targets) target.met = null;

for (const row of rows) {
  if (row.lost) failures.push(`${row.scenario} ${row.server} ${row.step}: ${row.lost} deliveries lost`);
  if (row.duplicates)
    failures.push(`${row.scenario} ${row.server} ${row.step}: ${row.duplicates} duplicate deliveries`);
}

const after = machine();
const lostTotal = rows.reduce((sum, r) => sum + (r.lost ?? 0), 0);
const duplicateTotal = rows.reduce((sum, r) => sum + (r.duplicates ?? 0), 0);
console.log("## Results\n");
console.log(renderRows(rows));
console.log("\n## Targets\n");
console.log(renderTargets(targets));
if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
console.log(
  `\nlost deliveries: ${lostTotal}, duplicate deliveries: ${duplicateTotal}; ` +
    `took ${((performance.now() - started) / 1000).toFixed(0)} s; load average after ${after.load}`,
);
const noisy = otherLoad.filter((l) => l.otherPercent > NOISY_PERCENT);
console.log(
  noisy.length
    ? `\nWARNING: other processes used CPU during ${noisy.map((l) => `${l.scenario} (${l.otherPercent.toFixed(0)}% of a core)`).join(", ")}; ` +
        "those figures are not the servers' alone, run again on a quiet machine"
    : `other processes on the machine: at most ${Math.max(0, ...otherLoad.map((l) => l.otherPercent)).toFixed(0)}% of a core during any scenario`,
);
if (failures.length) console.log(`\nFAILURES:\n${failures.map((f) => `- ${f}`).join("\n")}`);

if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      { machine: before, after, scale: scale.name, rows, targets, notes, otherLoad, failures, charts },
      null,
      2,
    ),
  );
}
if (values.charts) for (const file of writeCharts(charts, values.charts)) console.log(`chart: ${file}`);
rmSync(workDir, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
