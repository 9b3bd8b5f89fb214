// A user who is not a member of a conversation gets NOT_FOUND for it on every procedure,
// with the same answer as for a conversation that does not exist.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Message } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let outsider: TestUser;
  let direct: Message;
  let roomMessage: Message;
  let roomId: number;
  const missing = 987_654;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, bob, outsider] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "private" });
    roomId = (await ada.trpc.rooms.create.mutate({ name: "Members only" })).id;
    roomMessage = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "in the room" });
  });
  afterAll(() => server.close());

  /** The call fails NOT_FOUND, exactly as the same call on an id that does not exist. */
  async function expectHidden(call: (id: number) => Promise<unknown>, id: number) {
    const onReal = await failure(call(id));
    const onMissing = await failure(call(missing));
    expect(onReal.data?.code).toBe("NOT_FOUND");
    expect(onReal.data?.httpStatus).toBe(404);
    expect(onReal.message).toBe(onMissing.message);
  }

  describe("a non-member gets NOT_FOUND", () => {
    test("history.messages of a direct conversation or an unjoined room", async () => {
      await expectHidden((id) => outsider.trpc.history.messages.query({ conversationId: id }), direct.conversationId);
      await expectHidden((id) => outsider.trpc.history.messages.query({ conversationId: id }), roomId);
    });

    test("history.send to it", async () => {
      await expectHidden(
        (id) => outsider.trpc.history.send.mutate({ to: { conversationId: id }, body: "let me in" }),
        direct.conversationId,
      );
      await expectHidden((id) => outsider.trpc.history.send.mutate({ to: { conversationId: id }, body: "hi" }), roomId);
    });

    test("history.get of its messages", async () => {
      await expectHidden((id) => outsider.trpc.history.get.query({ id }), direct.id);
      await expectHidden((id) => outsider.trpc.history.get.query({ id }), roomMessage.id);
    });

    test("history.markRead on it", async () => {
      await expectHidden(
        (id) => outsider.trpc.history.markRead.mutate({ conversationId: id, upTo: direct.id }),
        direct.conversationId,
      );
      await expectHidden((id) => outsider.trpc.history.markRead.mutate({ conversationId: id, upTo: 1 }), roomId);
    });

    test("history.edit, history.delete and history.react on its messages, as for a message that does not exist", async () => {
      for (const message of [direct, roomMessage]) {
        await expectHidden((id) => outsider.trpc.history.edit.mutate({ id, body: "mine now" }), message.id);
        await expectHidden((id) => outsider.trpc.history.delete.mutate({ id }), message.id);
        await expectHidden((id) => outsider.trpc.history.react.mutate({ id, emoji: "👍", on: true }), message.id);
      }
    });

    test("history.around in it, whether or not the message is there", async () => {
      await expectHidden(
        (id) => outsider.trpc.history.around.query({ conversationId: id, messageId: direct.id }),
        direct.conversationId,
      );
      await expectHidden(
        (id) => outsider.trpc.history.around.query({ conversationId: roomId, messageId: id }),
        roomMessage.id,
      );
    });

    test("rooms.join of a direct conversation (only rooms can be joined)", async () => {
      await expectHidden((id) => outsider.trpc.rooms.join.mutate({ id }), direct.conversationId);
    });

    test("rooms.leave of a room not joined, or of a direct conversation", async () => {
      await expectHidden((id) => outsider.trpc.rooms.leave.mutate({ id }), roomId);
      await expectHidden((id) => outsider.trpc.rooms.leave.mutate({ id }), direct.conversationId);
    });

    test("search.messages filtered to it, and finds none of its messages unfiltered", async () => {
      await expectHidden(
        (id) => outsider.trpc.search.messages.query({ query: "private", conversationId: id }),
        direct.conversationId,
      );
      await expectHidden((id) => outsider.trpc.search.messages.query({ query: "room", conversationId: id }), roomId);
      expect(await outsider.trpc.search.messages.query({ query: "private" })).toEqual({ hits: [], nextCursor: null });
      expect(await outsider.trpc.search.messages.query({ query: '"in the room"' })).toEqual({
        hits: [],
        nextCursor: null,
      });
    });

    test("and sees nothing of it in the lists", async () => {
      expect(await outsider.trpc.history.conversations.query()).toEqual([]);
      const rooms = await outsider.trpc.rooms.list.query();
      expect(rooms.items.map((r) => r.id)).toEqual([roomId]);
      expect(rooms.items[0]).toMatchObject({ joined: false, memberCount: 1 });
    });
  });

  test("leaving a room takes its history away until you join again", async () => {
    const carol = await signUp(server.url);
    await carol.trpc.rooms.join.mutate({ id: roomId });
    const items = (await carol.trpc.history.messages.query({ conversationId: roomId })).items;
    // What was said, then the system line of Carol's arrival.
    expect(items.map((m) => m.id)).toEqual([roomMessage.id, expect.any(Number)]);
    expect(items[1]).toMatchObject({ senderId: carol.user.id, body: "", event: { type: "joined" } });
    await carol.trpc.rooms.leave.mutate({ id: roomId });
    await expectHidden((id) => carol.trpc.history.messages.query({ conversationId: id }), roomId);
    await expectHidden((id) => carol.trpc.history.get.query({ id }), roomMessage.id);
    expect((await carol.trpc.search.messages.query({ query: "in the room" })).hits).toEqual([]);
  });

  test("a member who is not the author gets FORBIDDEN for editing or deleting it", async () => {
    expect(await failureCode(bob.trpc.history.edit.mutate({ id: direct.id, body: "changed" }))).toBe("FORBIDDEN");
    expect(await failureCode(bob.trpc.history.delete.mutate({ id: direct.id }))).toBe("FORBIDDEN");
    expect((await bob.trpc.history.get.query({ id: direct.id })).body).toBe("private");
  });

  test("members still get their answers", async () => {
    expect((await bob.trpc.history.get.query({ id: direct.id })).body).toBe("private");
    expect((await bob.trpc.history.messages.query({ conversationId: direct.conversationId })).items).toHaveLength(1);
    const found = await bob.trpc.search.messages.query({ query: "private" });
    expect(found.hits.map((h) => h.messageId)).toEqual([direct.id]);
  });
});
