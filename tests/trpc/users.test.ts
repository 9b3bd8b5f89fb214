import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Presence } from "../../src/realtime/presence.ts";
import type { UserSummary } from "../../src/shared/api.ts";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failureCode } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  let me: TestUser;
  const people: Record<string, TestUser> = {};

  beforeAll(async () => {
    server = await startTestServer();
    me = await signUp(server.url, { username: "searcher", firstName: "Sam", lastName: "Searcher" });
    const directory = [
      { username: "ada_l", firstName: "Ada", lastName: "Lovelace" },
      { username: "grace", firstName: "Grace", lastName: "Hopper" },
      { username: "Alan.T", firstName: "Alan", lastName: "Turing" },
      { username: "kath", firstName: "Katherine", lastName: "Johnson" },
      { username: "edsger", firstName: "Edsger", lastName: "Dijkstra" },
      { username: "hopscotch", firstName: "Hop", lastName: "Scotch" },
      { username: "retired", firstName: "Ada", lastName: "Gone" },
    ];
    for (const fields of directory) people[fields.username] = await signUp(server.url, fields);
    const retired = people.retired?.user.id ?? 0;
    await rawRows(server.deps.database, "update users set is_active = false where id = ?", retired);
  });
  afterAll(() => server.close());

  const usernames = (items: UserSummary[]) => items.map((u) => u.username);

  describe("users.list", () => {
    test("lists active users other than the caller, by username", async () => {
      const { items, nextCursor } = await me.trpc.users.list.query();
      expect(usernames(items)).toEqual(["ada_l", "Alan.T", "edsger", "grace", "hopscotch", "kath"]);
      expect(nextCursor).toBeNull();
      expect(items[0]).toEqual({
        id: people.ada_l?.user.id ?? 0,
        username: "ada_l",
        firstName: "Ada",
        lastName: "Lovelace",
        online: false,
        lastSeenAt: null,
        bio: "",
        avatar: null,
      });
    });

    test("searches a case-insensitive prefix of the username, first or last name", async () => {
      const search = async (term: string) => usernames((await me.trpc.users.list.query({ search: term })).items);
      expect(await search("AD")).toEqual(["ada_l"]); // the deactivated Ada is not listed
      expect(await search("hop")).toEqual(["grace", "hopscotch"]); // Hopper, and hopscotch
      expect(await search("tURing")).toEqual(["Alan.T"]);
      expect(await search("alan.")).toEqual(["Alan.T"]);
      expect(await search("ovelace")).toEqual([]); // a prefix, not a substring
      expect(await search("sam")).toEqual([]); // never the caller
      expect(await search("%")).toEqual([]);
      expect(await search("  kat ")).toEqual(["kath"]);
    });

    test("pages with a cursor, each user once", async () => {
      const seen: string[] = [];
      let cursor: number | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await me.trpc.users.list.query({ limit: 4, cursor });
        seen.push(...usernames(result.items));
        if (result.nextCursor === null) break;
        expect(result.items).toHaveLength(4);
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(["ada_l", "Alan.T", "edsger", "grace", "hopscotch", "kath"]);
    });

    test("online comes from presence, asked once per page; lastSeenAt from the database", async () => {
      const grace = people.grace?.user.id ?? 0;
      const kath = people.kath?.user.id ?? 0;
      const seenAt = Date.UTC(2026, 2, 1, 12);
      await rawRows(server.deps.database, "update users set last_seen_at = ? where id = ?", seenAt, kath);
      const original = server.deps.presence;
      const asked: (readonly number[])[] = [];
      const stub: Presence = Object.assign(Object.create(original), {
        online: async (ids: readonly number[]) => {
          asked.push(ids);
          return new Set(ids.filter((id) => id === grace));
        },
      });
      server.deps.presence = stub;
      try {
        const { items } = await me.trpc.users.list.query();
        expect(asked).toHaveLength(1);
        expect([...(asked[0] ?? [])].sort()).toEqual(items.map((u) => u.id).sort());
        expect(items.filter((u) => u.online).map((u) => u.id)).toEqual([grace]);
        expect(items.find((u) => u.id === kath)?.lastSeenAt).toBe(new Date(seenAt).toISOString());
      } finally {
        server.deps.presence = original;
      }
    });

    test("needs a session", async () => {
      expect(await failureCode(trpcClient(server.url).users.list.query())).toBe("UNAUTHORIZED");
    });
  });

  describe("users.byIds", () => {
    test("finds active people and the caller; a deactivated person only for who shares a conversation with them", async () => {
      const ada = people.ada_l as TestUser;
      const kath = people.kath as TestUser;
      const gone = await signUp(server.url, { username: "left_team", firstName: "Lee", lastName: "Left" });
      // Gone wrote to Kath before leaving; Sam never met them.
      await gone.trpc.history.send.mutate({ to: { userId: kath.user.id }, body: "handing over" });
      await rawRows(server.deps.database, "update users set is_active = false where id = ?", gone.user.id);

      const ids = [ada.user.id, me.user.id, gone.user.id, 999_999];
      // By id: the searcher signed up first.
      expect(usernames(await me.trpc.users.byIds.query({ ids }))).toEqual(["searcher", "ada_l"]);
      const forKath = await kath.trpc.users.byIds.query({ ids });
      expect(usernames(forKath)).toEqual(["searcher", "ada_l", "left_team"]);
      expect(forKath.find((u) => u.username === "left_team")).toMatchObject({ firstName: "Lee", lastName: "Left" });
    });

    test("needs a session, at least one id and at most 100", async () => {
      expect(await failureCode(trpcClient(server.url).users.byIds.query({ ids: [1] }))).toBe("UNAUTHORIZED");
      expect(await failureCode(me.trpc.users.byIds.query({ ids: [] }))).toBe("BAD_REQUEST");
      const many = Array.from({ length: 101 }, (_, i) => i + 1);
      expect(await failureCode(me.trpc.users.byIds.query({ ids: many }))).toBe("BAD_REQUEST");
    });
  });
});
