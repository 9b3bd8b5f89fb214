import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createMemoryBuckets } from "../../src/chat/local-send-limiter.ts";
import { createSendLimiter } from "../../src/server.ts";
import { startRedis, type TestRedis } from "../helpers/redis.ts";
import { fakeClock } from "../helpers/server.ts";

describe("in-process token bucket", () => {
  test("allows a burst, then one send per 1/rate seconds", () => {
    const clock = fakeClock();
    const buckets = createMemoryBuckets(0.5, 3, clock);
    expect([buckets.take(1), buckets.take(1), buckets.take(1)]).toEqual([0, 0, 0]);
    expect(buckets.take(1)).toBe(2000);
    clock.advance(1500);
    expect(buckets.take(1)).toBe(500);
    clock.advance(500);
    expect(buckets.take(1)).toBe(0);
    expect(buckets.take(2)).toBe(0);
  });

  test("a refund gives one token back, never above the burst", () => {
    const clock = fakeClock();
    const buckets = createMemoryBuckets(1, 2, clock);
    buckets.take(1);
    buckets.take(1);
    buckets.refund(1);
    expect(buckets.take(1)).toBe(0);
    buckets.refund(1);
    buckets.refund(1);
    buckets.refund(1);
    expect([buckets.take(1), buckets.take(1), buckets.take(1)]).toEqual([0, 0, 1000]);
  });

  test("a clock that goes back refills nothing", () => {
    const clock = fakeClock();
    const buckets = createMemoryBuckets(1, 1, clock);
    buckets.take(1);
    clock.advance(-10_000);
    expect(buckets.take(1)).toBeGreaterThan(0);
  });
});

describe("limiter", () => {
  test("SEND_RATE=0 turns it off", async () => {
    const limiter = await createSendLimiter({ sendRate: 0, sendBurst: 1, redisUrl: undefined }, fakeClock());
    expect(limiter.backend()).toBe("off");
    for (let i = 0; i < 100; i++) expect(await limiter.take(1)).toBe(0);
  });

  test("answers whole seconds to wait, at least 1", async () => {
    const limiter = await createSendLimiter({ sendRate: 4, sendBurst: 1, redisUrl: undefined }, fakeClock());
    expect(await limiter.take(7)).toBe(0);
    expect(await limiter.take(7)).toBe(1);
  });
});

describe("Redis-backed limiter", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.close());

  test("two limiters on one Redis draw from one bucket", async () => {
    const clock = fakeClock();
    const config = { sendRate: 1, sendBurst: 3, redisUrl: redis.url };
    const a = await createSendLimiter(config, clock);
    const b = await createSendLimiter(config, clock);
    expect(a.backend()).toBe("redis");
    expect([await a.take(1), await b.take(1), await a.take(1)]).toEqual([0, 0, 0]);
    expect(await b.take(1)).toBe(1);
    await a.refund(1);
    expect(await b.take(1)).toBe(0);
    clock.advance(1000);
    expect(await a.take(1)).toBe(0);
    expect(await a.take(2)).toBe(0);
    await a.close();
    await b.close();
  });

  test("falls back to the in-process bucket while Redis is down", async () => {
    const clock = fakeClock();
    const limiter = await createSendLimiter({ sendRate: 1, sendBurst: 2, redisUrl: redis.url }, clock);
    await redis.stop();
    try {
      expect(await limiter.take(5)).toBe(0);
      expect(await limiter.take(5)).toBe(0);
      expect(await limiter.take(5)).toBe(1);
      expect(limiter.backend()).toBe("memory");
    } finally {
      await redis.start();
      await limiter.close();
    }
  });
});
