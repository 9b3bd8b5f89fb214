// The performance budget of the web client, as the production build emits it: the
// JavaScript a page loads to start (index.html's scripts and what they preload) under
// 100 KB gzipped, so it starts fast on a phone on a slow network. What is fetched on
// first need (the Markdown parser, the emoji data) is its own chunk with its own bound:
// it never holds up the first screen.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";

const DIST = join(import.meta.dir, "../../web/dist");
const ASSETS = join(DIST, "assets");
const START_BUDGET_BYTES = 100 * 1024;
const ON_DEMAND_CHUNK_BUDGET_BYTES = 100 * 1024;

const gzipped = (name: string) => Bun.gzipSync(readFileSync(join(ASSETS, name))).byteLength;

test("the JavaScript a page starts with is under 100 KB gzipped; each chunk loaded later under 100 KB", async () => {
  // Builds only when the bundle is missing or older than its sources.
  await ensureWebBundle({ quiet: true });
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const start = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1] as string);
  expect(start.length).toBeGreaterThan(0);
  // vite empties web/dist on each build: every script here belongs to this build.
  const onDemand = readdirSync(ASSETS).filter((name) => name.endsWith(".js") && !start.includes(name));

  const startSizes = start.map((name) => ({ name, gzipped: gzipped(name) }));
  const startTotal = startSizes.reduce((sum, s) => sum + s.gzipped, 0);
  if (startTotal >= START_BUDGET_BYTES) console.error("Start-up JavaScript over budget:", startSizes);
  expect(startTotal).toBeLessThan(START_BUDGET_BYTES);

  for (const name of onDemand) {
    const size = gzipped(name);
    if (size >= ON_DEMAND_CHUNK_BUDGET_BYTES) console.error("On-demand chunk over budget:", name, size);
    expect(size).toBeLessThan(ON_DEMAND_CHUNK_BUDGET_BYTES);
  }
}, 120_000);
