// A message body as a safe tree: the Markdown subset Parley shows (bold, italic,
// strikethrough, inline code, code blocks, block quotes, lists, links), parsed by marked's
// lexer and copied into a few node kinds of our own. Everything else (raw HTML, headings,
// tables, images, rules) stays the text that was typed. The tree holds strings only; the
// components render it as elements and text nodes, never as HTML.
//
// Loaded on demand (its own chunk, with marked): see `components/message/MessageBody.tsx`.
import { Marked, type Token, Tokenizer, type Tokens } from "marked";
import { linkSegments, safeHref } from "./links.ts";

/** Deepest nesting shown: deeper quotes, lists or emphasis stay plain text. */
export const MAX_DEPTH = 6;

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "link"; href: string; children: Inline[] }
  | { kind: "mention"; userId: number | "room" }
  | { kind: "shortcode"; name: string }
  | { kind: "strong" | "em" | "del"; children: Inline[] }
  | { kind: "code"; text: string }
  | { kind: "br" };

export type Block =
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "code"; text: string; lang: string }
  | { kind: "quote"; children: Block[] }
  | { kind: "list"; ordered: boolean; start: number; items: Block[][] };

/** `<@123>` (a person) or `<@room>` (everyone in a room), as the wire stores mentions. */
const MENTION = /<@(\d{1,12}|room)>/g;
/** `:name:` as GitHub and Slack write emoji. */
const SHORTCODE = /:([a-z0-9_+-]{1,40}):/g;

/** Block containers being parsed now: the lexer recurses into quotes and lists. */
let parsing = 0;

/** A paragraph of the rest of `src`, as typed: what is nested too deep is not parsed further. */
function plainRest(src: string): Tokens.Paragraph {
  return { type: "paragraph", raw: src, text: src, tokens: [{ type: "text", raw: src, text: src, escaped: false }] };
}

/**
 * Bounds the parse as well as the tree: marked's lexer recurses for each quote and list
 * level, and a 4,000-character message of "- - - - …" would otherwise nest 2,000 deep.
 */
function bounded<T>(parse: (this: Tokenizer, src: string) => T) {
  return function (this: Tokenizer, src: string): T {
    // marked's lexer takes any token from a tokenizer and moves on by its `raw`.
    if (parsing >= MAX_DEPTH) return plainRest(src) as T;
    parsing += 1;
    try {
      return parse.call(this, src);
    } finally {
      parsing -= 1;
    }
  };
}

const off = () => undefined;
const lexer = new Marked({
  gfm: true,
  breaks: true,
  tokenizer: {
    // What a chat shows as typed: headings, rules, tables, raw HTML, link definitions,
    // indented code (four spaces are often just indentation in chat).
    heading: off,
    lheading: off,
    hr: off,
    table: off,
    html: off,
    def: off,
    code: off,
    tag: off,
    // Bare links are found by the app's own rules (lib/links.ts), like plain messages.
    url: off,
    blockquote: bounded(Tokenizer.prototype.blockquote),
    list: bounded(Tokenizer.prototype.list),
  },
});

/** The body of a message as blocks. */
export function parseMessage(body: string): Block[] {
  parsing = 0;
  return blocks(lexer.lexer(body), 0);
}

/** How a one-line text shows a mention and a `:shortcode:` (the caller knows names and emoji). */
export type PlainWords = { mention: (userId: number | "room") => string; shortcode: (name: string) => string };

/**
 * A body as one line of plain text, for previews and reply quotes: what the formatting
 * shows without its markers (`**bold**` reads "bold", a link its text), blocks and line
 * breaks joined by spaces.
 */
export function plainText(body: string, words: PlainWords): string {
  const parts: string[] = [];
  const inline = (node: Inline) => {
    switch (node.kind) {
      case "text":
      case "code":
        parts.push(node.text);
        return;
      case "br":
        parts.push(" ");
        return;
      case "mention":
        parts.push(`@${words.mention(node.userId)}`);
        return;
      case "shortcode":
        parts.push(words.shortcode(node.name));
        return;
      default:
        for (const child of node.children) inline(child);
    }
  };
  const block = (node: Block) => {
    if (parts.length > 0) parts.push(" ");
    if (node.kind === "paragraph") for (const child of node.children) inline(child);
    else if (node.kind === "code") parts.push(node.text.replace(/\s+/g, " "));
    else if (node.kind === "quote") for (const child of node.children) block(child);
    else for (const item of node.items) for (const child of item) block(child);
  };
  for (const node of parseMessage(body)) block(node);
  return parts.join("").replace(/\s+/g, " ").trim();
}

