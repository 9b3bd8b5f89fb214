import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

describe("/metrics without a token configured", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("serves Prometheus text with HTTP, socket, message, bus and memory series", async () => {
    const user = await signUp(server.url);
    await user.trpc.users.me.query();
    await fetch(`${server.url}/api/health`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain('parley_http_requests_total{method="POST",route="/api/auth/signup",status="201"} 1');
    expect(text).toContain('parley_http_requests_total{method="GET",route="trpc:users.me",status="200"} 1');
    expect(text).toContain('parley_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/api/health"}');
    expect(text).toContain("parley_websocket_open 0");
    expect(text).toContain("parley_messages_sent_total 0");
    expect(text).toContain('parley_bus_state{state="local"} 1');
    expect(text).toContain("parley_process_resident_memory_bytes");
  });

  test("unknown paths share one label instead of growing the series without end", async () => {
    await fetch(`${server.url}/trpc/no.such.procedure`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain("no.such.procedure");
    expect(text).toContain('route="trpc:other"');
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: "scrape-secret-123" });
  });
  afterAll(() => server.close());

  test("refuses a missing or wrong token with 401 and accepts the right one", async () => {
    const missing = await fetch(`${server.url}/metrics`);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe("UNAUTHORIZED");
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer scrape-secret-12" } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer scrape-secret-123" } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("parley_http_requests_total");
  });
});

describe("/metrics while people chat", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SEND_RATE: "0.5", SEND_BURST: "1" });
  });
  afterAll(() => server.close());

  const sample = async (name: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return Number(line?.split(" ")[1] ?? Number.NaN);
  };

  test("counts open sockets, sent and delivered messages, delivery latency and throttled sends", async () => {
    const [ann, bo] = [await signUp(server.url), await signUp(server.url)];
    const socket = await openSocket(server.url, bo.token);
    expect(await sample("parley_websocket_open")).toBe(1);

    const sent = await ann.trpc.history.send.mutate({ to: { userId: bo.user.id }, body: "hello" });
    await socket.next("message", (f) => f.message.id === sent.id);
    await expect(ann.trpc.history.send.mutate({ to: { userId: bo.user.id }, body: "too soon" })).rejects.toThrow();

    expect(await sample("parley_messages_sent_total")).toBe(1);
    expect(await sample("parley_sends_throttled_total")).toBe(1);
    expect(await sample("parley_message_delivery_latency_seconds_count")).toBe(1);
    expect(await sample('parley_frames_delivered_total{type="message"}')).toBe(1);

    socket.close();
    await socket.closed();
    // The server handles the close on its side a moment later: wait for it, bounded.
    for (let i = 0; i < 100 && (await sample("parley_websocket_open")) !== 0; i++) await Bun.sleep(10);
    expect(await sample("parley_websocket_open")).toBe(0);
  });
});
