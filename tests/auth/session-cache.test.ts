// The session cache never serves a session that ended: a logout, "log out other devices",
// a password change or a deactivation on one instance is refused on the other at its next
// request once the bus has carried the news; with Redis down the cache steps aside; one
// instance with the in-process bus refuses at once; on SQLite and on PostgreSQL. The
// servers' clock is frozen, so no entry ages out during a test: only an eviction can make
// a remembered session fail.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setAdminFlag } from "../../src/auth/accounts.ts";
import { createSessionCache, SESSION_CACHE_TTL_MS, type SessionRow } from "../../src/auth/session-cache.ts";
import type { UserRow } from "../../src/db/schema.ts";
import type { Bus, BusEvent, BusState } from "../../src/realtime/bus.ts";
import { postJson, signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { busState, eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import {
  fakeClock,
  startTestServer,
  startTwoInstances,
  type TestServer,
  type TwoInstances,
} from "../helpers/server.ts";
import { failureCode } from "../helpers/trpc.ts";

/** users.me's HTTP status with this token on this instance. */
async function meStatus(server: TestServer, token: string): Promise<number> {
  const response = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

/** Resolves when the instance's bus delivers a matching event (its cache heard it first). */
function heardOn(server: TestServer, matches: (event: BusEvent) => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the bus event did not arrive")), timeoutMs);
    server.deps.bus.onEvent((event) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

const disconnectOf = (user: TestUser) => (event: BusEvent) =>
  event.type === "disconnect" && event.userId === user.user.id;

async function logIn(server: TestServer, user: TestUser): Promise<string> {
  const response = await postJson(`${server.url}/api/auth/login`, {
    username: user.user.username,
    password: user.password,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function logOut(server: TestServer, token: string) {
  const response = await fetch(`${server.url}/api/auth/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBeLessThan(300);
}

forEachDatabase(() => {
  describe("two instances through Redis", () => {
    let redis: TestRedis;
    let instances: TwoInstances;
    let a: TestServer;
    let b: TestServer;

    beforeAll(async () => {
      redis = await startRedis();
      instances = await startTwoInstances({ REDIS_URL: redis.url }, { clock: fakeClock() });
      ({ a, b } = instances);
    });
    afterAll(async () => {
      await instances?.close();
      await redis?.close();
    });

    test("a logout on A is refused on B at the next request", async () => {
      const ada = await signUp(a.url);
      expect(await meStatus(b, ada.token)).toBe(200);
      expect(await meStatus(b, ada.token)).toBe(200);
      const heard = heardOn(b, disconnectOf(ada));
      await logOut(a, ada.token);
      await heard;
      expect(await meStatus(b, ada.token)).toBe(401);
    });

    test("logging out the other devices on A ends them on B; the device that asked goes on", async () => {
      const ada = await signUp(a.url);
      const phone = await logIn(a, ada);
      expect(await meStatus(b, phone)).toBe(200);
      expect(await meStatus(b, ada.token)).toBe(200);
      const heard = heardOn(b, disconnectOf(ada));
      expect(await trpcClient(a.url, ada.token).account.endOtherSessions.mutate()).toEqual({ endedSessions: 1 });
      await heard;
      expect(await meStatus(b, phone)).toBe(401);
      expect(await meStatus(b, ada.token)).toBe(200);
    });

    test("a password change on A ends the other sessions on B", async () => {
      const ada = await signUp(a.url);
      const laptop = await logIn(a, ada);
      expect(await meStatus(b, laptop)).toBe(200);
      const heard = heardOn(b, disconnectOf(ada));
      await ada.trpc.account.changePassword.mutate({
        currentPassword: ada.password,
        newPassword: "a brand new passphrase",
      });
      await heard;
      expect(await meStatus(b, laptop)).toBe(401);
    });

    test("a deactivation on A (token version bumped) is refused on B", async () => {
      const [admin, ada] = await Promise.all([signUp(a.url), signUp(a.url)]);
      await setAdminFlag(a.deps, admin.user.id, true);
      expect(await meStatus(b, ada.token)).toBe(200);
      const heard = heardOn(b, disconnectOf(ada));
      await admin.trpc.admin.setActive.mutate({ userId: ada.user.id, active: false });
      await heard;
      expect(await meStatus(b, ada.token)).toBe(401);
    });

    test("a profile change on A is what users.me answers on B", async () => {
      const ada = await signUp(a.url, { firstName: "Ada" });
      const adaOnB = trpcClient(b.url, ada.token);
      expect((await adaOnB.users.me.query()).firstName).toBe("Ada");
      const heard = heardOn(b, (event) => event.type === "frame" && event.frame.type === "user");
      await ada.trpc.account.updateProfile.mutate({ firstName: "Augusta", lastName: "King", bio: "" });
      await heard;
      expect((await adaOnB.users.me.query()).firstName).toBe("Augusta");
    });

    test("admin rights removed on A are gone on B at once, whatever the session remembers", async () => {
      const [admin, deputy] = await Promise.all([signUp(a.url), signUp(a.url)]);
      await setAdminFlag(a.deps, admin.user.id, true);
      await setAdminFlag(a.deps, deputy.user.id, true);
      const deputyOnB = trpcClient(b.url, deputy.token);
      expect((await deputyOnB.users.me.query()).isAdmin).toBe(true);
      expect((await deputyOnB.admin.activity.query({})).items).toBeDefined();
      await admin.trpc.admin.setAdmin.mutate({ userId: deputy.user.id, admin: false });
      expect(await failureCode(deputyOnB.admin.activity.query({}))).toBe("FORBIDDEN");
    });

    // Last: it stops Redis (and brings it back for the servers' shutdown).
    test("with Redis down, a logout on A that B never hears is still refused on B", async () => {
      const ada = await signUp(a.url);
      expect(await meStatus(b, ada.token)).toBe(200);
      await redis.stop();
      try {
        await eventually(async () => (await busState(a)) === "degraded", "A to report degraded");
        await eventually(async () => (await busState(b)) === "degraded", "B to report degraded");
        await logOut(a, ada.token);
        expect(await meStatus(b, ada.token)).toBe(401);
        // Other sessions are still served, each from the database.
        const bob = await signUp(a.url);
        expect(await meStatus(b, bob.token)).toBe(200);
      } finally {
        await redis.start();
      }
      await eventually(async () => (await busState(b)) === "redis", "B to report redis again");
    });
  });

  describe("one instance, in-process bus", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({}, { clock: fakeClock() });
    });
    afterAll(() => server?.close());

    test("a logout is refused at the very next request", async () => {
      const ada = await signUp(server.url);
      expect(await meStatus(server, ada.token)).toBe(200);
      await logOut(server, ada.token);
      expect(await meStatus(server, ada.token)).toBe(401);
    });

    test("a deactivation is refused at the very next request", async () => {
      const [admin, ada] = await Promise.all([signUp(server.url), signUp(server.url)]);
      await setAdminFlag(server.deps, admin.user.id, true);
      expect(await meStatus(server, ada.token)).toBe(200);
      await admin.trpc.admin.setActive.mutate({ userId: ada.user.id, active: false });
      expect(await meStatus(server, ada.token)).toBe(401);
    });
  });
});

describe("the cache itself", () => {
  function stubBus(initial: BusState = "redis") {
    let state = initial;
    const handlers: ((event: BusEvent) => void)[] = [];
    const bus: Bus = {
      state: () => state,
      publish: (event) => {
        for (const handler of handlers) handler(event);
      },
      onEvent: (handler) => {
        handlers.push(handler);
      },
      close: async () => {},
    };
    return { bus, setState: (next: BusState) => (state = next) };
  }
  const row = (userId: number): SessionRow => ({
    user: { id: userId } as UserRow,
    expiresAt: Number.MAX_SAFE_INTEGER,
    lastActiveAt: null,
  });
  /** A loader that counts its calls. */
  const counted = (result: SessionRow) => {
    const loader = {
      calls: 0,
      load: async () => {
        loader.calls++;
        return result;
      },
    };
    return loader;
  };

  test("serves a session from memory until it is older than the TTL", async () => {
    const cache = createSessionCache(stubBus().bus);
    const loader = counted(row(1));
    await cache.lookup("s", 0, loader.load);
    await cache.lookup("s", SESSION_CACHE_TTL_MS - 1, loader.load);
    expect(loader.calls).toBe(1);
    await cache.lookup("s", SESSION_CACHE_TTL_MS, loader.load);
    expect(loader.calls).toBe(2);
  });

  test("a row read while its session was being ended is not remembered", async () => {
    const { bus } = stubBus();
    const cache = createSessionCache(bus);
    let release: () => void = () => {};
    const slow = cache.lookup("s", 0, async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return row(1);
    });
    bus.publish({ type: "disconnect", userId: 1, sessionId: "s" });
    release();
    await slow;
    const loader = counted(row(1));
    await cache.lookup("s", 1, loader.load);
    expect(loader.calls).toBe(1);
  });

  test("a user's disconnect and profile change evict all their sessions, and only theirs", async () => {
    const { bus } = stubBus();
    const cache = createSessionCache(bus);
    const ada = counted(row(1));
    const bob = counted(row(2));
    await cache.lookup("ada-1", 0, ada.load);
    await cache.lookup("ada-2", 0, ada.load);
    await cache.lookup("bob", 0, bob.load);
    bus.publish({ type: "disconnect", userId: 1 });
    for (const id of ["ada-1", "ada-2"]) await cache.lookup(id, 1, ada.load);
    await cache.lookup("bob", 1, bob.load);
    expect([ada.calls, bob.calls]).toEqual([4, 1]);
    bus.publish({
      type: "frame",
      topic: "user:2",
      frame: {
        type: "user",
        user: {
          id: 2,
          username: "bob",
          firstName: "B",
          lastName: "B",
          online: true,
          lastSeenAt: null,
          bio: "",
          avatar: null,
        },
      },
    });
    await cache.lookup("bob", 2, bob.load);
    await cache.lookup("ada-1", 2, ada.load);
    expect([ada.calls, bob.calls]).toEqual([4, 2]);
  });

  test("while the bus is degraded every lookup reads, and what was remembered before is gone after", async () => {
    const { bus, setState } = stubBus();
    const cache = createSessionCache(bus);
    const loader = counted(row(1));
    await cache.lookup("s", 0, loader.load);
    setState("degraded");
    await cache.lookup("s", 1, loader.load);
    await cache.lookup("s", 2, loader.load);
    expect(loader.calls).toBe(3);
    setState("redis");
    await cache.lookup("s", 3, loader.load);
    await cache.lookup("s", 4, loader.load);
    expect(loader.calls).toBe(4);
  });

  test("a resync forgets everything", async () => {
    const { bus } = stubBus();
    const cache = createSessionCache(bus);
    const loader = counted(row(1));
    await cache.lookup("s", 0, loader.load);
    bus.publish({ type: "resync" });
    await cache.lookup("s", 1, loader.load);
    expect(loader.calls).toBe(2);
  });
});
