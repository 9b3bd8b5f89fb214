// A person's search words → terms of letters, digits and combining marks only, and from
// them a safe FTS5 MATCH expression (PostgreSQL's tsquery is built from the same terms in
// message-search-pg.ts). Nothing the person types is passed through as query syntax:
// operators (AND, OR, NOT, NEAR, &, |, !), column filters, prefixes (*, :*), anchors (^)
// and parentheses are plain words or dropped punctuation.
import { AppError } from "../shared/errors.ts";

/** Terms per query: each one is a lookup in the index. */
const MAX_TERMS = 16;

// What can be part of a word in the index (unicode61 keeps letters and digits). Private-use
// characters are left out on purpose: mentions are indexed behind one (see the migration).
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

const badQuery = (message: string) => new AppError("BAD_REQUEST", message, { query: message });

/**
 * `budget "next week"` → `[["budget"], ["next", "week"]]`: the terms that must all occur,
 * each the words of one bare word or one quoted phrase (whose words must occur together,
 * in order). A bare word with punctuation inside ("e-mail") is the phrase of its parts, as
 * the index saw it. Both dialects' searches are built from these terms.
 */
export function parseSearchTerms(query: string): string[][] {
  const parts = query.split('"');
  if (parts.length % 2 === 0) throw badQuery('A quoted phrase is not closed: add the closing "');
  const terms: string[][] = [];
  parts.forEach((part, index) => {
    const insideQuotes = index % 2 === 1;
    const chunks = insideQuotes ? [part] : part.split(/\s+/);
    for (const chunk of chunks) {
      const words = chunk.match(WORD);
      if (words) terms.push(words);
    }
  });
  if (terms.length === 0) throw badQuery("Search for at least one word");
  if (terms.length > MAX_TERMS) throw badQuery(`A search has at most ${MAX_TERMS} words or phrases`);
  return terms;
}

/** `[["budget"], ["next", "week"]]` → `"budget" AND "next week"`: every term quoted, all required. */
export function toMatchExpression(terms: string[][]): string {
  return terms.map((words) => `"${words.join(" ")}"`).join(" AND ");
}