function blocks(tokens: readonly Token[], depth: number): Block[] {
  const out: Block[] = [];
  for (const token of tokens) {
    const block = toBlock(token, depth);
    if (block) out.push(block);
  }
  return out;
}

function toBlock(token: Token, depth: number): Block | null {
  if (depth >= MAX_DEPTH) return token.type === "space" ? null : plainParagraph(token.raw);
  switch (token.type) {
    case "space":
      return null;
    case "paragraph":
    case "text":
      return { kind: "paragraph", children: token.tokens ? inlines(token.tokens, depth, false) : text(token.raw) };
    case "code":
      return { kind: "code", text: token.text, lang: token.lang ?? "" };
    case "blockquote":
      return { kind: "quote", children: blocks(token.tokens ?? [], depth + 1) };
    case "list":
      return {
        kind: "list",
        ordered: token.ordered,
        start: typeof token.start === "number" ? token.start : 1,
        items: token.items.map((item: Tokens.ListItem) => blocks(listItemTokens(item), depth + 1)),
      };
    default:
      return plainParagraph(token.raw);
  }
}

/** A task item's checkbox is kept as the characters typed. */
function listItemTokens(item: Tokens.ListItem): Token[] {
  return item.tokens.map((token) =>
    token.type === "checkbox" ? { type: "text", raw: token.raw, text: token.raw } : token,
  );
}

function plainParagraph(raw: string): Block {
  return { kind: "paragraph", children: text(raw.replace(/\n+$/, "")) };
}

function inlines(tokens: readonly Token[], depth: number, inLink: boolean): Inline[] {
  const out: Inline[] = [];
  for (const token of tokens) out.push(...toInline(token, depth, inLink));
  return out;
}

function toInline(token: Token, depth: number, inLink: boolean): Inline[] {
  if (depth >= MAX_DEPTH) return text(token.raw, inLink);
  switch (token.type) {
    case "text":
      // A list item's text holds its own inline tokens.
      return token.tokens ? inlines(token.tokens, depth, inLink) : text(token.text, inLink);
    case "escape":
      return [{ kind: "text", text: token.text }];
    case "strong":
    case "em":
    case "del":
      return [{ kind: token.type, children: inlines(token.tokens ?? [], depth + 1, inLink) }];
    case "codespan":
      return [{ kind: "code", text: token.text }];
    case "br":
      return [{ kind: "br" }];
    case "link":
    case "image": {
      const href = safeHref(token.href);
      const children = token.tokens?.length ? inlines(token.tokens, depth + 1, true) : text(token.text, true);
      // A link somewhere else than http(s) (javascript:, data:, a relative path) is its text.
      return href && !inLink ? [{ kind: "link", href, children }] : children;
    }
    default:
      return text(token.raw, inLink);
  }
}

/** Plain text: bare http(s) links (outside a link), mentions and `:shortcode:` emoji found. */
export function text(value: string, inLink = false): Inline[] {
  const out: Inline[] = [];
  const segments = inLink ? [{ kind: "text" as const, text: value }] : linkSegments(value);
  for (const segment of segments) {
    if (segment.kind === "link")
      out.push({ kind: "link", href: segment.href, children: [{ kind: "text", text: segment.text }] });
    else out.push(...marks(segment.text));
  }
  return out;
}

function marks(value: string): Inline[] {
  const out: Inline[] = [];
  let position = 0;
  const pattern = new RegExp(`${MENTION.source}|${SHORTCODE.source}`, "g");
  for (const match of value.matchAll(pattern)) {
    if (match.index > position) out.push({ kind: "text", text: value.slice(position, match.index) });
    const [, mention, shortcode] = match;
    if (mention) out.push({ kind: "mention", userId: mention === "room" ? "room" : Number(mention) });
    else out.push({ kind: "shortcode", name: shortcode as string });
    position = match.index + match[0].length;
  }
  if (position < value.length) out.push({ kind: "text", text: value.slice(position) });
  return out;
}
