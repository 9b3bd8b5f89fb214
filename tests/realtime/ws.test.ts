// /ws on one instance (in-process bus): the upgrade's checks, frames in both directions,
// who receives what, resume, and sockets closed by logout and deactivation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { tablesOf } from "../../src/db/tables.ts";
import { transaction } from "../../src/db/transaction.ts";
import { MAX_CLIENT_FRAME_BYTES, RESUME_LIMIT, UNKNOWN_FRAME_TYPE } from "../../src/shared/events.ts";
import { signUp } from "../helpers/client.ts";
import { createRoom, insertMessage, joinRoom, leaveRoom, markRead, send } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { fakeClock, startTestServer, type TestServer } from "../helpers/server.ts";
import { openSocket, type TestSocket, upgradeStatus } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  const open = async (...args: Parameters<typeof openSocket>) => {
    const socket = await openSocket(...args);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer({ ALLOWED_ORIGINS: "https://chat.example.com" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  describe("the upgrade", () => {
    test("without credentials is refused with HTTP 401 before any upgrade", async () => {
      const anonymous = await upgradeStatus(server.url);
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body).error.code).toBe("UNAUTHORIZED");
      const forged = await upgradeStatus(server.url, { authorization: "Bearer not.a.token" });
      expect(forged.status).toBe(401);
    });

    test("with a revoked token is refused with 401", async () => {
      const ada = await signUp(server.url);
      const logout = await fetch(`${server.url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect(logout.status).toBe(204);
      expect((await upgradeStatus(server.url, { authorization: `Bearer ${ada.token}` })).status).toBe(401);
    });

    test("from a foreign Origin is refused with 403; this host, an allowed origin or no Origin are accepted", async () => {
      const ada = await signUp(server.url);
      const auth = { authorization: `Bearer ${ada.token}` };
      const foreign = await upgradeStatus(server.url, { ...auth, origin: "https://evil.example.net" });
      expect(foreign.status).toBe(403);
      expect(JSON.parse(foreign.body).error.code).toBe("FORBIDDEN");
      expect((await upgradeStatus(server.url, { ...auth, origin: "null" })).status).toBe(403);

      const sameHost = await open(server.url, ada.token, { origin: server.url });
      expect(sameHost.ready.userId).toBe(ada.user.id);
      const allowed = await open(server.url, ada.token, { origin: "https://chat.example.com" });
      expect(allowed.ready.userId).toBe(ada.user.id);
      const noOrigin = await open(server.url, ada.token);
      expect(noOrigin.ready.userId).toBe(ada.user.id);
    });

    test("accepts the session cookie as well as the bearer token", async () => {
      const ada = await signUp(server.url);
      const socket = await open(server.url, null, { cookie: `session=${ada.token}` });
      expect(socket.ready).toEqual({ type: "ready", userId: ada.user.id, lastMessageId: 0, maxBody: 4000 });
    });

    test("the 101 carries the request id and the security headers, like every answer", async () => {
      const ada = await signUp(server.url);
      // The answer's head only: its body is the socket, which stays open.
      const upgraded = await fetch(`${server.url}/ws`, {
        headers: {
          authorization: `Bearer ${ada.token}`,
          "x-request-id": "socket-upgrade-1",
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-key": btoa("sixteen bytes!!!"),
          "sec-websocket-version": "13",
        },
      });
      await upgraded.body?.cancel();
      expect(upgraded.status).toBe(101);
      expect(upgraded.headers.get("x-request-id")).toBe("socket-upgrade-1");
      expect(upgraded.headers.get("x-content-type-options")).toBe("nosniff");
    });
  });

  describe("ready and delivery", () => {
    test("ready tells the client the server's MAX_BODY", async () => {
      const ada = await signUp(server.url);
      expect((await open(server.url, ada.token)).ready.maxBody).toBe(4000);
      const strict = await startTestServer({ MAX_BODY: "120" });
      try {
        const bob = await signUp(strict.url);
        const socket = await open(strict.url, bob.token);
        expect(socket.ready.maxBody).toBe(120);
        socket.close();
      } finally {
        await strict.close();
      }
    });

    test("ready carries the newest message id of the user's conversations", async () => {
      const [ada, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const other = await createRoom(server, [eve]);
      const first = await send(server, ada, room, "one");
      const second = await send(server, bob, room, "two");
      await send(server, eve, other, "not yours");
      expect(second.id).toBeGreaterThan(first.id);
      const socket = await open(server.url, ada.token);
      expect(socket.ready.lastMessageId).toBe(second.id);
    });

    test("a message reaches every socket of every member, the sender's own tabs included, and nobody else", async () => {
      const [ada, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const eveRoom = await createRoom(server, [eve, ada]);
      const adaTabs = await Promise.all([open(server.url, ada.token), open(server.url, ada.token)]);
      const bobTab = await open(server.url, bob.token);
      const eveTab = await open(server.url, eve.token);

      const message = await send(server, ada, room, "hello, tabs");
      for (const socket of [...adaTabs, bobTab]) {
        const frame = await socket.next("message", (f) => f.message.id === message.id);
        expect(frame.message).toEqual(message);
      }
      // Eve's positive signal: a later message in her own room. The first would have come before it.
      const sentinel = await send(server, ada, eveRoom, "sentinel");
      const seen = await eveTab.framesUntil("message", (f) => f.message.id === sentinel.id);
      expect(seen.some((f) => f.type === "message" && f.message.id === message.id)).toBe(false);
    });

    test("a conversation added later is delivered to sockets already open", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const socket = await open(server.url, bob.token);
      const room = await createRoom(server, [ada]);
      await joinRoom(server, bob, room);
      const added = await socket.next("conversation");
      expect(added.conversation.id).toBe(room);
      // Bob's arrival is told in the room first (a system line), then the message.
      expect((await socket.next("message")).message.event).toEqual({ type: "joined" });
      const message = await send(server, ada, room, "welcome");
      expect((await socket.next("message")).message.id).toBe(message.id);
    });

    test("leaving a conversation stops its frames", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const stay = await createRoom(server, [ada, bob]);
      const socket = await open(server.url, bob.token);
      await leaveRoom(server, bob, room);
      const gone = await send(server, ada, room, "after you left");
      const sentinel = await send(server, ada, stay, "sentinel");
      const seen = await socket.framesUntil("message", (f) => f.message.id === sentinel.id);
      expect(seen.some((f) => f.type === "message" && f.message.id === gone.id)).toBe(false);
    });

    test("read receipts reach every member's sockets, the reader's included", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const message = await send(server, ada, room, "read me");
      const adaSocket = await open(server.url, ada.token);
      const bobSocket = await open(server.url, bob.token);
      await markRead(server, bob, room, message.id);
      // The room's third change: Bob's arrival, the message, the read mark.
      const expected = { type: "read", conversationId: room, userId: bob.user.id, upTo: message.id, seq: 3 };
      expect(await adaSocket.next("read")).toEqual(expected as never);
      expect(await bobSocket.next("read")).toEqual(expected as never);
    });

    test("ping gets pong", async () => {
      const ada = await signUp(server.url);
      const socket = await open(server.url, ada.token);
      socket.send({ type: "ping" });
      expect(await socket.next("pong")).toEqual({ type: "pong" });
    });
  });

  describe("typing", () => {
    test("reaches the other members' sockets, none of the typist's", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const adaTabs = await Promise.all([open(server.url, ada.token), open(server.url, ada.token)]);
      const bobSocket = await open(server.url, bob.token);
      adaTabs[0]?.send({ type: "typing", conversationId: room });
      expect(await bobSocket.next("typing")).toEqual({ type: "typing", conversationId: room, userId: ada.user.id });
      // The sentinel comes after the typing frame was published; ada's tabs must not have it before.
      const sentinel = await send(server, bob, room, "sentinel");
      for (const tab of adaTabs) {
        const seen = await tab.framesUntil("message", (f) => f.message.id === sentinel.id);
        expect(seen.some((f) => f.type === "typing")).toBe(false);
      }
      // And the typist's sockets still get the conversation's other frames.
      const after = await send(server, bob, room, "still subscribed");
      for (const tab of adaTabs) await tab.next("message", (f) => f.message.id === after.id);
    });

    test("is throttled per socket and conversation", async () => {
      const clock = fakeClock(Date.now());
      const throttled = await startTestServer({}, { clock });
      try {
        const [ada, bob] = await Promise.all([signUp(throttled.url), signUp(throttled.url)]);
        const room = await createRoom(throttled, [ada, bob]);
        const adaSocket = await openSocket(throttled.url, ada.token);
        const bobSocket = await openSocket(throttled.url, bob.token);
        adaSocket.send({ type: "typing", conversationId: room });
        adaSocket.send({ type: "typing", conversationId: room });
        adaSocket.send({ type: "ping" });
        await adaSocket.next("pong");
        clock.advance(2000);
        adaSocket.send({ type: "typing", conversationId: room });
        adaSocket.send({ type: "ping" });
        await adaSocket.next("pong");
        const sentinel = await send(throttled, ada, room, "sentinel");
        const seen = await bobSocket.framesUntil("message", (f) => f.message.id === sentinel.id);
        expect(seen.filter((f) => f.type === "typing")).toHaveLength(2);
        adaSocket.close();
        bobSocket.close();
      } finally {
        await throttled.close();
      }
    });

    test("in a conversation the user is not in is NOT_FOUND", async () => {
      const [ada, eve] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada]);
      const socket = await open(server.url, eve.token);
      socket.send({ type: "typing", conversationId: room });
      expect((await socket.next("error")).code).toBe("NOT_FOUND");
      socket.send({ type: "typing", conversationId: 999_999 });
      expect((await socket.next("error")).code).toBe("NOT_FOUND");
    });
  });

  describe("bad frames", () => {
    test("not JSON, unknown types, malformed and oversized frames get error frames and the socket stays open", async () => {
      const ada = await signUp(server.url);
      const socket = await open(server.url, ada.token);
      socket.send("this is not json");
      expect((await socket.next("error")).code).toBe("BAD_REQUEST");
      socket.send("{broken");
      expect((await socket.next("error")).code).toBe("BAD_REQUEST");
      socket.send({ type: "launch-missiles" });
      // In these words and without clientId: clients read them as "this server has no such frame".
      expect(await socket.next("error")).toEqual({ type: "error", code: "BAD_REQUEST", message: UNKNOWN_FRAME_TYPE });
      socket.send({ type: "resume", after: "yesterday" });
      expect((await socket.next("error")).code).toBe("BAD_REQUEST");
      socket.send(JSON.stringify({ type: "ping", padding: "x".repeat(MAX_CLIENT_FRAME_BYTES) }));
      expect((await socket.next("error")).code).toBe("PAYLOAD_TOO_LARGE");
      socket.send("y".repeat(MAX_CLIENT_FRAME_BYTES + 1));
      expect((await socket.next("error")).code).toBe("PAYLOAD_TOO_LARGE");
      socket.ws.send(new Uint8Array([1, 2, 3]));
      expect((await socket.next("error")).code).toBe("BAD_REQUEST");
      socket.send({ type: "ping" });
      expect(await socket.next("pong")).toEqual({ type: "pong" });
    });

    test("the tenth error closes the socket with 1008", async () => {
      const ada = await signUp(server.url);
      const socket = await open(server.url, ada.token);
      for (let i = 0; i < 10; i++) socket.send("nope");
      const { code } = await socket.closed();
      expect(code).toBe(1008);
      expect(socket.frames.filter((f) => f.type === "error")).toHaveLength(10);
    });

    test("more than 20 frames a second get TOO_MANY_REQUESTS", async () => {
      const clock = fakeClock(Date.now());
      const limited = await startTestServer({}, { clock });
      try {
        const ada = await signUp(limited.url);
        const socket = await openSocket(limited.url, ada.token);
        for (let i = 0; i < 25; i++) socket.send({ type: "ping" });
        for (let i = 0; i < 5; i++) expect((await socket.next("error")).code).toBe("TOO_MANY_REQUESTS");
        clock.advance(1000);
        socket.send({ type: "ping" });
        await socket.framesUntil("pong", () => socket.frames.filter((f) => f.type === "pong").length === 21);
        expect(socket.frames.filter((f) => f.type === "pong")).toHaveLength(21);
        socket.close();
      } finally {
        await limited.close();
      }
    });
  });

  describe("resume", () => {
    test("replays every message after the id, oldest first, then resumed", async () => {
      const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const room = await createRoom(server, [ada, bob]);
      const direct = await createRoom(server, [ada, bob]);
      const before = await send(server, bob, room, "seen");
      const first = await open(server.url, ada.token);
      expect(first.ready.lastMessageId).toBe(before.id);
      first.close();
      await first.closed();
      // Sent while ada had no socket at all.
      const missed = [
        await send(server, bob, room, "missed 1"),
        await send(server, bob, direct, "missed 2"),
        await send(server, bob, room, "missed 3"),
      ];
      const second = await open(server.url, ada.token);
      second.send({ type: "resume", after: first.ready.lastMessageId });
      const replay = await second.framesUntil("resumed");
      expect(replay.filter((f) => f.type === "message").map((f) => f.type === "message" && f.message)).toEqual(missed);
      expect(replay.at(-1)).toEqual({ type: "resumed", count: 3, complete: true, lastId: missed.at(-1)?.id ?? 0 });
    });

    test("stops at the limit with complete: false, and the next resume goes on", async () => {
      const ada = await signUp(server.url);
      const room = await createRoom(server, [ada]);
      const socket = await open(server.url, ada.token);
      const start = socket.ready.lastMessageId;
      const ids: number[] = [];
      await transaction(server.deps.db, async (tx) => {
        for (let i = 0; i < RESUME_LIMIT + 5; i++)
          ids.push((await insertMessage(server, ada.user.id, room, `m${i}`, tx)).id);
      });
      // Live frames for those arrived too; a resume replays them from the database regardless.
      socket.send({ type: "resume", after: start });
      const page = await socket.next("resumed", undefined, 15_000);
      expect(page).toEqual({
        type: "resumed",
        count: RESUME_LIMIT,
        complete: false,
        lastId: ids[RESUME_LIMIT - 1] ?? 0,
      });
      socket.send({ type: "resume", after: ids[RESUME_LIMIT - 1] });
      expect(await socket.next("resumed")).toEqual({
        type: "resumed",
        count: 5,
        complete: true,
        lastId: ids.at(-1) ?? 0,
      });
    });

    test("a replay larger than the backpressure limit is paced by drain, and the socket survives it", async () => {
      const ada = await signUp(server.url);
      const room = await createRoom(server, [ada]);
      const first = await open(server.url, ada.token);
      first.close();
      await first.closed();
      // 1000 messages of 4000 four-byte characters: 16 MB, far above the 1 MiB limit at
      // which Bun would close the socket if the replay did not wait for it to drain.
      const body = "🙂".repeat(4000);
      await transaction(server.deps.db, async (tx) => {
        for (let i = 0; i < RESUME_LIMIT; i++) await insertMessage(server, ada.user.id, room, body, tx);
      });
      const socket = await open(server.url, ada.token);
      socket.send({ type: "resume", after: first.ready.lastMessageId });
      expect(await socket.next("resumed", undefined, 30_000)).toEqual({
        type: "resumed",
        count: RESUME_LIMIT,
        complete: true,
        lastId: expect.any(Number),
      });
      expect(socket.frames.filter((f) => f.type === "message")).toHaveLength(RESUME_LIMIT);
      socket.send({ type: "ping" });
      await socket.next("pong");
    }, 60_000);

    test("with nothing missed answers resumed with count 0", async () => {
      const ada = await signUp(server.url);
      const socket = await open(server.url, ada.token);
      socket.send({ type: "resume", after: socket.ready.lastMessageId });
      expect(await socket.next("resumed")).toEqual({
        type: "resumed",
        count: 0,
        complete: true,
        lastId: socket.ready.lastMessageId,
      });
    });
  });

  describe("slow consumers", () => {
    test("a socket that stops reading is closed with 1013 once too far behind, not buffered without bound", async () => {
      const ada = await signUp(server.url);
      const room = await createRoom(server, [ada]);
      const socket = await open(server.url, ada.token);
      // Bun's client stops reading: the kernel's buffers fill, then the server's.
      socket.pause();
      const body = "x".repeat(4000);
      const shedBefore = await socketsClosedWith(server, 1013);
      let last = 0;
      let inserted = 0;
      // Messages until the server has closed the socket, and ten after, which it must not
      // queue; then the client reads again. Not a fixed 4,000: a client that reads nothing
      // for ~16 s after the close (uWebSockets' close timeout) is dropped with its unsent
      // queue, close frame included, and sees 1006, and the pace of the inserts (seconds
      // on PostgreSQL) must not decide that.
      await transaction(server.deps.db, async (tx) => {
        let after = 0;
        while (inserted < 4000 && after < 10) {
          last = (await insertMessage(server, ada.user.id, room, body, tx)).id;
          inserted++;
          if ((await socketsClosedWith(server, 1013)) > shedBefore) after++;
        }
      });
      socket.resume();
      expect((await socket.closed(15_000)).code).toBe(1013);
      const received = socket.frames.filter((f) => f.type === "message").length;
      expect(received).toBeLessThan(inserted);

      // Its client reconnects and resumes what it lacks from the database.
      const again = await open(server.url, ada.token);
      expect(again.ready.lastMessageId).toBe(last);
    });
  });

  describe("sessions ending", () => {
    test("logout closes that session's sockets with 1008, not the user's other sessions", async () => {
      const ada = await signUp(server.url);
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: ada.user.username, password: ada.password }),
      });
      const { token: otherToken } = (await login.json()) as { token: string };
      const doomed = await Promise.all([open(server.url, ada.token), open(server.url, ada.token)]);
      const survivor = await open(server.url, otherToken);
      await fetch(`${server.url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${ada.token}` },
      });
      for (const socket of doomed) expect((await socket.closed()).code).toBe(1008);
      survivor.send({ type: "ping" });
      expect(await survivor.next("pong")).toEqual({ type: "pong" });
    });

    test("deactivation closes every socket of the user with 1008", async () => {
      const [ada, admin] = await Promise.all([signUp(server.url), signUp(server.url)]);
      const { users } = tablesOf(server.deps.db);
      await server.deps.db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.user.id));
      const tabs = await Promise.all([open(server.url, ada.token), open(server.url, ada.token)]);
      await admin.trpc.admin.setActive.mutate({ userId: ada.user.id, active: false });
      for (const socket of tabs) expect((await socket.closed()).code).toBe(1008);
      expect((await upgradeStatus(server.url, { authorization: `Bearer ${ada.token}` })).status).toBe(401);
    });
  });

  describe("presence", () => {
    test("goes to the users who share a conversation, when the first socket opens and the last closes", async () => {
      const [ada, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
      await createRoom(server, [ada, bob]);
      const eveRoom = await createRoom(server, [eve]);
      const bobSocket = await open(server.url, bob.token);
      const eveSocket = await open(server.url, eve.token);

      const adaTabs = await Promise.all([openSocket(server.url, ada.token), openSocket(server.url, ada.token)]);
      expect(await bobSocket.next("presence", (f) => f.userId === ada.user.id)).toEqual({
        type: "presence",
        userId: ada.user.id,
        online: true,
      });
      expect((await server.deps.presence.online([ada.user.id])).has(ada.user.id)).toBe(true);

      adaTabs[0]?.close();
      await adaTabs[0]?.closed();
      adaTabs[1]?.close();
      expect(await bobSocket.next("presence", (f) => f.userId === ada.user.id)).toEqual({
        type: "presence",
        userId: ada.user.id,
        online: false,
      });
      // Exactly one online and one offline, although ada had two tabs.
      const sentinel = await send(server, bob, await createRoom(server, [bob]), "sentinel");
      const seen = await bobSocket.framesUntil("message", (f) => f.message.id === sentinel.id);
      expect(seen.filter((f) => f.type === "presence" && f.userId === ada.user.id)).toHaveLength(2);
      expect((await server.deps.presence.online([ada.user.id])).size).toBe(0);

      const eveSentinel = await send(server, eve, eveRoom, "sentinel");
      const eveSaw = await eveSocket.framesUntil("message", (f) => f.message.id === eveSentinel.id);
      expect(eveSaw.some((f) => f.type === "presence")).toBe(false);

      const { users } = tablesOf(server.deps.db);
      const [row] = await server.deps.db.select().from(users).where(eq(users.id, ada.user.id)).limit(1);
      expect(row?.lastSeenAt).toBeNumber();
    });
  });
});

/** How many sockets the server has closed with `code`, from its own metrics. */
async function socketsClosedWith(server: TestServer, code: number): Promise<number> {
  const { values } = await server.deps.metrics.websocketCloses.get();
  return values.find((sample) => sample.labels.code === String(code))?.value ?? 0;
}
