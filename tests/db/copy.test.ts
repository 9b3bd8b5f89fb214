// db copy: a SQLite file made by the app itself (a running server, its real procedures) is
// copied into PostgreSQL while the server runs; both sides verify equal, the copy is
// usable (search, new ids), a second run writes nothing, a later run copies what is new,
// and a target with another installation's data, or one already in use, is refused.

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { SQL } from "bun";
import { sqliteOf } from "../../src/db/client.ts";
import { CopyConflictError, copySqliteToPostgres, type TableCopy } from "../../src/db/copy.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { uploaded } from "../helpers/files.ts";
import { sharedPostgres } from "../helpers/postgres.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

setDefaultTimeout(60_000);

let server: TestServer;
let pg: Awaited<ReturnType<typeof sharedPostgres>>;
let ada: TestUser;
let bob: TestUser;
let roomId: number;
let source: string;

beforeAll(async () => {
  [server, pg] = await Promise.all([startTestServer(), sharedPostgres()]);
  source = join(server.dir, "parley.db");
  ada = await signUp(server.url);
  bob = await signUp(server.url);
  const direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hello pelican" });
  await bob.trpc.history.send.mutate({ to: { conversationId: direct.conversationId }, body: "hi", replyTo: direct.id });
  const room = await ada.trpc.rooms.create.mutate({ name: "Copied room" });
  roomId = room.id;
  await bob.trpc.rooms.join.mutate({ id: roomId });
  const mention = await ada.trpc.history.send.mutate({
    to: { conversationId: roomId },
    body: `look <@${bob.user.id}>, a café`,
  });
  await bob.trpc.history.react.mutate({ id: mention.id, emoji: "👍", on: true });
  await bob.trpc.history.markRead.mutate({ conversationId: roomId, upTo: mention.id });
  const file = await uploaded(server.url, ada.token, "%PDF-1.4\n%%EOF\n", "notes.pdf");
  await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "", attachmentIds: [file.id] });
  await bob.trpc.account.block.mutate({ userId: ada.user.id });
});
afterAll(() => server?.close());

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new SQL({ url, max: 1 });
  try {
    return (await client.unsafe(text)) as T[];
  } finally {
    await client.close();
  }
}

const byTable = (report: TableCopy[]) => Object.fromEntries(report.map((t) => [t.table, t]));
const written = (report: TableCopy[]) => report.reduce((n, t) => n + t.copied + t.updated + t.removed, 0);

test("a live installation is copied whole, verified, and usable on PostgreSQL", async () => {
  const target = await pg.createDatabase();
  const lines: string[] = [];
  const report = byTable(await copySqliteToPostgres(source, target, (line) => lines.push(line)));
  // Every table the app wrote has its rows copied, and the counts are the source's.
  for (const name of [
    "users",
    "sessions",
    "conversations",
    "members",
    "messages",
    "reactions",
    "mentions",
    "attachments",
    "blocks",
    "activity_log",
  ]) {
    const sqliteCount = sqliteOf(server.deps.database).query(`select count(*) as n from ${name}`).get() as {
      n: number;
    };
    expect({ name, copied: report[name]?.copied }).toEqual({ name, copied: sqliteCount.n });
    expect(sqliteCount.n).toBeGreaterThan(0);
    expect(report[name]?.rows).toBe(sqliteCount.n);
  }
  expect(report.messages?.checksum).toMatch(/^[0-9a-f]{64}$/);
  expect(lines).toHaveLength(12);
  expect(lines.find((line) => line.startsWith("messages:"))).toContain("already there");

  // The reply still points at its parent; the search column finds the copied words.
  const [reply] = await query<{ body: string }>(
    target,
    "select p.body from messages m join messages p on p.id = m.reply_to_id where m.body = 'hi'",
  );
  expect(reply?.body).toBe("hello pelican");
  const found = await query<{ body: string }>(
    target,
    "select body from messages where search @@ plainto_tsquery('parley_search', 'cafe')",
  );
  expect(found.map((row) => row.body)).toEqual([`look <@${bob.user.id}>, a café`]);

  // Each identity sequence was moved past the copied ids: a new row takes max + 1.
  const [{ max } = { max: 0 }] = await query<{ max: number }>(target, "select max(id) as max from messages");
  const [made] = await query<{ id: number }>(
    target,
    `insert into messages (conversation_id, sender_id, body, created_at) values (${roomId}, ${ada.user.id}, 'new', 1) returning id`,
  );
  expect(made?.id).toBe(max + 1);
});

