// Line charts of a bench run, as SVG files for docs/BENCHMARKS.md: latency against offered
// load (where the knee of each curve shows), memory against sockets. Written out by
// `bun run bench --charts DIR`, or again from a run's JSON by `bun bench/charts.ts`.
//
// Hand-written rather than a charting library: the libraries of the field (Vega, Chart.js,
// Plotly) render through a DOM or a canvas, which a Bun process has not; a few axes and
// polylines are a page of code, and the SVG is small, stable and diffable.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type ChartSeries = {
  name: string;
  /** [x, y] pairs; a pair with a missing (NaN) or, on a log axis, non-positive y is skipped. */
  points: Array<[number, number]>;
  /** The baseline's series are grey; Parley's are coloured. */
  baseline?: boolean;
  /** Dashed, in the colour of the series before it: its p50 beside a solid p99. */
  dashed?: boolean;
};

export type Chart = {
  /** The file's name, without `.svg`. */
  id: string;
  title: string;
  x: string;
  y: string;
  logY?: boolean;
  series: ChartSeries[];
};

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { top: 48, right: 180, bottom: 52, left: 72 };
const PARLEY_COLOURS = ["#4f46e5", "#db2777", "#059669", "#d97706"];
const BASELINE_COLOURS = ["#6b7280", "#a8a29e"];

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A round step giving about `count` ticks from 0 to `max`. */
function niceStep(max: number, count = 5): number {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * magnitude;
}

function label(value: number): string {
  if (value >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${+(value / 1000).toFixed(0)}k`;
  if (value >= 1000) return `${+(value / 1000).toFixed(1)}k`;
  return String(+value.toPrecision(3));
}

export function renderChart(chart: Chart): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const usable = (y: number) => Number.isFinite(y) && (!chart.logY || y > 0);
  const series = chart.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && usable(y)).sort((a, b) => a[0] - b[0]),
  }));
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xStep = niceStep(Math.max(1, ...xs));
  const xMax = Math.ceil(Math.max(1, ...xs) / xStep) * xStep;
  let yTicks: number[];
  let yOf: (y: number) => number;
  if (chart.logY) {
    const low = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
    const high = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
    yTicks = [];
    for (let tick = low; tick <= high * 1.0001; tick *= 10) yTicks.push(tick);
    const span = Math.log10(high) - Math.log10(low);
    yOf = (y) => MARGIN.top + plotHeight - ((Math.log10(y) - Math.log10(low)) / span) * plotHeight;
  } else {
    const yStep = niceStep(Math.max(1, ...ys));
    const yMax = Math.ceil(Math.max(1, ...ys) / yStep) * yStep;
    yTicks = [];
    for (let tick = 0; tick <= yMax * 1.0001; tick += yStep) yTicks.push(tick);
    yOf = (y) => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
  }
  const xOf = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
  const xTicks: number[] = [];
  for (let tick = 0; tick <= xMax * 1.0001; tick += xStep) xTicks.push(tick);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" ` +
      `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="600" fill="#111827">${escapeXml(chart.title)}</text>`,
  );
  for (const tick of yTicks) {
    const y = yOf(tick).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#4b5563">${label(tick)}</text>`,
    );
  }
  for (const tick of xTicks) {
    const x = xOf(tick).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 4}" stroke="#9ca3af"/>`,
      `<text x="${x}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle" fill="#4b5563">${label(tick)}</text>`,
    );
  }
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#9ca3af"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle" fill="#111827">${escapeXml(chart.x)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#111827">` +
      `${escapeXml(chart.y)}${chart.logY ? " (log scale)" : ""}</text>`,
  );
  let parley = 0;
  let baseline = 0;
  let previous = "";
  series.forEach((s, index) => {
    const colour =
      s.dashed && previous
        ? previous
        : s.baseline
          ? (BASELINE_COLOURS[baseline++ % BASELINE_COLOURS.length] as string)
          : (PARLEY_COLOURS[parley++ % PARLEY_COLOURS.length] as string);
    previous = colour;
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const points = s.points.map(([x, y]) => `${xOf(x).toFixed(1)},${yOf(y).toFixed(1)}`);
    out.push(`<g data-series="${escapeXml(s.name)}">`);
    if (points.length > 1)
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(" ")}"/>`);
    for (const point of points) {
      const [x, y] = point.split(",");
      out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${colour}"/>`);
    }
    out.push("</g>");
    const legendY = MARGIN.top + 8 + index * 20;
    const legendX = MARGIN.left + plotWidth + 16;
    out.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY}" dominant-baseline="middle" fill="#111827">${escapeXml(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Writes each chart as `<dir>/<id>.svg`; returns the files written. */
export function writeCharts(charts: readonly Chart[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return charts.map((chart) => {
    const file = join(dir, `${chart.id}.svg`);
    writeFileSync(file, renderChart(chart));
    return file;
  });
}
