// The message list's rows in chunks (lib/chunks.ts) that the browser skips while they are
// off screen (content-visibility: auto): with 5,000 messages loaded, a live message's frame
// lays out and paints the chunk it joins, not a 320,000 px list.
//
// A chunk is skipped only once it has been rendered at the list's width: the browser then
// remembers its real height (contain-intrinsic-size: auto) and stands it in while skipped.
// A chunk skipped from the start would stand in with a guess, and the list, which keeps its
// own scroll position when an older page comes in above, would measure the guess and then
// jump; one skipped since the window was narrower would stand in with its old height.
import { createComputed, createMemo, createSignal, For, type JSX, onCleanup, type Signal, untrack } from "solid-js";
import { createChunker } from "../lib/chunks.ts";

export function MessageListChunks(props: { ids: readonly number[]; children: (id: number) => JSX.Element }) {
  const chunker = createChunker();
  const chunks = createMemo(() => chunker(props.ids));
  // Each chunk reads its rows from a signal of its own: a live message wakes the last one.
  const rows = new Map<number, Signal<readonly number[]>>();
  createComputed(() => {
    for (const chunk of chunks()) rows.get(chunk.key)?.[1](chunk.ids);
  });
  const rowsOf = (key: number) => {
    let signal = rows.get(key);
    if (!signal) {
      signal = createSignal(untrack(chunks).find((chunk) => chunk.key === key)?.ids ?? []);
      rows.set(key, signal);
    }
    return signal[0];
  };
  const keys = createMemo(() => chunks().map((chunk) => chunk.key), [], { equals: sameKeys });

  // A chunk is rendered in full whenever its width changes (first laid out, the window
  // resized), and may be skipped again after that frame, once its height is remembered.
  const widths = new WeakMap<Element, number>();
  const sized = new ResizeObserver((entries) => {
    for (const { target, contentRect } of entries) {
      if (contentRect.height === 0 || contentRect.width === widths.get(target)) continue;
      widths.set(target, contentRect.width);
      target.classList.remove("settled");
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (widths.get(target) === contentRect.width) target.classList.add("settled");
        }),
      );
    }
  });
  onCleanup(() => sized.disconnect());

  return (
    <For each={keys()}>
      {(key) => {
        let element!: HTMLDivElement;
        onCleanup(() => {
          sized.unobserve(element);
          rows.delete(key);
        });
        return (
          <div
            class="chunk"
            ref={(chunk) => {
              element = chunk;
              sized.observe(chunk);
            }}
          >
            <For each={rowsOf(key)()}>{(id) => props.children(id)}</For>
          </div>
        );
      }}
    </For>
  );
}

function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((key, i) => b[i] === key);
}
