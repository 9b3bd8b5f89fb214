// Splits message text into plain-text and link segments. Only http(s) URLs become links;
// everything is rendered as text nodes by the caller, never as HTML.
import { find } from "linkifyjs";

export type TextSegment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** The URL when it is a safe http(s) link, otherwise null. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function linkSegments(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let position = 0;
  for (const found of find(text, "url")) {
    const href = safeHref(found.href);
    if (!href) continue;
    if (found.start > position) segments.push({ kind: "text", text: text.slice(position, found.start) });
    segments.push({ kind: "link", text: text.slice(found.start, found.end), href });
    position = found.end;
  }
  if (position < text.length) segments.push({ kind: "text", text: text.slice(position) });
  return segments;
}
