// A small emoji picker: the common ones first, then a search through the full set (loaded
// when the picker first opens). Enter in the search picks the first match; Esc or a click
// outside closes it.
import { createMemo, createResource, createSignal, For, type JSX, onCleanup, onMount, Show } from "solid-js";
import { COMMON_EMOJI, loadEmoji, searchEmoji } from "../../lib/emoji.ts";
import { useI18n } from "../../stores/context.tsx";

export function EmojiPicker(props: {
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
    search.focus();
    const outside = (event: PointerEvent) => {
      if (!root.contains(event.target as Node)) props.onClose();
    };
    document.addEventListener("pointerdown", outside, true);
    onCleanup(() => document.removeEventListener("pointerdown", outside, true));
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
