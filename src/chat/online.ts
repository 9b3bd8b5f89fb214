// User lists show who is online: one presence call for a whole list, whatever its length.
import type { Deps } from "../deps.ts";

/** Each row mapped with whether its user (if it names one) is online now. */
export async function withOnline<R, T>(
  deps: Pick<Deps, "presence">,
  rows: readonly R[],
  userIdOf: (row: R) => number | null,
  map: (row: R, online: boolean) => T,
): Promise<T[]> {
  const ids = rows.map(userIdOf).filter((id): id is number => id !== null);
  const online = ids.length ? await deps.presence.online(ids) : new Set<number>();
  return rows.map((row) => {
    const id = userIdOf(row);
    return map(row, id !== null && online.has(id));
  });
}
