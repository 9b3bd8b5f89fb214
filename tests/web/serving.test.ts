// Serving the web client: cache headers, security headers, the fallback to index.html for
// client-side routes, and the server's own paths never answered with the app.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Elysia } from "elysia";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";
import { webRoutes } from "../../src/http/web.ts";
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

describe("webRoutes on a bundle folder", () => {
  const dir = tempDir("parley-web-");
  const script = `console.log(${JSON.stringify("x".repeat(2000))});`;
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Parley</title>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), script);
  writeFileSync(join(dir, "favicon.svg"), "<svg/>");
  const secret = `${basename(dir)}-secret.txt`;
  writeFileSync(join(dir, "..", secret), "not for you");

  const app = new Elysia()
    .get("/api/health", () => ({ ok: true }))
    .get("/trpc/*", () => Response.json({ result: { data: "trpc" } }))
    .use(webRoutes({ dir }));
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.handle(new Request(`http://parley.test${path}`, { headers }));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(dir, "..", secret), { force: true });
  });

  test("hashed assets are immutable for a year, and gzipped when asked", async () => {
    const plain = await get("/assets/index-abc123.js");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-type")).toContain("javascript");
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await plain.text()).toBe(script);

    const zipped = await get("/assets/index-abc123.js", { "accept-encoding": "gzip, br" });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    const body = new Uint8Array(await zipped.arrayBuffer());
    expect(body.length).toBeLessThan(script.length);
    expect(new TextDecoder().decode(Bun.gunzipSync(body))).toBe(script);
  });

  test("a missing asset is a 404, not the app", async () => {
    const response = await get("/assets/index-gone.js");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).not.toContain("html");
  });

  test("no path escapes the bundle folder", async () => {
    for (const path of [`/assets/../../${secret}`, `/assets/%2e%2e/%2e%2e/${secret}`, `/..%2f${secret}`]) {
      const response = await get(path);
      expect(await response.text()).not.toContain("not for you");
    }
  });

  test("index.html: no-cache and the security headers", async () => {
    const response = await get("/", { host: "chat.example.com" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' ws://chat.example.com wss://chat.example.com");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });

  test("client-side routes fall back to index.html", async () => {
    for (const path of ["/c/12", "/people", "/login", "/admin?x=1"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<title>Parley</title>");
    }
  });

  test("files at the root of the bundle are served as themselves", async () => {
    const response = await get("/favicon.svg");
    expect(await response.text()).toBe("<svg/>");
    expect(response.headers.get("content-type")).toContain("svg");
  });

  test("server paths never get the app", async () => {
    expect(await (await get("/api/health")).json()).toEqual({ ok: true });
    expect(await (await get("/trpc/users.me")).json()).toEqual({ result: { data: "trpc" } });
    for (const path of ["/api/nope", "/ws/x", "/metrics/x", "/trpc"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    }
  });
});

describe("the real app with the web client in place", () => {
  let server: TestServer;
  beforeAll(async () => {
    await ensureWebBundle({ quiet: true });
    server = await startTestServer();
  }, 60_000);
  afterAll(() => server?.close());

  test("a tRPC GET query answers JSON, not index.html", async () => {
    const anonymous = await fetch(`${server.url}/trpc/users.me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toContain("application/json");

    const person = await signUp(server.url);
    const input = encodeURIComponent(JSON.stringify({ limit: 5 }));
    const response = await fetch(`${server.url}/trpc/users.list?input=${input}`, {
      headers: { authorization: `Bearer ${person.token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { items: unknown[] } } };
    expect(Array.isArray(body.result.data.items)).toBe(true);
  });

  test("the app, its assets and the API side by side", async () => {
    const page = await fetch(`${server.url}/rooms`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const html = await page.text();
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline scripts
    const script = await fetch(`${server.url}${asset}`);
    expect(script.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${server.url}/api/health`)).headers.get("content-type")).toContain("application/json");
    expect((await fetch(`${server.url}/api/unknown`)).status).toBe(404);
  });
});
