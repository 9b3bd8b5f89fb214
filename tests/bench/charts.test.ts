// The bench's charts: each series a line through its points, in order along x, on the
// scale the chart asks for, with text escaped.
import { expect, test } from "bun:test";
import { renderChart } from "../../bench/lib/charts.ts";

/** The polyline of one series, as [x, y] pixel pairs. */
function line(svg: string, series: string): Array<[number, number]> {
  const group = svg.match(new RegExp(`<g data-series="${series}">([\\s\\S]*?)</g>`))?.[1] ?? "";
  const points = group.match(/points="([^"]+)"/)?.[1] ?? "";
  return points.split(" ").map((pair) => pair.split(",").map(Number) as [number, number]);
}

test("a latency chart on a log scale: a higher latency is drawn higher, the knee shows", () => {
  const svg = renderChart({
    id: "t",
    title: "Latency & load",
    x: "offered/s",
    y: "ms",
    logY: true,
    series: [
      {
        name: "baseline",
        baseline: true,
        points: [
          [1000, 1],
          [2000, 1.2],
          [4000, 1.5],
        ],
      },
      {
        name: "Parley",
        points: [
          [2000, 10],
          [1000, 2],
          [4000, 1000],
        ],
      },
    ],
  });
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg).toContain("Latency &amp; load");
  expect(svg).toContain("(log scale)");
  const parley = line(svg, "Parley");
  // Sorted by x: left to right.
  expect(parley.map(([x]) => x)).toEqual([...parley.map(([x]) => x)].sort((a, b) => a - b));
  // SVG's y grows downwards: 1,000 ms is above 10 ms, which is above 2 ms.
  const [at1000, at2000, at4000] = parley.map(([, y]) => y) as [number, number, number];
  expect(at4000).toBeLessThan(at2000);
  expect(at2000).toBeLessThan(at1000);
  // On a log axis, 1 → 10 and 10 → 100 are the same height.
  const baselineY = line(svg, "baseline")[0]?.[1] ?? 0;
  const decade = baselineY - at2000;
  const threeDecades = baselineY - (line(svg, "Parley")[2]?.[1] ?? 0);
  expect(threeDecades / decade).toBeCloseTo(3, 1);
});

test("points without a value are left out rather than drawn at zero", () => {
  const svg = renderChart({
    id: "t",
    title: "memory",
    x: "sockets",
    y: "MB",
    series: [
      {
        name: "Parley",
        points: [
          [0, 0],
          [100, Number.NaN],
          [200, 4],
        ],
      },
    ],
  });
  expect(line(svg, "Parley")).toHaveLength(2);
  expect(svg).not.toContain("NaN");
});
