// Full-text search of the messages a person can see on PostgreSQL: the contract of the
// SQLite search (message-search.ts), on the generated tsvector column `messages.search`
// and its GIN index (drizzle/pg/0001_message_search.sql, 0002_search_separators.sql).
// The same terms (search-query.ts) become a tsquery of phrases, never parsed as tsquery
// syntax; the same window of the newest RANKED_MATCHES visible matches is ranked; the
// rank is ts_rank negated, so that, as bm25's, the better match has the smaller number
// and the cursor (rank, id) reads the same way. A message's ts_rank depends on its own
// text and the query only, so a rank does not drift while messages arrive.
import { type SQL, sql } from "drizzle-orm";
import type { PgDb } from "../db/postgres.ts";
import { attachments, members, messages } from "../db/schema-pg.ts";
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchInput, type SearchPage } from "../shared/search.ts";
import { DEFAULT_HITS, RANKED_MATCHES, toSearchPage } from "./search-page.ts";

/**
 * The characters the index reads as spaces (where FTS5's unicode61 splits words), written
 * again in drizzle/pg/0002_search_separators.sql's generated column: keep the two equal.
 */
export const SEPARATORS =
  "[\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E\\u00A0-\\u00A9\\u00AB-\\u00B1\\u00B4\\u00B6-\\u00B8\\u00BB\\u00BF\\u00D7\\u00F7\\u2000-\\u206F\\u20A0-\\u20CF\\u2190-\\u21FF\\uE001\\uE002]";
const separator = new RegExp(SEPARATORS, "gu");
const MARKERS = /[\uE001\uE002]/g;
const MENTION = /<@(?:[0-9]{1,15}|room)>/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;

// ts_headline marks the matched words of the body as the index read it (separators as
// spaces, so "<" and ">" cannot be part of it); excerptFromHeadline puts the marks back on
// the body as written. About as long as SQLite's snippet (24 tokens); ShortWord=0 keeps
// the excerpt's first and last words, whatever their length.
const HEADLINE_OPTIONS = "StartSel=<, StopSel=>, MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=0";

/** The database or the search's transaction: what runs its statements. */
type PgReader = Pick<PgDb, "execute">;

type Row = {
  id: number;
  conversationId: number;
  senderId: number;
  createdAt: number;
  rank: number;
  body: string;
  headline: string;
};

/**
 * search.messages on PostgreSQL, for the terms of `input.query` (parseSearchTerms); the
 * caller has checked the membership of `conversationId`.
 */
export async function searchMessagesPostgres(
  db: PgDb,
  userId: number,
  terms: string[][],
  input: SearchInput,
): Promise<SearchPage> {
  // One phrase per term (a bare word is a phrase of one): the words are handed to
  // phraseto_tsquery as text, which the configuration's parser reads as words only.
  const query = sql.join(
    terms.map((words) => sql`phraseto_tsquery('parley_search', ${words.join(" ")})`),
    sql` && `,
  );

  const filters: SQL[] = [];
  if (input.conversationId !== undefined) filters.push(sql`and ${messages.conversationId} = ${input.conversationId}`);
  if (input.fromUserId !== undefined) filters.push(sql`and ${messages.senderId} = ${input.fromUserId}`);
  if (input.before !== undefined) filters.push(sql`and ${messages.createdAt} < ${Date.parse(input.before)}`);
  if (input.after !== undefined) filters.push(sql`and ${messages.createdAt} > ${Date.parse(input.after)}`);
  if (input.hasFile !== undefined) {
    const attached = sql`exists (select 1 from ${attachments} where ${attachments.messageId} = ${messages.id})`;
    filters.push(input.hasFile ? sql`and ${attached}` : sql`and not ${attached}`);
  }
  // The join on members is the authorization, as on SQLite.
  const visible = sql`
    from ${messages}
    join ${members} on ${members.conversationId} = ${messages.conversationId} and ${members.userId} = ${userId}
    where "messages"."search" @@ (${query}) ${sql.join(filters, sql` `)}`;
  // A next page ranks the same window as the first, even if newer matches came meanwhile.
  // Planned for this query's words: a statement's plan is cached per connection, and the
  // generic plan PostgreSQL settles on after a few common words (walk the ids newest first,
  // test each row) took 170 ms for a rare word that the GIN index finds in 3 ms
  // (docs/DECISIONS.md). SET LOCAL lasts until the end of this read-only transaction.
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
      return rankedPage(tx, visible, query, input);
    },
    { accessMode: "read only" },
  );
}

