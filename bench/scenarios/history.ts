// Scenario 4: reading history from a large database — the latest page of a conversation,
// a page deep in its past (keyset `before`), and the conversation list of a user with
// many conversations. Over HTTP from a load-generator process (closed loop, a few
// concurrent clients), then "in-server": the same procedures called in this process
// through tRPC's server-side caller, without HTTP, one at a time.
import { join } from "node:path";
import { authenticateToken } from "../../src/auth/sessions.ts";
import { createTokenSigner } from "../../src/auth/tokens.ts";
import { loadConfig } from "../../src/config.ts";
import { buildDeps } from "../../src/server.ts";
import { createCallerFactory } from "../../src/trpc/init.ts";
import { appRouter } from "../../src/trpc/router.ts";
import { Driver, type RequestsResult } from "../lib/driver-protocol.ts";
import { generateHistoryDb } from "../lib/history-db.ts";
import { createBenchDatabase, generateHistoryDatabase, type TestPostgres } from "../lib/postgres.ts";
import { ProcessMeter } from "../lib/proc.ts";
import { JWT_SECRET, startParley } from "../lib/processes.ts";
import type { BenchContext, HistoryDb, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, Samples, type Summary, summarize } from "../lib/stats.ts";

export async function ensureHistoryDb(ctx: BenchContext): Promise<HistoryDb> {
  if (ctx.historyDb) return ctx.historyDb;
  const shape = ctx.scale.history;
  ctx.log(`  generating ${count(shape.messages)} messages in ${count(shape.conversations)} conversations…`);
  ctx.historyDb = await generateHistoryDb(join(ctx.workDir, "history.db"), shape);
  ctx.log(
    `  generated in ${ctx.historyDb.seconds.toFixed(1)} s (${(ctx.historyDb.bytes / 1024 / 1024).toFixed(0)} MB)`,
  );
  return ctx.historyDb;
}

/** The same history on a fresh database of the run's PostgreSQL cluster (generated server-side). */
async function postgresHistoryDb(ctx: BenchContext, cluster: TestPostgres): Promise<HistoryDb> {
  const shape = ctx.scale.history;
  ctx.log(`  generating ${count(shape.messages)} messages on PostgreSQL…`);
  const db = await generateHistoryDatabase(await createBenchDatabase(cluster, "history"), shape);
  ctx.log(`  generated in ${db.seconds.toFixed(1)} s (${(db.bytes / 1024 / 1024).toFixed(0)} MB)`);
  return db;
}

/** Where Parley reads the history from: the SQLite file, or PostgreSQL's URL (`db.path` both). */
type Store = { label: string; databasePath: string; databaseUrl?: string };

function storeOf(ctx: BenchContext, db: HistoryDb, onPostgres: boolean): Store {
  return onPostgres
    ? { label: " (postgres)", databasePath: join(ctx.workDir, "history-postgres.db"), databaseUrl: db.path }
    : { label: "", databasePath: db.path };
}

type Query = { name: string; path: string; input?: unknown };

function queries(db: HistoryDb): Query[] {
  return [
    { name: "messages, latest page", path: "history.messages", input: { conversationId: db.deepConversationId } },
    {
      name: "messages, deep before",
      path: "history.messages",
      input: { conversationId: db.deepConversationId, before: db.deepBeforeId },
    },
    { name: `conversations (${db.hubConversations})`, path: "history.conversations" },
  ];
}

async function inServer(db: HistoryDb, store: Store, iterations: number): Promise<Summary[]> {
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_PATH: store.databasePath,
    DATABASE_URL: store.databaseUrl,
    JWT_SECRET,
    LOG_LEVEL: "silent",
    SEND_RATE: "0",
  });
  const deps = await buildDeps(config);
  try {
    const session = await authenticateToken(deps, createTokenSigner(JWT_SECRET), db.hubToken);
    if (!session) throw new Error("the hub's token did not authenticate in-process");
    const caller = createCallerFactory(appRouter)({
      deps,
      session,
      ip: () => "127.0.0.1",
      resHeaders: new Headers(),
      requestId: "bench",
    });
    const call = (q: Query): Promise<unknown> => {
      const [area, name] = q.path.split(".") as [string, string];
      // Looked up by their contract names, so this file builds before the procedures exist.
      const procedures = caller as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
      const procedure = procedures[area]?.[name];
      if (!procedure) throw new Error(`no procedure ${q.path}`);
      return procedure(q.input);
    };
    const results: Summary[] = [];
    for (const q of queries(db)) {
      for (let i = 0; i < Math.min(50, iterations); i++) await call(q); // warm-up
      const samples = new Samples();
      const deadline = performance.now() + 3000;
      for (let i = 0; i < iterations && performance.now() < deadline; i++) {
        const started = performance.now();
        await call(q);
        samples.push(performance.now() - started);
      }
      results.push(summarize(samples.values()));
    }
    return results;
  } finally {
    await deps.bus.close();
    await deps.database.close();
  }
}

