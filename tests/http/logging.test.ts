// What an operator reads in the logs: health checks only at debug, and the request id
// of the x-request-id header on the access line and on every error line it caused.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { sqliteOf } from "../../src/db/client.ts";
import type { Deps } from "../../src/deps.ts";
import { buildDeps } from "../../src/server.ts";
import { signUp } from "../helpers/client.ts";
import { tempDir } from "../helpers/server.ts";

type Line = { level: number; msg: string; reqId?: string; path?: string; status?: number };
const DEBUG = 20;
const INFO = 30;
const ERROR = 50;

let dir = "";
let deps: Deps;
let app: ReturnType<typeof createApp>;
let url = "";
const lines: Line[] = [];

beforeAll(async () => {
  dir = tempDir();
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_PATH: join(dir, "parley.db"),
    LOG_LEVEL: "debug",
  });
  deps = await buildDeps(config);
  // The app's own log lines, kept in memory instead of stdout.
  deps.logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  app = createApp(deps);
  app.listen({ hostname: "127.0.0.1", port: 0 });
  url = `http://127.0.0.1:${app.server?.port}`;
});

afterAll(async () => {
  await app.stop(true);
  await deps.bus.close();
  await deps.presence.close();
  await deps.sendLimiter.close();
  rmSync(dir, { recursive: true, force: true });
});

const linesFor = (reqId: string) => lines.filter((l) => l.reqId === reqId);

async function waitForLine(predicate: (line: Line) => boolean): Promise<Line> {
  for (let i = 0; i < 200; i++) {
    const line = lines.find(predicate);
    if (line) return line;
    await Bun.sleep(10);
  }
  throw new Error("the log line never came");
}

test("a health check is logged at debug, other requests at info, both with the request id", async () => {
  const health = await fetch(`${url}/api/health`, { headers: { "x-request-id": "health-check-1" } });
  expect(health.headers.get("x-request-id")).toBe("health-check-1");
  expect((await waitForLine((l) => l.reqId === "health-check-1")).level).toBe(DEBUG);

  const page = await fetch(`${url}/api/docs/json`, { headers: { "x-request-id": "docs-1" } });
  expect(page.status).toBe(200);
  expect((await waitForLine((l) => l.reqId === "docs-1")).level).toBe(INFO);
});

test("a request id that is not a plain token is replaced, so a header cannot write into the logs", async () => {
  const response = await fetch(`${url}/api/health`, { headers: { "x-request-id": 'x", "level": 60, "forged": "yes' } });
  const id = response.headers.get("x-request-id") ?? "";
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await waitForLine((l) => l.reqId === id);
});

test("every error line carries the id of the request that caused it", async () => {
  const ada = await signUp(url, { username: "ada_logs" });
  // The storage fails under the running app: every route that reads it now errs.
  sqliteOf(deps.database).close(false);

  const trpc = await fetch(`${url}/trpc/users.me`, {
    headers: { authorization: `Bearer ${ada.token}`, "x-request-id": "trpc-fail-1" },
  });
  expect(trpc.status).toBe(500);
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": "login-fail-1" },
    body: JSON.stringify({ username: "ada_logs", password: ada.password }),
  });
  expect(login.status).toBe(500);

  for (const reqId of ["trpc-fail-1", "login-fail-1"]) {
    await waitForLine((l) => l.reqId === reqId && l.msg === "request");
    const errors = linesFor(reqId).filter((l) => l.level >= ERROR);
    expect({ reqId, errors: errors.length }).toEqual({ reqId, errors: 1 });
  }
  // And no error line anywhere without one.
  expect(lines.filter((l) => l.level >= ERROR && !l.reqId)).toEqual([]);
});
