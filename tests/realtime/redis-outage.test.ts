// Redis going away and coming back under two instances: local delivery never stops, health
// says "degraded" meanwhile, sockets are told to resync when it is back, a resume recovers
// what crossed nowhere, and cross-instance delivery and presence come back by themselves.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signUp, trpcClient } from "../helpers/client.ts";
import { busState, createRoom, eventually, send } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import { startTestServer, startTwoInstances, type TestServer, type TwoInstances } from "../helpers/server.ts";
import { openSocket, type TestSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let redis: TestRedis;
  let instances: TwoInstances;
  let a: TestServer;
  let b: TestServer;
  const sockets: TestSocket[] = [];

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

  test("Redis down: local delivery goes on, health degrades; back: resync, resume, fan-out and presence return", async () => {
    const [ada, bob, cat] = await Promise.all([signUp(a.url), signUp(a.url), signUp(a.url)]);
    const room = await createRoom(a, [ada, bob, cat]);
    const bobOnA = await openSocket(a.url, bob.token);
    const catOnB = await openSocket(b.url, cat.token);
    const adaOnA = await openSocket(a.url, ada.token);
    sockets.push(bobOnA, catOnB, adaOnA);
    await catOnB.next("presence", (f) => f.userId === ada.user.id && f.online);

    await redis.stop();
    await eventually(async () => (await busState(a)) === "degraded", "A to report degraded");
    await eventually(async () => (await busState(b)) === "degraded", "B to report degraded");

    // Committed and delivered on A although Redis is gone; it cannot reach B.
    const during = await send(a, ada, room, "while Redis is down");
    expect((await bobOnA.next("message")).message).toEqual(during);
    expect((await adaOnA.next("message")).message).toEqual(during);

    await redis.start();
    await eventually(async () => (await busState(a)) === "redis", "A to report redis again");
    await eventually(async () => (await busState(b)) === "redis", "B to report redis again");

    // Cat's socket stayed open and is told it may have missed frames; its resume recovers them.
    await catOnB.next("resync", undefined, 10_000);
    catOnB.send({ type: "resume", after: catOnB.ready.lastMessageId });
    const replay = await catOnB.framesUntil("resumed");
    expect(replay.filter((f) => f.type === "message").map((f) => f.type === "message" && f.message)).toContainEqual(
      during,
    );

    // Cross-instance delivery is back without anyone doing anything.
    const after = await send(a, ada, room, "Redis is back");
    expect((await catOnB.next("message", (f) => f.message.id === after.id)).message).toEqual(after);

    // The restarted Redis lost every presence entry; the instances put theirs back.
    await eventually(
      async () => (await b.deps.presence.online([ada.user.id, cat.user.id])).size === 2,
      "presence entries to be restored",
    );
  });

  test("a conversation begun on another instance while Redis is down is followed live once it is back", async () => {
    const [ada, bob] = await Promise.all([signUp(a.url), signUp(a.url)]);
    const bobOnB = await openSocket(b.url, bob.token);
    sockets.push(bobOnB);

    await redis.stop();
    await eventually(async () => (await busState(b)) === "degraded", "B to report degraded");
    // Begun on A: the news that Bob's sockets should follow it cannot reach B.
    const adaOnA = trpcClient(a.url, ada.token);
    const first = await adaOnA.history.send.mutate({ to: { userId: bob.user.id }, body: "first, while Redis is down" });

    await redis.start();
    await eventually(async () => (await busState(a)) === "redis", "A to report redis again");
    await eventually(async () => (await busState(b)) === "redis", "B to report redis again");
    await bobOnB.next("resync", undefined, 10_000);

    // After the resync Bob's socket follows the conversation: the next message arrives live.
    const second = await send(a, ada, first.conversationId, "second, Redis is back");
    expect((await bobOnB.next("message", (f) => f.message.id === second.id)).message).toEqual(second);
  });

  test("an instance started while Redis is down serves locally, degraded, and joins the others when it is back", async () => {
    await redis.stop();
    const c = await startTestServer({ ...instances.env, REDIS_URL: redis.url }, { dir: instances.dir });
    try {
      expect(await busState(c)).toBe("degraded");
      const [ada, bob] = await Promise.all([signUp(c.url), signUp(c.url)]);
      const room = await createRoom(c, [ada, bob]);
      const bobOnC = await openSocket(c.url, bob.token);
      sockets.push(bobOnC);
      const local = await send(c, ada, room, "served without Redis");
      expect((await bobOnC.next("message", (f) => f.message.id === local.id)).message).toEqual(local);

      await redis.start();
      await eventually(async () => (await busState(c)) === "redis", "C to report redis");
      await eventually(async () => (await busState(a)) === "redis", "A to report redis");
      const fromA = await send(a, ada, room, "from another instance");
      expect((await bobOnC.next("message", (f) => f.message.id === fromA.id)).message).toEqual(fromA);
    } finally {
      await c.close();
    }
  });
});