async function rankedPage(db: PgReader, visible: SQL, query: SQL, input: SearchInput): Promise<SearchPage> {
  const limit = input.limit ?? DEFAULT_HITS;
  const from = input.cursor?.from ?? (await oldestRanked(db, visible));
  const paging = input.cursor
    ? sql`where (rank > ${input.cursor.rank} or (rank = ${input.cursor.rank} and id < ${input.cursor.id}))`
    : sql``;

  // ts_headline reads a whole body: only the page's rows get one, after the limit.
  const rows = (await db.execute(sql`
    select page.*, ts_headline('parley_search', regexp_replace(page.body, ${SEPARATORS}, ' ', 'g'), ${query},
      ${HEADLINE_OPTIONS}) as headline
    from (
      select * from (
        select ${messages.id} as id, ${messages.conversationId} as "conversationId", ${messages.senderId} as "senderId",
          ${messages.createdAt}::float8 as "createdAt", ${messages.body} as body,
          (-ts_rank("messages"."search", ${query}, 1))::float8 as rank
        ${visible} and ${messages.id} >= ${from}
      ) ranked ${paging}
      order by rank, id desc
      limit ${limit + 1}
    ) page
    order by rank, id desc`)) as Row[];
  return toSearchPage(
    rows.map(({ body, headline, ...hit }) => ({ ...hit, snippet: excerptFromHeadline(body, headline) })),
    limit,
    from,
  );
}

/** The oldest of the newest RANKED_MATCHES visible matches (0: no match). */
async function oldestRanked(db: PgReader, visible: SQL): Promise<number> {
  const [window] = (await db.execute(
    sql`select min(id) as oldest from (select ${messages.id} as id ${visible}
        order by ${messages.id} desc limit ${RANKED_MATCHES}) newest`,
  )) as { oldest: number | null }[];
  return window?.oldest ?? 0;
}

/**
 * ts_headline's excerpt of the body as the index read it, with "<" and ">" around matched
 * words → the same excerpt of the body as written, each matched word between the
 * highlight markers, "…" where the body goes on. Separators were replaced one character
 * for one, so positions agree. A match inside mention markup (the index never saw it, but
 * the headline reads the body's text) is not marked: the client shows the markup as a name.
 */
export function excerptFromHeadline(body: string, headline: string): string {
  let read = "";
  const marks: [number, number][] = [];
  let start = 0;
  for (const char of headline) {
    if (char === "<") start = read.length;
    else if (char === ">") marks.push([start, read.length]);
    else read += char;
  }
  const offset = body.replace(separator, " ").indexOf(read);
  // Never expected (both sides replace the same characters); the excerpt without marks then.
  if (offset < 0) return read;
  const end = offset + read.length;
  // Separators the headline left off at either end are shown; "…" where words go on.
  const [first, last] = [
    WORD_CHAR.test(body.slice(0, offset)) ? offset : 0,
    WORD_CHAR.test(body.slice(end)) ? end : body.length,
  ];
  const mentions = [...body.matchAll(MENTION)].map((m) => [m.index, m.index + m[0].length] as const);
  const written = (from: number, to: number) => body.slice(from, to).replace(MARKERS, "");
  let excerpt = first > 0 ? "…" : "";
  let at = first;
  for (const [markStart, markEnd] of marks) {
    const [from, to] = [offset + markStart, offset + markEnd];
    if (mentions.some(([mentionStart, mentionEnd]) => from < mentionEnd && to > mentionStart)) continue;
    excerpt += `${written(at, from)}${HIGHLIGHT_START}${written(from, to)}${HIGHLIGHT_END}`;
    at = to;
  }
  excerpt += written(at, last);
  return last < body.length ? `${excerpt}…` : excerpt;
}
