// The Markdown subset as a tree: what is formatted, and what hostile input becomes (text).
import { describe, expect, test } from "bun:test";
import { type Block, type Inline, MAX_DEPTH, parseMessage, plainText } from "../../web/src/lib/markdown.ts";

/** Every string the tree holds, in order: what a reader would see. */
function shownText(blocks: readonly Block[]): string {
  const inline = (i: Inline): string =>
    i.kind === "text" || i.kind === "code"
      ? i.text
      : i.kind === "br"
        ? "\n"
        : i.kind === "mention"
          ? `@${i.userId}`
          : i.kind === "shortcode"
            ? `:${i.name}:`
            : i.children.map(inline).join("");
  const block = (b: Block): string =>
    b.kind === "paragraph"
      ? b.children.map(inline).join("")
      : b.kind === "code"
        ? b.text
        : b.kind === "quote"
          ? b.children.map(block).join("\n")
          : b.items.map((item) => item.map(block).join("\n")).join("\n");
  return blocks.map(block).join("\n");
}

/** How deep quotes and lists nest in the tree. */
function nesting(blocks: readonly Block[]): number {
  let deepest = 0;
  for (const b of blocks) {
    if (b.kind === "quote") deepest = Math.max(deepest, 1 + nesting(b.children));
    if (b.kind === "list") for (const item of b.items) deepest = Math.max(deepest, 1 + nesting(item));
  }
  return deepest;
}

const links = (blocks: readonly Block[]) => JSON.stringify(blocks).match(/"href":"[^"]*"/g) ?? [];

