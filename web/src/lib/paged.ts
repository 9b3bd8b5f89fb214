// A list loaded page by page with a keyset cursor (people, rooms, admin lists). A new
// query resets it; answers to an old query are dropped.
import { createSignal } from "solid-js";
import type { Page } from "../../../src/shared/api.ts";

export function createPagedList<T>(fetchPage: (cursor: number | undefined) => Promise<Page<T>>) {
  const [items, setItems] = createSignal<T[]>([]);
  const [done, setDone] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [failed, setFailed] = createSignal(false);
  let cursor: number | undefined;
  let generation = 0;

  const more = async () => {
    if (loading() || done()) return;
    const mine = generation;
    setLoading(true);
    setFailed(false);
    try {
      const page = await fetchPage(cursor);
      if (mine !== generation) return;
      setItems((previous) => [...previous, ...page.items]);
      cursor = page.nextCursor ?? undefined;
      setDone(page.nextCursor === null);
    } catch {
      if (mine === generation) setFailed(true);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  return {
    items,
    done,
    loading,
    failed,
    more,
    /** Starts over (the query changed). */
    reset() {
      generation += 1;
      cursor = undefined;
      setItems([]);
      setDone(false);
      setLoading(false);
      return more();
    },
    /** Replaces one item in place (after an admin action). */
    update(match: (item: T) => boolean, next: T) {
      setItems((list) => list.map((item) => (match(item) ? next : item)));
    },
  };
}