/** The three reads over HTTP, then in-server, on one store: the rows, failures, the in-server latest page. */
async function readHistory(ctx: BenchContext, db: HistoryDb, store: Store) {
  const { durationMs, concurrency, inServerIterations } = ctx.scale.history;
  const rows: Row[] = [];
  const failures: string[] = [];
  const label = `${count(db.messages)} msgs`;

  const server = await startParley({
    databasePath: store.databasePath,
    databaseUrl: store.databaseUrl,
    log: join(ctx.workDir, `parley-history${store.databaseUrl ? "-postgres" : ""}.log`),
  });
  const driver = new Driver("reader");
  try {
    for (const q of queries(db)) {
      const query = q.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(q.input))}`;
      const target = {
        url: `${server.url}/trpc/${q.path}${query}`,
        headers: { authorization: `Bearer ${db.hubToken}` },
      };
      await driver.call({ op: "requests", targets: [target], concurrency, durationMs: Math.min(300, durationMs) });
      const meter = new ProcessMeter([server.pid]);
      meter.start();
      const result = await driver.call<RequestsResult>({ op: "requests", targets: [target], concurrency, durationMs });
      const usage = meter.stop();
      const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
      if (errors) failures.push(`4 history ${q.name}: errors ${JSON.stringify(result.errors)}`);
      rows.push({
        scenario: "4 history",
        server: `parley HTTP${store.label}`,
        step: `${q.name}, ${label}`,
        throughput: `${count(result.perSecond)} req/s`,
        latency: result.latency,
        errors,
        cpuPercent: usage.cpuPercent,
        peakRss: usage.peakRss,
        note: `${concurrency} concurrent clients`,
      });
    }
  } finally {
    await driver.stop();
    await server.stop();
  }

  const inProcess = await inServer(db, store, inServerIterations);
  queries(db).forEach((q, i) => {
    const summary = inProcess[i] as Summary;
    rows.push({
      scenario: "4 history",
      server: `parley in-server${store.label}`,
      step: `${q.name}, ${label}`,
      throughput: `${count(1000 / summary.mean)} req/s`,
      latency: summary,
      note: `tRPC caller, no HTTP, sequential, ${count(summary.count)} calls`,
    });
  });
  return { rows, failures, latest: inProcess[0] as Summary };
}

export async function history(ctx: BenchContext): Promise<ScenarioOutcome> {
  const db = await ensureHistoryDb(ctx);
  const label = `${count(db.messages)} msgs`;
  const onSqlite = await readHistory(ctx, db, storeOf(ctx, db, false));
  const outcome: ScenarioOutcome = {
    rows: onSqlite.rows,
    notes: [],
    failures: onSqlite.failures,
    targets: [
      {
        scenario: "4 history",
        goal: "latest page p99 < 2 ms in-server (1,000,000 messages)",
        measured: `${onSqlite.latest.p99.toFixed(2)} ms p99 (${label})`,
        met: onSqlite.latest.p99 < 2,
      },
    ],
  };
  if (ctx.postgres) {
    const pgDb = await postgresHistoryDb(ctx, ctx.postgres);
    const onPostgres = await readHistory(ctx, pgDb, storeOf(ctx, pgDb, true));
    outcome.rows.push(...onPostgres.rows);
    outcome.failures?.push(...onPostgres.failures);
    outcome.targets.push({
      scenario: "4 history (postgres)",
      goal: "latest page p99 < 5 ms in-server (1,000,000 messages)",
      measured: `${onPostgres.latest.p99.toFixed(2)} ms p99 (${label})`,
      met: onPostgres.latest.p99 < 5,
    });
  }
  return outcome;
}
