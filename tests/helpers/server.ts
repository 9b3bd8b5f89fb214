// Starts a real Parley server on 127.0.0.1 with a fresh SQLite file in a temp folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import type { Clock } from "../../src/deps.ts";
import { type RunningServer, startServer } from "../../src/server.ts";

export type TestServer = RunningServer & {
  dir: string;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
};

export function tempDir(prefix = "parley-test-") {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: { clock?: Clock; dir?: string } = {},
): Promise<TestServer> {
  const dir = options.dir ?? tempDir();
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_PATH: join(dir, "parley.db"),
    LOG_LEVEL: "silent",
    SEND_RATE: "0",
    ...env,
  });
  const running = await startServer(config, options);
  return {
    ...running,
    dir,
    async close() {
      await running.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock tests move by hand. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}
