// Message text as text nodes, with http(s) links made clickable. Never innerHTML.
// Inside a <bdi>: a direction override in someone's text (U+202E) turns only that text
// around, never the name, time or receipt beside it.
import { For, type JSX } from "solid-js";
import { linkSegments } from "../lib/links.ts";

/** `plain`: text only (inside a link already, like a conversation preview). */
export function MessageText(props: { text: string; plain?: boolean }): JSX.Element {
  return (
    <bdi>
      <For each={props.plain ? [{ kind: "text" as const, text: props.text }] : linkSegments(props.text)}>
        {(segment) =>
          segment.kind === "link" ? (
            <a href={segment.href} target="_blank" rel="noopener noreferrer">
              {segment.text}
            </a>
          ) : (
            segment.text
          )
        }
      </For>
    </bdi>
  );
}
