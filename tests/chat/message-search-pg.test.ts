// Message search on PostgreSQL (chat/message-search-pg.ts) on a real cluster: the cases of
// the SQLite search's contract (message-search.test.ts), with rows written through the
// PostgreSQL schema as any writer would (send, edit, delete, copy, restore).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { searchMessages } from "../../src/chat/message-search.ts";
import { excerptFromHeadline, SEPARATORS, searchMessagesPostgres } from "../../src/chat/message-search-pg.ts";
import { RANKED_MATCHES } from "../../src/chat/search-page.ts";
import { parseSearchTerms } from "../../src/chat/search-query.ts";
import { openPostgres, type PgHandle } from "../../src/db/postgres.ts";
import { attachments, conversations, members, messages, users } from "../../src/db/schema-pg.ts";
import { indexSearchBacklog, startSearchIndexer } from "../../src/db/search-backlog.ts";
import type { Deps } from "../../src/deps.ts";
import { PG_MIGRATIONS_DIR } from "../../src/runtime-files.ts";
import { AppError } from "../../src/shared/errors.ts";
import { HIGHLIGHT_END, HIGHLIGHT_START, highlightPieces, type SearchInput } from "../../src/shared/search.ts";
import { sharedPostgres } from "../helpers/postgres.ts";

let handle: PgHandle;
let [ada, bob, cy, roomId, directId] = [0, 0, 0, 0, 0];
let now = Date.UTC(2026, 0, 1);
/** Each message's stream number: unique in its conversation, as the schema requires. */
let seq = 0;

