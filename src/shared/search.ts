// Message search on the wire (`search.messages`): its input, its answer, and the markers
// that delimit matched words in a snippet. Shared with the web client, which splits a
// snippet into text and <mark> pieces with `highlightPieces` (never as HTML).
import { z } from "zod";

/** Private-use characters around each matched word in a search hit's `snippet`. */
export const HIGHLIGHT_START = "\uE001";
export const HIGHLIGHT_END = "\uE002";

/** The longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 200;

const id = z.number().int().positive();
const instant = z.iso.datetime({ offset: true, message: "Give a date and time like 2026-12-01T00:00:00Z" });

/**
 * Where the next page starts: the last hit's rank and id, and the oldest message the
 * first page's ranking reached (opaque to the client).
 */
export const searchCursorSchema = z.object({ rank: z.number(), id, from: z.number().int().min(0).optional() });

export const searchInput = z.object({
  /** Words (all must occur, in any form: "running" finds "run") and "quoted phrases". */
  query: z.string().max(MAX_QUERY_LENGTH, `A search is at most ${MAX_QUERY_LENGTH} characters`),
  /** Only this conversation (NOT_FOUND unless the caller is a member). */
  conversationId: id.optional(),
  /** Only messages sent by this person. */
  fromUserId: id.optional(),
  /** Only messages sent strictly before / after these instants. */
  before: instant.optional(),
  after: instant.optional(),
  /** Only messages with at least one attached file (true), or without any (false). */
  hasFile: z.boolean().optional(),
  cursor: searchCursorSchema.optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export type SearchInput = z.infer<typeof searchInput>;

export const searchHitSchema = z.object({
  messageId: id,
  conversationId: id,
  senderId: id,
  createdAt: z.string(),
  /** Part of the body around the matches; each matched word between the two markers. */
  snippet: z.string(),
});

/** Best match first, then the most recent; `nextCursor` is null on the last page. */
export const searchPageSchema = z.object({
  hits: z.array(searchHitSchema),
  nextCursor: searchCursorSchema.nullable(),
});
export type SearchPage = z.infer<typeof searchPageSchema>;

/** A snippet as pieces of plain text, `match` for the highlighted words. */
export function highlightPieces(snippet: string): { text: string; match: boolean }[] {
  const pieces: { text: string; match: boolean }[] = [];
  let match = false;
  let text = "";
  for (const char of snippet) {
    if (char === HIGHLIGHT_START || char === HIGHLIGHT_END) {
      if (text) pieces.push({ text, match });
      text = "";
      match = char === HIGHLIGHT_START;
    } else {
      text += char;
    }
  }
  if (text) pieces.push({ text, match });
  return pieces;
}
