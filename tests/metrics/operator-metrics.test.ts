// The metrics an operator reads, from a live server after real use: promtool (the
// Prometheus project's own checker) accepts the output, and each series says what
// happened: statement latency, WAL size, socket upgrades as 101 and closes by code,
// resume replays, login failures by reason, where presence and the send limit count,
// and which build runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import packageJson from "../../package.json" with { type: "json" };
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

let server: TestServer;
let text = "";

const sample = (series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return Number(line?.slice(series.length + 1) ?? Number.NaN);
};

beforeAll(async () => {
  server = await startTestServer({ SEND_RATE: "100", SEND_BURST: "100" });
  const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
  const wrong = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: ada.user.username, password: "not the password" }),
  });
  expect(wrong.status).toBe(401);

  const first = await openSocket(server.url, bob.token);
  const after = first.ready.lastMessageId;
  first.ws.close(1000, "done");
  expect((await first.closed()).code).toBe(1000);
  for (const body of ["one", "two", "three"]) {
    await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body });
  }
  const second = await openSocket(server.url, bob.token);
  second.send({ type: "resume", after });
  expect((await second.next("resumed")).count).toBe(3);
  second.ws.close(1000, "done");
  await second.closed();
  // The server counts a close when its handler has run: wait for both.
  for (let i = 0; i < 100; i++) {
    text = await (await fetch(`${server.url}/metrics`)).text();
    if (sample('parley_websocket_closes_total{code="1000"}') === 2) break;
    await Bun.sleep(20);
  }
});
afterAll(() => server.close());

describe("operator metrics", () => {
  test("promtool check metrics accepts the live output without a warning", () => {
    if (Bun.spawnSync(["sh", "-c", "command -v promtool"]).exitCode !== 0) {
      throw new Error("promtool is missing: apt-get install -y prometheus (Debian; .ci/run does it)");
    }
    const check = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: Buffer.from(text) });
    expect(check.stdout.toString() + check.stderr.toString()).toBe("");
    expect(check.exitCode).toBe(0);
  });

  test("socket upgrades count as 101, closes by code, resume replays and their messages", () => {
    expect(sample('parley_http_requests_total{method="GET",route="/ws",status="101"}')).toBe(2);
    expect(text).not.toContain('route="/ws",status="200"');
    expect(sample("parley_websocket_upgrades_total")).toBe(2);
    expect(sample('parley_websocket_closes_total{code="1000"}')).toBe(2);
    expect(sample("parley_resume_replays_total")).toBe(1);
    expect(sample("parley_resume_messages_total")).toBe(3);
  });

  test("a wrong password is a login failure with its reason", () => {
    expect(sample('parley_login_failures_total{reason="password"}')).toBe(1);
  });

  test("statement latency by kind and the WAL's size", () => {
    expect(sample('parley_db_statement_duration_seconds_count{kind="insert"}')).toBeGreaterThanOrEqual(3);
    expect(sample('parley_db_statement_duration_seconds_count{kind="select"}')).toBeGreaterThan(0);
    expect(sample("parley_db_wal_bytes")).toBeGreaterThan(0);
  });

  test("where presence and the send limit count, and which build runs", () => {
    expect(sample('parley_presence_state{state="local"}')).toBe(1);
    expect(sample('parley_send_limiter_backend{backend="memory"}')).toBe(1);
    expect(sample('parley_send_limiter_backend{backend="redis"}')).toBe(0);
    const build = text.split("\n").find((l) => l.startsWith("parley_build_info{")) ?? "";
    expect(build).toContain(`version="${packageJson.version}"`);
    expect(build).toContain(`bun="${Bun.version}"`);
    expect(build).toMatch(/commit="[0-9a-f]{7,40}|unknown"/);
    expect(build.endsWith("} 1")).toBe(true);
  });
});
