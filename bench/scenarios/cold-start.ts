// Scenario 6: from spawning `bun src/index.ts` to the first 200 from /api/health, on an
// empty database (created and migrated during start-up) and on the history database;
// then the same for the single-file executable of `bun run release` (what
// deploy/03-deploy-binary ships): one bundled, minified file with bytecode, which skips
// resolving and transpiling a few hundred modules at start. Each start also gives the
// server's resident memory once it has idled a second after the first 200: what a
// server costs before anyone connects.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildExecutable } from "../../scripts/release.ts";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";
import { anonRssBytes, rssBytes } from "../lib/proc.ts";
import { type ServerProcess, startBaseline, startParley } from "../lib/processes.ts";
import type { BenchContext, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, ratio, summarize } from "../lib/stats.ts";
import { ensureHistoryDb } from "./history.ts";

/** How long a started server idles before its resident memory is read. */
const IDLE_MS = 1000;

/** Each start's time to the first 200, and its RSS (and the anonymous part of it) in MB after idling. */
type Starts = { times: number[]; idleRss: number[]; idleAnon: number[] };

async function timeStarts(repeats: number, start: (i: number) => Promise<ServerProcess>): Promise<Starts> {
  const starts: Starts = { times: [], idleRss: [], idleAnon: [] };
  for (let i = 0; i < repeats; i++) {
    const server = await start(i);
    starts.times.push(server.startMs);
    await Bun.sleep(IDLE_MS);
    starts.idleRss.push(rssBytes(server.pid) / 1024 / 1024);
    starts.idleAnon.push(anonRssBytes(server.pid) / 1024 / 1024);
    await server.stop();
  }
  return starts;
}

const median = (values: number[]) => summarize(values).p50;

export async function coldStart(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { repeats } = ctx.scale.coldStart;
  const db = await ensureHistoryDb(ctx);
  const log = join(ctx.workDir, "parley-cold.log");
  const emptyDb = (i: number) => {
    const dir = join(ctx.workDir, `cold-${i}`);
    mkdirSync(dir, { recursive: true });
    return join(dir, "parley.db");
  };
  // One unmeasured start, so every measured one finds the same warm file-system cache.
  await (await startParley({ databasePath: emptyDb(-1), log })).stop();
  const empty = await timeStarts(repeats, (i) => startParley({ databasePath: emptyDb(i), log }));
  const full = await timeStarts(repeats, () => startParley({ databasePath: db.path, log }));
  // The executable embeds the web client: build it first if it is missing or stale.
  await ensureWebBundle({ quiet: true });
  const executable = join(ctx.workDir, "parley-executable");
  await buildExecutable("host", executable, { quiet: true });
  await (await startParley({ databasePath: emptyDb(-2), log, executable })).stop();
  const emptyExecutable = await timeStarts(repeats, (i) =>
    startParley({ databasePath: emptyDb(100 + i), log, executable }),
  );
  const fullExecutable = await timeStarts(repeats, () => startParley({ databasePath: db.path, log, executable }));
  const baseline = await timeStarts(repeats, (i) =>
    startBaseline({
      databasePath: join(ctx.workDir, `baseline-cold-${i}.db`),
      log: join(ctx.workDir, "baseline-cold.log"),
    }),
  );
  const base = summarize(baseline.times);
  const row = (server: string, step: string, starts: Starts): Row => {
    const summary = summarize(starts.times);
    return {
      scenario: "6 cold start",
      server,
      step,
      throughput: `${starts.times.length} starts`,
      latency: summary,
      vsBaseline: server === "baseline" ? undefined : `p50 ${ratio(summary.p50 / base.p50)}`,
      note: `spawn → first 200 /api/health; idle RSS ${median(starts.idleRss).toFixed(0)} MB (anon ${median(starts.idleAnon).toFixed(0)})`,
    };
  };
  const worst = Math.max(median(empty.times), median(full.times));
  const worstExecutable = Math.max(median(emptyExecutable.times), median(fullExecutable.times));
  const measured = (a: Starts, b: Starts) =>
    `empty ${median(a.times).toFixed(0)} ms, ${count(db.messages)} msgs ${median(b.times).toFixed(0)} ms (median)`;
  const idleRss = (starts: Starts) => median(starts.idleRss);
  return {
    rows: [
      row("baseline", "empty db", baseline),
      row("parley", "empty db", empty),
      row("parley", `${count(db.messages)} msgs`, full),
      row("parley executable", "empty db", emptyExecutable),
      row("parley executable", `${count(db.messages)} msgs`, fullExecutable),
    ],
    notes: [],
    targets: [
      {
        scenario: "6 cold start",
        goal: "< 300 ms from the sources (empty and 1,000,000-message database)",
        measured: measured(empty, full),
        met: worst < 300,
      },
      {
        scenario: "6 cold start",
        goal: "< 150 ms, the release executable (empty and 1,000,000-message database)",
        measured: measured(emptyExecutable, fullExecutable),
        met: worstExecutable < 150,
      },
      {
        scenario: "6 cold start",
        goal: "idle RSS after start ≤ 60 MB, empty database (the sources)",
        measured: `${idleRss(empty).toFixed(0)} MB, anon ${median(empty.idleAnon).toFixed(0)} (median; the baseline ${idleRss(baseline).toFixed(0)} MB)`,
        met: idleRss(empty) <= 60,
      },
      {
        scenario: "6 cold start",
        goal: "idle RSS after start ≤ 60 MB, empty database (the release executable)",
        measured: `${idleRss(emptyExecutable).toFixed(0)} MB, anon ${median(emptyExecutable.idleAnon).toFixed(0)} (median)`,
        met: idleRss(emptyExecutable) <= 60,
      },
    ],
  };
}
