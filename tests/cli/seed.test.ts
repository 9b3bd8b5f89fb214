// `parley seed` (`bun run seed`) as a developer runs it: a subprocess on a temporary database,
// twice, on each database of the run.

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { postJson, trpcClient } from "../helpers/client.ts";
import { databaseEnv, forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, tempDir } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

forEachDatabase((database) => {
  const dir = tempDir();
  let selected: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    selected = await databaseEnv(database);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await selected.drop();
  });

  function seed() {
    const result = Bun.spawnSync(["bun", "src/cli/parley.ts", "seed"], {
      env: {
        ...process.env,
        DATABASE_PATH: join(dir, "parley.db"),
        ...selected.env,
        NODE_ENV: "development",
        LOG_LEVEL: "silent",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
  }

  test("seeds users, rooms and conversations once, however often it runs", async () => {
    const first = seed();
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("password123");
    const second = seed();
    expect(second.code).toBe(0);
    expect(second.out).toContain("(0 new)");

    const server = await startTestServer(selected.env, { dir });
    try {
      const [counts] = await rawRows<Record<string, unknown>>(
        server.deps.database,
        `select (select count(*) from users) as users,
              (select count(*) from conversations where kind = 'room') as rooms,
              (select count(*) from conversations where kind = 'direct') as direct,
              (select count(*) from messages where kind = 'user') as messages`,
      );
      // PostgreSQL's counts come back as strings in raw SQL.
      expect(Object.fromEntries(Object.entries(counts ?? {}).map(([name, n]) => [name, Number(n)]))).toEqual({
        users: 5,
        rooms: 3,
        direct: 3,
        messages: 13,
      });

      // A seeded user logs in with the documented password and finds conversations.
      const login = await postJson(`${server.url}/api/auth/login`, { username: "alice", password: "password123" });
      expect(login.status).toBe(200);
      const alice = trpcClient(server.url, (await login.json()).token);
      const conversations = await alice.history.conversations.query();
      expect(conversations.map((c) => c.name ?? c.peer?.username).sort()).toEqual(
        ["bob", "book-club", "carol", "general", "random"].sort(),
      );
      expect(conversations.find((c) => c.peer?.username === "carol")).toMatchObject({ unread: 1 });
    } finally {
      await server.close();
    }
  });
});
