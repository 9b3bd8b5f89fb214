// Emoji by name: `:shortcode:` in messages (GitHub's shortcodes) and the picker's search
// over the full set (labels and tags in English, from emojibase-data). The data is about
// 100 KB gzipped, so it is fetched on first need, in chunks of its own, never with the app.
import { createSignal } from "solid-js";

export type Emoji = { unicode: string; label: string; tags: readonly string[]; shortcodes: readonly string[] };

export type EmojiSet = {
  /** In Unicode's order (smileys first), skin tones left out. */
  all: readonly Emoji[];
  byShortcode: ReadonlyMap<string, Emoji>;
};

/** Offered first, in the reaction bar and on top of the picker: no data needed. */
export const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"] as const;

type CompactEmoji = { hexcode: string; label: string; unicode: string; order?: number; tags?: string[] };

export function buildEmojiSet(
  compact: readonly CompactEmoji[],
  shortcodes: Readonly<Record<string, string | string[]>>,
): EmojiSet {
  const all: Emoji[] = [];
  const byShortcode = new Map<string, Emoji>();
  const ordered = compact.filter((e) => e.order !== undefined).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  for (const entry of ordered) {
    const codes = shortcodes[entry.hexcode];
    const emoji: Emoji = {
      unicode: entry.unicode,
      label: entry.label,
      tags: entry.tags ?? [],
      shortcodes: codes === undefined ? [] : typeof codes === "string" ? [codes] : codes,
    };
    all.push(emoji);
    for (const code of emoji.shortcodes) byShortcode.set(code, emoji);
  }
  return { all, byShortcode };
}

const [loaded, setLoaded] = createSignal<EmojiSet | null>(null);
let loading: Promise<EmojiSet> | null = null;

/** Fetches the data once; later calls share the answer. */
export function loadEmoji(): Promise<EmojiSet> {
  loading ??= Promise.all([
    import("emojibase-data/en/compact.json"),
    import("emojibase-data/en/shortcodes/github.json"),
  ]).then(([compact, github]) => {
    const set = buildEmojiSet(compact.default, github.default);
    setLoaded(set);
    return set;
  });
  loading.catch(() => {
    loading = null; // Offline: the next need tries again.
  });
  return loading;
}

/** The emoji a `:shortcode:` names, null when none (or not loaded yet: asking starts the load). */
export function emojiForShortcode(name: string): string | null {
  const set = loaded();
  if (!set) {
    void loadEmoji().catch(() => {});
    return null;
  }
  return set.byShortcode.get(name)?.unicode ?? null;
}

/** Emoji whose shortcode, label or tags start with the query's words, best first. */
export function searchEmoji(set: EmojiSet, query: string, limit = 48): Emoji[] {
  const words = query.toLowerCase().replace(/:/g, " ").split(/\s+/).filter(Boolean);
  if (words.length === 0) return set.all.slice(0, limit);
  const scored: { emoji: Emoji; score: number }[] = [];
  for (const emoji of set.all) {
    let score = 0;
    for (const word of words) {
      if (emoji.shortcodes.includes(word)) score += 3;
      else if (emoji.shortcodes.some((code) => code.startsWith(word))) score += 2;
      else if (emoji.label.split(/\s+/).some((part) => part.startsWith(word))) score += 2;
      else if (emoji.tags.some((tag) => tag.startsWith(word))) score += 1;
      else {
        score = 0;
        break;
      }
    }
    if (score > 0) scored.push({ emoji, score });
  }
  // Stable: equal scores keep Unicode's order.
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.emoji);
}
