// The send rate limit as a user meets it: over HTTP, with a fake clock, and shared by two
// instances through one Redis.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";

import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import {
  fakeClock,
  startTestServer,
  startTwoInstances,
  type TestServer,
  type TwoInstances,
} from "../helpers/server.ts";
import { failure } from "../helpers/trpc.ts";

forEachDatabase(() => {
  const rawSend = (url: string, user: TestUser, input: unknown) =>
    fetch(`${url}/trpc/history.send`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
      body: JSON.stringify(input),
    });

  const throttledRows = async (server: TestServer, userId: number) =>
    (
      await rawRows(
        server.deps.database,
        "select id from activity_log where kind = 'send_throttled' and user_id = ?",
        userId,
      )
    ).length;

  describe("in-process bucket (SEND_RATE=0.5, SEND_BURST=3)", () => {
    const clock = fakeClock();
    let server: TestServer;
    let ada: TestUser;
    let bob: TestUser;
    beforeAll(async () => {
      server = await startTestServer({ SEND_RATE: "0.5", SEND_BURST: "3" }, { clock });
      [ada, bob] = [await signUp(server.url), await signUp(server.url)];
    });
    afterAll(() => server.close());

    test("a burst passes, the next send is 429 with Retry-After, and time refills the bucket", async () => {
      const to = { userId: bob.user.id };
      for (let i = 0; i < 3; i++) await ada.trpc.history.send.mutate({ to, body: `burst ${i}` });
      const response = await rawSend(server.url, ada, { to, body: "one too many" });
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("2");
      expect((await response.json()).error.data.code).toBe("TOO_MANY_REQUESTS");

      clock.advance(1999);
      expect((await failure(ada.trpc.history.send.mutate({ to, body: "still early" }))).data?.httpStatus).toBe(429);
      clock.advance(1);
      expect((await ada.trpc.history.send.mutate({ to, body: "on time" })).body).toBe("on time");
      // Others have their own bucket.
      expect((await bob.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "me too" })).body).toBe("me too");
      // Nothing throttled was stored.
      const bodies = (await bob.trpc.history.messages.query({ peerId: ada.user.id })).items.map((m) => m.body);
      expect(bodies).toEqual(["burst 0", "burst 1", "burst 2", "on time", "me too"]);
    });

    test("a retry with a known clientId costs no token, even with the bucket empty", async () => {
      clock.advance(60_000);
      const to = { userId: bob.user.id };
      const first = await ada.trpc.history.send.mutate({ to, body: "keep", clientId: "retry-me" });
      await ada.trpc.history.send.mutate({ to, body: "2" });
      await ada.trpc.history.send.mutate({ to, body: "3" });
      for (let i = 0; i < 5; i++) {
        expect(await ada.trpc.history.send.mutate({ to, body: "keep", clientId: "retry-me" })).toEqual(first);
      }
      clock.advance(2000);
      // The one token that came back is still there for a new message.
      expect((await ada.trpc.history.send.mutate({ to, body: "new" })).body).toBe("new");
    });

    test("throttled sends are logged at most once per user a minute", async () => {
      clock.advance(60_000);
      const carol = await signUp(server.url);
      const to = { userId: bob.user.id };
      for (let i = 0; i < 3; i++) await carol.trpc.history.send.mutate({ to, body: `${i}` });
      for (let i = 0; i < 5; i++) await failure(carol.trpc.history.send.mutate({ to, body: "flood" }));
      expect(await throttledRows(server, carol.user.id)).toBe(1);
      clock.advance(59_000);
      for (let i = 0; i < 3; i++) await carol.trpc.history.send.mutate({ to, body: "refilled" });
      await failure(carol.trpc.history.send.mutate({ to, body: "flood" }));
      expect(await throttledRows(server, carol.user.id)).toBe(1);
      clock.advance(1_000); // a minute after the first entry, half a token later
      await failure(carol.trpc.history.send.mutate({ to, body: "flood" }));
      expect(await throttledRows(server, carol.user.id)).toBe(2);
    });
  });

  describe("Redis-backed bucket shared by two instances", () => {
    const clock = fakeClock();
    let redis: TestRedis;
    let instances: TwoInstances;
    let one: TestServer;
    let two: TestServer;
    beforeAll(async () => {
      redis = await startRedis();
      // One database, one Redis, two instances: like two processes behind nginx.
      instances = await startTwoInstances({ SEND_RATE: "1", SEND_BURST: "3", REDIS_URL: redis.url }, { clock });
      ({ a: one, b: two } = instances);
    });
    afterAll(async () => {
      await instances.close();
      await redis.close();
    });

    test("sends through either instance draw from one bucket", async () => {
      const ada = await signUp(one.url);
      const bob = await signUp(two.url);
      const to = { userId: bob.user.id };
      await ada.trpc.history.send.mutate({ to, body: "via one" });
      const viaTwo = await rawSend(two.url, ada, { to, body: "via two" });
      expect(viaTwo.status).toBe(200);
      await ada.trpc.history.send.mutate({ to, body: "via one again" });
      const refused = await rawSend(two.url, ada, { to, body: "over the limit" });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("1");
      clock.advance(1000);
      expect((await rawSend(two.url, ada, { to, body: "refilled" })).status).toBe(200);
    });

    test("with Redis down, sends still work on the in-process bucket", async () => {
      clock.advance(60_000);
      const ada = await signUp(one.url);
      const bob = await signUp(one.url);
      await redis.stop();
      try {
        const to = { userId: bob.user.id };
        for (let i = 0; i < 3; i++) expect((await rawSend(one.url, ada, { to, body: `${i}` })).status).toBe(200);
        expect((await rawSend(one.url, ada, { to, body: "limited here" })).status).toBe(429);
      } finally {
        await redis.start();
      }
    });
  });
});
