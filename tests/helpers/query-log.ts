// Records the SQL statements drizzle executes, through its logger hook: every execution
// is seen, whether or not the compiled statement was reused.
import type { Logger } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";

export type ExecutedQuery = { sql: string; params: unknown[] };

export async function recordQueries<T>(db: Db, call: () => T | Promise<T>) {
  // drizzle keeps its logger on the session and hands it to each query it builds.
  const session = (db as unknown as { session: { logger: Logger } }).session;
  const original = session.logger;
  const queries: ExecutedQuery[] = [];
  session.logger = {
    logQuery(sql, params) {
      queries.push({ sql, params });
      original.logQuery(sql, params);
    },
  };
  try {
    const result = await call();
    return { result, queries };
  } finally {
    session.logger = original;
  }
}
