import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Conversation, Message } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
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

  const storedBody = async (id: number) =>
    (await rawRows<{ body: string }>(server.deps.database, "select body from messages where id = ?", id))[0]?.body;

  async function pair(): Promise<[TestUser, TestUser]> {
    return [await signUp(server.url), await signUp(server.url)];
  }

  describe("direct messages", () => {
    test("the first message creates the conversation, announced to both members, then the message", async () => {
      const [ada, bob] = await pair();
      // Read at the moment of the announcement (answered later on PostgreSQL).
      const committedWhenAnnounced: Promise<boolean>[] = [];
      recorder = recordNotifications(server.deps, (n) => {
        if (n.kind === "message")
          committedWhenAnnounced.push(storedBody((n.args[0] as Message).id).then((body) => body !== undefined));
      });

      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "Hello Bob" });
      expect(sent).toMatchObject({ senderId: ada.user.id, body: "Hello Bob" });
      expect(sent.clientId).toBeUndefined();
      expect(new Date(sent.createdAt).toISOString()).toBe(sent.createdAt);

      expect(recorder.calls.map((c) => c.kind)).toEqual(["conversationAdded", "conversationAdded", "message"]);
      const added = recorder.of("conversationAdded") as [number, Conversation][];
      const viewFor = (userId: number) => added.find(([id]) => id === userId)?.[1];
      expect(viewFor(ada.user.id)?.peer?.id).toBe(bob.user.id);
      expect(viewFor(bob.user.id)?.peer?.id).toBe(ada.user.id);
      expect(viewFor(bob.user.id)).toMatchObject({ id: sent.conversationId, kind: "direct", unread: 1 });
      expect(await Promise.all(committedWhenAnnounced)).toEqual([true]);

      const [bobsView] = await bob.trpc.history.conversations.query();
      expect(bobsView).toMatchObject({
        id: sent.conversationId,
        kind: "direct",
        peer: { id: ada.user.id, username: ada.user.username, online: false },
        lastMessage: sent,
        unread: 1,
      });
      expect(bobsView?.name).toBeUndefined();
      const [adasView] = await ada.trpc.history.conversations.query();
      expect(adasView).toMatchObject({ id: sent.conversationId, peer: { id: bob.user.id }, unread: 0 });

      // Later messages use the same conversation and announce no new one.
      recorder.clear();
      const reply = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "Hi Ada" });
      expect(reply.conversationId).toBe(sent.conversationId);
      expect(recorder.calls.map((c) => c.kind)).toEqual(["message"]);
      const byConversation = await ada.trpc.history.send.mutate({
        to: { conversationId: sent.conversationId },
        body: "!",
      });
      expect(byConversation.conversationId).toBe(sent.conversationId);
    });

    test("conversations come newest activity first, each with its unread count", async () => {
      const [me, first] = await pair();
      const second = await signUp(server.url);
      await first.trpc.history.send.mutate({ to: { userId: me.user.id }, body: "one" });
      await first.trpc.history.send.mutate({ to: { userId: me.user.id }, body: "two" });
      await second.trpc.history.send.mutate({ to: { userId: me.user.id }, body: "three" });
      let list = await me.trpc.history.conversations.query();
      expect(list.map((c) => [c.peer?.id, c.unread, c.lastMessage?.body])).toEqual([
        [second.user.id, 1, "three"],
        [first.user.id, 2, "two"],
      ]);
      await me.trpc.history.send.mutate({ to: { userId: first.user.id }, body: "back to you" });
      list = await me.trpc.history.conversations.query();
      // My own message moves it up, and is not unread for me.
      expect(list.map((c) => [c.peer?.id, c.unread])).toEqual([
        [first.user.id, 2],
        [second.user.id, 1],
      ]);
    });

    test("sending to yourself is BAD_REQUEST; to an unknown or deactivated user, NOT_FOUND", async () => {
      const [ada, gone] = await pair();
      expect(await failureCode(ada.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "me" }))).toBe(
        "BAD_REQUEST",
      );
      expect(await failureCode(ada.trpc.history.send.mutate({ to: { userId: 999_999 }, body: "x" }))).toBe("NOT_FOUND");
      const existing = await ada.trpc.history.send.mutate({ to: { userId: gone.user.id }, body: "before" });
      await rawRows(server.deps.database, "update users set is_active = false where id = ?", gone.user.id);
      expect(await failureCode(ada.trpc.history.send.mutate({ to: { userId: gone.user.id }, body: "x" }))).toBe(
        "NOT_FOUND",
      );
      expect(
        await failureCode(ada.trpc.history.send.mutate({ to: { conversationId: existing.conversationId }, body: "x" })),
      ).toBe("NOT_FOUND");
      // The history stays readable.
      expect((await ada.trpc.history.messages.query({ peerId: gone.user.id })).items.map((m) => m.body)).toEqual([
        "before",
      ]);
    });

    test("concurrent first sends from both sides end with one conversation", async () => {
      const pairs = await Promise.all(Array.from({ length: 8 }, () => pair()));
      const sent = await Promise.all(
        pairs.flatMap(([a, b]) => [
          a.trpc.history.send.mutate({ to: { userId: b.user.id }, body: "from a" }),
          b.trpc.history.send.mutate({ to: { userId: a.user.id }, body: "from b" }),
        ]),
      );
      for (let i = 0; i < pairs.length; i++)
        expect(sent[2 * i]?.conversationId).toBe(sent[2 * i + 1]?.conversationId ?? -1);
      for (const [a] of pairs) {
        const list = await a.trpc.history.conversations.query();
        expect(list).toHaveLength(1);
        expect(list[0]?.unread).toBe(1);
      }
    });
  });

  describe("message bodies", () => {
    test("are trimmed and stored exactly as sent, markup included", async () => {
      const [ada, bob] = await pair();
      const body = `<script>alert("x")</script> & <b>'bold'</b>\n\tindented`;
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: `  \n ${body} \n ` });
      expect(sent.body).toBe(body);
      expect(await storedBody(sent.id)).toBe(body);
      expect((await bob.trpc.history.get.query({ id: sent.id })).body).toBe(body);
    });

    test("are limited in Unicode code points, not UTF-16 units", async () => {
      const [ada, bob] = await pair();
      const to = { userId: bob.user.id };
      const max = server.deps.config.maxBody;
      const longest = "😀".repeat(max); // 2 UTF-16 units each
      expect((await ada.trpc.history.send.mutate({ to, body: longest })).body).toBe(longest);
      const error = await failure(ada.trpc.history.send.mutate({ to, body: `${longest}x` }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.fields?.body).toContain(String(max));
    });

    test("empty ones and control characters other than newline and tab are refused", async () => {
      const [ada, bob] = await pair();
      const to = { userId: bob.user.id };
      for (const body of ["", "   \n\t ", "bell\u0007", "carriage\rreturn", "nul\u0000", "c1\u0085x", "\ud800 lone"]) {
        const error = await failure(ada.trpc.history.send.mutate({ to, body }));
        expect(error.data?.code).toBe("BAD_REQUEST");
        expect(error.data?.fields?.body).toBeDefined();
      }
      expect((await ada.trpc.history.messages.query({ peerId: bob.user.id })).items).toEqual([]);
    });
  });

  describe("idempotent sends", () => {
    test("a retry with the same clientId returns the first message unchanged and announces nothing", async () => {
      const [ada, bob] = await pair();
      const carol = await signUp(server.url);
      const first = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "once", clientId: "c-1" });
      expect(first.clientId).toBe("c-1");
      recorder = recordNotifications(server.deps);
      const retry = await ada.trpc.history.send.mutate({
        to: { userId: carol.user.id },
        body: "other",
        clientId: "c-1",
      });
      expect(retry).toEqual(first);
      expect(recorder.calls).toEqual([]);
      expect(await carol.trpc.history.conversations.query()).toEqual([]);
      // clientIds are per sender: Bob may use the same one.
      const bobs = await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "mine", clientId: "c-1" });
      expect(bobs.id).not.toBe(first.id);
    });

    test("concurrent retries store and announce one message", async () => {
      const [ada, bob] = await pair();
      recorder = recordNotifications(server.deps);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "retried", clientId: "same" }),
        ),
      );
      expect(new Set(results.map((m) => m.id)).size).toBe(1);
      expect(recorder.of("message")).toHaveLength(1);
      expect((await bob.trpc.history.messages.query({ peerId: ada.user.id })).items).toHaveLength(1);
    });

    test("losing the race to a concurrent attempt returns its message, keeps nothing, and refunds the token", async () => {
      const [ada, bob] = await pair();
      const earlier = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "won the race" });
      const newcomer = await signUp(server.url);
      const limiter = server.deps.sendLimiter;
      const refunds: number[] = [];
      // Another instance commits the same clientId between this attempt's check and its insert.
      server.deps.sendLimiter = {
        ...limiter,
        async take() {
          await rawRows(server.deps.database, "update messages set client_id = 'raced' where id = ?", earlier.id);
          return 0;
        },
        async refund(userId) {
          refunds.push(userId);
        },
      };
      recorder = recordNotifications(server.deps);
      try {
        const answer = await ada.trpc.history.send.mutate({
          to: { userId: newcomer.user.id },
          body: "lost the race",
          clientId: "raced",
        });
        expect(answer).toEqual({ ...earlier, clientId: "raced" });
      } finally {
        server.deps.sendLimiter = limiter;
      }
      expect(refunds).toEqual([ada.user.id]);
      expect(recorder.calls).toEqual([]);
      // The direct conversation this attempt began was rolled back with it.
      expect(await newcomer.trpc.history.conversations.query()).toEqual([]);
    });

    test("clientId is 1–64 characters", async () => {
      const [ada, bob] = await pair();
      const to = { userId: bob.user.id };
      expect(await failureCode(ada.trpc.history.send.mutate({ to, body: "x", clientId: "" }))).toBe("BAD_REQUEST");
      expect(await failureCode(ada.trpc.history.send.mutate({ to, body: "x", clientId: "k".repeat(65) }))).toBe(
        "BAD_REQUEST",
      );
      expect((await ada.trpc.history.send.mutate({ to, body: "x", clientId: "k".repeat(64) })).clientId).toHaveLength(
        64,
      );
    });
  });

  describe("reading history", () => {
    test("pages oldest first, MESSAGES_TO_LOAD by default, earlier pages with `before`", async () => {
      const [ada, bob] = await pair();
      const ids: number[] = [];
      for (let i = 1; i <= 20; i++) {
        ids.push((await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: `m${i}` })).id);
      }
      const latest = await bob.trpc.history.messages.query({ peerId: ada.user.id });
      expect(latest.items.map((m) => m.body)).toEqual(Array.from({ length: 15 }, (_, i) => `m${i + 6}`));
      expect(latest.hasMore).toBe(true);
      const conversationId = latest.items[0]?.conversationId ?? 0;
      const earlier = await bob.trpc.history.messages.query({ conversationId, before: latest.items[0]?.id });
      expect(earlier.items.map((m) => m.body)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
      expect(earlier.hasMore).toBe(false);
      const three = await ada.trpc.history.messages.query({ conversationId, limit: 3, before: ids[10] });
      expect(three.items.map((m) => m.id)).toEqual(ids.slice(7, 10));
      expect(three.hasMore).toBe(true);
      expect(await failureCode(ada.trpc.history.messages.query({ conversationId, limit: 101 }))).toBe("BAD_REQUEST");
      expect((await ada.trpc.history.messages.query({ conversationId, limit: 100 })).items).toHaveLength(20);
    });

    test("a peer with no conversation yet has no messages", async () => {
      const [ada, bob] = await pair();
      expect(await ada.trpc.history.messages.query({ peerId: bob.user.id })).toEqual({ items: [], hasMore: false });
      expect(await ada.trpc.history.messages.query({ peerId: 999_999 })).toEqual({ items: [], hasMore: false });
    });

    test("history.get returns one message to a participant", async () => {
      const [ada, bob] = await pair();
      const sent = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "fetch me", clientId: "g" });
      expect(await bob.trpc.history.get.query({ id: sent.id })).toEqual(sent);
      expect(await failureCode(bob.trpc.history.get.query({ id: 999_999 }))).toBe("NOT_FOUND");
    });
  });

  describe("read marks", () => {
    test("markRead moves forward only, clamps to existing messages, and announces each move", async () => {
      const [ada, bob] = await pair();
      const other = await signUp(server.url);
      const m1 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "1" });
      const m2 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "2" });
      const m3 = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "3" });
      // A message of another conversation between m3 and the next one: the mark skips it.
      const elsewhere = await other.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "x" });
      const conversationId = m1.conversationId;
      recorder = recordNotifications(server.deps);

      expect(await bob.trpc.history.markRead.mutate({ conversationId, upTo: m2.id })).toEqual({
        conversationId,
        upTo: m2.id,
        unread: 1,
      });
      expect((await bob.trpc.history.conversations.query())[0]?.unread).toBe(1);
      // Backwards: nothing changes, nothing is announced.
      expect((await bob.trpc.history.markRead.mutate({ conversationId, upTo: m1.id })).upTo).toBe(m2.id);
      // Beyond the newest message: clamped to it.
      expect(await bob.trpc.history.markRead.mutate({ conversationId, upTo: elsewhere.id + 1000 })).toEqual({
        conversationId,
        upTo: m3.id,
        unread: 0,
      });
      // Each move is the conversation's next change: after the three messages, 4 and 5.
      expect(recorder.of("read")).toEqual([
        [conversationId, bob.user.id, m2.id, 4],
        [conversationId, bob.user.id, m3.id, 5],
      ]);
      expect((await bob.trpc.history.conversations.query())[0]?.unread).toBe(0);
      // The sender's own messages never count as unread for them.
      expect((await ada.trpc.history.conversations.query()).find((c) => c.id === conversationId)?.unread).toBe(0);
    });
  });

  test("every history procedure needs a session", async () => {
    const { trpcClient } = await import("../helpers/client.ts");
    const anonymous = trpcClient(server.url);
    expect(await failureCode(anonymous.history.conversations.query())).toBe("UNAUTHORIZED");
    expect(await failureCode(anonymous.history.messages.query({ conversationId: 1 }))).toBe("UNAUTHORIZED");
    expect(await failureCode(anonymous.history.get.query({ id: 1 }))).toBe("UNAUTHORIZED");
    expect(await failureCode(anonymous.history.send.mutate({ to: { userId: 1 }, body: "x" }))).toBe("UNAUTHORIZED");
    expect(await failureCode(anonymous.history.markRead.mutate({ conversationId: 1, upTo: 1 }))).toBe("UNAUTHORIZED");
  });
});
