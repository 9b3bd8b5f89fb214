// Times every SQLite statement of one connection into parley_db_statement_duration_seconds.
// The connection's prepare() and query() hand out statements whose run/get/all/values
// observe their own duration; drizzle, the statement cache and perDatabase all prepare
// through them, so no query is missed and none is rewritten.
import type { Database, Statement } from "bun:sqlite";
import type { Metrics } from "./metrics.ts";

const TIMED = Symbol("parley.timed");
const METHODS = ["run", "get", "all", "values"] as const;
const KINDS = new Set(["select", "insert", "update", "delete"]);
// Like an ordinary method: db/client.ts's statement cache reads the connection through
// a Proxy, which must see what the object holds.
const REPLACEABLE = { writable: true, configurable: true, enumerable: false };

function kindOf(sql: string): string {
  const word = sql.trimStart().slice(0, 7).toLowerCase().split(/\s/)[0] ?? "";
  if (word === "with") return "select";
  return KINDS.has(word) ? word : "other";
}

function timed<S extends Statement>(statement: S, sql: string, metrics: Metrics): S {
  const marked = statement as S & { [TIMED]?: true };
  if (marked[TIMED]) return statement;
  const histogram = metrics.dbStatementDuration.labels({ kind: kindOf(sql) });
  for (const method of METHODS) {
    const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
    Object.defineProperty(statement, method, {
      ...REPLACEABLE,
      value: (...args: unknown[]) => {
        const start = performance.now();
        try {
          return original(...args);
        } finally {
          histogram.observe((performance.now() - start) / 1000);
        }
      },
    });
  }
  marked[TIMED] = true;
  return statement;
}

export function timeStatements(sqlite: Database, metrics: Metrics): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const query = sqlite.query.bind(sqlite);
  Object.defineProperty(sqlite, "prepare", {
    ...REPLACEABLE,
    value: (sql: string, ...rest: unknown[]) =>
      timed((prepare as (...a: unknown[]) => Statement)(sql, ...rest), sql, metrics),
  });
  Object.defineProperty(sqlite, "query", {
    ...REPLACEABLE,
    value: (sql: string) => timed(query(sql), sql, metrics),
  });
}
