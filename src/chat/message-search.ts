// Full-text search of the messages a person can see: SQLite FTS5 (the index and its
// triggers are in the migration drizzle/0004_message_search.sql), restricted to the
// conversations the person is a member of NOW, ranked by bm25 with the most recent first
// among equals, and paged by keyset on (rank, id).

import { SQLiteError } from "bun:sqlite";
import { type SQL, sql } from "drizzle-orm";
import { attachments, members, messages } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../shared/errors.ts";
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchInput, type SearchPage } from "../shared/search.ts";
import { requireMembership } from "./conversations.ts";
import { toMatchExpression } from "./search-query.ts";

const DEFAULT_HITS = 20;
/** Tokens of context a snippet shows around the matches (FTS5 allows at most 64). */
const SNIPPET_TOKENS = 24;
/** Put in front of mention markup by the index (see the migration); never shown. */
const MENTION_GUARD = /\uE000/g;

type HitRow = {
  id: number;
  conversationId: number;
  senderId: number;
  createdAt: number;
  rank: number;
  snippet: string;
};

export function searchMessages(deps: Deps, userId: number, input: SearchInput): SearchPage {
  const match = toMatchExpression(input.query);
  if (input.conversationId !== undefined) requireMembership(deps.db, userId, input.conversationId);
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
  if (input.cursor !== undefined) {
    const { rank, id } = input.cursor;
    filters.push(sql`and (messages_fts.rank > ${rank} or (messages_fts.rank = ${rank} and ${messages.id} < ${id}))`);
  }

  // The join on members is the authorization: a conversation the caller is not (or no
  // longer) a member of contributes no row, so neither hits nor their number leak.
  const query = sql`
    select ${messages.id} as id, ${messages.conversationId} as conversationId, ${messages.senderId} as senderId,
      ${messages.createdAt} as createdAt, messages_fts.rank as rank,
      snippet(messages_fts, 0, ${HIGHLIGHT_START}, ${HIGHLIGHT_END}, '…', ${SNIPPET_TOKENS}) as snippet
    from messages_fts
    join ${messages} on ${messages.id} = messages_fts.rowid
    join ${members} on ${members.conversationId} = ${messages.conversationId} and ${members.userId} = ${userId}
    where messages_fts match ${match} ${sql.join(filters, sql` `)}
    order by messages_fts.rank, ${messages.id} desc
    limit ${limit + 1}`;

  let rows: HitRow[];
  try {
    rows = deps.db.all<HitRow>(query);
  } catch (error) {
    // toMatchExpression only writes quoted words, so FTS5 should never refuse one; if it
    // ever does, the caller's query is what it refused: say so rather than answer 500.
    if (error instanceof SQLiteError && error.message.startsWith("fts5:")) {
      throw new AppError("BAD_REQUEST", "This search cannot be understood", { query: error.message });
    }
    throw error;
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    hits: page.map((row) => ({
      messageId: row.id,
      conversationId: row.conversationId,
      senderId: row.senderId,
      createdAt: new Date(row.createdAt).toISOString(),
      snippet: row.snippet.replace(MENTION_GUARD, ""),
    })),
    nextCursor: rows.length > limit && last ? { rank: last.rank, id: last.id } : null,
  };
}
