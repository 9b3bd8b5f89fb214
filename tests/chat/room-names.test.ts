// Room names are one name whatever their Unicode case or normalization: "Ärger" and
// "ärger" used to be two rooms (SQLite's lower() folds ASCII only). Existing rooms get
// their key when the server starts on an older database.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";

// The preload's default timeout reaches only the first file of a run (Bun 1.4).
setDefaultTimeout(60_000);

// Through the procedures, on each database of the run; the upgrade below is SQLite's.
forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  describe("room names", () => {
    test("are unique under Unicode case folding and NFC", async () => {
      const ada = await signUp(server.url);
      const created = await ada.trpc.rooms.create.mutate({ name: "Ärger" });
      for (const name of ["ärger", "ÄRGER", "A\u0308rger"]) {
        const error = await failure(ada.trpc.rooms.create.mutate({ name }));
        expect(error.data?.code).toBe("CONFLICT");
      }
      await ada.trpc.rooms.create.mutate({ name: "Straße" });
      expect((await failure(ada.trpc.rooms.create.mutate({ name: "STRASSE" }))).data?.code).toBe("CONFLICT");
      // Stored in NFC: a decomposed spelling is not kept beside the composed one.
      const decomposed = await ada.trpc.rooms.create.mutate({ name: "E\u0301té" });
      expect(decomposed.name).toBe("Été");
      expect(created.name).toBe("Ärger");
    });

    test("are found by a prefix in any case", async () => {
      const ada = await signUp(server.url);
      await ada.trpc.rooms.create.mutate({ name: "Öl und Wasser" });
      for (const search of ["öl", "ÖL", "O\u0308l u"]) {
        const { items } = await ada.trpc.rooms.list.query({ search });
        expect(items.map((room) => room.name)).toEqual(["Öl und Wasser"]);
      }
    });
  });
});

describe("rooms made before the name key", () => {
  test("get their key at start-up; two that now fold alike both stay listed, and no third is made", async () => {
    // A database at the migration before this one, with rooms the old rule allowed.
    const dir = tempDir();
    const folder = join(dir, "migrations");
    cpSync(MIGRATIONS_DIR, folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    const index = journal.entries.findIndex((entry: { tag: string }) => entry.tag === "0003_room_name_key");
    expect(index).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, index);
    writeFileSync(journalPath, JSON.stringify(journal));
    const path = join(dir, "parley.db");
    const old = new Database(path);
    migrate(drizzle({ client: old }), { migrationsFolder: folder });
    old.exec(
      "insert into users (username, email, first_name, last_name, password_hash, created_at) values ('founder', 'f@example.com', 'F', 'G', 'x', 0)",
    );
    for (const name of ["Ärger", "ärger", "Book club"]) {
      old.query("insert into conversations (kind, name, created_by, created_at) values ('room', ?, 1, 0)").run(name);
    }
    old.close();

    const upgraded = await startTestServer({}, { dir });
    try {
      const ada = await signUp(upgraded.url);
      const { items } = await ada.trpc.rooms.list.query({});
      expect(items.map((room) => room.name).sort()).toEqual(["Book club", "Ärger", "ärger"].sort());
      const { items: found } = await ada.trpc.rooms.list.query({ search: "ÄR" });
      expect(found.map((room) => room.name).sort()).toEqual(["Ärger", "ärger"].sort());
      expect((await failure(ada.trpc.rooms.create.mutate({ name: "ÄRGER" }))).data?.code).toBe("CONFLICT");
      expect((await failure(ada.trpc.rooms.create.mutate({ name: "book CLUB" }))).data?.code).toBe("CONFLICT");
    } finally {
      await upgraded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
