// Marks where a conversation's days and runs of one sender start, as people read them, and
// the labels of its times.
import { formatDate, relativeDay } from "../i18n/format.ts";

export type Groupable = { senderId: number; createdAt: string; event?: unknown };

/** Where a message sits: the first of its day (with that day), the first of a run. */
export type RowMark = { runStart: boolean; day?: Date };

/** A new run starts after this much silence from the same sender. */
export const RUN_GAP_MS = 5 * 60 * 1000;

const sameDay = (a: Date, b: Date) =>
  a.getDate() === b.getDate() && a.getMonth() === b.getMonth() && a.getFullYear() === b.getFullYear();

/**
 * The marks of `items[from..]`, each judged against the message before it only: a live
 * message costs one comparison, not a regrouping of the whole conversation.
 */
export function markRows<T extends Groupable>(items: readonly T[], from = 0, gapMs = RUN_GAP_MS): RowMark[] {
  const marks: RowMark[] = [];
  let previous = items[from - 1];
  let previousAt = previous ? new Date(previous.createdAt) : null;
  for (let index = from; index < items.length; index += 1) {
    const item = items[index] as T;
    const at = new Date(item.createdAt);
    if (!previous || !previousAt || !sameDay(previousAt, at)) {
      marks.push({ runStart: true, day: new Date(at.getFullYear(), at.getMonth(), at.getDate()) });
    } else {
      // A system line (a room event) stands alone: the message after it starts a run.
      const continues =
        !previous.event &&
        !item.event &&
        previous.senderId === item.senderId &&
        at.getTime() - previousAt.getTime() <= gapMs;
      marks.push({ runStart: !continues });
    }
    previous = item;
    previousAt = at;
  }
  return marks;
}

/** "Today", "Yesterday" (in the language), a weekday within the week, else a date. */
export function dayLabel(day: Date, now: Date, locale: string): string {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.round((today.getTime() - day.getTime()) / 86_400_000);
  if (days === 0 || days === 1) return relativeDay(locale, days);
  if (days > 1 && days < 7) return formatDate(locale, day, { weekday: "long" });
  const sameYear = day.getFullYear() === now.getFullYear();
  return formatDate(locale, day, {
    weekday: "short",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  });
}

export function timeLabel(iso: string, locale: string): string {
  return formatDate(locale, new Date(iso), { hour: "2-digit", minute: "2-digit" });
}

/** Date and time in full, for a message's tooltip. */
export function fullWhen(iso: string, locale: string): string {
  return formatDate(locale, new Date(iso), { dateStyle: "full", timeStyle: "short" });
}

/** Short time for lists: a time today, a weekday this week, else a date. */
export function shortWhen(iso: string, now: Date, locale: string): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  if (sameDay) return timeLabel(iso, locale);
  const days = (now.getTime() - at.getTime()) / 86_400_000;
  if (days < 6) return formatDate(locale, at, { weekday: "short" });
  return formatDate(locale, at, { day: "numeric", month: "short" });
}
