import { expect, test } from "bun:test";
import { dayRange, nameMatches, queryProblem, showMentions } from "../../web/src/lib/search.ts";

test("a query with no word or an open quote is not sent", () => {
  expect(queryProblem("  ** ")).toBe("empty");
  expect(queryProblem('"budget')).toBe("unclosedQuote");
  expect(queryProblem('"next week" budget')).toBeNull();
  expect(queryProblem("café")).toBeNull();
});

test("since and until days include both days, in local time", () => {
  const { after, before } = dayRange("2026-03-01", "2026-03-02");
  expect(new Date(after ?? "").getTime()).toBe(new Date(2026, 2, 1).getTime() - 1);
  expect(new Date(before ?? "").getTime()).toBe(new Date(2026, 2, 3).getTime());
  expect(dayRange("", "")).toEqual({});
});

test("names match by word starts, without case or accents", () => {
  expect(nameMatches("Ada Lovelace", "ada lo")).toBe(true);
  expect(nameMatches("Zoë Ångström", "zoe ang")).toBe(true);
  expect(nameMatches("Ada Lovelace", "love")).toBe(true);
  expect(nameMatches("Ada Lovelace", "velace")).toBe(false);
});

test("mentions read as names", () => {
  const names: Record<number, string> = { 7: "Bob Stone" };
  expect(showMentions("hi <@7> and <@room>, <@9>", (id) => names[id] ?? "unknown", "everyone")).toBe(
    "hi @Bob Stone and @everyone, @unknown",
  );
});