test("a second run writes nothing; a run after the source changed copies only the changes", async () => {
  const target = await pg.createDatabase();
  await copySqliteToPostgres(source, target);
  const again = await copySqliteToPostgres(source, target);
  expect(written(again)).toBe(0);
  expect(byTable(again).messages?.already).toBe(byTable(again).messages?.rows);

  // The server keeps running: messages, a reaction taken back, a new read mark, a member
  // who left and came back, a block lifted and made again (the same keys, new times).
  const sqlite = sqliteOf(server.deps.database);
  const lastId = () => (sqlite.query("select max(id) as id from messages").get() as { id: number }).id;
  const before = lastId();
  const one = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "later one" });
  await bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "later two" });
  const [reacted] = sqliteOf(server.deps.database).query("select message_id as id from reactions").all() as {
    id: number;
  }[];
  await bob.trpc.history.react.mutate({ id: reacted?.id ?? 0, emoji: "👍", on: false });
  await bob.trpc.history.markRead.mutate({ conversationId: roomId, upTo: one.id });
  await bob.trpc.rooms.leave.mutate({ id: roomId });
  await bob.trpc.rooms.join.mutate({ id: roomId });
  await bob.trpc.account.unblock.mutate({ userId: ada.user.id });
  await bob.trpc.account.block.mutate({ userId: ada.user.id });

  const later = byTable(await copySqliteToPostgres(source, target));
  // The two messages, and the room's own (left, joined) if it writes them.
  expect(later.messages?.copied).toBe(lastId() - before);
  expect(later.messages?.copied).toBeGreaterThanOrEqual(2);
  expect(later.blocks).toMatchObject({ copied: 0, updated: 1 });
  expect(later.reactions?.removed).toBe(1);
  // The room's last message and the reader's mark moved: rows updated, not copied.
  expect(later.conversations?.copied).toBe(0);
  expect(later.conversations?.updated).toBeGreaterThanOrEqual(1);
  expect(later.members?.updated).toBeGreaterThanOrEqual(1);
  expect(later.users?.copied).toBe(0);
});

test("the copy reads one snapshot: a row written meanwhile is left for the next run", async () => {
  const target = await pg.createDatabase();
  const activity = sqliteOf(server.deps.database).query("insert into activity_log (at, kind) values (?, 'meanwhile')");
  // Written by the server's own connection once the copy has verified its first table and
  // before it verifies activity_log, its last: a copy that read outside one snapshot
  // would find a row in SQLite that it did not write into PostgreSQL.
  const report = await copySqliteToPostgres(source, target, (line) => {
    if (line.startsWith("users:")) activity.run(Date.now());
  });
  expect(report.map((t) => t.table)).toContain("activity_log");
  expect(await query(target, "select 1 from activity_log where kind = 'meanwhile'")).toHaveLength(0);
  const next = byTable(await copySqliteToPostgres(source, target));
  expect(next.activity_log?.copied).toBe(1);
});

test("a target holding another installation's data is refused and left as it was", async () => {
  const target = await pg.createDatabase();
  await (await openPostgres(target)).close();
  await query(
    target,
    `insert into users (id, username, email, first_name, last_name, password_hash, created_at) values (${ada.user.id}, 'someone_else', 'else@example.com', 'S', 'E', 'x', 42)`,
  );
  const refused = copySqliteToPostgres(source, target);
  await expect(refused).rejects.toBeInstanceOf(CopyConflictError);
  await expect(refused).rejects.toThrow(/users row id \d+ is another one .* empty database/);
  expect(await query<{ username: string }>(target, "select username from users")).toEqual([
    { username: "someone_else" },
  ]);
});

test("a target that has rows the source never had (a Parley runs on it) is refused", async () => {
  const target = await pg.createDatabase();
  await copySqliteToPostgres(source, target);
  await query(
    target,
    `insert into messages (conversation_id, sender_id, body, created_at) values (${roomId}, ${ada.user.id}, 'written on PostgreSQL', 1)`,
  );
  await expect(copySqliteToPostgres(source, target)).rejects.toThrow(/messages rows the source never had/);
  expect(await query(target, "select 1 from messages where body = 'written on PostgreSQL'")).toHaveLength(1);
});

test("a missing source file is an error that says so", async () => {
  const target = await pg.createDatabase();
  await expect(copySqliteToPostgres(join(server.dir, "nope.db"), target)).rejects.toThrow("no database at");
});

test("rows that swapped a unique value since the earlier copy are refused with what to do", async () => {
  const first = await ada.trpc.rooms.create.mutate({ name: "Swap one" });
  const second = await ada.trpc.rooms.create.mutate({ name: "Swap two" });
  const target = await pg.createDatabase();
  await copySqliteToPostgres(source, target);
  await ada.trpc.rooms.rename.mutate({ id: second.id, name: "Swap spare" });
  await ada.trpc.rooms.rename.mutate({ id: first.id, name: "Swap two" });
  await ada.trpc.rooms.rename.mutate({ id: second.id, name: "Swap one" });
  const refused = copySqliteToPostgres(source, target);
  await expect(refused).rejects.toBeInstanceOf(CopyConflictError);
  await expect(refused).rejects.toThrow(/^conversations: a row took a unique value .* empty database/);
  const [room] = await query<{ name: string }>(target, `select name from conversations where id = ${first.id}`);
  expect(room?.name).toBe("Swap one");
  // Into a new database the same source copies whole.
  expect((await copySqliteToPostgres(source, await pg.createDatabase())).length).toBe(12);
});
