// Scenario 7: message search (search.messages, SQLite FTS5) on the history database of
// scenario 4 — a common word that most messages contain, and a rare one that exactly one
// message contains — "in-server": the procedure called in this process through tRPC's
// server-side caller, without HTTP, one call at a time, as the hub user (a member of
// `hubConversations` conversations, the deep one included). Also the index's size on disk.
import { Database } from "bun:sqlite";
import { authenticateToken } from "../../src/auth/sessions.ts";
import { createTokenSigner } from "../../src/auth/tokens.ts";
import { loadConfig } from "../../src/config.ts";
import { buildDeps } from "../../src/server.ts";
import { createCallerFactory } from "../../src/trpc/init.ts";
import { appRouter } from "../../src/trpc/router.ts";
import { JWT_SECRET } from "../lib/processes.ts";
import type { BenchContext, HistoryDb, Row, ScenarioOutcome } from "../lib/report.ts";
import { count, Samples, summarize } from "../lib/stats.ts";
import { ensureHistoryDb } from "./history.ts";

/** At most this long per query, whatever the scale's iteration count. */
const QUERY_BUDGET_MS = 5000;

type SearchCase = { name: string; query: string };

/** The common word is in the generator's vocabulary; the rare one is a message's own number. */
function cases(db: HistoryDb): SearchCase[] {
  const file = new Database(db.path, { readonly: true });
  try {
    const row = file.query<{ body: string }, [number]>("select body from messages where id = ?").get(db.deepBeforeId);
    const rare = /^#(\d+)/.exec(row?.body ?? "")?.[1];
    if (!rare) throw new Error("the history database has no numbered message to search for");
    return [
      { name: "common word (most messages)", query: "lorem" },
      { name: "rare word (one message)", query: rare },
    ];
  } finally {
    file.close();
  }
}

/** Bytes of the FTS5 index (its shadow tables) and of the whole database, from dbstat. */
function indexSize(path: string): { index: number; total: number } {
  const file = new Database(path, { readonly: true });
  try {
    const index = file
      .query<{ bytes: number }, []>(
        "select coalesce(sum(pgsize), 0) as bytes from dbstat where name like 'messages_fts%'",
      )
      .get();
    const total = file.query<{ bytes: number }, []>("select coalesce(sum(pgsize), 0) as bytes from dbstat").get();
    return { index: index?.bytes ?? 0, total: total?.bytes ?? 0 };
  } finally {
    file.close();
  }
}

export async function search(ctx: BenchContext): Promise<ScenarioOutcome> {
  const db = await ensureHistoryDb(ctx);
  const { inServerIterations } = ctx.scale.history;
  const label = `${count(db.messages)} msgs`;
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_PATH: db.path,
    JWT_SECRET,
    LOG_LEVEL: "silent",
    SEND_RATE: "0",
  });
  const deps = await buildDeps(config);
  const rows: Row[] = [];
  const failures: string[] = [];
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
    for (const { name, query } of cases(db)) {
      const first = await caller.search.messages({ query });
      if (first.hits.length === 0) failures.push(`7 search ${name}: "${query}" found nothing`);
      for (let i = 0; i < Math.min(5, inServerIterations); i++) await caller.search.messages({ query }); // warm-up
      const samples = new Samples();
      const deadline = performance.now() + QUERY_BUDGET_MS;
      for (let i = 0; i < inServerIterations && performance.now() < deadline; i++) {
        const started = performance.now();
        await caller.search.messages({ query });
        samples.push(performance.now() - started);
      }
      const summary = summarize(samples.values());
      rows.push({
        scenario: "7 search",
        server: "parley in-server",
        step: `${name}, ${label}`,
        throughput: `${count(1000 / summary.mean)} req/s`,
        latency: summary,
        note: `search.messages "${query}" as a member of ${count(db.hubConversations)} conversations, first page of 20; tRPC caller, sequential, ${count(summary.count)} calls`,
      });
    }
  } finally {
    await deps.bus.close();
    deps.database.close();
  }
  const size = indexSize(db.path);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return {
    rows,
    notes: [
      `7 search: the FTS5 index takes ${mb(size.index)} on disk (${((100 * size.index) / Math.max(1, size.total)).toFixed(0)}% of the ${mb(size.total)} database, ${label})`,
    ],
    failures,
    targets: [],
  };
}
