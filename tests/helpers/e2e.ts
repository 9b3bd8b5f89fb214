// The setup of a browser test file: what it serves (a server, two, and whatever they need)
// and a Chromium, started together before the tests of the enclosing block (the file, or
// a forEachDatabase block: its servers then use that block's database) and closed after.
// Call it before the file's own beforeAll, which then finds them started.
import { afterAll, beforeAll } from "bun:test";
import { rmSync } from "node:fs";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import { currentTestDatabase, databaseEnv, rawRows } from "./databases.ts";
import { startTestServer, type TestServer, tempDir } from "./server.ts";

type Closable = { close(): unknown };

/** Bound for starting a server (its migrations) and Chromium on a loaded machine. */
const START_TIMEOUT_MS = 90_000;

/**
 * Starts what `start` returns beside a Chromium before the block's tests; after them closes
 * the browser, then each of those in the reverse of their order in the object. The object
 * returned is filled by then; a test may replace one of its parts (a restarted server):
 * the one there at the end is closed.
 */
export function withBrowser<T extends Record<string, Closable>>(start: () => Promise<T>): T & { browser: Browser } {
  const started = {} as T & { browser: Browser };
  beforeAll(async () => {
    const [parts, browser] = await Promise.allSettled([start(), launchBrowser()]);
    if (parts.status === "fulfilled") Object.assign(started, parts.value);
    if (browser.status === "fulfilled") started.browser = browser.value;
    if (parts.status === "rejected") throw parts.reason;
    if (browser.status === "rejected") throw browser.reason;
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    const { browser, ...parts } = started as Partial<T> & { browser?: Browser };
    await browser?.close();
    for (const part of Object.values(parts).reverse()) {
      if (typeof (part as Partial<Closable> | undefined)?.close === "function") await (part as Closable).close();
    }
  });
  return started;
}

/** One server (`startTestServer(env, options)`) and a Chromium, for the block's tests. */
export function serverAndBrowser(
  env: Record<string, string> = {},
  options: Parameters<typeof startTestServer>[1] = {},
): { server: TestServer; browser: Browser } {
  return withBrowser(async () => ({ server: await startTestServer(env, options) }));
}

/**
 * One server whose data outlives it (its SQLite file, or its PostgreSQL database) and a
 * Chromium: `stopServer()` stops it, `startServer()` starts another on the same port and
 * data, as a restart of the process would.
 */
export function restartableServerAndBrowser(env: Record<string, string> = {}) {
  let dir = "";
  let shared: Record<string, string> = {};
  let port = 0;
  const started = withBrowser(async () => {
    dir = tempDir("parley-restart-");
    const database = await databaseEnv(currentTestDatabase());
    shared = { ...database.env, ...env };
    const data = {
      async close() {
        rmSync(dir, { recursive: true, force: true });
        await database.drop();
      },
    };
    return { data, server: await startTestServer(shared, { dir }) };
  });
  return Object.assign(started, {
    async stopServer() {
      port = started.server.port;
      await started.server.close();
    },
    async startServer() {
      started.server = await startTestServer({ ...shared, PORT: String(port) }, { dir });
    },
  });
}

/**
 * The bodies of what `username` sent, as the server's database holds them, in stored
 * order ("drain …" messages, which a test sends to empty a queue, left out).
 */
export async function storedBodiesFrom(server: TestServer, username: string): Promise<string[]> {
  const rows = await rawRows<{ body: string }>(
    server.deps.database,
    "select m.body from messages m join users u on u.id = m.sender_id where u.username = ? and m.body not like 'drain %' order by m.id",
    username,
  );
  return rows.map((row) => row.body);
}
