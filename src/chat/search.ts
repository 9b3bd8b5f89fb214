// Prefix search that an index on lower(column) can serve: a range, not LIKE.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

// SQLite's lower() folds ASCII letters only; fold the search term the same way so that
// both sides of the comparison agree (non-ASCII letters then match in their own case).
export const lowerAscii = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** The smallest string greater than every string that starts with `prefix`, if any. */
function upperBound(prefix: string): string | null {
  const codePoints = [...prefix];
  while (codePoints.length) {
    const last = codePoints.pop()?.codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      // UTF-8 byte order is code point order, and SQLite compares text bytewise.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join("") + String.fromCodePoint(next);
    }
  }
  return null;
}

/** `key` starts with `prefix`, as a range an index on `key` serves. */
export function prefixRange(key: SQLWrapper, prefix: string): SQL {
  const high = upperBound(prefix);
  return high === null ? sql`${key} >= ${prefix}` : sql`(${key} >= ${prefix} and ${key} < ${high})`;
}

/** `lower(column)` starts with `prefix` (case-insensitively for ASCII), as a range. */
export function lowerPrefix(column: SQLWrapper, prefix: string): SQL {
  return prefixRange(sql`lower(${column})`, lowerAscii(prefix));
}
