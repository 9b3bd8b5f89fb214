// Sending over the socket: a `send` frame is history.send's input and its answer is an
// `ack` (after the commit) or an `error` frame with the procedure's code, both carrying the
// clientId. Compared with what HTTP answers where both exist.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import type { PgDb } from "../../src/db/postgres.ts";
import { isPostgres, tablesOf } from "../../src/db/tables.ts";
import { transaction } from "../../src/db/transaction.ts";
import { MAX_PENDING_SENDS, type ServerFrame } from "../../src/shared/events.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  const open = async (user: TestUser) => {
    const socket = await openSocket(server.url, user.token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  const storedWith = async (senderId: number, clientId: string) => {
    const { messages } = tablesOf(server.deps.db);
    return (await server.deps.db.select().from(messages).where(eq(messages.senderId, senderId))).filter(
      (m) => m.clientId === clientId,
    );
  };

  const errorFor = (socket: TestSocket, clientId: string) => socket.next("error", (f) => f.clientId === clientId);
  const ackFor = (socket: TestSocket, clientId: string) => socket.next("ack", (f) => f.clientId === clientId);

  describe("a send frame", () => {
    test("is acked with the stored message after it was announced, and the other member receives it once", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const [adaSocket, bobSocket] = await Promise.all([open(ada), open(bob)]);
      adaSocket.send({ type: "send", to: { userId: bob.user.id }, body: "  hello over the socket ", clientId: "c-1" });
      const ack = await ackFor(adaSocket, "c-1");
      expect(ack.message).toMatchObject({ senderId: ada.user.id, body: "hello over the socket", seq: 1 });
      // The same message history.send and history.messages answer.
      const page = await ada.trpc.history.messages.query({ conversationId: ack.message.conversationId });
      expect(page.items).toEqual([ack.message]);
      // The sender's own socket heard the announcement before the ack: the ack comes after the commit.
      const upToAck = await adaSocket.framesUntil("ack", (f) => f.clientId === "c-1");
      expect(upToAck.some((f) => f.type === "message" && f.message.id === ack.message.id)).toBe(true);

      const received = await bobSocket.next("message", (f) => f.message.id === ack.message.id);
      expect(received.message).toEqual(ack.message);
      // A later message is the sign that nothing else came in between: received once.
      adaSocket.send({
        type: "send",
        to: { conversationId: ack.message.conversationId },
        body: "next",
        clientId: "c-2",
      });
      const next = await ackFor(adaSocket, "c-2");
      const bobFrames = await bobSocket.framesUntil("message", (f) => f.message.id === next.message.id);
      expect(bobFrames.filter((f) => f.type === "message" && f.message.id === ack.message.id)).toHaveLength(1);
      expect(bobSocket.frames.filter((f) => f.type === "message" && f.message.id === ack.message.id)).toHaveLength(1);
      expect(bobSocket.frames.some((f) => f.type === "ack")).toBe(false);
    });

    test("sent again with the same clientId is acked with the first message, stored and announced once", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const bobSocket = await open(bob);
      const first = await open(ada);
      first.send({ type: "send", to: { userId: bob.user.id }, body: "once", clientId: "dup" });
      const original = await ackFor(first, "dup");
      // The resend after a drop: a new socket, the same clientId (and a body that changed nothing).
      first.close();
      const second = await open(ada);
      second.send({ type: "send", to: { userId: bob.user.id }, body: "once, again", clientId: "dup" });
      expect((await ackFor(second, "dup")).message).toEqual(original.message);
      // Over HTTP too, the same answer.
      const overHttp = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "x", clientId: "dup" });
      expect(overHttp).toEqual(original.message);
      expect(await storedWith(ada.user.id, "dup")).toHaveLength(1);

      second.send({ type: "send", to: { userId: bob.user.id }, body: "sentinel", clientId: "after-dup" });
      const sentinel = await ackFor(second, "after-dup");
      await bobSocket.framesUntil("message", (f) => f.message.id === sentinel.message.id);
      expect(bobSocket.frames.filter((f) => f.type === "message" && f.message.id === original.message.id)).toHaveLength(
        1,
      );
    });

    test("to a conversation the sender is not in is NOT_FOUND, as over HTTP, and nothing is stored", async () => {
      const [ada, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const socket = await open(eve);
      socket.send({ type: "send", to: { conversationId: room }, body: "let me in", clientId: "intruder" });
      const refused = await errorFor(socket, "intruder");
      const overHttp = await failure(eve.trpc.history.send.mutate({ to: { conversationId: room }, body: "x" }));
      expect(refused.code).toBe("NOT_FOUND");
      expect(refused.message).toBe(overHttp.message);
      socket.send({ type: "send", to: { conversationId: 999_999 }, body: "nowhere", clientId: "nowhere" });
      expect((await errorFor(socket, "nowhere")).code).toBe("NOT_FOUND");
      expect(await storedWith(eve.user.id, "intruder")).toHaveLength(0);
    });

    test("with bad input is BAD_REQUEST with the clientId, and the socket goes on", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const socket = await open(ada);
      const to = { userId: bob.user.id };
      socket.send({ type: "send", to, body: "   ", clientId: "empty" });
      const empty = await errorFor(socket, "empty");
      expect(empty).toMatchObject({ code: "BAD_REQUEST", fields: { body: expect.any(String) } });
      socket.send({ type: "send", to, body: "x".repeat(4001), clientId: "long" });
      expect((await errorFor(socket, "long")).code).toBe("BAD_REQUEST");
      socket.send({ type: "send", to: { userId: ada.user.id }, body: "me", clientId: "self" });
      expect((await errorFor(socket, "self")).code).toBe("BAD_REQUEST");
      socket.send({ type: "send", to, body: 42, clientId: "shape" });
      expect(await errorFor(socket, "shape")).toMatchObject({ code: "BAD_REQUEST", message: "Invalid send frame" });
      // Without a clientId a send cannot be answered by it, nor made safe to resend: refused.
      socket.send({ type: "send", to, body: "anonymous" });
      const anonymous = await socket.next("error", (f) => f.message === "Invalid send frame" && !f.clientId);
      expect(anonymous.fields?.clientId).toBeDefined();
      socket.send({ type: "send", to, body: "fine", clientId: "fine" });
      expect((await ackFor(socket, "fine")).message.body).toBe("fine");
    });

    test("answers a socket's sends in the order it sent them, stored in that order", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const [adaSocket, bobSocket] = await Promise.all([open(ada), open(bob)]);
      const room = await createRoom(server, [ada, bob]);
      const clientIds = Array.from({ length: 40 }, (_, i) => `order-${i}`);
      for (const clientId of clientIds) {
        adaSocket.send({ type: "send", to: { conversationId: room }, body: clientId, clientId });
      }
      const last = await ackFor(adaSocket, "order-39");
      const acks = adaSocket.frames.filter((f): f is Extract<ServerFrame, { type: "ack" }> => f.type === "ack");
      const ours = acks.filter((a) => a.clientId.startsWith("order-"));
      expect(ours.map((a) => a.clientId)).toEqual(clientIds);
      const ids = ours.map((a) => a.message.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(ours.map((a) => a.message.seq)).toEqual(ours.map((_, i) => (ours[0]?.message.seq ?? 0) + i));
      const bobFrames = await bobSocket.framesUntil("message", (f) => f.message.id === last.message.id);
      const delivered = bobFrames.filter(
        (f) => f.type === "message" && f.message.conversationId === room && !f.message.event,
      );
      expect(delivered.map((f) => (f.type === "message" ? f.message.body : ""))).toEqual(clientIds);
    });

    test("is not held to the 20 frames a second: a bot may send up to its send limit", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const socket = await open(ada);
      for (let i = 0; i < 30; i++)
        socket.send({ type: "send", to: { userId: bob.user.id }, body: `${i}`, clientId: `b-${i}` });
      await ackFor(socket, "b-29");
      expect(socket.frames.filter((f) => f.type === "ack")).toHaveLength(30);
      expect(socket.frames.some((f) => f.type === "error")).toBe(false);
    });

    test(`past ${MAX_PENDING_SENDS} unanswered sends, the next are TOO_MANY_REQUESTS with the clientId`, async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const socket = await open(ada);
      const extra = 5;
      const clientIds = Array.from({ length: MAX_PENDING_SENDS + extra }, (_, i) => `p-${i}`);
      // The database held by a transaction: the sends wait in the socket's line meanwhile. On
      // SQLite any open transaction holds every writer back; on PostgreSQL writers go on beside
      // it, so it locks the messages table against them, or the line would drain as it fills
      // whenever the database keeps up.
      let release = () => {};
      let holding = () => {};
      const isHolding = new Promise<void>((resolve) => (holding = resolve));
      const held = transaction(server.deps.db, async (tx) => {
        if (isPostgres(tx)) await (tx as unknown as PgDb).execute(sql`lock table messages in exclusive mode`);
        holding();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isHolding;
      try {
        for (const clientId of clientIds)
          socket.send({ type: "send", to: { userId: bob.user.id }, body: clientId, clientId });
        for (const clientId of clientIds.slice(MAX_PENDING_SENDS)) {
          expect(await errorFor(socket, clientId)).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: 1 });
        }
      } finally {
        release();
        await held;
      }
      await ackFor(socket, `p-${MAX_PENDING_SENDS - 1}`);
      const acked = socket.frames.filter((f) => f.type === "ack").map((f) => (f.type === "ack" ? f.clientId : ""));
      expect(acked).toEqual(clientIds.slice(0, MAX_PENDING_SENDS));
    });
  });

  describe("the send limit (SEND_RATE=0.5, SEND_BURST=2)", () => {
    test("applies to socket and HTTP sends alike: TOO_MANY_REQUESTS with retryAfter, then time refills it", async () => {
      const clock = fakeClock();
      const limited = await startTestServer({ SEND_RATE: "0.5", SEND_BURST: "2" }, { clock });
      try {
        const [ada, bob] = [await signUp(limited.url), await signUp(limited.url)];
        const socket = await openSocket(limited.url, ada.token);
        const to = { userId: bob.user.id };
        socket.send({ type: "send", to, body: "one", clientId: "l-1" });
        await socket.next("ack", (f) => f.clientId === "l-1");
        await ada.trpc.history.send.mutate({ to, body: "two over HTTP" });
        socket.send({ type: "send", to, body: "three", clientId: "l-3" });
        const refused = await socket.next("error", (f) => f.clientId === "l-3");
        expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: 2 });
        // A refused send is an answer, not a bad frame: ten of them leave the socket open.
        for (let i = 0; i < 10; i++) socket.send({ type: "send", to, body: "again", clientId: `again-${i}` });
        await socket.next("error", (f) => f.clientId === "again-9");
        clock.advance(2000);
        socket.send({ type: "send", to, body: "three", clientId: "l-3" });
        expect((await socket.next("ack", (f) => f.clientId === "l-3")).message.body).toBe("three");
        socket.close();
      } finally {
        await limited.close();
      }
    });
  });

  describe("a socket whose session ended", () => {
    test("is closed by logout, so no send can reach the server on a revoked session", async () => {
      const ada = await signUp(server.url);
      const socket = await open(ada);
      socket.send({ type: "ping" });
      await socket.next("pong");
      await fetch(`${server.url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect((await socket.closed()).code).toBe(1008);
    });
  });
});
