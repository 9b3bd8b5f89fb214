// Grouping a conversation by day and by runs of one sender.
import { describe, expect, test } from "bun:test";
import { dayLabel, groupByDayAndSender, RUN_GAP_MS } from "../../web/src/lib/grouping.ts";

const at = (day: number, hour: number, minute = 0) => new Date(2026, 2, day, hour, minute).toISOString();
const item = (id: number, senderId: number, createdAt: string) => ({ id, senderId, createdAt });

describe("groupByDayAndSender", () => {
  test("splits by day, then by sender", () => {
    const days = groupByDayAndSender(
      [
        item(1, 1, at(3, 9)),
        item(2, 1, at(3, 9, 1)),
        item(3, 2, at(3, 9, 2)),
        item(4, 1, at(3, 9, 3)),
        item(5, 1, at(4, 8)),
      ],
      (m) => String(m.id),
    );
    expect(days.map((d) => d.runs.map((r) => r.items.map((m) => m.id)))).toEqual([[[1, 2], [3], [4]], [[5]]]);
    expect(days[0]?.runs[0]?.startedAt).toBe(at(3, 9));
  });

  test("a long silence from the same sender starts a new run", () => {
    const first = new Date(2026, 2, 3, 10).getTime();
    const days = groupByDayAndSender(
      [
        item(1, 1, new Date(first).toISOString()),
        item(2, 1, new Date(first + RUN_GAP_MS).toISOString()),
        item(3, 1, new Date(first + 2 * RUN_GAP_MS + 1).toISOString()),
      ],
      (m) => String(m.id),
    );
    expect(days[0]?.runs.map((r) => r.items.length)).toEqual([2, 1]);
  });

  test("the same sender across midnight is two runs on two days", () => {
    const days = groupByDayAndSender([item(1, 1, at(3, 23, 59)), item(2, 1, at(4, 0, 1))], (m) => String(m.id));
    expect(days).toHaveLength(2);
  });

  test("nothing in, nothing out", () => {
    expect(groupByDayAndSender([], () => "")).toEqual([]);
  });
});

describe("dayLabel", () => {
  test("says Today and Yesterday in the language", () => {
    const now = new Date(2026, 2, 10, 15, 0);
    expect(dayLabel(new Date(2026, 2, 10), now, "de-DE")).toBe("Heute");
    expect(dayLabel(new Date(2026, 2, 9), now, "de-DE")).toBe("Gestern");
    expect(dayLabel(new Date(2026, 2, 6), now, "de-DE")).toBe("Freitag");
  });

  const now = new Date(2026, 2, 10, 15);
  test("today, yesterday, a weekday, then a date", () => {
    expect(dayLabel(new Date(2026, 2, 10), now, "en-GB")).toBe("Today");
    expect(dayLabel(new Date(2026, 2, 9), now, "en-GB")).toBe("Yesterday");
    expect(dayLabel(new Date(2026, 2, 6), now, "en-GB")).toBe("Friday");
    expect(dayLabel(new Date(2026, 1, 20), now, "en-GB")).toContain("February");
    expect(dayLabel(new Date(2025, 1, 20), now, "en-GB")).toContain("2025");
  });
});
