// Small DOM helpers shared by the pages.
import { onCleanup } from "solid-js";

/** Calls `onVisible` whenever `target` scrolls into view inside `root` (infinite lists). */
export function whenVisible(target: Element, onVisible: () => void, root: Element | null = null, margin = "200px") {
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onVisible();
    },
    { root, rootMargin: margin },
  );
  observer.observe(target);
  onCleanup(() => observer.disconnect());
}

/** A function that runs `fn` once `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  onCleanup(() => timer && clearTimeout(timer));
  return debounced;
}

/**
 * Loads pages while `sentinel` (after the list) is within reach of `root`'s viewport: on
 * scroll, and again after each page in case the list still does not fill the view.
 */
export function infiniteScroll(sentinel: Element, root: Element, load: () => Promise<unknown>, canLoad: () => boolean) {
  const inReach = () => sentinel.getBoundingClientRect().top < root.getBoundingClientRect().bottom + 200;
  let running = false;
  const pump = async () => {
    if (running) return;
    running = true;
    try {
      for (let pages = 0; pages < 20 && canLoad() && inReach(); pages += 1) await load();
    } finally {
      running = false;
    }
  };
  whenVisible(sentinel, () => void pump(), root);
  return pump;
}
