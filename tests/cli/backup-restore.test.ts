// `parley backup` and `parley restore` as an operator runs them, beside a live server, on
// each database of the run (with DATABASE_URL: pg_dump and pg_restore).

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sqliteOf } from "../../src/db/client.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { download, png, uploaded } from "../helpers/files.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

// Each test runs the command as subprocesses; the preload's default reaches only the first file of a run.
setDefaultTimeout(60_000);

forEachDatabase((database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** The command with the settings of `target`'s database and files, as its operator has them. */
  const run = (args: string[], target = server) => {
    const { databasePath, databaseUrl, fileStorage } = target.deps.config;
    const files = fileStorage.kind === "local" ? { FILES_PATH: fileStorage.path } : {};
    return Bun.spawnSync(["bun", "src/cli/parley.ts", ...args], {
      env: {
        ...process.env,
        DATABASE_PATH: databasePath,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...files,
        NODE_ENV: "test",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
  };

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
    if (database === "sqlite") {
      const check = sqliteOf(server.deps.database).query(
        "insert into messages_fts(messages_fts, rank) values ('integrity-check', 1)",
      );
      expect(() => check.run()).not.toThrow();
    }
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

  test("uploaded files go into FILE.files/ and come back with a restore on a new machine", async () => {
    const ada = await signUp(server.url);
    const bob = await signUp(server.url);
    const roomId = await createRoom(server, [ada, bob]);
    const image = await png(30, 20, "#15a");
    const pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    const photo = await uploaded(server.url, ada.token, image, "photo.png");
    const report = await uploaded(server.url, ada.token, pdf, "report.pdf");
    await ada.trpc.history.send.mutate({
      to: { conversationId: roomId },
      body: "files to keep",
      attachmentIds: [photo.id, report.id],
    });
    const original = new Uint8Array(
      await (await download(server.url, bob.token, `/api/files/${photo.id}`)).arrayBuffer(),
    );

    const file = join(server.dir, "backups", "with-files.db");
    const backup = run(["backup", file]);
    expect({ code: backup.exitCode, err: backup.stderr.toString() }).toEqual({ code: 0, err: "" });
    expect(backup.stdout.toString()).toContain(`backed up 3 uploaded files`);
    // The image, its thumbnail and the PDF, under their storage names (never the file names).
    expect(readdirSync(`${file}.files`)).toHaveLength(3);

    // A new machine: an empty data folder, the backup restored into it.
    const fresh = await startTestServer();
    try {
      const restore = run(["restore", file], fresh);
      expect({ code: restore.exitCode, err: restore.stderr.toString() }).toEqual({ code: 0, err: "" });
      expect(restore.stdout.toString()).toContain("restored 3 uploaded files");
      const login = await postJson(`${fresh.url}/api/auth/login`, {
        username: bob.user.username,
        password: bob.password,
      });
      const { token } = (await login.json()) as { token: string };
      const restoredPhoto = await download(fresh.url, token, `/api/files/${photo.id}`);
      expect(restoredPhoto.status).toBe(200);
      expect(new Uint8Array(await restoredPhoto.arrayBuffer())).toEqual(original);
      expect((await download(fresh.url, token, `/api/files/${photo.id}/thumbnail`)).status).toBe(200);
      const restoredPdf = await download(fresh.url, token, `/api/files/${report.id}`);
      expect(restoredPdf.status).toBe(200);
      expect(await restoredPdf.text()).toBe(pdf);
    } finally {
      await fresh.close();
    }
  });

  test("a restore whose files are missing says so, and restores the messages anyway", async () => {
    const ada = await signUp(server.url);
    const photo = await uploaded(server.url, ada.token, await png(8, 8), "lost.png");
    const roomId = await createRoom(server, [ada]);
    await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "", attachmentIds: [photo.id] });
    const file = join(server.dir, "backups", "files-lost.db");
    expect(run(["backup", file]).exitCode).toBe(0);
    Bun.spawnSync(["rm", "-rf", `${file}.files`]);
    const fresh = await startTestServer();
    try {
      const restore = run(["restore", file], fresh);
      expect(restore.exitCode).toBe(0);
      // This server's earlier files are in the backup too: the count is theirs and these two.
      expect(restore.stderr.toString()).toMatch(
        /^warning: [2-9] uploaded files the backup refers to are in neither .* answer 404\n$/,
      );
    } finally {
      await fresh.close();
    }
  });
});
