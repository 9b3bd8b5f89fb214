// Scenario 6: from spawning `bun src/index.ts` to the first 200 from /api/health, on an
// empty database (created and migrated during start-up) and on the history database;
// then the same for the single-file executable of `bun run release` (what
// deploy/03-deploy-binary ships): one bundled, minified file with bytecode, which skips
// resolving and transpiling a few hundred modules at start.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildExecutable } from "../../scripts/release.ts";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";
import { type ServerProcess, startBaseline, startParley } from "../lib/processes.ts";
import type { BenchContext, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, ratio, summarize } from "../lib/stats.ts";
import { ensureHistoryDb } from "./history.ts";

async function timeStarts(repeats: number, start: (i: number) => Promise<ServerProcess>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const server = await start(i);
    times.push(server.startMs);
    await server.stop();
  }
  return times;
}

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
  const base = summarize(baseline);
  const row = (server: string, step: string, times: number[]): Row => {
    const summary = summarize(times);
    return {
      scenario: "6 cold start",
      server,
      step,
      throughput: `${times.length} starts`,
      latency: summary,
      vsBaseline: server === "baseline" ? undefined : `p50 ${ratio(summary.p50 / base.p50)}`,
      note: "spawn → first 200 /api/health",
    };
  };
  const worst = Math.max(summarize(empty).p50, summarize(full).p50);
  const worstExecutable = Math.max(summarize(emptyExecutable).p50, summarize(fullExecutable).p50);
  const measured = (a: number[], b: number[]) =>
    `empty ${summarize(a).p50.toFixed(0)} ms, ${count(db.messages)} msgs ${summarize(b).p50.toFixed(0)} ms (median)`;
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
    ],
  };
}
