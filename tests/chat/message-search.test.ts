// search.messages: full-text search over the caller's conversations, through the real
// procedure on a real server, on each database of the run (FTS5 on SQLite, the tsvector
// column on PostgreSQL): one contract.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RANKED_MATCHES } from "../../src/chat/search-page.ts";
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  highlightPieces,
  MAX_QUERY_LENGTH,
  type SearchInput,
} from "../../src/shared/search.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { insertMessage } from "../helpers/conversations.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";

forEachDatabase((database) => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let cy: TestUser;
  let roomId: number;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, bob, cy] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    roomId = (await ada.trpc.rooms.create.mutate({ name: "Search room" })).id;
    await bob.trpc.rooms.join.mutate({ id: roomId });
  });
  afterAll(() => server.close());

  /** A word no other test uses, so each test reads only its own messages. */
  const unique = (() => {
    let n = 0;
    return (stem: string) => `${stem}${String.fromCharCode(97 + (n++ % 26))}${"q".repeat(1 + Math.floor(n / 26))}`;
  })();

  const say = (who: TestUser, body: string, conversationId = roomId) =>
    who.trpc.history.send.mutate({ to: { conversationId }, body });
  const search = (who: TestUser, input: SearchInput | string) =>
    who.trpc.search.messages.query(typeof input === "string" ? { query: input } : input);
  const ids = async (who: TestUser, input: SearchInput | string) =>
    (await search(who, input)).hits.map((h) => h.messageId);
  /** Raw SQL on the server's database, as another writer (a restore, a copy) would run it. */
  const sql = <T = Record<string, unknown>>(text: string, ...params: unknown[]) =>
    rawRows<T>(server.deps.database, text, ...params);

  describe("what is found", () => {
    test("all the words, in any form: stemming and accents folded", async () => {
      const w = unique("zebra");
      const running = await say(ada, `${w} running through the café`);
      await say(ada, `${w} alone`);
      expect(await ids(bob, `${w} run`)).toEqual([running.id]);
      expect(await ids(bob, `${w} RUNS cafe`)).toEqual([running.id]);
      expect(await ids(bob, `${w} CAFÉ`)).toEqual([running.id]);
      const naive = await say(ada, `${w} Über naïve façade`);
      expect(await ids(bob, `${w} uber NAIVE facade`)).toEqual([naive.id]);
    });

    test("a quoted phrase finds the words together and in order only", async () => {
      const w = unique("yak");
      const together = await say(ada, `${w} the quick brown fox`);
      await say(ada, `${w} brown and quick fox`);
      expect(await ids(bob, `${w} "quick brown"`)).toEqual([together.id]);
      expect((await ids(bob, `${w} quick brown`)).length).toBe(2);
    });

    test("words are split at punctuation: email addresses, links, hyphens, numbers", async () => {
      const w = unique("heron");
      const email = await say(ada, `${w} write to bob.smith@example.com today`);
      const link = await say(ada, `${w} see https://docs.example.org/guide/setup-steps?x=1`);
      const dashed = await say(ada, `${w} e-mail me—or call, version 1.5`);
      expect(await ids(bob, `${w} bob.smith@example.com`)).toEqual([email.id]);
      expect(await ids(bob, `${w} "smith example"`)).toEqual([email.id]);
      expect((await ids(bob, `${w} example`)).sort()).toEqual([email.id, link.id].sort());
      expect(await ids(bob, `${w} guide setup`)).toEqual([link.id]);
      expect(await ids(bob, `${w} docs.example.org`)).toEqual([link.id]);
      expect(await ids(bob, `${w} e-mail`)).toEqual([dashed.id]);
      expect(await ids(bob, `${w} mail call`)).toEqual([dashed.id]);
      expect(await ids(bob, `${w} "1 5"`)).toEqual([dashed.id]);
    });

    test("the matched words come highlighted between markers, with mention markup shown as written", async () => {
      const w = unique("walrus");
      await say(ada, `hello <@${bob.user.id}> the ${w} sings`);
      const [hit] = (await search(bob, w)).hits;
      expect(hit?.snippet).toBe(`hello <@${bob.user.id}> the ${HIGHLIGHT_START}${w}${HIGHLIGHT_END} sings`);
      expect(highlightPieces(hit?.snippet ?? "")).toEqual([
        { text: `hello <@${bob.user.id}> the `, match: false },
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
      const mention = await say(ada, `${w} <@room> <@${bob.user.id}> look`);
      const spoken = await say(ada, `${w} the meeting room ${bob.user.id}`);
      expect(await ids(bob, `${w} room`)).toEqual([spoken.id]);
      expect(await ids(bob, `${w} ${bob.user.id}`)).toEqual([spoken.id]);
      expect(await ids(bob, `${w} look`)).toEqual([mention.id]);
      // Found by its spoken "room", a message's mention of @room is not highlighted.
      const both = await say(ada, `${w}x <@room> in the room`);
      const [hit] = (await search(bob, `${w}x room`)).hits;
      expect(hit?.messageId).toBe(both.id);
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

  describe("the index follows the messages", () => {
    test("an edited message is found by its new words only; a deleted one not at all", async () => {
      const [w, v] = [unique("tapir"), unique("tapir")];
      const message = await say(ada, `${w} before the edit`);
      expect(await ids(bob, w)).toEqual([message.id]);
      // Whatever the writer (an edit procedure, a restore), the triggers keep the index in step.
      await sql("update messages set body = ? where id = ?", `${v} after the edit`, message.id);
      expect(await ids(bob, w)).toEqual([]);
      expect(await ids(bob, v)).toEqual([message.id]);
      // A deletion that keeps the row empties its body; one that removes the row removes it.
      await sql("update messages set body = '' where id = ?", message.id);
      expect(await ids(bob, v)).toEqual([]);
      const gone = await say(ada, `${w} to be removed`);
      expect(await ids(bob, w)).toEqual([gone.id]);
      await sql("delete from messages where id = ?", gone.id);
      expect(await ids(bob, w)).toEqual([]);
      // FTS5's own check that the index agrees with the rows (PostgreSQL's column is the row's).
      if (database === "sqlite")
        await sql("insert into messages_fts(messages_fts, rank) values ('integrity-check', 1)");
    });
  });

  describe("the index follows edits and deletions through the procedures", () => {
    test("history.edit: found by the new words only; history.delete: found no more", async () => {
      const [w, v] = [unique("gecko"), unique("gecko")];
      const message = await say(ada, `${w} first draft`);
      await ada.trpc.history.edit.mutate({ id: message.id, body: `${v} second draft` });
      expect(await ids(bob, w)).toEqual([]);
      expect(await ids(bob, v)).toEqual([message.id]);
      expect(await ids(bob, "draft")).toContain(message.id);
      await ada.trpc.history.delete.mutate({ id: message.id });
      expect(await ids(bob, v)).toEqual([]);
      expect(await ids(bob, "draft")).not.toContain(message.id);
    });
  });

  describe("only what the caller may see", () => {
    test("another pair's direct messages and an unjoined room's are never found", async () => {
      const w = unique("shrew");
      await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: `${w} between us` });
      await say(ada, `${w} in the room`);
      expect((await ids(bob, w)).length).toBe(2);
      expect(await search(cy, w)).toEqual({ hits: [], nextCursor: null });
    });

    test("a member who left no longer finds the room's messages, and finds them again after joining", async () => {
      const w = unique("marmot");
      const other = (await ada.trpc.rooms.create.mutate({ name: `Leavers ${w}` })).id;
      await cy.trpc.rooms.join.mutate({ id: other });
      const message = await say(ada, `${w} said while cy was here`, other);
      expect(await ids(cy, w)).toEqual([message.id]);
      await cy.trpc.rooms.leave.mutate({ id: other });
      expect(await ids(cy, w)).toEqual([]);
      await cy.trpc.rooms.join.mutate({ id: other });
      expect(await ids(cy, w)).toEqual([message.id]);
    });

    test("filtering by a conversation the caller is not in is NOT_FOUND, as for one that does not exist", async () => {
      const onRoom = await failure(search(cy, { query: "anything", conversationId: roomId }));
      const onMissing = await failure(search(cy, { query: "anything", conversationId: 987_654 }));
      expect(onRoom.data?.code).toBe("NOT_FOUND");
      expect(onRoom.message).toBe(onMissing.message);
    });
  });

  describe("filters", () => {
    test("in a conversation, from a person, before and after an instant", async () => {
      const w = unique("lemur");
      const inRoom = await say(ada, `${w} from ada in the room`);
      const fromBob = await say(bob, `${w} from bob in the room`);
      const direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: `${w} direct` });
      expect((await ids(bob, { query: w, conversationId: roomId })).sort()).toEqual([inRoom.id, fromBob.id].sort());
      expect(await ids(bob, { query: w, fromUserId: bob.user.id })).toEqual([fromBob.id]);
      expect(await ids(bob, { query: w, conversationId: direct.conversationId })).toEqual([direct.id]);

      await sql("update messages set created_at = ? where id = ?", Date.UTC(2025, 0, 10), inRoom.id);
      expect(await ids(bob, { query: w, before: "2025-02-01T00:00:00Z" })).toEqual([inRoom.id]);
      expect((await ids(bob, { query: w, after: "2025-02-01T00:00:00Z" })).sort()).toEqual(
        [fromBob.id, direct.id].sort(),
      );
      expect(await ids(bob, { query: w, after: "2025-01-01T00:00:00Z", before: "2025-01-31T00:00:00+02:00" })).toEqual([
        inRoom.id,
      ]);
    });
  });

  test("has a file: only messages with an attachment, or only those without", async () => {
    const w = unique("okapi");
    const withFile = await say(ada, `${w} see the attached plan`);
    const without = await say(ada, `${w} no file here`);
    await sql(
      "insert into attachments (uploader_id, message_id, conversation_id, state, storage_key, name, content_type, size, created_at) values (?, ?, ?, 'ready', ?, 'plan.pdf', 'application/pdf', 3, 0)",
      ada.user.id,
      withFile.id,
      roomId,
      `key-${w}`,
    );
    expect(await ids(bob, { query: w, hasFile: true })).toEqual([withFile.id]);
    expect(await ids(bob, { query: w, hasFile: false })).toEqual([without.id]);
  });

  describe("ranking and paging", () => {
    test("the better match first; among equal matches the most recent first", async () => {
      const w = unique("koala");
      const older = await say(ada, `${w} gum tree`);
      const newer = await say(ada, `${w} gum tree`);
      const twice = await say(ada, `${w} ${w} ${w} gum`);
      expect(await ids(bob, w)).toEqual([twice.id, newer.id, older.id]);
      expect((await search(bob, w)).nextCursor).toBeNull();
    });

    test("pages by keyset: every hit once, in order, until nextCursor is null", async () => {
      const w = unique("ibex");
      const sent: number[] = [];
      for (let i = 0; i < 23; i++) sent.push((await say(ada, `${w} number ${i}`)).id);
      const seen: number[] = [];
      let cursor: SearchInput["cursor"];
      let pages = 0;
      do {
        const page = await search(bob, { query: w, limit: 10, cursor });
        seen.push(...page.hits.map((h) => h.messageId));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...sent].reverse());
    });

    test("pages of unequal ranks: every hit once, the better first", async () => {
      const w = unique("okapi");
      const sent: number[] = [];
      for (let i = 1; i <= 12; i++)
        sent.push((await say(ada, `${`${w} `.repeat(1 + (i % 4))}filler ${"x ".repeat(i)}`)).id);
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
      for (let i = 0; i < 5; i++)
        oldest.push((await insertMessage(server, ada.user.id, roomId, `${w} ${w} ${w} old ${i}`)).id);
      // Many newer ones, each with the word once: the old ones would rank first if ranked.
      // (A later millisecond, so that "before" can tell them apart.)
      await Bun.sleep(5);
      for (let i = 0; i < RANKED_MATCHES; i++) await insertMessage(server, ada.user.id, roomId, `${w} newer ${i}`);
      // Another conversation's matches are not among the caller's newest.
      const elsewhere = (await cy.trpc.rooms.create.mutate({ name: `Elsewhere ${w}` })).id;
      for (let i = 0; i < 50; i++) await insertMessage(server, cy.user.id, elsewhere, `${w} ${w} ${w} not yours ${i}`);

      const seen = new Set<number>();
      let cursor: SearchInput["cursor"];
      do {
        const page = await search(bob, { query: w, limit: 50, cursor });
        for (const hit of page.hits) seen.add(hit.messageId);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.size).toBe(RANKED_MATCHES);
      for (const id of oldest) expect(seen.has(id)).toBe(false);

      // Narrowed to before the newer ones, the old ones are found, best first.
      const [lastOld] = await sql<{ created_at: number | string }>(
        "select created_at from messages where id = ?",
        oldest.at(-1) ?? 0,
      );
      // PostgreSQL's bigint comes back as a string in raw SQL.
      const before = new Date(Number(lastOld?.created_at ?? 0) + 1).toISOString();
      expect(new Set(await ids(bob, { query: w, before }))).toEqual(new Set(oldest));
    });
  });

  describe("hostile or bad queries", () => {
    const codeOf = async (query: string) => (await failure(search(bob, query))).data?.code;

    test("FTS5 and tsquery syntax is taken as plain words, never as operators, and never fails", async () => {
      const w = unique("hyena");
      const message = await say(ada, `${w} or not near body 2 a b`);
      const found = [message.id];
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

    test("a long query is one search, and a word too long for PostgreSQL's index is no error", async () => {
      const w = unique("jackal");
      const long = "y".repeat(MAX_QUERY_LENGTH - w.length - 1);
      const message = await say(ada, `${w} ${long}`);
      expect(await ids(bob, `${w} ${long}`)).toEqual([message.id]);
      expect(await ids(bob, "z".repeat(MAX_QUERY_LENGTH))).toEqual([]);
      // A word over 2,047 bytes is left out of PostgreSQL's index; the message is sent and
      // found by its other words on both databases.
      const huge = await say(ada, `${w} ${"é".repeat(1100)} tail`);
      expect(await ids(bob, `${w} tail`)).toEqual([huge.id]);
    });

    test("an unclosed quote, nothing searchable, or too much is BAD_REQUEST with a clear message", async () => {
      const messageOf = async (query: string) => (await failure(search(bob, query))).message;
      expect(await codeOf('"unclosed phrase')).toBe("BAD_REQUEST");
      expect(await messageOf('"unclosed')).toBe('A quoted phrase is not closed: add the closing "');
      for (const query of ["", ' *** "" () ', "*", "& | ! <-> :*"]) {
        expect({ query, code: await codeOf(query) }).toEqual({ query, code: "BAD_REQUEST" });
        expect(await messageOf(query)).toBe("Search for at least one word");
      }
      expect(await codeOf("a ".repeat(17))).toBe("BAD_REQUEST");
      expect(await codeOf("x".repeat(201))).toBe("BAD_REQUEST");
      const badDate = await failure(search(bob, { query: "hello", before: "yesterday" }));
      expect(badDate.data?.code).toBe("BAD_REQUEST");
    });
  });
});
