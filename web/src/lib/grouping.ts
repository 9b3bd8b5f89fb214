// Groups a conversation's messages by day, then by runs of one sender, as people read them.
import { formatDate, relativeDay } from "../i18n/format.ts";

export type Groupable = { senderId: number; createdAt: string };

export type SenderRun<T> = { key: string; senderId: number; startedAt: string; items: T[] };
export type DayGroup<T> = { key: string; day: Date; runs: SenderRun<T>[] };

/** A new run starts after this much silence from the same sender. */
export const RUN_GAP_MS = 5 * 60 * 1000;

const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;

export function groupByDayAndSender<T extends Groupable>(
  items: readonly T[],
  keyOf: (item: T) => string,
  gapMs = RUN_GAP_MS,
): DayGroup<T>[] {
  const days: DayGroup<T>[] = [];
  let previous: { at: number; senderId: number } | null = null;
  for (const item of items) {
    const at = new Date(item.createdAt);
    const key = dayKey(at);
    let day = days.at(-1);
    if (!day || day.key !== key) {
      day = { key, day: new Date(at.getFullYear(), at.getMonth(), at.getDate()), runs: [] };
      days.push(day);
      previous = null;
    }
    let run = day.runs.at(-1);
    const continues = run && previous && previous.senderId === item.senderId && at.getTime() - previous.at <= gapMs;
    if (!run || !continues) {
      run = { key: keyOf(item), senderId: item.senderId, startedAt: item.createdAt, items: [] };
      day.runs.push(run);
    }
    run.items.push(item);
    previous = { at: at.getTime(), senderId: item.senderId };
  }
  return days;
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
