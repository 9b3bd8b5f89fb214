// A small emoji picker: the common ones first, then a search through the full set (loaded
// when the picker first opens). Enter in the search picks the first match; Esc or a click
// outside closes it. It is shown in the top layer (a popover), beside its anchor: a
// message's row clips what overflows it (the list's chunks contain their paint), and the
// picker is taller than a row.
import { createMemo, createResource, createSignal, For, type JSX, onCleanup, onMount, Show } from "solid-js";
import { COMMON_EMOJI, loadEmoji, searchEmoji } from "../../lib/emoji.ts";
import { type Placement, placeNear } from "../../lib/place-near.ts";
import { useI18n } from "../../stores/context.tsx";

export function EmojiPicker(props: {
  /** What the picker opens beside (it follows it when the page scrolls). */
  anchor: HTMLElement;
  placement: Placement;
  label: string;
  onPick: (emoji: string) => void;
  onClose: () => void;
  /** Emoji to mark as chosen already (the reader's own reactions). */
  chosen?: readonly string[];
}): JSX.Element {
  const { t } = useI18n();
  const [query, setQuery] = createSignal("");
  const [set] = createResource(() => loadEmoji());
  const results = createMemo(() => {
    const loaded = set();
    return loaded ? searchEmoji(loaded, query()) : [];
  });
  let root!: HTMLDivElement;
  let search!: HTMLInputElement;

  onMount(() => {
    // A browser without popovers (before 2024) has no content-visibility either: there the
    // fixed, script-placed picker is not clipped by anything.
    root.showPopover?.();
    const place = () => {
      const at = placeNear(
        props.anchor.getBoundingClientRect(),
        { width: root.offsetWidth, height: root.offsetHeight },
        { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight },
        props.placement,
      );
      root.style.top = `${at.top}px`;
      root.style.left = `${at.left}px`;
    };
    place();
    // Its own size changes too (the full set arriving, a search narrowing it).
    const resized = new ResizeObserver(place);
    resized.observe(root);
    search.focus();
    const outside = (event: PointerEvent) => {
      if (!root.contains(event.target as Node)) props.onClose();
    };
    document.addEventListener("pointerdown", outside, true);
    window.addEventListener("scroll", place, { capture: true, passive: true });
    window.addEventListener("resize", place);
    onCleanup(() => {
      resized.disconnect();
      document.removeEventListener("pointerdown", outside, true);
      window.removeEventListener("scroll", place, { capture: true });
      window.removeEventListener("resize", place);
    });
  });

  const choice = (emoji: string, name: string) => (
    <button
      type="button"
      class="emoji-choice"
      classList={{ chosen: props.chosen?.includes(emoji) ?? false }}
      aria-label={name}
      aria-pressed={props.chosen ? props.chosen.includes(emoji) : undefined}
      title={name}
      onClick={() => props.onPick(emoji)}
    >
      {emoji}
    </button>
  );

  return (
    <div
      class="emoji-picker"
      popover="manual"
      role="dialog"
      aria-label={props.label}
      ref={root}
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        event.stopPropagation();
        props.onClose();
      }}
    >
      <div class="emoji-common">
        <For each={COMMON_EMOJI}>{(emoji) => choice(emoji, emoji)}</For>
      </div>
      <input
        ref={search}
        class="emoji-search"
        type="search"
        placeholder={t("message.searchEmoji")}
        aria-label={t("message.searchEmoji")}
        value={query()}
        onInput={(event) => setQuery(event.currentTarget.value)}
        onKeyDown={(event) => {
          const first = results()[0];
          if (event.key === "Enter" && first) {
            event.preventDefault();
            props.onPick(first.unicode);
          }
        }}
      />
      <div class="emoji-results">
        <Show when={!set.loading} fallback={<p class="muted emoji-empty">{t("app.loadingShort")}</p>}>
          <Show when={results().length > 0} fallback={<p class="muted emoji-empty">{t("message.noEmoji")}</p>}>
            <For each={results()}>{(emoji) => choice(emoji.unicode, emoji.label)}</For>
          </Show>
        </Show>
      </div>
    </div>
  );
}
