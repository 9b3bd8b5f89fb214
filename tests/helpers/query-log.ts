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
      if (!isSearchIndexer(sql)) queries.push({ sql, params });
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

/**
 * The background search indexer (src/db/search-backlog.ts) looks for new messages every
 * 250 ms on the same database: its statements are nobody's call's, whenever its timer
 * falls inside the recorded one.
 */
function isSearchIndexer(sql: string): boolean {
  return sql.includes("search_indexed") || sql.includes("messages_fts");
}
