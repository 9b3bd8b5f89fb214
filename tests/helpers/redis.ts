// Starts a real redis-server on a free loopback port for one test file, and stops it.

import { createServer } from "node:net";
import { type Subprocess, spawn, spawnSync } from "bun";

export type TestRedis = {
  url: string;
  port: number;
  /** Stops the server (for outage tests); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

function requireRedisServer() {
  const found = spawnSync(["sh", "-c", "command -v redis-server"]).exitCode === 0;
  if (!found) {
    throw new Error(
      "redis-server is not installed: the cross-instance tests need a real one. " +
        "Install it with `apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis`.",
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitForPing(port: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const socket = await Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: { data() {}, open() {}, error() {} },
      });
      socket.end();
      return;
    } catch {
      await Bun.sleep(25);
    }
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

export async function startRedis(): Promise<TestRedis> {
  requireRedisServer();
  const port = await freePort();
  let process: Subprocess | null = null;
  const start = async () => {
    process = spawn(
      ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdout: "ignore", stderr: "ignore" },
    );
    await waitForPing(port);
  };
  const stop = async () => {
    const running = process;
    process = null;
    if (!running) return;
    running.kill("SIGKILL");
    await running.exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, close: stop };
}
