// What both dialects' message searches share: how many hits a page holds, how many matches
// are ranked, and how a page of ranked rows becomes the wire's answer.
import type { SearchPage } from "../shared/search.ts";

export const DEFAULT_HITS = 20;
/** How many of the newest visible matches a search ranks (the rest: narrow the search). */
export const RANKED_MATCHES = 1000;

/** One ranked match; `rank` orders ascending (the better first), then `id` descending. */
export type RankedHit = {
  id: number;
  conversationId: number;
  senderId: number;
  createdAt: number;
  rank: number;
  snippet: string;
};

/** `rows` holds up to `limit + 1` hits: one more than the page means there is a next page. */
export function toSearchPage(rows: RankedHit[], limit: number, from: number): SearchPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    hits: page.map((row) => ({
      messageId: row.id,
      conversationId: row.conversationId,
      senderId: row.senderId,
      createdAt: new Date(row.createdAt).toISOString(),
      snippet: row.snippet,
    })),
    nextCursor: rows.length > limit && last ? { rank: last.rank, id: last.id, from } : null,
  };
}
