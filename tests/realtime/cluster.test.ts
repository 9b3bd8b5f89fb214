// Two instances sharing one SQLite file and one real Redis: frames cross instances exactly
// once, an instance ignores its own echo, and presence counts sockets on both.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ServerFrame } from "../../src/shared/events.ts";
import { signUp } from "../helpers/client.ts";
import { busState, createRoom, send } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import { startTwoInstances, type TestServer, type TwoInstances } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let redis: TestRedis;
  let instances: TwoInstances;
  let a: TestServer;
  let b: TestServer;
  const sockets: TestSocket[] = [];
  const open = async (...args: Parameters<typeof openSocket>) => {
    const socket = await openSocket(...args);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await startRedis();
    instances = await startTwoInstances({ REDIS_URL: redis.url });
    ({ a, b } = instances);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await instances?.close();
    await redis?.close();
  });

  const copies = (frames: ServerFrame[], id: number) =>
    frames.filter((f) => f.type === "message" && f.message.id === id).length;

  describe("two instances, one Redis", () => {
    test("health reports the redis bus on both", async () => {
      expect(await busState(a)).toBe("redis");
      expect(await busState(b)).toBe("redis");
    });

    test("a message committed on one instance reaches sockets on both, exactly once each", async () => {
      const [ada, bob] = await Promise.all([signUp(a.url), signUp(b.url)]);
      const room = await createRoom(a, [ada, bob]);
      const adaOnA = await open(a.url, ada.token);
      const adaOnB = await open(b.url, ada.token);
      const bobOnB = await open(b.url, bob.token);

      // Each message is seen to cross before the next step, so that Redis has fanned it out
      // (echo included) before the sentinels are published. A sentinel from the other
      // instance then arrives after any copy of either message: per-connection FIFO.
      const fromA = await send(a, ada, room, "from A");
      expect((await bobOnB.next("message", (f) => f.message.id === fromA.id)).message).toEqual(fromA);
      const fromB = await send(b, bob, room, "from B");
      expect((await adaOnA.next("message", (f) => f.message.id === fromB.id)).message).toEqual(fromB);
      const sentinelA = await send(a, ada, room, "sentinel A");
      const sentinelB = await send(b, bob, room, "sentinel B");
      const checks: [TestSocket, number][] = [
        [adaOnA, sentinelB.id],
        [adaOnB, sentinelA.id],
        [bobOnB, sentinelA.id],
      ];
      for (const [socket, sentinel] of checks) {
        const seen = await socket.framesUntil("message", (f) => f.message.id === sentinel);
        expect(copies(seen, fromA.id)).toBe(1);
        expect(copies(seen, fromB.id)).toBe(1);
      }
    });

    test("membership and conversation frames cross instances", async () => {
      const [ada, bob] = await Promise.all([signUp(a.url), signUp(a.url)]);
      const bobOnB = await open(b.url, bob.token);
      const room = await createRoom(a, [ada, bob]);
      expect((await bobOnB.next("conversation")).conversation.id).toBe(room);
      expect((await bobOnB.next("message")).message.event).toEqual({ type: "joined" });
      const message = await send(a, ada, room, "now you are in");
      expect((await bobOnB.next("message")).message.id).toBe(message.id);
    });

    test("typing crosses instances and skips every socket of the typist", async () => {
      const [ada, bob] = await Promise.all([signUp(a.url), signUp(a.url)]);
      const room = await createRoom(a, [ada, bob]);
      const adaOnA = await open(a.url, ada.token);
      const adaOnB = await open(b.url, ada.token);
      const bobOnB = await open(b.url, bob.token);
      adaOnA.send({ type: "typing", conversationId: room });
      expect(await bobOnB.next("typing")).toEqual({ type: "typing", conversationId: room, userId: ada.user.id });
      const sentinel = await send(a, bob, room, "sentinel");
      for (const socket of [adaOnA, adaOnB]) {
        const seen = await socket.framesUntil("message", (f) => f.message.id === sentinel.id);
        expect(seen.some((f) => f.type === "typing")).toBe(false);
      }
    });

    test("logout on one instance closes that session's sockets on the other", async () => {
      const ada = await signUp(a.url);
      const onB = await open(b.url, ada.token);
      const logout = await fetch(`${a.url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${ada.token}` },
      });
      expect(logout.status).toBe(204);
      expect((await onB.closed()).code).toBe(1008);
    });

    test("a message sent while the socket was away is resumed on the other instance", async () => {
      const [ada, bob] = await Promise.all([signUp(a.url), signUp(a.url)]);
      const room = await createRoom(a, [ada, bob]);
      const first = await openSocket(a.url, bob.token);
      first.close();
      await first.closed();
      const adaOnB = await open(b.url, ada.token);
      const missed = await send(a, ada, room, "while you were away");
      // Once b has relayed it to a socket of its own, it cannot also reach the socket opened
      // next live: the only copy there is the replay's (a faster open raced the relay).
      await adaOnB.framesUntil("message", (f) => f.message.id === missed.id);
      const second = await open(b.url, bob.token);
      expect(second.ready.lastMessageId).toBe(missed.id);
      second.send({ type: "resume", after: first.ready.lastMessageId });
      const replay = await second.framesUntil("resumed");
      expect(replay.filter((f) => f.type === "message")).toEqual([{ type: "message", message: missed }]);
    });

    test("presence: online with the first socket on either instance, offline only when both have closed", async () => {
      const [ada, bob] = await Promise.all([signUp(a.url), signUp(a.url)]);
      const room = await createRoom(a, [ada, bob]);
      const bobOnB = await open(b.url, bob.token);
      const isAda = (f: { userId: number }) => f.userId === ada.user.id;

      const adaOnA = await openSocket(a.url, ada.token);
      expect(await bobOnB.next("presence", isAda)).toMatchObject({ online: true });
      const adaOnB = await openSocket(b.url, ada.token);
      await b.app.decorator.realtime.settled();
      expect((await a.deps.presence.online([ada.user.id])).has(ada.user.id)).toBe(true);
      expect((await b.deps.presence.online([ada.user.id])).has(ada.user.id)).toBe(true);

      // Closing A's socket leaves ada online (her socket on B is open): no presence frame.
      adaOnA.close();
      await adaOnA.closed();
      await a.app.decorator.realtime.settled();
      expect((await b.deps.presence.online([ada.user.id])).has(ada.user.id)).toBe(true);
      // A frame either instance published about it would come before that instance's sentinel.
      const sentinelA = await send(a, ada, room, "sentinel A");
      const sentinelB = await send(b, ada, room, "sentinel B");
      const untilA = await bobOnB.framesUntil("message", (f) => f.message.id === sentinelA.id);
      const untilB = await bobOnB.framesUntil("message", (f) => f.message.id === sentinelB.id);
      const seen = untilA.length > untilB.length ? untilA : untilB;
      expect(seen.filter((f) => f.type === "presence" && isAda(f))).toHaveLength(1);

      adaOnB.close();
      expect(await bobOnB.next("presence", isAda)).toMatchObject({ online: false });
      expect((await a.deps.presence.online([ada.user.id])).size).toBe(0);
    });
  });
});
