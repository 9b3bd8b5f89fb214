// The composer's mention autocomplete, without DOM: which `@word` the caret is in, and the
// people (and `@room`) it matches.

export type MentionCandidate = { userId: number | "room"; name: string; username: string };

/** The `@query` that ends at the caret (after a space, a line start or an opening bracket), or null. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s([{"'])@([\p{L}\p{N}_.-]{0,32})$/u.exec(before);
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}

/** Candidates whose name has a word, or whose username, starting with the query; at most `limit`. */
export function matchCandidates(candidates: readonly MentionCandidate[], query: string, limit = 8): MentionCandidate[] {
  const q = query.toLocaleLowerCase();
  const matches = candidates.filter((candidate) => {
    if (q === "") return true;
    const words = candidate.name.toLocaleLowerCase().split(/\s+/);
    return candidate.username.toLocaleLowerCase().startsWith(q) || words.some((word) => word.startsWith(q));
  });
  return matches.slice(0, limit);
}
