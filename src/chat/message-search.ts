// Full-text search of the messages a person can see: SQLite FTS5 (the index and its
// triggers are in the migrations drizzle/sqlite/0004_message_search.sql and
// 0011_search_backlog.sql: new messages enter it in batches), restricted to the
// conversations the person is a member of NOW, ranked by bm25 with the most recent first
// among equals, and paged by keyset on (rank, id).
//
// Only the newest RANKED_MATCHES matches the person can see are ranked: bm25 costs one
// evaluation per match, and a word in half of a million messages took a third of a second
// to rank in full (docs/BENCHMARKS.md). The newest matches are found first, walking the
// index newest first (cheap: no ranking), and the ranking then reads only the index's
// rowids from the oldest of them on. Fewer matches than that: all are ranked, as before.
// On PostgreSQL, message-search-pg.ts answers with the same contract.

import { SQLiteError } from "bun:sqlite";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { PgDb } from "../db/postgres.ts";
import { indexSearchBacklog } from "../db/search-backlog.ts";
import { isPostgres, tablesOf } from "../db/tables.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../shared/errors.ts";
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchInput, type SearchPage } from "../shared/search.ts";
import { requireMembership } from "./conversations.ts";
import { DEFAULT_HITS, RANKED_MATCHES, type RankedHit, toSearchPage } from "./search-page.ts";
import { parseSearchTerms, toMatchExpression } from "./search-query.ts";

/** Tokens of context a snippet shows around the matches (FTS5 allows at most 64). */
const SNIPPET_TOKENS = 24;
/** Put in front of mention markup by the index (see the migration); never shown. */
const MENTION_GUARD = /\uE000/g;

/** search.messages: the query is checked first, then the membership, on either database. */
export async function searchMessages(deps: Deps, userId: number, input: SearchInput): Promise<SearchPage> {
  const terms = parseSearchTerms(input.query);
  if (input.conversationId !== undefined) await requireMembership(deps.db, userId, input.conversationId);
  // The domain's Db is typed with SQLite's schema; on PostgreSQL it is drizzle's PgDb.
  return isPostgres(deps.db)
    ? (await import("./message-search-pg.ts")).searchMessagesPostgres(deps.db as unknown as PgDb, userId, terms, input)
    : searchMessagesSqlite(deps.db, userId, terms, input);
}

async function searchMessagesSqlite(db: Db, userId: number, terms: string[][], input: SearchInput) {
  const { attachments, members, messages } = tablesOf(db);
  const match = toMatchExpression(terms);
  // Messages sent since the indexer's last batch: in the index before the search reads it.
  await indexSearchBacklog(db);
  const limit = input.limit ?? DEFAULT_HITS;

  const filters: SQL[] = [];
  if (input.conversationId !== undefined) filters.push(sql`and ${messages.conversationId} = ${input.conversationId}`);
  if (input.fromUserId !== undefined) filters.push(sql`and ${messages.senderId} = ${input.fromUserId}`);
  if (input.before !== undefined) filters.push(sql`and ${messages.createdAt} < ${Date.parse(input.before)}`);
  if (input.after !== undefined) filters.push(sql`and ${messages.createdAt} > ${Date.parse(input.after)}`);
  if (input.hasFile !== undefined) {
    const attached = sql`exists (select 1 from ${attachments} where ${attachments.messageId} = ${messages.id})`;
    filters.push(input.hasFile ? sql`and ${attached}` : sql`and not ${attached}`);
  }
  // The join on members is the authorization: a conversation the caller is not (or no
  // longer) a member of contributes no row, so neither hits nor their number leak.
  const visible = sql`
    from messages_fts
    join ${messages} on ${messages.id} = messages_fts.rowid
    join ${members} on ${members.conversationId} = ${messages.conversationId} and ${members.userId} = ${userId}
    where messages_fts match ${match} ${sql.join(filters, sql` `)}`;
  // A next page ranks the same window as the first, even if newer matches came meanwhile.
  const from =
    input.cursor?.from ??
    (
      await run<{ oldest: number | null }>(
        db,
        sql`select min(id) as oldest from (select ${messages.id} as id ${visible}
        order by messages_fts.rowid desc limit ${RANKED_MATCHES})`,
      )
    )[0]?.oldest ??
    0;
  const paging = input.cursor
    ? sql`and (messages_fts.rank > ${input.cursor.rank} or (messages_fts.rank = ${input.cursor.rank} and ${messages.id} < ${input.cursor.id}))`
    : sql``;

  const query = sql`
    select ${messages.id} as id, ${messages.conversationId} as conversationId, ${messages.senderId} as senderId,
      ${messages.createdAt} as createdAt, messages_fts.rank as rank,
      snippet(messages_fts, 0, ${HIGHLIGHT_START}, ${HIGHLIGHT_END}, '…', ${SNIPPET_TOKENS}) as snippet
    ${visible} and messages_fts.rowid >= ${from} ${paging}
    order by messages_fts.rank, ${messages.id} desc
    limit ${limit + 1}`;

  const rows = await run<RankedHit>(db, query);
  return toSearchPage(
    rows.map((row) => ({ ...row, snippet: row.snippet.replace(MENTION_GUARD, "") })),
    limit,
    from,
  );
}

async function run<T>(db: Db, query: SQL): Promise<T[]> {
  try {
    return await db.all<T>(query);
  } catch (error) {
    // toMatchExpression only writes quoted words, so FTS5 should never refuse one; if it
    // ever does, the caller's query is what it refused: say so rather than answer 500.
    if (error instanceof SQLiteError && error.message.startsWith("fts5:")) {
      throw new AppError("BAD_REQUEST", "This search cannot be understood", { query: error.message });
    }
    throw error;
  }
}
