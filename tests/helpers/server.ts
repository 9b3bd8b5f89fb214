// Starts a real Parley server on 127.0.0.1 with a fresh SQLite file in a temp folder, or a
// fresh PostgreSQL database of the run's cluster (`database: "postgres"`, databases.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { currentTestDatabase, databaseEnv, type TestDatabase } from "./databases.ts";

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
  options: { clock?: Clock; dir?: string; database?: TestDatabase } = {},
): Promise<TestServer> {
  const dir = options.dir ?? tempDir();
  // A DATABASE_URL given by the caller (startTwoInstances) is the caller's to drop.
  const database = await databaseEnv(env.DATABASE_URL ? "sqlite" : (options.database ?? currentTestDatabase()));
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_PATH: join(dir, "parley.db"),
    LOG_LEVEL: "silent",
    SEND_RATE: "0",
    // Test files sign many people up from 127.0.0.1; the throttle's own tests set it.
    SIGNUP_LIMIT: "0",
    ...database.env,
    ...env,
  });
  const running = await startServer(config, options);
  return {
    ...running,
    dir,
    async close() {
      await running.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

export type TwoInstances = {
  a: TestServer;
  b: TestServer;
  dir: string;
  /** The environment both were started with (the database's URL on PostgreSQL): for a third one. */
  env: Record<string, string>;
  close(): Promise<void>;
};

/**
 * Two instances sharing one database (a SQLite file in a temp folder, or one PostgreSQL
 * database), as behind nginx. Started one after the other: the first one migrates it.
 */
export async function startTwoInstances(
  env: Record<string, string> = {},
  /** `envOfB`: what the second one is started with beside `env` (another REDIS_URL, say). */
  options: { clock?: Clock; database?: TestDatabase; envOfB?: Record<string, string> } = {},
): Promise<TwoInstances> {
  const dir = tempDir();
  const database = await databaseEnv(options.database ?? currentTestDatabase());
  const shared = { ...database.env, ...env };
  const a = await startTestServer(shared, { clock: options.clock, dir });
  const b = await startTestServer({ ...shared, ...options.envOfB }, { clock: options.clock, dir }).catch(
    async (error) => {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
      throw error;
    },
  );
  return {
    a,
    b,
    dir,
    env: shared,
    async close() {
      await Promise.all([a.close(), b.close()]);
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
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
