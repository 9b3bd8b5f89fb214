// What the search dialog decides without a DOM: whether a query can be sent, the date
// filters as instants, name matching for the quick switcher, and mention markup in
// snippets shown as names.

/** Why a query is not sent yet, in the person's language (the server would refuse it). */
export function queryProblem(query: string): "empty" | "unclosedQuote" | null {
  if (!/[\p{L}\p{N}]/u.test(query)) return "empty";
  if ((query.match(/"/g)?.length ?? 0) % 2 === 1) return "unclosedQuote";
  return null;
}

/** Local midnight of a `yyyy-mm-dd` day from a date field, or null when it is not one. */
function dayStart(day: string, addDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
}

/** "Since" and "until" days (both included, in local time) as the server's exclusive instants. */
export function dayRange(since: string, until: string): { after?: string; before?: string } {
  const from = dayStart(since);
  const to = dayStart(until, 1);
  return {
    ...(from ? { after: new Date(from.getTime() - 1).toISOString() } : {}),
    ...(to ? { before: to.toISOString() } : {}),
  };
}

/** Lower case without accents: "Zoë" and "zoe" compare equal. */
const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();

/** Every word of the query starts a word of the name ("ada lo" finds "Ada Lovelace"). */
export function nameMatches(name: string, query: string): boolean {
  const words = fold(name).split(/[\s._-]+/);
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((part) => words.some((word) => word.startsWith(part)));
}

/** Mention markup (`<@123>`, `<@room>`) as people read it: `@Name`. */
export function showMentions(text: string, nameOf: (id: number) => string, everyone: string): string {
  return text.replace(/<@(\d+|room)>/g, (_, who: string) => `@${who === "room" ? everyone : nameOf(Number(who))}`);
}
