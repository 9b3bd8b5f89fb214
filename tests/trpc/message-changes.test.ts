// Editing and deleting messages, and pages around a message, end to end through a real
// server: each change is a change of the conversation's stream (a new number, the same
// `message` frame live, the current state in `history.changes`), and the body of a
// deleted message is gone from the database, not hidden.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { aroundPageSchema, changesPageSchema, type Message, messageSchema } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode, recordNotifications } from "../helpers/trpc.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const sql = (text: string, ...params: unknown[]) => rawRows(server.deps.database, text, ...params);
  const storedRow = async (id: number) =>
    (
      await rawRows<{ body: string; seq: number }>(
        server.deps.database,
        "select body, seq from messages where id = ?",
        id,
      )
    )[0];

  const room = (owner: TestUser, ...others: TestUser[]) => createRoom(server, [owner, ...others]);

  const two = () => Promise.all([signUp(server.url), signUp(server.url)]);
  const trio = () => Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);

  describe("edit", () => {
    test("the author edits: a new number, the edit time, the same frame live, the current text everywhere", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "helo" });
      expect(sent).toMatchObject({ editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [] });
      const bobSocket = await openSocket(server.url, bob.token);
      try {
        const edited = await ada.trpc.history.edit.mutate({ id: sent.id, body: "  hello  " });
        messageSchema.parse(edited);
        expect(edited).toMatchObject({ id: sent.id, body: "hello", createdAt: sent.createdAt });
        expect(edited.seq).toBe(sent.seq + 1);
        expect(edited.editedAt).not.toBeNull();
        const frame = await bobSocket.next("message", (f) => f.message.id === sent.id);
        expect(frame.message).toEqual(edited);

        // The page, the single message, the list and the catch-up all show the current text.
        const page = await bob.trpc.history.messages.query({ conversationId: roomId });
        expect(page.items.at(-1)).toEqual(edited);
        expect(page.stream?.seq).toBe(edited.seq);
        expect(await bob.trpc.history.get.query({ id: sent.id })).toEqual(edited);
        const [listed] = await bob.trpc.history.conversations.query();
        expect(listed?.lastMessage).toEqual(edited);
        const changes = changesPageSchema.parse(
          await bob.trpc.history.changes.query({ conversationId: roomId, after: sent.seq }),
        );
        expect(changes.messages).toEqual([edited]);
        expect((await storedRow(sent.id))?.body).toBe("hello");
      } finally {
        bobSocket.close();
      }
    });

    test("the same body again changes nothing: no new number, no frame (a retry is harmless)", async () => {
      const [ada, bob] = await two();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "first" });
      const edited = await ada.trpc.history.edit.mutate({ id: sent.id, body: "second" });
      const recorder = recordNotifications(server.deps);
      try {
        const again = await ada.trpc.history.edit.mutate({ id: sent.id, body: " second\n" });
        expect(again).toEqual(edited);
        expect(recorder.calls).toEqual([]);
      } finally {
        recorder.restore();
      }
      expect((await storedRow(sent.id))?.seq).toBe(edited.seq);
    });

    test("an edit obeys the rules of a new message", async () => {
      const [ada, bob] = await two();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "keep me" });
      for (const body of ["   ", "x".repeat(4001), "bell\u0007", "\uD800 lone"]) {
        const error = await failure(ada.trpc.history.edit.mutate({ id: sent.id, body }));
        expect(error.data?.code).toBe("BAD_REQUEST");
      }
      // Exactly the limit passes (code points, not UTF-16 units).
      const longest = "😀".repeat(4000);
      expect((await ada.trpc.history.edit.mutate({ id: sent.id, body: longest })).body).toBe(longest);
      const tooLong = await failure(ada.trpc.history.edit.mutate({ id: sent.id, body: `${longest}!` }));
      expect(tooLong.message).toBe("A message is at most 4000 characters");
      expect((await storedRow(sent.id))?.body).toBe(longest);
    });

    test("someone else's message is FORBIDDEN, even for an admin; a deleted one cannot be edited", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "mine" });
      expect(await failureCode(bob.trpc.history.edit.mutate({ id: sent.id, body: "yours now" }))).toBe("FORBIDDEN");
      await sql("update users set is_admin = true where id = ?", bob.user.id);
      expect(await failureCode(bob.trpc.history.edit.mutate({ id: sent.id, body: "admin edit" }))).toBe("FORBIDDEN");
      await ada.trpc.history.delete.mutate({ id: sent.id });
      const error = await failure(ada.trpc.history.edit.mutate({ id: sent.id, body: "back" }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect((await storedRow(sent.id))?.body).toBe("");
    });

    test("edits take tokens from the send limit", async () => {
      const limited = await startTestServer({ SEND_RATE: "0.001", SEND_BURST: "2" });
      try {
        const [ada, bob] = [await signUp(limited.url), await signUp(limited.url)];
        const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "one" });
        await ada.trpc.history.edit.mutate({ id: sent.id, body: "two" });
        const error = await failure(ada.trpc.history.edit.mutate({ id: sent.id, body: "three" }));
        expect(error.data?.code).toBe("TOO_MANY_REQUESTS");
        // An unchanged body costs nothing and still answers.
        expect((await ada.trpc.history.edit.mutate({ id: sent.id, body: "two" })).body).toBe("two");
      } finally {
        await limited.close();
      }
    });
  });

  describe("delete", () => {
    test("the author deletes: the body, reactions and mentions leave the database; everyone sees it deleted", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "oops, a password" });
      const bobSocket = await openSocket(server.url, bob.token);
      try {
        const deleted = await ada.trpc.history.delete.mutate({ id: sent.id });
        expect(deleted).toMatchObject({ id: sent.id, body: "", reactions: [], mentions: [], seq: sent.seq + 1 });
        expect(deleted.deletedAt).not.toBeNull();
        expect((await bobSocket.next("message", (f) => f.message.id === sent.id)).message).toEqual(deleted);
        expect(await storedRow(sent.id)).toMatchObject({ body: "" });
        // No copy of the text anywhere in the file's tables.
        const found = await sql("select id from messages where body like '%password%'");
        expect(found).toEqual([]);
        const page = await bob.trpc.history.messages.query({ conversationId: roomId });
        expect(page.items.at(-1)).toEqual(deleted);
        expect(JSON.stringify(page)).not.toContain("password");

        // Deleting again changes nothing and answers the same.
        expect(await ada.trpc.history.delete.mutate({ id: sent.id })).toEqual(deleted);
        expect((await storedRow(sent.id))?.seq).toBe(deleted.seq);
      } finally {
        bobSocket.close();
      }
    });

    test("a member cannot delete someone else's message (FORBIDDEN), in a room or a direct conversation", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const inRoom = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "room" });
      const direct = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "direct" });
      expect(await failureCode(bob.trpc.history.delete.mutate({ id: inRoom.id }))).toBe("FORBIDDEN");
      expect(await failureCode(bob.trpc.history.delete.mutate({ id: direct.id }))).toBe("FORBIDDEN");
      expect((await storedRow(inRoom.id))?.body).toBe("room");
    });

    test("a room's owner or moderator deletes others' messages there, written to the activity log; a site admin as such may not", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const sent = await bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "spam" });
      const deleted = await ada.trpc.history.delete.mutate({ id: sent.id });
      expect(deleted).toMatchObject({ body: "", senderId: bob.user.id });
      await sql("update users set is_admin = true where id = ?", ada.user.id);
      const log = await ada.trpc.admin.activity.query({ kind: "message_deleted_by_moderator" });
      expect(log.items[0]).toMatchObject({
        userId: ada.user.id,
        detail: { messageId: sent.id, conversationId: roomId, authorId: bob.user.id },
      });
      expect(JSON.stringify(log.items[0])).not.toContain("spam");

      // A moderator too; a site admin who is a plain member of the room is not one.
      const [cy, admin] = await two();
      await sql("update users set is_admin = true where id = ?", admin.user.id);
      for (const person of [cy, admin]) await person.trpc.rooms.join.mutate({ id: roomId });
      await ada.trpc.rooms.setRole.mutate({ id: roomId, userId: cy.user.id, role: "moderator" });
      const again = await bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "more spam" });
      expect(await failureCode(admin.trpc.history.delete.mutate({ id: again.id }))).toBe("FORBIDDEN");
      expect((await cy.trpc.history.delete.mutate({ id: again.id })).deletedAt).not.toBeNull();

      const direct = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "just us" });
      expect(await failureCode(ada.trpc.history.delete.mutate({ id: direct.id }))).toBe("FORBIDDEN");
    });

    test("the author's own deletion is not in the activity log", async () => {
      const [ada, bob] = await two();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "bye" });
      await ada.trpc.history.delete.mutate({ id: sent.id });
      const logged = await sql(
        "select id from activity_log where kind = 'message_deleted_by_moderator' and user_id = ?",
        ada.user.id,
      );
      expect(logged).toEqual([]);
    });
  });

  describe("a third person who was offline", () => {
    test("catches up edits and deletions with history.changes after reconnecting, then follows live", async () => {
      const [ada, bob, cy] = await trio();
      const roomId = await room(ada, bob, cy);
      const one = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "one" });
      const two = await bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "two" });
      const three = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "three" });
      // Cy held the conversation up to here, then went away.
      const held = (await cy.trpc.history.messages.query({ conversationId: roomId })).stream?.seq ?? -1;
      expect(held).toBe(three.seq);

      const edited = await ada.trpc.history.edit.mutate({ id: one.id, body: "one, edited" });
      const deleted = await bob.trpc.history.delete.mutate({ id: two.id });
      const edited2 = await ada.trpc.history.edit.mutate({ id: one.id, body: "one, edited twice" });

      // Back: a socket, then the catch-up from the number held.
      const socket = await openSocket(server.url, cy.token);
      try {
        const changes = changesPageSchema.parse(
          await cy.trpc.history.changes.query({ conversationId: roomId, after: held }),
        );
        // Each changed message once, as it is now, in stream order; the stream stands at the last change.
        expect(changes.messages).toEqual([deleted, edited2]);
        expect(changes.seq).toBe(edited2.seq);
        expect(changes.complete).toBe(true);
        expect(edited.seq).toBeLessThan(deleted.seq);
        // And the page read after a reload shows the same.
        const page = await cy.trpc.history.messages.query({ conversationId: roomId });
        // (After the system lines of Bob's and Cy's arrivals.)
        expect(page.items.filter((m) => !m.event).map((m) => [m.id, m.body, m.deletedAt !== null])).toEqual([
          [one.id, "one, edited twice", false],
          [two.id, "", true],
          [three.id, "three", false],
        ]);
        // From here on, the changes arrive on the new socket, numbered on from the catch-up.
        const later = await ada.trpc.history.edit.mutate({ id: three.id, body: "three, later" });
        const frame = await socket.next("message", (f) => f.message.id === three.id);
        expect(frame.message).toEqual(later);
        expect(later.seq).toBe(changes.seq + 1);
      } finally {
        socket.close();
      }
    });

    test("the numbers stay contiguous across sends, edits and deletions", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const seqs: number[] = [];
      const a = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "a" });
      seqs.push(a.seq);
      seqs.push((await ada.trpc.history.edit.mutate({ id: a.id, body: "a2" })).seq);
      const b = await bob.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "b" });
      seqs.push(b.seq);
      seqs.push((await bob.trpc.history.delete.mutate({ id: b.id })).seq);
      seqs.push((await ada.trpc.history.delete.mutate({ id: a.id })).seq);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    });
  });

  describe("around", () => {
    test("a page centred on a message, keyset on both sides, with whether more lie beyond", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const sent: Message[] = [];
      for (let i = 0; i < 30; i++)
        sent.push(await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: `m${i}` }));
      const target = sent[15] as Message;
      const page = aroundPageSchema.parse(
        await bob.trpc.history.around.query({ conversationId: roomId, messageId: target.id, limit: 5 }),
      );
      expect(page.messages.map((m) => m.body)).toEqual(["m13", "m14", "m15", "m16", "m17"]);
      expect(page).toMatchObject({ hasOlder: true, hasNewer: true });

      const start = await bob.trpc.history.around.query({
        conversationId: roomId,
        messageId: sent[1]?.id ?? 0,
        limit: 5,
      });
      // The room's history starts with Bob's arrival, a system line.
      expect(start.messages.map((m) => m.event?.type ?? m.body)).toEqual(["joined", "m0", "m1", "m2", "m3"]);
      expect(start).toMatchObject({ hasOlder: false, hasNewer: true });
      const end = await bob.trpc.history.around.query({ conversationId: roomId, messageId: sent[29]?.id ?? 0 });
      // The default size is MESSAGES_TO_LOAD (15): seven before, the message, nothing after.
      expect(end.messages.map((m) => m.body)).toEqual(sent.slice(22).map((m) => m.body));
      expect(end).toMatchObject({ hasOlder: true, hasNewer: false });
      const alone = await bob.trpc.history.around.query({ conversationId: roomId, messageId: target.id, limit: 1 });
      expect(alone).toMatchObject({ messages: [{ id: target.id }], hasOlder: true, hasNewer: true });
    });

    test("a message of another conversation, or none, is NOT_FOUND", async () => {
      const [ada, bob] = await two();
      const roomId = await room(ada, bob);
      const elsewhere = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "direct" });
      const error = await failure(bob.trpc.history.around.query({ conversationId: roomId, messageId: elsewhere.id }));
      expect(error.data?.code).toBe("NOT_FOUND");
      const missing = await failure(bob.trpc.history.around.query({ conversationId: roomId, messageId: 987_654 }));
      expect(missing.message).toBe(error.message);
    });
  });
});
