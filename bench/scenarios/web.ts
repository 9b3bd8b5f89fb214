// Scenario 8: the web client in Debian's Chromium with a conversation of `messages` loaded
// (5,000 at full and quick scale): how long a live message takes from its socket frame to
// painted, over many samples. It runs `scripts/web-perf.ts` (a test server, a seeded
// conversation, a real browser; see that file for how a sample is taken) as a child
// process and reads its figures. No baseline: the target is absolute (issue 19: < 16 ms).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM_PATH } from "../../tests/helpers/browser.ts";
import { logTail, spawnWithFdLimit } from "../lib/processes.ts";
import type { BenchContext, ScenarioOutcome } from "../lib/report.ts";
import { count } from "../lib/stats.ts";

type WebFigures = {
  messages: number;
  samples: number;
  paintedMedian: number;
  paintedP95: number;
  workMedian: number;
  workP95: number;
  late: number;
  scrollFrameMedian: number;
  scrollFrameP95: number;
};

const GOAL = "a live message with 5,000 loaded: frame → painted, median < 16 ms";

export async function webClient(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { messages, samples } = ctx.scale.web;
  if (!existsSync(CHROMIUM_PATH)) {
    const why = `no Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\``;
    return {
      rows: [],
      notes: [`8 web: not run, ${why}`],
      targets: [{ scenario: "8 web", goal: GOAL, measured: why, met: false }],
    };
  }
  const out = join(ctx.workDir, "web-perf.json");
  const log = join(ctx.workDir, "web-perf.log");
  const child = spawnWithFdLimit(
    [process.execPath, "scripts/web-perf.ts", String(messages), String(samples), "--json", out],
    { log },
  );
  const code = await child.exited;
  if (code !== 0 || !existsSync(out)) {
    throw new Error(`scripts/web-perf.ts exited with ${code}\n${logTail(`${log}.err`)}`);
  }
  const f = JSON.parse(readFileSync(out, "utf8")) as WebFigures;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return {
    rows: [
      {
        scenario: "8 web",
        server: "parley",
        step: `live message, ${count(f.messages)} loaded`,
        throughput: `${f.samples} samples`,
        note:
          `frame → painted median ${ms(f.paintedMedian)}, p95 ${ms(f.paintedP95)}; work ${ms(f.workMedian)} / ` +
          `${ms(f.workP95)}; ${f.late} late; scroll frames ${ms(f.scrollFrameMedian)} / ${ms(f.scrollFrameP95)}`,
      },
    ],
    notes: [],
    targets: [
      {
        scenario: "8 web",
        goal: GOAL,
        measured: `median ${ms(f.paintedMedian)}, p95 ${ms(f.paintedP95)} (${f.samples} samples, ${count(f.messages)} loaded)`,
        met: f.messages >= 5000 ? f.paintedMedian < 16 : null,
      },
    ],
  };
}
