// Links in message text: only http(s) become links; the rest stays text.
import { describe, expect, test } from "bun:test";
import { linkSegments, safeHref } from "../../web/src/lib/links.ts";

describe("linkSegments", () => {
  test("splits text around http(s) links", () => {
    expect(linkSegments("see https://example.com/a?b=1 and www.example.org.")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: " and " },
      { kind: "link", text: "www.example.org", href: "http://www.example.org/" },
      { kind: "text", text: "." },
    ]);
  });

  test("never links javascript:, data:, ftp: or mail addresses", () => {
    const text = "javascript:alert(1) data:text/html,<b>x</b> ftp://example.com/f me@example.com";
    const links = linkSegments(text).filter((s) => s.kind === "link");
    expect(links).toEqual([]);
    expect(
      linkSegments(text)
        .map((s) => s.text)
        .join(""),
    ).toBe(text);
  });

  test("markup is kept as characters", () => {
    const payload = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    expect(linkSegments(payload)).toEqual([{ kind: "text", text: payload }]);
  });

  test("safeHref accepts only http and https", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("not a url")).toBeNull();
  });
});
