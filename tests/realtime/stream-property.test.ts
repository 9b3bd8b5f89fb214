// Property: whatever happens on the way, every client ends up with the database. Many
// clients (parley-client listeners, which follow the change stream as the web app does)
// on two instances sharing one SQLite file and one redis-server; random sends from both
// instances, in overlapping batches, to rooms and to new direct conversations; random
// socket drops; Redis killed and restarted in the middle. At the end each client's view,
// built only from frames and catch-up, equals the database for every conversation of its
// user: every message once, in stream order, nothing missing. The randomness is seeded:
// a failure prints PARLEY_PROPERTY_SEED=<n>, which replays the same operations.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { type Listener, ParleyClient } from "../../packages/parley-client/src/index.ts";
import { tablesOf } from "../../src/db/tables.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { createRoom, eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import { startTwoInstances, type TestServer, type TwoInstances } from "../helpers/server.ts";

forEachDatabase(() => {
  const USERS = 6;
  const STEPS = 60;
  const REDIS_DOWN_AT = 20;
  const REDIS_UP_AT = 38;

  /** mulberry32: a small seeded generator, so that a failing run can be replayed. */
  function seededRandom(seed: number) {
    let state = seed >>> 0;
    const next = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return {
      next,
      int: (below: number) => Math.floor(next() * below),
      pick<T>(items: readonly T[]): T {
        const item = items[Math.floor(next() * items.length)];
        if (item === undefined) throw new Error("pick from nothing");
        return item;
      },
    };
  }

  type Client = { user: TestUser; server: TestServer; listener: Listener; view: Map<number, number[]> };

  let redis: TestRedis;
  let instances: TwoInstances;
  const clients: Client[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    instances = await startTwoInstances({ REDIS_URL: redis.url });
  });

  afterAll(async () => {
    for (const client of clients) client.listener.stop();
    await instances?.close();
    await redis?.close();
  });

  /** What the database says each conversation of `userId` holds: message ids in stream order. */
  async function truthFor(server: TestServer, userId: number): Promise<Map<number, number[]>> {
    const { db } = server.deps;
    const { members, messages } = tablesOf(db);
    const truth = new Map<number, number[]>();
    const mine = await db.select({ id: members.conversationId }).from(members).where(eq(members.userId, userId));
    for (const { id } of mine) {
      const ids = (
        await db
          .select({ id: messages.id })
          .from(messages)
          .where(eq(messages.conversationId, id))
          .orderBy(asc(messages.seq))
      ).map((row) => row.id);
      if (ids.length) truth.set(id, ids);
    }
    return truth;
  }

  const sorted = (view: Map<number, number[]>) => [...view].sort(([a], [b]) => a - b);

  test(
    "every client's view equals the database after random sends, socket drops and a Redis restart",
    async () => {
      // A retry starts with clients of its own: an earlier attempt's are stopped and forgotten.
      for (const client of clients.splice(0)) client.listener.stop();
      const seed = Number(process.env.PARLEY_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const random = seededRandom(seed);
      const { a, b } = instances;
      const servers = [a, b] as const;
      try {
        const users = await Promise.all(Array.from({ length: USERS }, (_, i) => signUp((i % 2 ? b : a).url)));
        const rooms = [await createRoom(a, users), await createRoom(b, users.slice(0, 4))];
        const roomMembers = new Map([
          [rooms[0] as number, users],
          [rooms[1] as number, users.slice(0, 4)],
        ]);

        // One or two clients per person, each on a random instance.
        for (const user of users) {
          for (let n = 1 + random.int(2); n > 0; n -= 1) {
            const server = random.pick(servers);
            const view = new Map<number, number[]>();
            const listener = new ParleyClient({ baseUrl: server.url, token: user.token }).listen({
              from: "beginning",
              backoff: { baseMs: 50, maxMs: 400 },
              onMessage: (message) => {
                const ids = view.get(message.conversationId) ?? [];
                ids.push(message.id);
                view.set(message.conversationId, ids);
              },
            });
            clients.push({ user, server, listener, view });
          }
        }
        await eventually(() => clients.every((c) => c.listener.state === "online"), "every client to be online");

        let sent = 0;
        for (let step = 0; step < STEPS; step += 1) {
          if (step === REDIS_DOWN_AT) await redis.stop();
          if (step === REDIS_UP_AT) await redis.start();
          if (random.next() < 0.15) random.pick(clients).listener.drop();
          // A batch of sends in flight together, each through a random instance.
          const batch = Array.from({ length: 1 + random.int(3) }, () => {
            const sender = random.pick(users);
            const server = random.pick(servers);
            const room = random.pick(rooms);
            const api = new ParleyClient({ baseUrl: server.url, token: sender.token });
            sent += 1;
            if (random.next() < 0.25) {
              const peer = random.pick(users.filter((u) => u !== sender));
              return api.send({ userId: peer.user.id }, `direct ${sent}`);
            }
            const inRoom = roomMembers.get(room)?.includes(sender) ? room : (rooms[0] as number);
            return api.send({ conversationId: inRoom }, `room ${sent}`);
          });
          await Promise.all(batch);
        }

        const stored = await truthFor(a, users[0]?.user.id ?? 0);
        expect(stored.size).toBeGreaterThan(0);
        const converged = async () => {
          for (const c of clients) {
            if (JSON.stringify(sorted(c.view)) !== JSON.stringify(sorted(await truthFor(c.server, c.user.user.id)))) {
              return false;
            }
          }
          return true;
        };
        await eventually(converged, "every client's view to equal the database", 20_000).catch(() => {});
        for (const client of clients) {
          expect(sorted(client.view)).toEqual(sorted(await truthFor(client.server, client.user.user.id)));
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${message}\n\nreplay with PARLEY_PROPERTY_SEED=${seed}`);
      }
    },
    { timeout: 60_000 },
  );
});
