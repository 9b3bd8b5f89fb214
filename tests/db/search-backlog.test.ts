// New messages enter SQLite's search index in batches (src/db/search-backlog.ts), not from
// a trigger in each send; edits and deletions of indexed messages still change it at once.
// On a database a real server wrote, reopened without the server's background indexer.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openDatabase, type SqliteHandle } from "../../src/db/client.ts";
import { indexSearchBacklog } from "../../src/db/search-backlog.ts";
import { signUp } from "../helpers/client.ts";
import { startTestServer, tempDir } from "../helpers/server.ts";

let handle: SqliteHandle;
const dir = tempDir("parley-search-backlog-");
let roomId: number;
let senderId: number;

beforeAll(async () => {
  // Our own folder: the server removes the one it makes when it closes.
  const server = await startTestServer({}, { dir });
  const ada = await signUp(server.url);
  senderId = ada.user.id;
  roomId = (await ada.trpc.rooms.create.mutate({ name: "Index room" })).id;
  await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "an indexed anchor" });
  const path = server.deps.config.databasePath;
  await server.close();
  handle = openDatabase(path);
  await indexSearchBacklog(handle.db);
});
afterAll(() => {
  handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 1000;
/** A message written straight into the table, as a send does (no index upkeep in it). */
function write(body: string): number {
  const row = handle.sqlite
    .query<{ id: number }, [number, number, string, number, number]>(
      "insert into messages (conversation_id, sender_id, body, seq, created_at) values (?, ?, ?, ?, ?) returning id",
    )
    .get(roomId, senderId, body, ++seq, Date.now());
  return row?.id ?? 0;
}
const found = (word: string) =>
  handle.sqlite
    .query<{ n: number }, [string]>("select count(*) as n from messages_fts where messages_fts match ?")
    .get(word)?.n ?? 0;
const mark = () =>
  handle.sqlite.query<{ upTo: number }, []>("select up_to as upTo from search_indexed where id = 1").get()?.upTo;

test("a new message is not indexed by its insert; the next batch indexes it, once", async () => {
  const id = write("zebra crossing");
  expect(found("zebra")).toBe(0);
  expect(await indexSearchBacklog(handle.db)).toBe(1);
  expect(found("zebra")).toBe(1);
  expect(mark()).toBe(id);
  expect(await indexSearchBacklog(handle.db)).toBe(0);
  expect(found("zebra")).toBe(1);
});

test("an indexed message's edit and deletion change the index at once", async () => {
  const id = write("walrus tusks");
  await indexSearchBacklog(handle.db);
  handle.sqlite.query("update messages set body = ? where id = ?").run("narwhal tusks", id);
  expect(found("walrus")).toBe(0);
  expect(found("narwhal")).toBe(1);
  handle.sqlite.query("update messages set body = '' where id = ?").run(id);
  expect(found("narwhal")).toBe(0);
});

test("a message edited before its batch is indexed with the text it has then", async () => {
  const id = write("penguin colony");
  handle.sqlite.query("update messages set body = ? where id = ?").run("puffin colony", id);
  await indexSearchBacklog(handle.db);
  expect(found("penguin")).toBe(0);
  expect(found("puffin")).toBe(1);
});

test("the index stays consistent with its content through all of it", () => {
  expect(() =>
    handle.sqlite.query("insert into messages_fts (messages_fts, rank) values ('integrity-check', 1)").run(),
  ).not.toThrow();
  expect(found("anchor")).toBe(1);
});
