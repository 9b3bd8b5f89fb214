// /api/docs runs no third-party script: the reader comes from the project's pinned
// dependency, under a CSP that allows only this origin's scripts; off in production
// unless API_DOCS=true.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

let development: TestServer;
let production: TestServer;
beforeAll(async () => {
  development = await startTestServer({ NODE_ENV: "development" });
  production = await startTestServer({ NODE_ENV: "production", JWT_SECRET: "d".repeat(40) });
});
afterAll(() => Promise.all([development.close(), production.close()]));

describe("/api/docs", () => {
  test("loads its reader from this origin only, under a CSP that forbids other scripts", async () => {
    const page = await fetch(`${development.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src.startsWith("/")).toBe(true);
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com|@latest/);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");

    const reader = await fetch(`${development.url}${scripts[0]}`);
    expect(reader.status).toBe(200);
    expect(reader.headers.get("content-type")).toContain("javascript");
    expect((await reader.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${development.url}/api/docs/json`)).status).toBe(200);
  });

  test("is off in production by default, and API_DOCS switches it", async () => {
    expect((await fetch(`${production.url}/api/docs`)).status).toBe(404);
    const switchedOff = await startTestServer({ API_DOCS: "false" });
    const switchedOn = await startTestServer({ NODE_ENV: "production", JWT_SECRET: "d".repeat(40), API_DOCS: "true" });
    try {
      expect((await fetch(`${switchedOff.url}/api/docs`)).status).toBe(404);
      expect((await fetch(`${switchedOn.url}/api/docs`)).status).toBe(200);
    } finally {
      await Promise.all([switchedOff.close(), switchedOn.close()]);
    }
  });
});
