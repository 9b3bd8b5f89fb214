// Races between two processes on one database (a SQLite file, or one PostgreSQL database):
// both sides of a pair sending first, and one clientId retried through both instances at once.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { currentTestDatabase, databaseEnv, forEachDatabase, rawRows } from "../helpers/databases.ts";
import { freePort } from "../helpers/redis.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

forEachDatabase(() => {
  const dir = tempDir();
  let database: Awaited<ReturnType<typeof databaseEnv>>;
  let here: TestServer;
  let other: Subprocess;
  let otherUrl: string;

  beforeAll(async () => {
    database = await databaseEnv(currentTestDatabase());
    here = await startTestServer(database.env, { dir });
    const port = await freePort();
    otherUrl = `http://127.0.0.1:${port}`;
    other = spawn(["bun", "src/index.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_PATH: join(dir, "parley.db"),
        DATABASE_URL: database.env.DATABASE_URL ?? "",
        LOG_LEVEL: "silent",
        SEND_RATE: "0",
        REDIS_URL: "",
      },
      stdout: "ignore",
      stderr: "inherit",
    });
    // A start takes a fraction of a second on a quiet machine, many seconds on a loaded one.
    const giveUpAt = Date.now() + 45_000;
    for (;;) {
      const health = await fetch(`${otherUrl}/api/health`).catch(() => null);
      if (health?.ok) break;
      if (other.exitCode !== null) throw new Error(`the second instance exited with ${other.exitCode}`);
      if (Date.now() > giveUpAt) throw new Error("the second instance did not start within 45 s");
      await Bun.sleep(25);
    }
  }, 60_000);

  afterAll(async () => {
    other.kill("SIGTERM");
    await other.exited;
    await here.close();
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  /** The same user, talking to the other process. */
  const elsewhere = (user: TestUser) => trpcClient(otherUrl, user.token);

  const count = async (sql: string, ...params: number[]) =>
    (await rawRows<{ n: number }>(here.deps.database, sql, ...params))[0]?.n ?? -1;

  test("both sides sending first, through two processes, make one conversation per pair", async () => {
    const pairs = await Promise.all(
      Array.from(
        { length: 12 },
        async (): Promise<[TestUser, TestUser]> => [await signUp(here.url), await signUp(here.url)],
      ),
    );
    const sent = await Promise.all(
      pairs.flatMap(([a, b]) => [
        a.trpc.history.send.mutate({ to: { userId: b.user.id }, body: "here" }),
        elsewhere(b).history.send.mutate({ to: { userId: a.user.id }, body: "there" }),
      ]),
    );
    for (const [i, [a, b]] of pairs.entries()) {
      const conversationId = sent[2 * i]?.conversationId ?? 0;
      expect(sent[2 * i + 1]?.conversationId).toBe(conversationId);
      expect(
        await count("select cast(count(*) as integer) as n from members where conversation_id = ?", conversationId),
      ).toBe(2);
      const [view] = await a.trpc.history.conversations.query();
      expect(view).toMatchObject({ id: conversationId, peer: { id: b.user.id }, unread: 1 });
    }
    expect(await count("select cast(count(*) as integer) as n from conversations where kind = 'direct'")).toBe(
      pairs.length,
    );
    // 24 sign-ups (argon2id each) and 24 sends through two processes: slow on a loaded machine.
  }, 90_000);

  test("one clientId retried through both processes at once stores one message", async () => {
    const [ada, bob] = [await signUp(here.url), await signUp(here.url)];
    const input = { to: { userId: bob.user.id }, body: "exactly once", clientId: "dup-across" };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 ? ada.trpc.history.send.mutate(input) : elsewhere(ada).history.send.mutate(input),
      ),
    );
    expect(new Set(results.map((m) => m.id)).size).toBe(1);
    expect(await count("select cast(count(*) as integer) as n from messages where sender_id = ?", ada.user.id)).toBe(1);
  });
});
