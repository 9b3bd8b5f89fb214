// The change stream: numbers per conversation, contiguous and in commit order; "the
// changes after n" as a reader catching up sees them; the migration that numbers
// existing messages.

import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { changesSince } from "../../src/chat/stream.ts";
import { migrationsFolder, openDatabase } from "../../src/db/client.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";
import { failureCode } from "../helpers/trpc.ts";

// Through the procedures, on each database of the run; the migration test below is SQLite's.
forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const seqsOf = (conversationId: number) =>
    rawRows<{ id: number; seq: number }>(
      server.deps.database,
      "select id, seq from messages where conversation_id = ? order by id",
      conversationId,
    );

  async function room(owner: TestUser, ...others: TestUser[]) {
    const created = await owner.trpc.rooms.create.mutate({ name: `stream-${Math.random().toString(36).slice(2, 9)}` });
    for (const other of others) await other.trpc.rooms.join.mutate({ id: created.id });
    return created.id;
  }

  describe("numbers", () => {
    test("each conversation numbers its changes 1, 2, 3… in commit order, whatever the others do", async () => {
      const [ada, bob, cy] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
      const roomId = await room(ada, bob, cy);
      const first = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "d1" });
      const direct = first.conversationId;
      // Concurrent senders in both conversations at once.
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const sender = [ada, bob, cy][i % 3] as TestUser;
          const to = sender === cy || i % 2 === 0 ? { conversationId: roomId } : { conversationId: direct };
          return sender.trpc.history.send.mutate({ to, body: `m${i}` });
        }),
      );
      for (const conversationId of [roomId, direct]) {
        const rows = await seqsOf(conversationId);
        expect(rows.length).toBeGreaterThan(5);
        // Contiguous from 1, and in the order the rows were committed (ids, on SQLite).
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      }
    });

    test("a read mark that moves takes the next number; one that does not move takes none", async () => {
      const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
      const m1 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "one" });
      const m2 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "two" });
      await bob.trpc.history.markRead.mutate({ conversationId: m1.conversationId, upTo: m1.id });
      await bob.trpc.history.markRead.mutate({ conversationId: m1.conversationId, upTo: m1.id });
      const m3 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "three" });
      expect((await seqsOf(m1.conversationId)).map((r) => r.seq)).toEqual([1, 2, 4]);
      const all = await ada.trpc.history.changes.query({ conversationId: m1.conversationId, after: 0 });
      expect(all).toMatchObject({ conversationId: m1.conversationId, seq: 4, complete: true });
      expect(all.messages.map((m) => m.id)).toEqual([m1.id, m2.id, m3.id]);
      expect(all.reads).toEqual([{ userId: bob.user.id, upTo: m1.id, seq: 3 }]);
    });
  });

  describe("the latest page", () => {
    test("says where the stream stands, the reader's own mark and the others' (older pages do not)", async () => {
      const [ada, bob, cy] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
      const roomId = await room(ada, bob, cy);
      const m1 = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "one" });
      const m2 = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "two" });
      await bob.trpc.history.markRead.mutate({ conversationId: roomId, upTo: m2.id });
      await cy.trpc.history.markRead.mutate({ conversationId: roomId, upTo: m1.id });
      const page = await bob.trpc.history.messages.query({ conversationId: roomId });
      // Bob's and Cy's arrivals (system lines) took the first two numbers.
      expect(page.items.map((m) => [m.event?.type ?? m.body, m.seq])).toEqual([
        ["joined", 1],
        ["joined", 2],
        ["one", 3],
        ["two", 4],
      ]);
      // Bob's own mark, and the others' who have read anything (Ada, the sender, has not).
      expect(page.stream).toEqual({ seq: 6, readUpTo: m2.id, reads: [{ userId: cy.user.id, upTo: m1.id, seq: 6 }] });
      const older = await bob.trpc.history.messages.query({ conversationId: roomId, before: m2.id });
      expect(older.stream).toBeUndefined();
    });
  });

  describe("changes after n", () => {
    test("a reader catching up gets what changed since, once, as it is now, and where it then stands", async () => {
      const [ada, bob] = [await signUp(server.url), await signUp(server.url)];
      const m1 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "one" });
      const conversationId = m1.conversationId;
      const held = (await ada.trpc.history.changes.query({ conversationId, after: 0 })).seq;
      expect(held).toBe(1);
      const m2 = await ada.trpc.history.send.mutate({ to: { conversationId }, body: "two" });
      await bob.trpc.history.markRead.mutate({ conversationId, upTo: m1.id });
      await bob.trpc.history.markRead.mutate({ conversationId, upTo: m2.id });
      const m3 = await bob.trpc.history.send.mutate({ to: { conversationId }, body: "three" });

      const page = await ada.trpc.history.changes.query({ conversationId, after: held });
      expect(page.messages.map((m) => m.body)).toEqual(["two", "three"]);
      // Bob's mark moved twice; the reader gets where it is now, once.
      expect(page.reads).toEqual([{ userId: bob.user.id, upTo: m2.id, seq: 4 }]);
      expect(page).toMatchObject({ seq: 5, complete: true });
      expect(page.messages.at(-1)?.id).toBe(m3.id);

      const nothing = await ada.trpc.history.changes.query({ conversationId, after: page.seq });
      expect(nothing).toEqual({ conversationId, messages: [], reads: [], seq: 5, complete: true });
    });

    test("a long gap comes in bounded pages, each a prefix of the stream, together everything once", async () => {
      const [ada, bob, cy] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
      const roomId = await room(ada, bob, cy);
      const sent: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const sender = i % 2 ? bob : cy;
        const message = await sender.trpc.history.send.mutate({ to: { conversationId: roomId }, body: `n${i}` });
        sent.push(message.id);
        if (i % 4 === 3) await sender.trpc.history.markRead.mutate({ conversationId: roomId, upTo: message.id });
      }
      const got: number[] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const page = await changesSince(server.deps.db, ada.user.id, roomId, after, 4);
        pages += 1;
        expect(page.messages.length + page.reads.length).toBeLessThanOrEqual(4);
        expect(page.seq).toBeGreaterThan(after);
        // The stream also carries the two arrivals (system lines), numbers 1 and 2.
        got.push(...page.messages.filter((m) => !m.event).map((m) => m.id));
        after = page.seq;
        if (page.complete) break;
      }
      expect(got).toEqual(sent);
      expect(pages).toBeGreaterThan(3);
      expect(after).toBe(17);
    });

    test("not a member: NOT_FOUND, as for every other read", async () => {
      const [ada, bob, eve] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
      const m = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "private" });
      expect(await failureCode(eve.trpc.history.changes.query({ conversationId: m.conversationId, after: 0 }))).toBe(
        "NOT_FOUND",
      );
      expect(await failureCode(eve.trpc.history.changes.query({ conversationId: 999_999, after: 0 }))).toBe(
        "NOT_FOUND",
      );
      expect(await failureCode(ada.trpc.history.changes.query({ conversationId: m.conversationId, after: -1 }))).toBe(
        "BAD_REQUEST",
      );
    });
  });
});

