// What the slowest messages of a step met, from `bun run bench --only 1 --timeline DIR`:
//   bun bench/tail.ts DIR
// For each step's latencies (sends-<server>-<rate>.json, by scheduled send time) and the
// stall probe's notes of its server (stalls-<name>-<pid>.json: when the event loop was held,
// how long, the heap on both sides), it prints the step's percentiles, how much of the
// step its server's loop was held and by what kind of stall, and how many of the slowest 1%
// of messages were in flight during a stall, against how many of all messages were: a
// tail made by stalls is in stalls far more often than messages at large. A stall is a
// collection when the heap shrank across it, and a wait for a core when the process used
// less than half its length in CPU (then the machine, not the server, made it). It also groups
// the slow messages into bursts, whose spacing shows a periodic cause (a timer, a sweep).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { summarize } from "./lib/stats.ts";

type Sends = { serverPids: number[]; startAt: number; intervalMs: number; latencyMs: (number | null)[] };
type Stall = { at: number; ms: number; heapBefore: number; heapAfter: number; cpuMs: number };

const dir = process.argv[2];
if (!dir) {
  console.error("usage: bun bench/tail.ts DIR   (DIR of `bun run bench --only 1 --timeline DIR`)");
  process.exit(2);
}
const files = readdirSync(dir);

function stallsOf(pid: number): Stall[] {
  const file = files.find((f) => f.startsWith("stalls-") && f.endsWith(`-${pid}.json`));
  if (!file) return [];
  const { stalls } = JSON.parse(readFileSync(join(dir as string, file), "utf8")) as { stalls: number[] };
  const out: Stall[] = [];
  for (let i = 0; i + 4 < stalls.length; i += 5)
    out.push({
      at: stalls[i] as number,
      ms: stalls[i + 1] as number,
      heapBefore: stalls[i + 2] as number,
      heapAfter: stalls[i + 3] as number,
      cpuMs: stalls[i + 4] as number,
    });
  return out;
}

/** A heap that shrank across the stall: a garbage collection ran in it. */
const collected = (s: Stall) => s.heapAfter < s.heapBefore;
/** Less CPU than half the stall (all threads): the process mostly waited for a core. */
const descheduled = (s: Stall) => s.cpuMs < s.ms / 2;
const f1 = (n: number) => n.toFixed(1);
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : "–");

const sendFiles = files
  .filter((f) => f.startsWith("sends-"))
  .sort((a, b) => {
    const rate = (f: string) => Number(f.match(/-(\d+)\.json$/)?.[1] ?? 0);
    return a.replace(/-\d+\.json$/, "").localeCompare(b.replace(/-\d+\.json$/, "")) || rate(a) - rate(b);
  });
if (sendFiles.length === 0)
  console.error(`no sends-*.json in ${dir}: run \`bun run bench --only 1 --timeline ${dir}\``);

for (const file of sendFiles) {
  const sends = JSON.parse(readFileSync(join(dir, file), "utf8")) as Sends;
  const messages = sends.latencyMs.flatMap((latency, i) =>
    latency === null ? [] : [{ from: sends.startAt + i * sends.intervalMs, latency }],
  );
  const lost = sends.latencyMs.length - messages.length;
  const summary = summarize(messages.map((m) => m.latency));
  const end = Math.max(...messages.map((m) => m.from + m.latency));
  const stalls = sends.serverPids
    .flatMap(stallsOf)
    .filter((s) => s.at < end && s.at + s.ms > sends.startAt)
    .sort((a, b) => a.at - b.at);
  const inStall = (m: { from: number; latency: number }) =>
    stalls.some((s) => s.at < m.from + m.latency && s.at + s.ms > m.from);
  const tail = messages.filter((m) => m.latency >= summary.p99);
  const gcStalls = stalls.filter(collected);
  const waits = stalls.filter(descheduled);
  const heldMs = stalls.reduce((sum, s) => sum + s.ms, 0);
  const spanMs = end - sends.startAt;

  // Slow messages closer than 50 ms to the previous one belong to its burst.
  const bursts: { at: number; count: number; worst: number }[] = [];
  for (const m of [...tail].sort((a, b) => a.from - b.from)) {
    const last = bursts.at(-1);
    if (last && m.from - (last.at + last.worst) < 50) {
      last.count++;
      last.worst = Math.max(last.worst, m.latency);
    } else bursts.push({ at: m.from, count: 1, worst: m.latency });
  }

  console.log(`\n${file.replace(/^sends-|\.json$/g, "")}: ${messages.length} messages${lost ? `, ${lost} lost` : ""}`);
  console.log(
    `  latency ms: p50 ${f1(summary.p50)}, p99 ${f1(summary.p99)}, p99.9 ${f1(summary.p999)}, max ${f1(summary.max)}`,
  );
  if (sends.serverPids.every((pid) => !files.some((f) => f.endsWith(`-${pid}.json`) && f.startsWith("stalls-")))) {
    console.log("  no stall probe file for its server (was it stopped by SIGKILL?)");
    continue;
  }
  console.log(
    `  server loop held ${f1(heldMs)} ms of ${f1(spanMs)} (${pct(heldMs, spanMs)}) in ${stalls.length} stalls ` +
      `over 5 ms; longest ${f1(Math.max(0, ...stalls.map((s) => s.ms)))} ms; ` +
      `${gcStalls.length} with the heap shrinking (a collection), ${f1(gcStalls.reduce((a, s) => a + s.ms, 0))} ms; ` +
      `${waits.length} waiting for a core (CPU under half the stall), ${f1(waits.reduce((a, s) => a + s.ms, 0))} ms`,
  );
  console.log(
    `  in flight during a stall: ${pct(tail.filter(inStall).length, tail.length)} of the slowest 1% ` +
      `(${tail.length}), ${pct(messages.filter(inStall).length, messages.length)} of all messages`,
  );
  const worst = [...bursts].sort((a, b) => b.worst - a.worst).slice(0, 8);
  console.log(
    `  ${bursts.length} bursts of slow messages; the worst at (s into the step: count, worst ms): ` +
      worst
        .sort((a, b) => a.at - b.at)
        .map((b) => `${((b.at - sends.startAt) / 1000).toFixed(2)}: ${b.count}, ${f1(b.worst)}`)
        .join(" · "),
  );
}
