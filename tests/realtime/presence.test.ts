// Presence on Redis across instances, one of which crashes: its users go offline once its
// entries expire, and exactly one surviving instance hears of it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawn } from "bun";
import { Redis } from "ioredis";
import { createLogger } from "../../src/log.ts";
import { createLocalPresence } from "../../src/realtime/local-presence.ts";
import type { Presence } from "../../src/realtime/presence.ts";
import { createRedisPresence } from "../../src/realtime/redis-presence.ts";
import { eventually } from "../helpers/conversations.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";

const TTL_MS = 300;
let redis: TestRedis;
let inspector: Redis;
const opened: Presence[] = [];
const children: ReturnType<typeof spawn>[] = [];

beforeAll(async () => {
  redis = await startRedis();
  inspector = new Redis(redis.url);
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(opened.map((p) => p.close()));
  inspector?.disconnect();
  await redis?.close();
});

async function instance(name: string) {
  const changes: { userId: number; online: boolean }[] = [];
  const presence = await createRedisPresence({
    url: redis.url,
    instanceId: name,
    logger: createLogger({ logLevel: "silent" }),
    ttlMs: TTL_MS,
    // Tests beat by hand (heartbeat()), so that they know when a sweep has happened.
    heartbeatMs: 3_600_000,
  });
  presence.onChange((userId, online) => changes.push({ userId, online }));
  opened.push(presence);
  return { presence, changes };
}

/** Another process with the user online, SIGKILLed: it leaves its entry behind. */
async function crashedInstance(userId: number) {
  const child = spawn(["bun", `${import.meta.dir}/presence-child.ts`, redis.url, String(userId), String(TTL_MS)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  children.push(child);
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const started = JSON.parse(new TextDecoder().decode(value)) as { cameOnline: boolean };
  child.kill("SIGKILL");
  await child.exited;
  return { ...started, entry: `${userId}:crashing-${child.pid}` };
}

const indexHas = async (entry: string) => (await inspector.zscore("parley:presence:expiry", entry)) !== null;

test("the first socket anywhere brings a user online, the last one anywhere takes them offline", async () => {
  const one = await instance("one");
  const two = await instance("two");
  expect(await one.presence.connected(101)).toBe(true);
  expect(await two.presence.connected(101)).toBe(false);
  expect([...(await two.presence.online([101, 102]))]).toEqual([101]);
  expect(await one.presence.disconnected(101)).toBe(false);
  expect((await one.presence.online([101])).has(101)).toBe(true);
  expect(await two.presence.disconnected(101)).toBe(true);
  expect((await one.presence.online([101])).size).toBe(0);
});

test("a crashed instance's users go offline when its entries expire, announced by one survivor", async () => {
  const one = await instance("survivor-1");
  const two = await instance("survivor-2");
  const crashed = await crashedInstance(202);
  expect(crashed.cameOnline).toBe(true);
  // Its entry has not expired yet (or is about to): online until a sweep says otherwise.
  await eventually(async () => {
    await Promise.all([one.presence.heartbeat(), two.presence.heartbeat()]);
    return !(await indexHas(crashed.entry));
  }, "a sweep of the crashed instance's entry");
  await Promise.all([one.presence.heartbeat(), two.presence.heartbeat()]);
  expect([...one.changes, ...two.changes].filter((c) => c.userId === 202)).toEqual([{ userId: 202, online: false }]);
  expect((await two.presence.online([202])).size).toBe(0);
});

test("a user also online elsewhere stays online when a crashed instance's entry expires", async () => {
  const one = await instance("steady");
  const crashed = await crashedInstance(303);
  expect(await one.presence.connected(303)).toBe(false);
  await eventually(async () => {
    await one.presence.heartbeat();
    return !(await indexHas(crashed.entry));
  }, "a sweep of the crashed instance's entry");
  expect((await one.presence.online([303])).has(303)).toBe(true);
  expect(one.changes).toEqual([]);
});

test("without Redis, presence is this process's own count", async () => {
  const local = createLocalPresence();
  expect(await local.connected(1)).toBe(true);
  expect(await local.connected(1)).toBe(false);
  expect([...(await local.online([1, 2]))]).toEqual([1]);
  expect(await local.disconnected(1)).toBe(true);
  expect((await local.online([1])).size).toBe(0);
});