test("the migration numbers an existing installation's messages per conversation, in id order", () => {
  const dir = tempDir();
  // The migrations up to the one before the stream, as an installation has them today.
  const before = join(dir, "drizzle-before");
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = join(before, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const streamAt = journal.entries.findIndex((e) => e.tag === "0002_change_stream");
  expect(streamAt).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, streamAt);
  writeFileSync(journalPath, JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path, { create: true, strict: true });
  migrate(drizzle({ client: old }), { migrationsFolder: before });
  old.exec(`
    insert into users (id, username, email, first_name, last_name, password_hash, created_at) values
      (1, 'ada', 'a@x.io', 'A', 'A', 'x', 0), (2, 'bob', 'b@x.io', 'B', 'B', 'x', 0);
    insert into conversations (id, kind, name, created_at) values (1, 'room', 'one', 0), (2, 'room', 'two', 0), (3, 'room', 'empty', 0);
    insert into messages (id, conversation_id, sender_id, body, created_at) values
      (1, 1, 1, 'a', 0), (2, 2, 2, 'b', 0), (3, 1, 2, 'c', 0), (4, 1, 1, 'd', 0), (5, 2, 1, 'e', 0);
  `);
  old.close();

  const upgraded = openDatabase(path);
  const rows = upgraded.sqlite.query("select id, conversation_id as c, seq from messages order by id").all();
  expect(rows).toEqual([
    { id: 1, c: 1, seq: 1 },
    { id: 2, c: 2, seq: 1 },
    { id: 3, c: 1, seq: 2 },
    { id: 4, c: 1, seq: 3 },
    { id: 5, c: 2, seq: 2 },
  ]);
  expect(upgraded.sqlite.query("select id, last_seq as s from conversations order by id").all()).toEqual([
    { id: 1, s: 3 },
    { id: 2, s: 2 },
    { id: 3, s: 0 },
  ]);
  upgraded.close();
});
