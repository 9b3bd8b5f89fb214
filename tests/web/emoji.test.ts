// Emoji by shortcode and by search, over the real emojibase data the client loads.
import { expect, test } from "bun:test";
import compact from "emojibase-data/en/compact.json";
import github from "emojibase-data/en/shortcodes/github.json";
import { buildEmojiSet, searchEmoji } from "../../web/src/lib/emoji.ts";

const set = buildEmojiSet(compact, github);

test("GitHub's shortcodes name emoji", () => {
  expect(set.byShortcode.get("tada")?.unicode).toBe("🎉");
  expect(set.byShortcode.get("+1")?.unicode).toStartWith("👍");
  expect(set.byShortcode.get("thumbsup")?.unicode).toStartWith("👍");
  expect(set.byShortcode.get("smile")?.label).toBe("grinning face with smiling eyes");
  expect(set.byShortcode.get("no_such_emoji")).toBeUndefined();
});

test("search by shortcode, label or tag, exact shortcodes first", () => {
  expect(searchEmoji(set, "tada")[0]?.unicode).toBe("🎉");
  expect(searchEmoji(set, "thumbs up")[0]?.unicode).toStartWith("👍");
  expect(searchEmoji(set, "heart").length).toBeGreaterThan(5);
  expect(searchEmoji(set, "zzzqqq")).toEqual([]);
  expect(searchEmoji(set, "").length).toBe(48);
});
