// Which PostgreSQL driver under drizzle: Bun's built-in SQL client (drizzle-orm/bun-sql,
// what src/db/postgres.ts uses) or postgres.js (drizzle-orm/postgres-js), on the two
// statements that matter most to Parley: a send (in a transaction, the conversation's
// next number then the message row, returned) and the latest page of a conversation (a
// prepared select of 15). Each runs sequentially and from 16 concurrent callers, on a
// throwaway cluster started by the tests' harness, same schema and pool size for both.
// The figures and the choice are in docs/DECISIONS.md ("PostgreSQL").
//
//   bun bench/pg-drivers.ts              10,000 of each (about a minute)
//   bun bench/pg-drivers.ts --ops 1000   fewer
import { parseArgs } from "node:util";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as postgresJsDrizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { openPostgres } from "../src/db/postgres.ts";
import * as schema from "../src/db/schema-pg.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { markdownTable, ms, Samples, summarize } from "./lib/stats.ts";

const { conversations, messages, users } = schema;
type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

const { values } = parseArgs({ options: { ops: { type: "string", default: "10000" } } });
const OPS = Number(values.ops);
const CONCURRENCY = 16;
const POOL = 16;
const PAGE = 15;

type Driver = { name: string; open(url: string): Promise<{ db: Db; close(): Promise<void> }> };

const DRIVERS: Driver[] = [
  {
    name: "bun-sql (Bun.SQL)",
    async open(url) {
      const handle = await openPostgres(url, { connections: POOL });
      return { db: handle.db as unknown as Db, close: handle.close };
    },
  },
  {
    name: "postgres-js 3.4",
    async open(url) {
      await openPostgres(url).then((handle) => handle.close()); // the same migrations
      const client = postgres(url, { max: POOL, onnotice: () => {} });
      return { db: postgresJsDrizzle({ client, schema }) as unknown as Db, close: () => client.end() };
    },
  },
];

async function setUp(db: Db) {
  const [user] = await db
    .insert(users)
    .values({ username: "bench", email: "b@x.io", firstName: "B", lastName: "B", passwordHash: "x", createdAt: 0 })
    .returning({ id: users.id });
  const ids: number[] = [];
  for (let i = 0; i < CONCURRENCY; i++) {
    const [row] = await db
      .insert(conversations)
      .values({ kind: "room", createdBy: user?.id, createdAt: 0 })
      .returning({ id: conversations.id });
    ids.push(row?.id ?? 0);
  }
  return { senderId: user?.id ?? 0, conversationIds: ids };
}

/** `ops` calls of `op`, `callers` at a time; per-call latencies and the wall time. */
async function measure(ops: number, callers: number, op: (caller: number, i: number) => Promise<unknown>) {
  const latencies = new Samples();
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      while (next < ops) {
        const i = next++;
        const t = performance.now();
        await op(caller, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // This process's CPU per operation (the driver's and drizzle's work, not the server's):
  // steadier than throughput on a machine shared with other work.
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: ops / seconds, cpuMicros: (cpu.user + cpu.system) / ops, ...summarize(latencies.values()) };
}

type Figure = { perSecond: number; p50: number; p99: number; cpuMicros: number };

async function bench(driver: Driver, url: string, ops: number): Promise<[string, Figure][]> {
  const { db, close } = await driver.open(url);
  try {
    const { senderId, conversationIds } = await setUp(db);
    // The send's statements, as chat/messages.ts and chat/stream.ts run them.
    const send = (conversationId: number, i: number) =>
      db.transaction(async (tx) => {
        const [taken] = await tx
          .update(conversations)
          .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
          .where(eq(conversations.id, conversationId))
          .returning({ seq: conversations.lastSeq });
        return tx
          .insert(messages)
          .values({ conversationId, senderId, body: `message ${i}`, createdAt: Date.now(), seq: taken?.seq ?? 0 })
          .returning();
      });
    const page = db
      .select()
      .from(messages)
      .where(
        and(eq(messages.conversationId, sql.placeholder("conversationId")), lt(messages.id, sql.placeholder("before"))),
      )
      .orderBy(desc(messages.id))
      .limit(PAGE)
      .prepare("latest_page");
    const first = conversationIds[0] ?? 0;
    const rows = [
      ["send, sequential", await measure(ops, 1, (_, i) => send(first, i))],
      // One conversation per caller: the driver's throughput, not one room's row lock.
      [`send, ${CONCURRENCY} concurrent`, await measure(ops, CONCURRENCY, (c, i) => send(conversationIds[c] ?? 0, i))],
      [
        "page of 15, sequential",
        await measure(ops, 1, (_, i) => page.execute({ conversationId: first, before: ops - (i % 1000) })),
      ],
      [
        `page of 15, ${CONCURRENCY} concurrent`,
        await measure(ops, CONCURRENCY, (_, i) => page.execute({ conversationId: first, before: ops - (i % 1000) })),
      ],
    ] as const;
    return rows.map(([what, r]) => [what, r]);
  } finally {
    await close();
  }
}

const ROUNDS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const cluster = await startPostgres();
try {
  // A warm-up round (a tenth of the operations), then ROUNDS rounds with the drivers
  // alternating, each on a fresh database; every figure is the median of the rounds.
  for (const driver of DRIVERS) await bench(driver, await cluster.createDatabase(), Math.ceil(OPS / 10));
  const figures = new Map<string, Figure[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const driver of DRIVERS) {
      for (const [what, figure] of await bench(driver, await cluster.createDatabase(), OPS)) {
        const key = `${driver.name}\t${what}`;
        figures.set(key, [...(figures.get(key) ?? []), figure]);
      }
    }
  }
  const table = [...figures].map(([key, runs]) => {
    const of = (pick: (f: Figure) => number) => median(runs.map(pick));
    return [
      ...key.split("\t"),
      Math.round(of((f) => f.perSecond)).toLocaleString("en-US"),
      ms(of((f) => f.p50)),
      ms(of((f) => f.p99)),
      Math.round(of((f) => f.cpuMicros)).toLocaleString("en-US"),
    ];
  });
  table.sort((a, b) => (a[1] ?? "").localeCompare(b[1] ?? ""));
  console.log(
    `${OPS.toLocaleString("en-US")} operations each, medians of ${ROUNDS} rounds, pool of ${POOL}, Bun ${Bun.version}\n`,
  );
  console.log(markdownTable(["driver", "operation", "ops/s", "p50 ms", "p99 ms", "CPU µs/op"], table));
} finally {
  await cluster.stop();
}
