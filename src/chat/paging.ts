// Keyset pagination for the lists (users, rooms, activity): a page is read with one row
// more than asked, which says whether another page follows without a count.

/** Items per page when the caller does not say. */
export const DEFAULT_PAGE = 50;

/**
 * One page: `read(n)` runs the query (already ordered and filtered after the cursor) for at
 * most `n` rows; `cursorOf` names the last row kept, the cursor of the next page.
 */
export async function keysetPage<T>(
  requested: number | undefined,
  read: (rows: number) => Promise<T[]>,
  cursorOf: (row: T) => number,
): Promise<{ rows: T[]; nextCursor: number | null }> {
  const limit = requested ?? DEFAULT_PAGE;
  const rows = await read(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
