// New messages enter SQLite's search index in batches (drizzle/sqlite/0011_search_backlog.sql):
// `search_indexed.up_to` is the id up to which messages are in the index, and this module
// indexes what lies beyond it: a few times a second in the background, and before every
// search, so that a search never misses a message. One write transaction per batch: it
// reads the mark, indexes the messages past it and moves the mark, so two instances on
// one file (or a search and the timer) never index a message twice.
// SQLite only: on PostgreSQL the search column is generated in the writer's own statement
// (drizzle/pg/0001_message_search.sql), so there is no backlog and no indexer.
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { isPostgres } from "./tables.ts";
import { transaction } from "./transaction.ts";

/** How often the background indexer looks for new messages. */
export const SEARCH_INDEX_INTERVAL_MS = 250;

/** Indexes the messages sent since the last batch; resolves to how many there were. */
export async function indexSearchBacklog(db: Db): Promise<number> {
  if (isPostgres(db)) return 0;
  // A cheap look first (two primary-key reads), so that an idle server takes no write lock.
  const [pending] = await db.all<{ upTo: number; latest: number | null }>(
    sql`select (select up_to from search_indexed where id = 1) as upTo, (select max(id) from messages) as latest`,
  );
  if (!pending || pending.latest === null || pending.latest <= pending.upTo) return 0;
  return transaction(db, async (tx) => {
    const [mark] = await tx.all<{ upTo: number; latest: number }>(
      sql`select (select up_to from search_indexed where id = 1) as upTo, (select coalesce(max(id), 0) from messages) as latest`,
    );
    if (!mark || mark.latest <= mark.upTo) return 0;
    // Through the view the index reads its text from: the same preparation as the triggers'.
    await tx.run(
      sql`insert into messages_fts (rowid, body)
          select id, body from message_search_source where id > ${mark.upTo} and id <= ${mark.latest}`,
    );
    await tx.run(sql`update search_indexed set up_to = ${mark.latest} where id = 1`);
    return mark.latest - mark.upTo;
  });
}

/**
 * Indexes new messages every SEARCH_INDEX_INTERVAL_MS. The returned function stops it and
 * resolves once a batch in progress has ended, so that the database closes after it.
 */
export function startSearchIndexer(db: Db, onError: (error: unknown) => void): () => Promise<void> {
  if (isPostgres(db)) return async () => {};
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = indexSearchBacklog(db)
      .then(() => {}, onError)
      .finally(() => {
        running = null;
      });
  }, SEARCH_INDEX_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