beforeAll(async () => {
  const pg = await sharedPostgres();
  handle = await openPostgres(await pg.createDatabase(), { connections: 2 });
  [ada, bob, cy] = [await addUser("ada"), await addUser("bob"), await addUser("cy")];
  roomId = await addConversation("room", [ada, bob]);
  directId = await addConversation("direct", [ada, bob]);
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

async function addConversation(kind: "room" | "direct", people: number[]): Promise<number> {
  const name = `c${now++}`;
  const [row] = await handle.db
    .insert(conversations)
    .values(kind === "room" ? { kind, name, nameKey: name, createdAt: 0 } : { kind, directKey: name, createdAt: 0 })
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

describe("what is found", () => {
  test("all the words, in any form: stemming and accents folded", async () => {
    const w = unique("zebra");
    const running = await say(ada, `${w} running through the café`);
    await say(ada, `${w} alone`);
    expect(await ids(bob, `${w} run`)).toEqual([running]);
    expect(await ids(bob, `${w} RUNS cafe`)).toEqual([running]);
    expect(await ids(bob, `${w} CAFÉ`)).toEqual([running]);
    const naive = await say(ada, `${w} Über naïve façade`);
    expect(await ids(bob, `${w} uber NAIVE facade`)).toEqual([naive]);
  });

  test("a quoted phrase finds the words together and in order only", async () => {
    const w = unique("yak");
    const together = await say(ada, `${w} the quick brown fox`);
    await say(ada, `${w} brown and quick fox`);
    expect(await ids(bob, `${w} "quick brown"`)).toEqual([together]);
    expect((await ids(bob, `${w} quick brown`)).length).toBe(2);
  });

  test("words are split at punctuation as on SQLite: email addresses, links, hyphens, numbers", async () => {
    const w = unique("heron");
    const email = await say(ada, `${w} write to bob.smith@example.com today`);
    const link = await say(ada, `${w} see https://docs.example.org/guide/setup-steps?x=1`);
    const dashed = await say(ada, `${w} e-mail me—or call, version 1.5`);
    expect(await ids(bob, `${w} bob.smith@example.com`)).toEqual([email]);
    expect(await ids(bob, `${w} "smith example"`)).toEqual([email]);
    expect((await ids(bob, `${w} example`)).sort()).toEqual([email, link].sort());
    expect(await ids(bob, `${w} guide setup`)).toEqual([link]);
    expect(await ids(bob, `${w} docs.example.org`)).toEqual([link]);
    expect(await ids(bob, `${w} e-mail`)).toEqual([dashed]);
    expect(await ids(bob, `${w} mail call`)).toEqual([dashed]);
    expect(await ids(bob, `${w} "1 5"`)).toEqual([dashed]);
  });

  test("the matched words come highlighted between markers, with mention markup shown as written", async () => {
    const w = unique("walrus");
    await say(ada, `hello <@${bob}> the ${w} sings`);
    const [hit] = (await search(bob, w)).hits;
    expect(hit?.snippet).toBe(`hello <@${bob}> the ${HIGHLIGHT_START}${w}${HIGHLIGHT_END} sings`);
    expect(highlightPieces(hit?.snippet ?? "")).toEqual([
      { text: `hello <@${bob}> the `, match: false },
      { text: w, match: true },
      { text: " sings", match: false },
    ]);
  });

  test("a word inside an email address or a link is highlighted in the text as written", async () => {
    const w = unique("ibis");
    await say(ada, `${w}: mail ana@example.com, (not "example"!)`);
    const [hit] = (await search(bob, `${w} example`)).hits;
    expect(hit?.snippet).toBe(
      `${HIGHLIGHT_START}${w}${HIGHLIGHT_END}: mail ana@${HIGHLIGHT_START}example${HIGHLIGHT_END}.com, (not "${HIGHLIGHT_START}example${HIGHLIGHT_END}"!)`,
    );
  });

  test("a long message's excerpt is cut around the match, with … where the text goes on", async () => {
    const w = unique("puffin");
    const before = Array.from({ length: 60 }, (_, i) => `early${i}`).join(" ");
    const after = Array.from({ length: 60 }, (_, i) => `late${i}`).join(" ");
    await say(ada, `${before} ${w} ${after}`);
    const [hit] = (await search(bob, w)).hits;
    const snippet = hit?.snippet ?? "";
    expect(snippet).toContain(`${HIGHLIGHT_START}${w}${HIGHLIGHT_END}`);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet.split(" ").length).toBeLessThan(30);
  });

  test("mention markup is not a word: searching an id or 'room' does not find every mention", async () => {
    const w = unique("vole");
    const mention = await say(ada, `${w} <@room> <@${bob}> look`);
    const spoken = await say(ada, `${w} the meeting room ${bob}`);
    expect(await ids(bob, `${w} room`)).toEqual([spoken]);
    expect(await ids(bob, `${w} ${bob}`)).toEqual([spoken]);
    expect(await ids(bob, `${w} look`)).toEqual([mention]);
    // Found by its spoken "room", a message's mention of @room is not highlighted.
    const both = await say(ada, `${w}x <@room> in the room`);
    const [hit] = (await search(bob, { query: `${w}x room` })).hits;
    expect(hit?.messageId).toBe(both);
    expect(highlightPieces(hit?.snippet ?? "").filter((p) => p.match)).toEqual([
      { text: `${w}x`, match: true },
      { text: "room", match: true },
    ]);
  });

  test("a body cannot forge a highlight: marker characters it contains are not in the snippet", async () => {
    const w = unique("urchin");
    await say(ada, `${w} ${HIGHLIGHT_START}fake${HIGHLIGHT_END} mark`);
    const [hit] = (await search(bob, w)).hits;
    expect(highlightPieces(hit?.snippet ?? "").filter((p) => p.match)).toEqual([{ text: w, match: true }]);
    expect(hit?.snippet).toBe(`${HIGHLIGHT_START}${w}${HIGHLIGHT_END} fake mark`);
  });
});

test("the index follows every writer: an edit is found by its new words only, a deletion not at all", async () => {
  const [w, v] = [unique("tapir"), unique("tapir")];
  const message = await say(ada, `${w} before the edit`);
  expect(await ids(bob, w)).toEqual([message]);
  await handle.db
    .update(messages)
    .set({ body: `${v} after the edit` })
    .where(eq(messages.id, message));
  expect(await ids(bob, w)).toEqual([]);
  expect(await ids(bob, v)).toEqual([message]);
  // A deletion that keeps the row empties its body; one that removes the row removes it.
  await handle.db.update(messages).set({ body: "", deletedAt: now }).where(eq(messages.id, message));
  expect(await ids(bob, v)).toEqual([]);
  const gone = await say(ada, `${w} to be removed`);
  expect(await ids(bob, w)).toEqual([gone]);
  await handle.db.delete(messages).where(eq(messages.id, gone));
  expect(await ids(bob, w)).toEqual([]);
});

describe("only what the caller may see", () => {
  test("another pair's direct messages and an unjoined room's are never found", async () => {
    const w = unique("shrew");
    await say(ada, `${w} between us`, directId);
    await say(ada, `${w} in the room`);
    expect((await ids(bob, w)).length).toBe(2);
    expect(await search(cy, w)).toEqual({ hits: [], nextCursor: null });
    // Filtering by their conversation finds nothing either (the procedure answers NOT_FOUND first).
    expect(await ids(cy, { query: w, conversationId: roomId })).toEqual([]);
  });

  test("a member who left no longer finds the room's messages, and finds them again after joining", async () => {
    const w = unique("marmot");
    const other = await addConversation("room", [ada, cy]);
    const message = await say(ada, `${w} said while cy was here`, other);
    expect(await ids(cy, w)).toEqual([message]);
    await handle.db.delete(members).where(sql`${members.conversationId} = ${other} and ${members.userId} = ${cy}`);
    expect(await ids(cy, w)).toEqual([]);
    await handle.db.insert(members).values({ conversationId: other, userId: cy, joinedAt: now });
    expect(await ids(cy, w)).toEqual([message]);
  });
});

test("filters: in a conversation, from a person, before and after an instant, with or without a file", async () => {
  const w = unique("lemur");
  const inRoom = await say(ada, `${w} from ada in the room`);
  const fromBob = await say(bob, `${w} from bob in the room`);
  const direct = await say(ada, `${w} direct`, directId);
  expect((await ids(bob, { query: w, conversationId: roomId })).sort()).toEqual([inRoom, fromBob].sort());
  expect(await ids(bob, { query: w, fromUserId: bob })).toEqual([fromBob]);
  expect(await ids(bob, { query: w, conversationId: directId })).toEqual([direct]);

  await handle.db
    .update(messages)
    .set({ createdAt: Date.UTC(2025, 0, 10) })
    .where(eq(messages.id, inRoom));
  expect(await ids(bob, { query: w, before: "2025-02-01T00:00:00Z" })).toEqual([inRoom]);
  expect((await ids(bob, { query: w, after: "2025-02-01T00:00:00Z" })).sort()).toEqual([fromBob, direct].sort());
  expect(await ids(bob, { query: w, after: "2025-01-01T00:00:00Z", before: "2025-01-31T00:00:00+02:00" })).toEqual([
    inRoom,
  ]);

  await handle.db.insert(attachments).values({
    uploaderId: bob,
    messageId: fromBob,
    conversationId: roomId,
    state: "ready",
    storageKey: `key-${w}`,
    name: "plan.pdf",
    contentType: "application/pdf",
    size: 3,
    createdAt: 0,
  });
  expect(await ids(bob, { query: w, hasFile: true })).toEqual([fromBob]);
  expect((await ids(bob, { query: w, hasFile: false })).sort()).toEqual([inRoom, direct].sort());
});

describe("ranking and paging", () => {
  test("the better match first; among equal matches the most recent first", async () => {
    const w = unique("koala");
    const older = await say(ada, `${w} gum tree`);
    const newer = await say(ada, `${w} gum tree`);
    const twice = await say(ada, `${w} ${w} ${w} gum`);
    expect(await ids(bob, w)).toEqual([twice, newer, older]);
    const page = await search(bob, w);
    expect(page.nextCursor).toBeNull();
  });

  test("pages by keyset: every hit once, in order, until nextCursor is null", async () => {
    const w = unique("ibex");
    const sent: number[] = [];
    for (let i = 0; i < 23; i++) sent.push(await say(ada, `${w} number ${i}`));
    const seen: number[] = [];
    let cursor: SearchInput["cursor"];
    let pages = 0;
    do {
      const page = await search(bob, { query: w, limit: 10, cursor });
      seen.push(...page.hits.map((h) => h.messageId));
      cursor = page.nextCursor ?? undefined;
      // The cursor goes over the wire as JSON and comes back the same.
      if (cursor) cursor = JSON.parse(JSON.stringify(cursor));
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...sent].reverse());
  });

  test("pages of unequal ranks: every hit once, the better first", async () => {
    const w = unique("okapi");
    const sent: number[] = [];
    for (let i = 1; i <= 12; i++) sent.push(await say(ada, `${`${w} `.repeat(1 + (i % 4))}filler ${"x ".repeat(i)}`));
    const all = await ids(bob, { query: w, limit: 50 });
    const paged: number[] = [];
    let cursor: SearchInput["cursor"];
    do {
      const page = await search(bob, { query: w, limit: 5, cursor });
      paged.push(...page.hits.map((h) => h.messageId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(new Set(paged)).toEqual(new Set(sent));
  });

  test(`a word in more than ${RANKED_MATCHES} messages: the newest ${RANKED_MATCHES} are ranked and paged; a date filter reaches older ones`, async () => {
    const w = unique("gnu");
    const oldest: number[] = [];
    for (let i = 0; i < 5; i++) oldest.push(await say(ada, `${w} ${w} ${w} old ${i}`));
    const many = (count: number, conversationId: number, senderId: number, body: (i: number) => string) =>
      handle.db.insert(messages).values(
        Array.from({ length: count }, (_, i) => ({
          conversationId,
          senderId,
          body: body(i),
          createdAt: now + 10 + i,
          seq: ++seq,
        })),
      );
    // Many newer ones, each with the word once: the old ones would rank first if ranked.
    await many(RANKED_MATCHES, roomId, ada, (i) => `${w} newer ${i}`);
    now += RANKED_MATCHES + 20;
    // Another conversation's matches are not among the caller's newest.
    const elsewhere = await addConversation("room", [cy]);
    await many(50, elsewhere, cy, (i) => `${w} ${w} ${w} not yours ${i}`);
    now += 100;

    const seen = new Set<number>();
    let cursor: SearchInput["cursor"];
    do {
      const page = await search(bob, { query: w, limit: 50, cursor });
      for (const hit of page.hits) seen.add(hit.messageId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.size).toBe(RANKED_MATCHES);
    for (const id of oldest) expect(seen.has(id)).toBe(false);

    const [last] = await handle.db
      .select({ createdAt: messages.createdAt })
      .from(messages)
      .where(eq(messages.id, oldest.at(-1) ?? 0));
    const before = new Date((last?.createdAt ?? 0) + 1).toISOString();
    expect(new Set(await ids(bob, { query: w, before }))).toEqual(new Set(oldest));
  });
});

describe("hostile or bad queries", () => {
  const failure = async (query: string) => {
    try {
      await search(bob, query);
    } catch (error) {
      if (error instanceof AppError) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error(`${query} was accepted`);
  };

  test("FTS5 and tsquery syntax is taken as plain words, never as operators, and never fails", async () => {
    const w = unique("hyena");
    const message = await say(ada, `${w} or not near body 2 a b`);
    const found = [message];
    const cases: [string, number[]][] = [
      [`${w} OR nonexistent`, []],
      [`${w} NOT near`, found],
      [`NEAR( ${w} body , 2 )`, found],
      [`body: ${w}`, found],
      [`near:${w}`, []], // one word with punctuation inside is the phrase "near <w>"
      [`^${w}`, found],
      [`${w}*`, found],
      [`(${w}) AND near`, []], // "and" is a word the message lacks
      [`(${w}) OR near`, found],
      [`${w} - + : ; { } [ ] ' \\ % \u0000`, found],
      [`{body} : ${w}`, found],
      // tsquery's own syntax: operators, negation, prefixes, weights, phrases, quoting.
      [`${w} & !a`, found],
      [`${w} | zzz`, []],
      [`${w}:*`, found],
      [`${w}:A`, []], // "a" follows the word as a phrase, as "near:w" above
      [`${w} <-> body`, found],
      [`${w} <2> body`, found],
      [`'${w}' & 'body'`, found],
      [`!!${w} && (body || zzz)`, []], // "zzz" is a word the message lacks
      [`${w} \\:* '' ""`, found],
    ];
    for (const [query, expected] of cases) {
      expect({ query, ids: await ids(bob, query) }).toEqual({ query, ids: expected });
    }
  });

  test("a long query is one search, not an error", async () => {
    const w = unique("jackal");
    const message = await say(ada, `${w} ${"y".repeat(1000)}`);
    expect(await ids(bob, `${w} ${"y".repeat(1000)}`)).toEqual([message]);
    expect(await ids(bob, "z".repeat(1000))).toEqual([]);
    // Words too long for the index (over 2,047 bytes) are left out of it and of the query.
    expect(await ids(bob, `${w} ${"é".repeat(1100)}`)).toEqual([message]);
  });

  test("an unclosed quote, nothing searchable, or too many terms is BAD_REQUEST with a clear message, as on SQLite", async () => {
    expect(await failure('"unclosed phrase')).toEqual({
      code: "BAD_REQUEST",
      message: 'A quoted phrase is not closed: add the closing "',
    });
    for (const query of ["", ' *** "" () ', "*", "& | ! <-> :*"]) {
      expect(await failure(query)).toEqual({ code: "BAD_REQUEST", message: "Search for at least one word" });
    }
    expect((await failure("a ".repeat(17))).code).toBe("BAD_REQUEST");
  });
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
