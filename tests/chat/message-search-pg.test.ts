// Message search on PostgreSQL (chat/message-search-pg.ts) on a real cluster: what only
// PostgreSQL has. The search's contract is message-search.test.ts, which runs through the
// procedure on both databases; here the dispatch to the PostgreSQL search, the absent
// backlog, the separators the migration and the headline share, and excerptFromHeadline.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { searchMessages } from "../../src/chat/message-search.ts";
import { excerptFromHeadline, SEPARATORS, searchMessagesPostgres } from "../../src/chat/message-search-pg.ts";
import { parseSearchTerms } from "../../src/chat/search-query.ts";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { conversations, members, messages, users } from "../../src/db/schema-pg.ts";
import { indexSearchBacklog, startSearchIndexer } from "../../src/db/search-backlog.ts";
import type { Deps } from "../../src/deps.ts";
import { PG_MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { AppError } from "../../src/shared/errors.ts";
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchInput } from "../../src/shared/search.ts";
import { sharedPostgres } from "../helpers/postgres.ts";

let handle: PgHandle;
let [ada, bob, cy, roomId] = [0, 0, 0, 0];
let now = Date.UTC(2026, 0, 1);
/** Each message's stream number: unique in its conversation, as the schema requires. */
let seq = 0;

beforeAll(async () => {
  const pg = await sharedPostgres();
  handle = await openPostgres(await pg.createDatabase(), { connections: 2 });
  [ada, bob, cy] = [await addUser("ada"), await addUser("bob"), await addUser("cy")];
  roomId = await addRoom([ada, bob]);
});
afterAll(async () => {
  await handle?.close();
});

async function addUser(username: string): Promise<number> {
  const [row] = await handle.db
    .insert(users)
    .values({
      username,
      email: `${username}@example.com`,
      firstName: username,
      lastName: "L",
      passwordHash: "x",
      createdAt: 0,
    })
    .returning({ id: users.id });
  return row?.id ?? 0;
}

async function addRoom(people: number[]): Promise<number> {
  const name = `c${now++}`;
  const [row] = await handle.db
    .insert(conversations)
    .values({ kind: "room", name, nameKey: name, createdAt: 0 })
    .returning({ id: conversations.id });
  const id = row?.id ?? 0;
  for (const userId of people) await handle.db.insert(members).values({ conversationId: id, userId, joinedAt: 0 });
  return id;
}

/** A message sent a millisecond after the previous one. */
async function say(senderId: number, body: string, conversationId = roomId): Promise<number> {
  const [row] = await handle.db
    .insert(messages)
    .values({ conversationId, senderId, body, createdAt: now++, seq: ++seq })
    .returning({ id: messages.id });
  return row?.id ?? 0;
}

const search = (userId: number, input: SearchInput | string) => {
  const query = typeof input === "string" ? { query: input } : input;
  return searchMessagesPostgres(handle.db, userId, parseSearchTerms(query.query), query);
};
const ids = async (userId: number, input: SearchInput | string) =>
  (await search(userId, input)).hits.map((hit) => hit.messageId);

/** A word no other test uses, so each test reads only its own messages. */
const unique = (() => {
  let n = 0;
  return (stem: string) => `${stem}${String.fromCharCode(97 + (n++ % 26))}${"q".repeat(1 + Math.floor(n / 26))}`;
})();

test("a query word over 2,047 bytes, tsvector's limit, is left out of the query, not an error", async () => {
  // Beyond the procedure's MAX_QUERY_LENGTH, so only a direct caller can ask it; the cases
  // both databases share (a long query, a long word in a body) are in message-search.test.ts.
  const w = unique("jackal");
  const message = await say(ada, `${w} ${"y".repeat(1000)}`);
  expect(await ids(bob, `${w} ${"é".repeat(1100)}`)).toEqual([message]);
});

describe("search.messages on a PostgreSQL database", () => {
  // The domain's Db is typed with SQLite's schema; the server hands it PostgreSQL's.
  const deps = () => ({ db: handle.db }) as unknown as Deps;
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (error: unknown) => (error instanceof AppError ? `${error.code}: ${error.message}` : String(error)),
    );

  test("searchMessages answers with the PostgreSQL search, after the same checks as on SQLite", async () => {
    const w = unique("quokka");
    const message = await say(ada, `${w} on either database`);
    expect((await searchMessages(deps(), bob, { query: `${w} databases` })).hits.map((h) => h.messageId)).toEqual([
      message,
    ]);
    expect(await failureOf(searchMessages(deps(), cy, { query: w, conversationId: roomId }))).toBe(
      "NOT_FOUND: No such conversation",
    );
    // A bad query is BAD_REQUEST before the conversation is looked at, as on SQLite.
    expect(await failureOf(searchMessages(deps(), cy, { query: '"open', conversationId: roomId }))).toBe(
      'BAD_REQUEST: A quoted phrase is not closed: add the closing "',
    );
  });

  test("there is no search backlog to index: the generated column is current in the writer's statement", async () => {
    expect(await indexSearchBacklog(handle.db as never)).toBe(0);
    const errors: unknown[] = [];
    const stop = startSearchIndexer(handle.db as never, (error) => errors.push(error));
    await Bun.sleep(600);
    await stop();
    expect(errors).toEqual([]);
  });
});

describe("the index and the headline read the body alike", () => {
  test("the migration's separators are the ones the headline uses", () => {
    const migration = readFileSync(join(PG_MIGRATIONS_DIR, "0002_search_separators.sql"), "utf8");
    expect(migration).toContain(`'${SEPARATORS}'`);
  });

  test("excerptFromHeadline puts the marks on the text as written", () => {
    const body = "Write to ana@example.com, or to bo";
    const read = "Write to ana example com  or to bo";
    expect(excerptFromHeadline(body, read.replace("example", "<example>"))).toBe(
      `Write to ana@${HIGHLIGHT_START}example${HIGHLIGHT_END}.com, or to bo`,
    );
    expect(excerptFromHeadline(body, "to ana <example> com")).toBe(
      `…to ana@${HIGHLIGHT_START}example${HIGHLIGHT_END}.com…`,
    );
  });
});
