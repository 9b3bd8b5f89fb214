// Reactions end to end through a real server: set (not toggled), on the change stream like
// an edit, validated as one emoji, bounded per message and per person.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  changesPageSchema,
  MAX_REACTIONS_PER_MESSAGE,
  MAX_REACTIONS_PER_PERSON,
  messageSchema,
} from "../../src/shared/api.ts";
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

  const trio = () => Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
  const storedReactions = async (messageId: number) =>
    (
      await rawRows<{ n: number }>(
        server.deps.database,
        "select cast(count(*) as integer) as n from reactions where message_id = ?",
        messageId,
      )
    )[0]?.n;

  const room = (owner: TestUser, ...others: TestUser[]) => createRoom(server, [owner, ...others]);

  // Twenty-one different single-code-point emoji.
  const EMOJI = Array.from("😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩");

  describe("react", () => {
    test("chips in order of first use, each with who reacted in order; live to every member; a new number each time", async () => {
      const [ada, bob, cy] = await trio();
      const roomId = await room(ada, bob, cy);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "ship it?" });
      const cySocket = await openSocket(server.url, cy.token);
      try {
        const first = await bob.trpc.history.react.mutate({ id: sent.id, emoji: "👍", on: true });
        messageSchema.parse(first);
        expect(first.reactions).toEqual([{ emoji: "👍", userIds: [bob.user.id] }]);
        expect(first.seq).toBe(sent.seq + 1);
        expect(first.body).toBe("ship it?");
        expect(first.editedAt).toBeNull(); // a reaction is not an edit
        await ada.trpc.history.react.mutate({ id: sent.id, emoji: "🎉", on: true });
        const third = await ada.trpc.history.react.mutate({ id: sent.id, emoji: "👍", on: true });
        expect(third.reactions).toEqual([
          { emoji: "👍", userIds: [bob.user.id, ada.user.id] },
          { emoji: "🎉", userIds: [ada.user.id] },
        ]);
        expect(third.seq).toBe(sent.seq + 3);
        const frame = await cySocket.next("message", (f) => f.message.id === sent.id && f.message.seq === third.seq);
        expect(frame.message).toEqual(third);

        // Taking one off: the chip goes when nobody is left on it.
        const off = await ada.trpc.history.react.mutate({ id: sent.id, emoji: "🎉", on: false });
        expect(off.reactions).toEqual([{ emoji: "👍", userIds: [bob.user.id, ada.user.id] }]);
        // The page shows the same.
        const page = await cy.trpc.history.messages.query({ conversationId: roomId });
        expect(page.items.at(-1)).toEqual(off);
      } finally {
        cySocket.close();
      }
    });

    test("setting what is already set changes nothing: no number, no frame, no token (a retry is harmless)", async () => {
      const [ada, bob] = await trio();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hi" });
      const on = await bob.trpc.history.react.mutate({ id: sent.id, emoji: "❤️", on: true });
      const recorder = recordNotifications(server.deps);
      try {
        expect(await bob.trpc.history.react.mutate({ id: sent.id, emoji: "❤️", on: true })).toEqual(on);
        const off = await bob.trpc.history.react.mutate({ id: sent.id, emoji: "❤️", on: false });
        expect(await bob.trpc.history.react.mutate({ id: sent.id, emoji: "❤️", on: false })).toEqual(off);
        expect(await bob.trpc.history.react.mutate({ id: sent.id, emoji: "🙂", on: false })).toEqual(off);
        expect(recorder.of("message")).toHaveLength(1);
      } finally {
        recorder.restore();
      }
    });

    test("one emoji only: text, two emoji, markup and long strings are BAD_REQUEST; ❤ is stored as ❤️", async () => {
      const [ada, bob] = await trio();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "react to me" });
      for (const emoji of ["a", "", " ", "😀😀", "<b>x</b>", ":smile:", "😀 ", "x".repeat(4000), "\u200d", "1"]) {
        const error = await failure(bob.trpc.history.react.mutate({ id: sent.id, emoji, on: true }));
        expect(error.data?.code).toBe("BAD_REQUEST");
      }
      expect(await storedReactions(sent.id)).toBe(0);
      for (const emoji of ["👍🏽", "👨‍👩‍👧", "🇩🇪", "#️⃣"])
        await bob.trpc.history.react.mutate({ id: sent.id, emoji, on: true });
      const bare = await ada.trpc.history.react.mutate({ id: sent.id, emoji: "❤", on: true });
      const qualified = await bob.trpc.history.react.mutate({ id: sent.id, emoji: "❤️", on: true });
      expect(bare.reactions.at(-1)).toEqual({ emoji: "❤️", userIds: [ada.user.id] });
      expect(qualified.reactions.at(-1)).toEqual({ emoji: "❤️", userIds: [ada.user.id, bob.user.id] });
    });

    test(`at most ${MAX_REACTIONS_PER_PERSON} per person and ${MAX_REACTIONS_PER_MESSAGE} different per message`, async () => {
      const [ada, bob, cy] = await trio();
      const roomId = await room(ada, bob, cy);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "popular" });
      const set = (who: TestUser, emoji: string) =>
        who.trpc.history.react.mutate({ id: sent.id, emoji: emoji ?? "", on: true });
      for (const emoji of EMOJI.slice(0, MAX_REACTIONS_PER_PERSON)) await set(ada, emoji);
      const tooMany = await failure(set(ada, EMOJI[MAX_REACTIONS_PER_PERSON] ?? ""));
      expect(tooMany.data?.code).toBe("BAD_REQUEST");
      expect(tooMany.message).toBe(`You can put at most ${MAX_REACTIONS_PER_PERSON} reactions on one message`);
      for (const emoji of EMOJI.slice(MAX_REACTIONS_PER_PERSON, MAX_REACTIONS_PER_MESSAGE)) await set(bob, emoji);
      const twentyFirst = await failure(set(cy, EMOJI[MAX_REACTIONS_PER_MESSAGE] ?? ""));
      expect(twentyFirst.message).toBe(`A message has at most ${MAX_REACTIONS_PER_MESSAGE} different reactions`);
      // Joining an existing chip is always possible.
      const joined = await set(cy, EMOJI[0] ?? "");
      expect(joined.reactions).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
      expect(joined.reactions[0]?.userIds).toEqual([ada.user.id, cy.user.id]);
    });

    test("a deleted message takes no reactions and loses those it had", async () => {
      const [ada, bob] = await trio();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "soon gone" });
      await bob.trpc.history.react.mutate({ id: sent.id, emoji: "😂", on: true });
      const deleted = await ada.trpc.history.delete.mutate({ id: sent.id });
      expect(deleted.reactions).toEqual([]);
      expect(await storedReactions(sent.id)).toBe(0);
      expect(await failureCode(bob.trpc.history.react.mutate({ id: sent.id, emoji: "😂", on: true }))).toBe(
        "BAD_REQUEST",
      );
      // Taking one off a deleted message is already true: nothing to refuse.
      expect(await bob.trpc.history.react.mutate({ id: sent.id, emoji: "😂", on: false })).toEqual(deleted);
    });

    test("reactions take tokens from the send limit", async () => {
      const limited = await startTestServer({ SEND_RATE: "0.001", SEND_BURST: "2" });
      try {
        const [ada, bob] = [await signUp(limited.url), await signUp(limited.url)];
        const sent = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "one" });
        await ada.trpc.history.react.mutate({ id: sent.id, emoji: "👍", on: true });
        await ada.trpc.history.react.mutate({ id: sent.id, emoji: "👀", on: true });
        const error = await failure(ada.trpc.history.react.mutate({ id: sent.id, emoji: "🎉", on: true }));
        expect(error.data?.code).toBe("TOO_MANY_REQUESTS");
        // A retry of what is set costs nothing and still answers.
        expect((await ada.trpc.history.react.mutate({ id: sent.id, emoji: "👍", on: true })).reactions).toHaveLength(2);
      } finally {
        await limited.close();
      }
    });

    test("a third person who was offline catches the reactions up with history.changes", async () => {
      const [ada, bob, cy] = await trio();
      const roomId = await room(ada, bob, cy);
      const sent = await ada.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "vote" });
      const held = (await cy.trpc.history.messages.query({ conversationId: roomId })).stream?.seq ?? -1;
      await ada.trpc.history.react.mutate({ id: sent.id, emoji: "👍", on: true });
      await bob.trpc.history.react.mutate({ id: sent.id, emoji: "👎", on: true });
      const last = await bob.trpc.history.react.mutate({ id: sent.id, emoji: "👎", on: false });
      const changes = changesPageSchema.parse(
        await cy.trpc.history.changes.query({ conversationId: roomId, after: held }),
      );
      expect(changes.messages).toEqual([last]);
      expect(last.reactions).toEqual([{ emoji: "👍", userIds: [ada.user.id] }]);
      expect(changes.seq).toBe(last.seq);
    });
  });
});
