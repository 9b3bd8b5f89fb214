// Grouping a conversation by day and by runs of one sender.
import { describe, expect, test } from "bun:test";
import { dayLabel, markRows, RUN_GAP_MS } from "../../web/src/lib/grouping.ts";

const at = (day: number, hour: number, minute = 0) => new Date(2026, 2, day, hour, minute).toISOString();
const item = (id: number, senderId: number, createdAt: string) => ({ id, senderId, createdAt });

/** The marks as text: "D" starts a day (and a run), "R" starts a run, "." continues one. */
const shape = (marks: { runStart: boolean; day?: Date }[]) =>
  marks.map((m) => (m.day ? "D" : m.runStart ? "R" : ".")).join("");

describe("markRows", () => {
  test("splits by day, then by sender", () => {
    const items = [
      item(1, 1, at(3, 9)),
      item(2, 1, at(3, 9, 1)),
      item(3, 2, at(3, 9, 2)),
      item(4, 1, at(3, 9, 3)),
      item(5, 1, at(4, 8)),
    ];
    const marks = markRows(items);
    expect(shape(marks)).toBe("D.RRD");
    expect(marks[4]?.day).toEqual(new Date(2026, 2, 4));
  });

  test("a long silence from the same sender starts a new run", () => {
    const first = new Date(2026, 2, 3, 10).getTime();
    const marks = markRows([
      item(1, 1, new Date(first).toISOString()),
      item(2, 1, new Date(first + RUN_GAP_MS).toISOString()),
      item(3, 1, new Date(first + 2 * RUN_GAP_MS + 1).toISOString()),
    ]);
    expect(shape(marks)).toBe("D.R");
  });

  test("the same sender across midnight is two runs on two days", () => {
    expect(shape(markRows([item(1, 1, at(3, 23, 59)), item(2, 1, at(4, 0, 1))]))).toBe("DD");
  });

  test("marks from an index on are those of the whole list from there", () => {
    const items = [item(1, 1, at(3, 9)), item(2, 1, at(3, 9, 1)), item(3, 2, at(3, 9, 2)), item(4, 2, at(4, 9))];
    for (let from = 0; from < items.length; from += 1) {
      expect(markRows(items, from)).toEqual(markRows(items).slice(from));
    }
  });

  test("nothing in, nothing out", () => {
    expect(markRows([])).toEqual([]);
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
