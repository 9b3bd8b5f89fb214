// The performance budget of the web client: all of its JavaScript, as the production build
// emits it, under 100 KB gzipped (the page must start fast on a phone on a slow network).
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";

const ASSETS = join(import.meta.dir, "../../web/dist/assets");
const BUDGET_BYTES = 100 * 1024;

test("the production JavaScript is under 100 KB gzipped", async () => {
  // Builds only when the bundle is missing or older than its sources.
  await ensureWebBundle({ quiet: true });
  // vite empties web/dist on each build: every script here belongs to this build.
  const scripts = readdirSync(ASSETS).filter((name) => name.endsWith(".js"));
  expect(scripts.length).toBeGreaterThan(0);
  const sizes = scripts.map((name) => {
    const source = readFileSync(join(ASSETS, name));
    return { name, raw: source.byteLength, gzipped: Bun.gzipSync(source).byteLength };
  });
  const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
  if (total >= BUDGET_BYTES) console.error("JavaScript over budget:", sizes);
  expect(total).toBeLessThan(BUDGET_BYTES);
}, 120_000);
