import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Conversation, RoomSummary } from "../../src/shared/api.ts";
import { signUp, trpcClient } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode, recordNotifications } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  let recorder: ReturnType<typeof recordNotifications> | null = null;
  afterEach(() => {
    recorder?.restore();
    recorder = null;
  });

  describe("rooms.create", () => {
    test("trims the name, makes the creator a member, and announces the room to them", async () => {
      const ada = await signUp(server.url);
      recorder = recordNotifications(server.deps);
      const room = await ada.trpc.rooms.create.mutate({ name: "  Book club  " });
      expect(room).toEqual({
        id: room.id,
        kind: "room",
        name: "Book club",
        unread: 0,
        mentions: 0,
        muted: false,
        room: { topic: "", memberCount: 1, role: "owner", private: false, archived: false },
      });
      expect(recorder.of("conversationAdded")).toEqual([[ada.user.id, room]]);
      expect(await ada.trpc.history.conversations.query()).toEqual([room]);
    });

    test("names are unique whatever their case: CONFLICT on the name field", async () => {
      const ada = await signUp(server.url);
      await ada.trpc.rooms.create.mutate({ name: "Chess" });
      const error = await failure(ada.trpc.rooms.create.mutate({ name: " CHESS " }));
      expect(error.data?.code).toBe("CONFLICT");
      expect(error.data?.httpStatus).toBe(409);
      expect(error.data?.fields?.name).toBeDefined();
    });

    test("names are 1–64 characters after trimming", async () => {
      const ada = await signUp(server.url);
      const blank = await failure(ada.trpc.rooms.create.mutate({ name: "   " }));
      expect(blank.data?.code).toBe("BAD_REQUEST");
      expect(blank.data?.fields?.name).toBeDefined();
      expect(await failureCode(ada.trpc.rooms.create.mutate({ name: "n".repeat(65) }))).toBe("BAD_REQUEST");
      expect((await ada.trpc.rooms.create.mutate({ name: ` ${"n".repeat(64)} ` })).name).toHaveLength(64);
    });
  });

  describe("joining and leaving", () => {
    test("join is idempotent and announced once; newcomers start with the history read", async () => {
      const [owner, joiner] = [await signUp(server.url), await signUp(server.url)];
      const room = await owner.trpc.rooms.create.mutate({ name: "Gardening" });
      const old = await owner.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "before you came" });
      recorder = recordNotifications(server.deps);

      const joined = await joiner.trpc.rooms.join.mutate({ id: room.id });
      expect(joined).toEqual({
        id: room.id,
        kind: "room",
        name: "Gardening",
        lastMessage: old,
        unread: 0,
        mentions: 0,
        muted: false,
        room: { topic: "", memberCount: 2, role: "member", private: false, archived: false },
      });
      expect(await joiner.trpc.rooms.join.mutate({ id: room.id })).toEqual(joined);
      expect(recorder.of("conversationAdded")).toEqual([[joiner.user.id, joined]]);

      const summary = (await joiner.trpc.rooms.list.query({ search: "garden" })).items[0];
      expect(summary).toMatchObject({ id: room.id, memberCount: 2, joined: true });

      // Both members read and write; a new message is unread for the other.
      await owner.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "welcome" });
      expect((await joiner.trpc.history.conversations.query())[0]).toMatchObject({ id: room.id, unread: 1 });
      const reply = await joiner.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "thanks" });
      const history = await owner.trpc.history.messages.query({ conversationId: room.id });
      // The arrival is a system line (empty body, the event), which is never unread.
      expect(history.items.map((m) => m.event?.type ?? m.body)).toEqual([
        "before you came",
        "joined",
        "welcome",
        "thanks",
      ]);
      expect(history.items.at(-1)).toEqual(reply);
    });

    test("leave removes the room from the member's conversations and is announced", async () => {
      const [owner, member] = [await signUp(server.url), await signUp(server.url)];
      const room = await owner.trpc.rooms.create.mutate({ name: "Leaving soon" });
      await member.trpc.rooms.join.mutate({ id: room.id });
      recorder = recordNotifications(server.deps);
      await member.trpc.rooms.leave.mutate({ id: room.id });
      expect(recorder.of("conversationRemoved")).toEqual([[member.user.id, room.id]]);
      expect(await member.trpc.history.conversations.query()).toEqual([]);
      expect((await owner.trpc.rooms.list.query({ search: "leaving" })).items[0]).toMatchObject({
        memberCount: 1,
        joined: true,
      });
      // The room stays, and can be joined again.
      expect((await member.trpc.rooms.join.mutate({ id: room.id })).id).toBe(room.id);
    });

    test("joining a room that does not exist is NOT_FOUND", async () => {
      const ada = await signUp(server.url);
      expect(await failureCode(ada.trpc.rooms.join.mutate({ id: 999_999 }))).toBe("NOT_FOUND");
    });
  });

  describe("rooms.list", () => {
    test("pages through every room by name, searching a case-insensitive prefix", async () => {
      const fresh = await startTestServer();
      try {
        const ada = await signUp(fresh.url);
        const names = ["delta", "Alpha", "charlie", "Bravo", "echo", "alphabet", "Zulu"];
        for (const name of names) await ada.trpc.rooms.create.mutate({ name });
        const seen: RoomSummary[] = [];
        let cursor: number | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await ada.trpc.rooms.list.query({ limit: 2, cursor });
          seen.push(...result.items);
          if (result.nextCursor === null) break;
          cursor = result.nextCursor;
        }
        expect(seen.map((r) => r.name)).toEqual(["Alpha", "alphabet", "Bravo", "charlie", "delta", "echo", "Zulu"]);
        expect((await ada.trpc.rooms.list.query({ search: "ALPH" })).items.map((r) => r.name)).toEqual([
          "Alpha",
          "alphabet",
        ]);
        expect((await ada.trpc.rooms.list.query({ search: "lpha" })).items).toEqual([]);
      } finally {
        await fresh.close();
      }
    });

    test("lastActivityAt is the newest message's time, or the creation time", async () => {
      const ada = await signUp(server.url);
      const room: Conversation = await ada.trpc.rooms.create.mutate({ name: "Timekeeping" });
      const created = (await ada.trpc.rooms.list.query({ search: "timekeeping" })).items[0]?.lastActivityAt;
      expect(created).toBeString();
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: room.id }, body: "tick" });
      const after = (await ada.trpc.rooms.list.query({ search: "timekeeping" })).items[0]?.lastActivityAt;
      expect(after).toBe(sent.createdAt);
    });

    test("needs a session", async () => {
      expect(await failureCode(trpcClient(server.url).rooms.list.query())).toBe("UNAUTHORIZED");
    });
  });
});
