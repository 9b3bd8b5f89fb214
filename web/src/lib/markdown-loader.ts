// The Markdown parser is a chunk of its own (with marked), requested when the app starts.
// Bodies (MessageBody) and one-line texts (previews, quotes) read it through this signal:
// until it is there, a moment on the very first load, they show the text as typed.
import { createSignal } from "solid-js";
import { emojiForShortcode } from "./emoji.ts";
import { mentionsAsNames } from "./mentions.ts";

type Markdown = typeof import("./markdown.ts");
const [markdown, setMarkdown] = createSignal<Markdown | null>(null);

export { markdown };

/** Resolves when bodies can be formatted (the conversation view waits for it before its first scroll). */
export const markdownReady: Promise<void> = import("./markdown.ts").then(
  (module) => void setMarkdown(() => module),
  () => {}, // Offline before the chunk came: bodies stay plain text.
);

/**
 * A body as one line of plain text (previews, quotes, notifications): the words the
 * formatting shows, mentions as `@Name`, shortcodes as emoji; as typed, with `@Name`s,
 * until the parser is there.
 */
export function plainLine(body: string, mention: (userId: number | "room") => string): string {
  const shortcode = (name: string) => emojiForShortcode(name) ?? `:${name}:`;
  return markdown()?.plainText(body, { mention, shortcode }) ?? mentionsAsNames(body, mention);
}
