// The Markdown parser is a chunk of its own (with marked), requested when the app starts.
// Bodies (MessageBody) and one-line texts (previews, quotes) read it through this signal:
// until it is there, a moment on the very first load, they show the text as typed.
import { createSignal } from "solid-js";

type Markdown = typeof import("./markdown.ts");
const [markdown, setMarkdown] = createSignal<Markdown | null>(null);

export { markdown };

/** Resolves when bodies can be formatted (the conversation view waits for it before its first scroll). */
export const markdownReady: Promise<void> = import("./markdown.ts").then(
  (module) => void setMarkdown(() => module),
  () => {}, // Offline before the chunk came: bodies stay plain text.
);
