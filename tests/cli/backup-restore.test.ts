// `parley backup` and `parley restore` as an operator runs them, beside a live server.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signUp } from "../helpers/client.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const run = (args: string[]) =>
  Bun.spawnSync(["bun", "src/cli/parley.ts", ...args], {
    env: { ...process.env, DATABASE_PATH: join(server.dir, "parley.db"), NODE_ENV: "test" },
    stdout: "pipe",
    stderr: "pipe",
  });

test("backup copies the live database; restore brings it back while the server runs", async () => {
  const before = await signUp(server.url, { username: "kept_user" });
  const room = await before.trpc.rooms.create.mutate({ name: "Backed up" });
  const kept = await before.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "kept pelican" });
  const file = join(server.dir, "backups", "one.db");
  const backup = run(["backup", file]);
  expect(backup.stderr.toString()).toBe("");
  expect(backup.exitCode).toBe(0);
  expect(existsSync(file)).toBe(true);

  const after = await signUp(server.url, { username: "made_after_backup" });
  await before.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "lost pelican" });
  const restore = run(["restore", file]);
  expect(restore.stderr.toString()).toBe("");
  expect(restore.exitCode).toBe(0);

  // The running server sees the restored data: the later account is gone, the earlier works.
  expect((await before.trpc.users.me.query()).username).toBe("kept_user");
  await expect(after.trpc.users.me.query()).rejects.toThrow();
  // The search index follows the restored messages (it is not copied: the triggers rebuild it).
  const found = await before.trpc.search.messages.query({ query: "pelican" });
  expect(found.hits.map((h) => h.messageId)).toEqual([kept.id]);
  const check = server.deps.database.sqlite.query(
    "insert into messages_fts(messages_fts, rank) values ('integrity-check', 1)",
  );
  expect(() => check.run()).not.toThrow();
});

test("backup refuses to overwrite, restore refuses a file that is not a Parley database", () => {
  const file = join(server.dir, "exists.db");
  writeFileSync(file, "not a database");
  const backup = run(["backup", file]);
  expect(backup.exitCode).toBe(1);
  expect(backup.stderr.toString()).toContain("exists already");
  const restore = run(["restore", file]);
  expect(restore.exitCode).toBe(1);
  expect(restore.stderr.toString()).toContain("restore failed");
  expect(run(["backup"]).exitCode).toBe(2);
});
