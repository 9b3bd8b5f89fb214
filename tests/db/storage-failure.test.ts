// When the database stops taking writes (here: full, through SQLite's max_page_count on
// the server's own connection — the suite runs as root, which file permissions do not
// stop), sends answer 503 with a retry hint instead of 500 "disk I/O error", health says
// so, /metrics counts it, and everything recovers once writes work again. And a bug's
// message never reaches the client: "Internal error" with the request id of its log line.

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { sqliteOf } from "../../src/db/client.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

const clock = fakeClock(Date.now());
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: "production", JWT_SECRET: "p".repeat(40) }, { clock });
});
afterAll(() => server.close());

const health = async () => {
  const response = await fetch(`${server.url}/api/health`);
  return { status: response.status, body: await response.json() };
};

describe("storage failure", () => {
  test("sends answer 503 with Retry-After, health reports the failing write path, /metrics counts; then it recovers", async () => {
    const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    const send = (body: string) =>
      postJson(
        `${server.url}/trpc/history.send`,
        { to: { userId: bob.user.id }, body },
        { authorization: `Bearer ${ada.token}` },
      );
    expect((await send("before")).status).toBe(200);
    expect((await health()).body.db).toBe("ok");

    const sqlite = sqliteOf(server.deps.database);
    const { page_count } = sqlite.query<{ page_count: number }, []>("pragma page_count").get() ?? { page_count: 0 };
    sqlite.exec(`pragma max_page_count = ${page_count}`);
    let refused: Response | null = null;
    for (let i = 0; i < 50 && !refused; i++) {
      const response = await send("x".repeat(4000));
      if (response.status !== 200) refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get("retry-after")).toBe("5");
    const answer = await refused?.json();
    expect(answer.error.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(answer.error.message).not.toMatch(/disk|full|SQLITE/i);

    const failing = await health();
    expect(failing.status).toBe(503);
    expect(failing.body).toMatchObject({ ok: false, db: "failing" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const counted = Number(metrics.match(/^parley_storage_failures_total (\d+)/m)?.[1] ?? 0);
    expect(counted).toBeGreaterThanOrEqual(1);

    // Writable again: sends work at once, health once the failure is 30 s old.
    sqlite.exec("pragma max_page_count = 4294967294");
    expect((await send("after")).status).toBe(200);
    clock.advance(31_000);
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ ok: true, db: "ok" }) });
  });
});

describe("a bug's details", () => {
  test("a 500 says 'Internal error' with the request id the log line carries, never the raw message", async () => {
    const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    const logged = spyOn(server.deps.logger, "error");
    // A bug: the table the send writes to is gone.
    sqliteOf(server.deps.database).exec("alter table messages rename to messages_elsewhere");
    try {
      const response = await postJson(
        `${server.url}/trpc/history.send`,
        { to: { userId: bob.user.id }, body: "hello" },
        { authorization: `Bearer ${ada.token}` },
      );
      expect(response.status).toBe(500);
      const answer = await response.json();
      expect(answer.error.message).toBe("Internal error");
      expect(JSON.stringify(answer)).not.toContain("messages");
      expect(answer.error.data.stack).toBeUndefined();
      const requestId = answer.error.data.requestId;
      expect(requestId).toBe(response.headers.get("x-request-id"));
      const line = logged.mock.calls.find(([fields]) => (fields as { reqId?: string }).reqId === requestId);
      expect(line).toBeDefined();
      expect(String(((line?.[0] ?? {}) as { err?: Error }).err?.message)).toContain("messages");
    } finally {
      sqliteOf(server.deps.database).exec("alter table messages_elsewhere rename to messages");
      logged.mockRestore();
    }
  });
});
