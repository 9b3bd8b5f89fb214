// Intl helpers for the message catalogues: plurals, lists and relative times follow the
// rules of the language, never English ones. Formatters are costly to build: one per
// locale and options, reused.
const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let found = cache.get(key) as T | undefined;
  if (!found) {
    found = make();
    cache.set(key, found);
  }
  return found;
}

/** Picks the form for `count` by the language's plural rules ("one", "other", …). */
export function plural(locale: string, count: number, forms: { one: string; other: string }): string {
  const rule = cached(`plural|${locale}`, () => new Intl.PluralRules(locale)).select(count);
  return (rule === "one" ? forms.one : forms.other).replace("#", formatNumber(locale, count));
}

export function formatNumber(locale: string, value: number): string {
  return cached(`number|${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** "A, B and C" / "A, B und C". */
export function formatList(locale: string, items: readonly string[]): string {
  return cached(`list|${locale}`, () => new Intl.ListFormat(locale, { type: "conjunction" })).format(items);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "5 minutes ago", "yesterday", "vor 3 Stunden"; under a minute is "now". */
export function relativeTime(locale: string, at: Date, now: Date = new Date()): string {
  const format = cached(`relative|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: "auto" }));
  const elapsed = at.getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return format.format(Math.round(elapsed / ms), unit);
  }
  return format.format(0, "second");
}

/** "Today" / "Heute": a relative day, capitalized to stand alone as a label. */
export function relativeDay(locale: string, daysAgo: number): string {
  const text = cached(`relative|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: "auto" })).format(
    -daysAgo,
    "day",
  );
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

export function formatDate(locale: string, date: Date, options: Intl.DateTimeFormatOptions): string {
  return cached(`date|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options)).format(
    date,
  );
}
