// Scenario 6: from spawning `bun src/index.ts` to the first 200 from /api/health, on an
// empty database (created and migrated during start-up) and on the history database.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
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
  return {
    rows: [
      row("baseline", "empty db", baseline),
      row("parley", "empty db", empty),
      row("parley", `${count(db.messages)} msgs`, full),
    ],
    notes: [],
    targets: [
      {
        scenario: "6 cold start",
        goal: "< 300 ms (empty and 1,000,000-message database)",
        measured: `empty ${summarize(empty).p50.toFixed(0)} ms, ${count(db.messages)} msgs ${summarize(full).p50.toFixed(0)} ms (median)`,
        met: worst < 300,
      },
    ],
  };
}
