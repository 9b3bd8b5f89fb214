// Graceful shutdown of a real process: SIGTERM closes every socket with 1001 (going away,
// reconnect elsewhere and resume) and the process exits 0 within the contract's 10 s.

import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "bun";
import { signUp } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { freePort } from "../helpers/redis.ts";
import { startTestServer, tempDir } from "../helpers/server.ts";
import { openSocket } from "../helpers/ws.ts";

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startProcess(signal: "SIGTERM" | "SIGINT") {
  const port = await freePort();
  const child = spawn(["bun", join(import.meta.dir, "../../src/index.ts")], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_PATH: join(dir, `${signal}.db`),
      LOG_LEVEL: "silent",
      SEND_RATE: "0",
      REDIS_URL: "",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${url}/api/health`).catch(() => null))?.status === 200,
    "the server to listen",
  );
  return { child, url };
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} closes every socket with 1001 and exits 0 within 10 s`, async () => {
    const { child, url } = await startProcess(signal);
    try {
      const [ada, bob] = await Promise.all([signUp(url), signUp(url)]);
      const sockets = await Promise.all([
        openSocket(url, ada.token),
        openSocket(url, ada.token),
        openSocket(url, bob.token),
      ]);
      child.kill(signal);
      for (const socket of sockets) expect((await socket.closed(10_000)).code).toBe(1001);
      const exitCode = await Promise.race([child.exited, Bun.sleep(10_000).then(() => "still running")]);
      expect(exitCode).toBe(0);
      // It no longer accepts anything.
      expect(
        await fetch(`${url}/api/health`).then(
          () => "answered",
          () => "refused",
        ),
      ).toBe("refused");
    } finally {
      child.kill("SIGKILL");
    }
  });
}

test("a request in flight when the server stops still completes, and its message is stored", async () => {
  const server = await startTestServer();
  try {
    const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const body = JSON.stringify({ to: { userId: bob.user.id }, body: "sent while the server stops" });
    const half = Math.floor(body.length / 2);
    let answer = "";
    const answered = Promise.withResolvers<string>();
    // A raw connection, so that the request can be held half-sent: its headers are in,
    // its body is not, when stop() begins.
    const connection = await Bun.connect({
      hostname: "127.0.0.1",
      port: server.port,
      socket: {
        data(_socket, chunk) {
          answer += chunk.toString();
        },
        close() {
          answered.resolve(answer);
        },
      },
    });
    connection.write(
      `POST /trpc/history.send HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `Authorization: Bearer ${ada.token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    const bunServer = server.app.server;
    if (!bunServer) throw new Error("the server is not listening");
    await eventually(() => bunServer.pendingRequests > 0, "the request to be in flight");

    const stopped = server.stop();
    connection.write(body.slice(half));
    const response = await answered.promise;
    await stopped;

    expect(response).toStartWith("HTTP/1.1 200");
    expect(response).toContain("sent while the server stops");
    const stored = new Database(join(server.dir, "parley.db"), { readonly: true });
    expect(stored.query("select body from messages").all()).toEqual([{ body: "sent while the server stops" }]);
    stored.close();
  } finally {
    await server.close();
  }
});