describe("parseMessage", () => {
  test("bold, italic, strikethrough and inline code", () => {
    expect(parseMessage("**b** _i_ ~~s~~ `c`")).toEqual([
      {
        kind: "paragraph",
        children: [
          { kind: "strong", children: [{ kind: "text", text: "b" }] },
          { kind: "text", text: " " },
          { kind: "em", children: [{ kind: "text", text: "i" }] },
          { kind: "text", text: " " },
          { kind: "del", children: [{ kind: "text", text: "s" }] },
          { kind: "text", text: " " },
          { kind: "code", text: "c" },
        ],
      },
    ]);
  });

  test("code blocks, quotes and lists; a single newline is a line break", () => {
    const blocks = parseMessage(
      "line one\nline two\n\n```ts\nconst a = 1;\n```\n\n> quoted\n\n- one\n- two\n\n3. three",
    );
    expect(blocks.map((b) => b.kind)).toEqual(["paragraph", "code", "quote", "list", "list"]);
    expect(blocks[0]).toEqual({
      kind: "paragraph",
      children: [{ kind: "text", text: "line one" }, { kind: "br" }, { kind: "text", text: "line two" }],
    });
    expect(blocks[1]).toEqual({ kind: "code", text: "const a = 1;", lang: "ts" });
    expect(blocks[4]).toMatchObject({ kind: "list", ordered: true, start: 3 });
  });

  test("links: Markdown links and bare URLs to http(s) only", () => {
    const blocks = parseMessage("[docs](https://example.com/d) and www.example.org and <https://example.net>");
    expect(links(blocks)).toEqual([
      '"href":"https://example.com/d"',
      '"href":"http://www.example.org/"',
      '"href":"https://example.net/"',
    ]);
  });

  test("javascript:, data: and relative links are their text, not links", () => {
    const body =
      "[click](javascript:alert(1)) [x](data:text/html,<b>1</b>) [y](/admin) <javascript:alert(2)> javascript:alert(3)";
    const blocks = parseMessage(body);
    expect(links(blocks)).toEqual([]);
    expect(shownText(blocks)).toContain("click");
    expect(shownText(blocks)).toContain("javascript:alert(3)");
  });

  test("raw HTML is text, exactly as typed", () => {
    const body = `<img src=x onerror="alert(1)"><script>alert(2)</script> <b>bold?</b>`;
    expect(shownText(parseMessage(body))).toBe(body);
    const block = "<div>\n<iframe src=https://evil.example></iframe>\n</div>";
    expect(shownText(parseMessage(block))).toBe(block);
  });

  test("headings, rules, tables and images are not formatted", () => {
    const blocks = parseMessage("# not a heading\n---\n| a | b |\n|---|---|");
    expect(blocks.every((b) => b.kind === "paragraph")).toBe(true);
    expect(shownText(blocks)).toContain("# not a heading");
    // An image is a link to it (its alt text), never an <img> that loads on sight.
    expect(parseMessage("![cat](https://example.com/cat.png)")).toEqual([
      {
        kind: "paragraph",
        children: [{ kind: "link", href: "https://example.com/cat.png", children: [{ kind: "text", text: "cat" }] }],
      },
    ]);
  });

  test("deeply nested lists and quotes stop at the depth limit, keeping the text", () => {
    const dashes = `${"- ".repeat(1999)}x`;
    const lists = parseMessage(dashes);
    expect(nesting(lists)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(shownText(lists)).toContain("- - - x");

    const quotes = parseMessage(`${">".repeat(3990)} deep`);
    expect(nesting(quotes)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(shownText(quotes)).toContain("deep");

    const indented = Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}- level ${i}`).join("\n");
    const tree = parseMessage(indented);
    expect(nesting(tree)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(shownText(tree)).toContain("level 39");
  });

  test("deeply nested emphasis stops at the depth limit", () => {
    const body = `${"**_".repeat(300)}x${"_**".repeat(300)}`;
    const depth = (inlines: readonly Inline[]): number =>
      Math.max(0, ...inlines.map((i) => ("children" in i ? 1 + depth(i.children) : 0)));
    const [paragraph] = parseMessage(body);
    expect(paragraph?.kind).toBe("paragraph");
    if (paragraph?.kind === "paragraph") expect(depth(paragraph.children)).toBeLessThanOrEqual(MAX_DEPTH);
  });

  test("a 4,000-character code block is kept whole, as text", () => {
    const code = "<script>".padEnd(4000 - 8, "x");
    const blocks = parseMessage(`\`\`\`\n${code}\n\`\`\``);
    expect(blocks).toEqual([{ kind: "code", text: code, lang: "" }]);
  });

  test("mentions and shortcodes in text, not in code", () => {
    expect(parseMessage("hi <@12> and <@room> :tada: `<@13> :x:`")).toEqual([
      {
        kind: "paragraph",
        children: [
          { kind: "text", text: "hi " },
          { kind: "mention", userId: 12 },
          { kind: "text", text: " and " },
          { kind: "mention", userId: "room" },
          { kind: "text", text: " " },
          { kind: "shortcode", name: "tada" },
          { kind: "text", text: " " },
          { kind: "code", text: "<@13> :x:" },
        ],
      },
    ]);
  });

  test("an escaped character is shown as itself", () => {
    expect(shownText(parseMessage("\\*not bold\\*"))).toBe("*not bold*");
  });
});

describe("plainText (previews, reply quotes, notifications)", () => {
  const words = {
    mention: (userId: number | "room") => (userId === "room" ? "room" : `Person ${userId}`),
    shortcode: (name: string) => (name === "tada" ? "🎉" : `:${name}:`),
  };

  test("shows what the formatting shows, without its markers", () => {
    expect(plainText("**Ship** it _today_, ~~not~~ `now`", words)).toBe("Ship it today, not now");
    expect(plainText("see [the plan](https://example.com/plan) :tada: :nope:", words)).toBe("see the plan 🎉 :nope:");
  });

  test("mentions read as names; blocks and lines are joined by spaces", () => {
    expect(plainText("<@7> and <@room>:\n> quoted\n\n- one\n- two\n\n```\nlet x;\n```", words)).toBe(
      "@Person 7 and @room: quoted one two let x;",
    );
  });

  test("raw HTML stays the text that was typed", () => {
    expect(plainText("<b>hi</b> <script>x</script>", words)).toBe("<b>hi</b> <script>x</script>");
  });
});
