// Draws the charts of a saved bench run again: `bun run bench:charts RUN.json DIR`, where
// RUN.json was written by `bun run bench --json RUN.json`. The same SVGs as `--charts DIR`.
import { readFileSync } from "node:fs";
import { type Chart, writeCharts } from "./lib/charts.ts";

const [json, dir] = Bun.argv.slice(2);
if (!json || !dir) {
  console.error("usage: bun run bench:charts RUN.json DIR");
  process.exit(2);
}
const run = JSON.parse(readFileSync(json, "utf8")) as { charts?: Chart[] };
if (!run.charts?.length) {
  console.error(`${json} has no charts (written by a bench older than --charts?)`);
  process.exit(1);
}
for (const file of writeCharts(run.charts, dir)) console.log(file);
