// Replies end to end: `send` with `replyTo` quotes its parent (author, first line) in every
// answer and frame; the parent must be a message of the same conversation; a deleted
// parent is quoted as deleted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { changesPageSchema, messageSchema, REPLY_EXCERPT_LENGTH } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const trio = () => Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);

  const room = (owner: TestUser, ...others: TestUser[]) => createRoom(server, [owner, ...others]);

  test("a reply quotes its parent's author and first line, in the answer, the frame, the page and the catch-up", async () => {
    const [ada, bob, cy] = await trio();
    const roomId = await room(ada, bob, cy);
    const parent = await ada.trpc.history.send.mutate({
      to: { conversationId: roomId },
      body: "Release on Friday?\nDetails below.\n- tests\n- docs",
    });
    const held = (await cy.trpc.history.messages.query({ conversationId: roomId })).stream?.seq ?? -1;
    const cySocket = await openSocket(server.url, cy.token);
    try {
      const reply = await bob.trpc.history.send.mutate({
        to: { conversationId: roomId },
        body: "Yes",
        replyTo: parent.id,
      });
      messageSchema.parse(reply);
      expect(reply.replyTo).toEqual({
        id: parent.id,
        senderId: ada.user.id,
        excerpt: "Release on Friday?",
        deleted: false,
      });
      expect((await cySocket.next("message", (f) => f.message.id === reply.id)).message).toEqual(reply);
      const page = await cy.trpc.history.messages.query({ conversationId: roomId });
      expect(page.items.at(-1)).toEqual(reply);
      const changes = changesPageSchema.parse(
        await cy.trpc.history.changes.query({ conversationId: roomId, after: held }),
      );
      expect(changes.messages).toEqual([reply]);
      expect(await cy.trpc.history.get.query({ id: reply.id })).toEqual(reply);
    } finally {
      cySocket.close();
    }
  });

  test(`the excerpt is the first line, cut at ${REPLY_EXCERPT_LENGTH} characters (code points)`, async () => {
    const [ada, bob] = await trio();
    const long = "🦊".repeat(REPLY_EXCERPT_LENGTH + 10);
    const parent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: `${long}\nsecond` });
    const reply = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "long", replyTo: parent.id });
    expect(reply.replyTo?.excerpt).toBe("🦊".repeat(REPLY_EXCERPT_LENGTH));
  });

  test("an edited or deleted parent: the quote shows its current first line, or that it was deleted", async () => {
    const [ada, bob] = await trio();
    const parent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "draft" });
    const reply = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "ok", replyTo: parent.id });
    await ada.trpc.history.edit.mutate({ id: parent.id, body: "final" });
    expect((await bob.trpc.history.get.query({ id: reply.id })).replyTo?.excerpt).toBe("final");
    await ada.trpc.history.delete.mutate({ id: parent.id });
    const after = await bob.trpc.history.messages.query({ conversationId: reply.conversationId });
    expect(after.items.find((m) => m.id === reply.id)?.replyTo).toEqual({
      id: parent.id,
      senderId: ada.user.id,
      excerpt: "",
      deleted: true,
    });
    // Replying to a deleted message still works, and quotes it as deleted.
    const late = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "?", replyTo: parent.id });
    expect(late.replyTo?.deleted).toBe(true);
  });

  test("a parent from another conversation, or none, is BAD_REQUEST with the same words; nothing is stored", async () => {
    const [ada, bob, cy] = await trio();
    const roomId = await room(ada, bob);
    const elsewhere = await cy.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "private" });
    const before = (await bob.trpc.history.messages.query({ conversationId: roomId })).stream?.seq;
    const foreign = await failure(
      bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "hi", replyTo: elsewhere.id }),
    );
    const missing = await failure(
      bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "hi", replyTo: 987_654 }),
    );
    expect(foreign.data?.code).toBe("BAD_REQUEST");
    expect(missing.data?.code).toBe("BAD_REQUEST");
    expect(foreign.message).toBe(missing.message);
    const after = await bob.trpc.history.messages.query({ conversationId: roomId });
    // Only the room's system lines ("Bob joined"): no message of Bob's was stored.
    expect(after.items.filter((m) => m.event === undefined)).toEqual([]);
    expect(after.stream?.seq).toBe(before ?? -1);
    // A first direct message cannot answer anything yet: the new conversation is rolled back.
    const firstDirect = await failure(
      bob.trpc.history.send.mutate({ to: { userId: cy.user.id }, body: "hi", replyTo: elsewhere.id }),
    );
    expect(firstDirect.data?.code).toBe("BAD_REQUEST");
    expect((await cy.trpc.history.conversations.query()).map((c) => c.peer?.id)).not.toContain(bob.user.id);
  });
});
