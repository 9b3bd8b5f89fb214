// Attacks on the HTTP layer, each refused before it costs anything: deeply nested and
// oversized bodies, form posts from other sites (login CSRF), unbounded tRPC batches.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { postJson, signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("request bodies", () => {
  test("a deeply nested body on an open route does not hold up another user's requests", async () => {
    const bob = await signUp(server.url);
    // ~50 KB nested 25,000 levels: it used to take seconds to refuse, during which every
    // other request waited (the cost grew with the square of the depth).
    const attack = nested(25_000);
    const refusals: number[] = [];
    let attacking = true;
    const attacker = (async () => {
      while (attacking && refusals.length < 200) {
        refusals.push((await postJson(`${server.url}/api/auth/login`, attack)).status);
      }
    })();
    // Bob keeps working while the attack runs, until it has been refused 20 times.
    const latencies: number[] = [];
    while (refusals.length < 20 && latencies.length < 2000) {
      const started = performance.now();
      expect((await bob.trpc.users.me.query()).id).toBe(bob.user.id);
      const latency = performance.now() - started;
      latencies.push(latency);
      // Milliseconds when the attack is refused at once; seconds when it is not. The
      // bound is generous for a loaded machine.
      if (latency > 1500) break;
    }
    attacking = false;
    await attacker;
    expect(Math.max(...latencies)).toBeLessThan(1500);
    expect(refusals.length).toBeGreaterThanOrEqual(20);
    expect(new Set(refusals)).toEqual(new Set([413]));
  });

  test("nesting beyond 16 levels is refused with BAD_REQUEST on /api and /trpc alike", async () => {
    const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    const login = await postJson(`${server.url}/api/auth/login`, nested(100));
    expect(login.status).toBe(400);
    expect((await login.json()).error.message).toContain("nests deeper");
    const send = await postJson(
      `${server.url}/trpc/history.send`,
      { to: { userId: 1 }, body: "hi", extra: JSON.parse(nested(40)) },
      { authorization: `Bearer ${ada.token}` },
    );
    expect(send.status).toBe(400);
    expect(JSON.stringify(await send.json())).toContain("nests deeper");
    // Brackets inside strings are text, not nesting.
    const brackets = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "[".repeat(100) });
    expect(brackets.body).toBe("[".repeat(100));
  });

  test("signup and login bodies are limited to 4 KiB (413)", async () => {
    const response = await postJson(`${server.url}/api/auth/login`, { username: "a", password: "x".repeat(5000) });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("login CSRF", () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  test("signup and login accept only application/json (415 for forms and text)", async () => {
    const ada = await signUp(server.url);
    const credentials = { username: ada.user.username, password: ada.password };
    const urlencoded = await fetch(`${server.url}/api/auth/login`, { method: "POST", body: form(credentials) });
    expect(urlencoded.status).toBe(415);
    expect(urlencoded.headers.get("set-cookie")).toBeNull();
    expect((await urlencoded.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const multipart = new FormData();
    for (const [k, v] of Object.entries(credentials)) multipart.set(k, v);
    const multi = await fetch(`${server.url}/api/auth/login`, { method: "POST", body: multipart });
    expect(multi.status).toBe(415);
    const plain = await fetch(`${server.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ ...credentials, email: "x@example.com", firstName: "X", lastName: "Y" }),
    });
    expect(plain.status).toBe(415);
  });

  test("a state-changing request from another site's page is refused (403) on /api and /trpc", async () => {
    const ada = await signUp(server.url);
    const credentials = { username: ada.user.username, password: ada.password };
    const login = `${server.url}/api/auth/login`;
    const foreign = await postJson(login, credentials, { origin: "https://evil.example.net" });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("set-cookie")).toBeNull();
    expect((await postJson(login, credentials, { origin: "null" })).status).toBe(403);
    expect((await postJson(login, credentials, { "sec-fetch-site": "cross-site" })).status).toBe(403);

    const send = (headers: Record<string, string>) =>
      postJson(
        `${server.url}/trpc/history.send`,
        { to: { userId: ada.user.id }, body: "hi" },
        { authorization: `Bearer ${ada.token}`, ...headers },
      );
    expect((await send({ origin: "https://evil.example.net" })).status).toBe(403);
    expect((await send({ "sec-fetch-site": "cross-site", origin: server.url })).status).toBe(403);
    const multipart = await fetch(`${server.url}/trpc/history.send`, {
      method: "POST",
      headers: { authorization: `Bearer ${ada.token}` },
      body: new FormData(),
    });
    expect(multipart.status).toBe(415);

    // The app's own pages, and clients that send no Origin, still work.
    expect((await postJson(login, credentials, { origin: server.url, "sec-fetch-site": "same-origin" })).status).toBe(
      200,
    );
    expect((await postJson(login, credentials)).status).toBe(200);
  });

  test("an origin listed in ALLOWED_ORIGINS may call the API", async () => {
    const allowing = await startTestServer({ ALLOWED_ORIGINS: "https://chat.example.com" });
    try {
      const ada = await signUp(allowing.url);
      const response = await postJson(
        `${allowing.url}/api/auth/login`,
        { username: ada.user.username, password: ada.password },
        { origin: "https://chat.example.com", "sec-fetch-site": "cross-site" },
      );
      expect(response.status).toBe(200);
    } finally {
      await allowing.close();
    }
  });
});

describe("tRPC batches", () => {
  test("a batch of more than 20 calls is refused and none of it runs", async () => {
    const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    const batch = (n: number) =>
      postJson(
        `${server.url}/trpc/${Array(n).fill("history.send").join(",")}?batch=1`,
        Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { to: { userId: bob.user.id }, body: `m${i}` }])),
        { authorization: `Bearer ${ada.token}` },
      );
    const huge = await batch(1000);
    expect(huge.status).toBe(400);
    const history = await ada.trpc.history.messages.query({ peerId: bob.user.id });
    expect(history.items).toHaveLength(0);
    const fine = await batch(20);
    expect(fine.status).toBe(200);
    expect((await ada.trpc.history.messages.query({ peerId: bob.user.id, limit: 100 })).items).toHaveLength(20);
  });
});

describe("security headers", () => {
  test("every response carries nosniff, a frame ban and a CSP: JSON, errors, tRPC, metrics", async () => {
    const ada = await signUp(server.url);
    const responses = [
      await fetch(`${server.url}/api/health`),
      await fetch(`${server.url}/api/nothing-here`),
      await postJson(`${server.url}/api/auth/login`, { username: "nobody", password: "wrong password" }),
      await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${ada.token}` } }),
      await fetch(`${server.url}/trpc/users.me`),
      await fetch(`${server.url}/metrics`),
    ];
    for (const response of responses) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
    }
  });
});
