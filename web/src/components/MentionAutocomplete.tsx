// Mentions in the composer: typing `@` opens a list of the conversation's members (and
// `@room` where the person may use it), filtered as they type. ↑/↓ move, Enter or Tab
// picks, Esc closes. A pick puts `@Display Name` in the text, which the person reads;
// the picks are remembered and turned into `<@id>` markup when the message is sent
// (lib/mentions.ts `namesAsMentions`), so the box never shows raw markup.
import { createSignal, For, type JSX, Show } from "solid-js";
import { type MentionCandidate, matchCandidates, mentionQueryAt } from "../lib/mention-complete.ts";
import { type MentionTarget, namesAsMentions } from "../lib/mentions.ts";
import { useI18n } from "../stores/context.tsx";

export function createMentionAutocomplete(
  input: () => HTMLTextAreaElement,
  candidates: () => readonly MentionCandidate[],
  afterPick: () => void,
) {
  const { t } = useI18n();
  const [open, setOpen] = createSignal<{ start: number; query: string } | null>(null);
  const [active, setActive] = createSignal(0);
  let picked: MentionTarget[] = [];
  const matches = () => {
    const state = open();
    return state ? matchCandidates(candidates(), state.query) : [];
  };

  const pick = (candidate: MentionCandidate) => {
    const state = open();
    const box = input();
    if (!state) return;
    box.setRangeText(`@${candidate.name} `, state.start, box.selectionStart, "end");
    if (!picked.some((target) => target.userId === candidate.userId))
      picked.push({ userId: candidate.userId, name: candidate.name });
    setOpen(null);
    box.focus();
    afterPick();
  };

  const optionId = (index: number) => `mention-option-${index}`;

  return {
    /** After each input: open, filter or close the list for the word at the caret. */
    onInput() {
      const box = input();
      const found = box.selectionStart === box.selectionEnd ? mentionQueryAt(box.value, box.selectionStart) : null;
      setOpen(found);
      setActive(0);
    },
    /** Handles the list's keys; true when the key was the list's. */
    onKeyDown(event: KeyboardEvent): boolean {
      if (!open() || event.isComposing) return false;
      const list = matches();
      if (event.key === "Escape") {
        setOpen(null);
      } else if (event.key === "ArrowDown" && list.length > 0) {
        setActive((i) => (i + 1) % list.length);
      } else if (event.key === "ArrowUp" && list.length > 0) {
        setActive((i) => (i - 1 + list.length) % list.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && list.length > 0) {
        const chosen = list[active()];
        if (chosen) pick(chosen);
      } else return false;
      event.preventDefault();
      event.stopPropagation();
      return true;
    },
    close: () => setOpen(null),
    /** The body as sent: each picked `@Name` as `<@id>`. */
    toMarkup: (text: string) => namesAsMentions(text, picked),
    reset() {
      picked = [];
      setOpen(null);
    },
    /**
     * Attributes for the textarea. It stays a textbox (a multi-line message box is not a
     * combobox): the list is announced by aria-autocomplete and the option by
     * aria-activedescendant, both allowed on a textbox.
     */
    comboboxProps: () => ({
      "aria-autocomplete": "list" as const,
      "aria-controls": open() ? "mention-suggestions" : undefined,
      "aria-activedescendant": open() && matches().length > 0 ? optionId(active()) : undefined,
    }),
    view: (): JSX.Element => (
      <Show when={open()}>
        <div class="mention-suggestions">
          <div
            id="mention-suggestions"
            class="mention-options"
            role="listbox"
            aria-label={t("notify.mentionSuggestions")}
          >
            <For each={matches()} fallback={<p class="mention-none muted">{t("notify.noMatches")}</p>}>
              {(candidate, index) => (
                // biome-ignore lint/a11y/useFocusableInteractive: options are reached from the message box through aria-activedescendant; the focus stays in the box
                <div
                  id={optionId(index())}
                  role="option"
                  aria-selected={index() === active()}
                  classList={{ active: index() === active() }}
                  onMouseDown={(event) => {
                    event.preventDefault();
                    pick(candidate);
                  }}
                >
                  <span class="mention-name">@{candidate.name}</span>
                  <span class="mention-handle muted">
                    {candidate.userId === "room" ? t("notify.mentionRoomHint") : `@${candidate.username}`}
                  </span>
                </div>
              )}
            </For>
          </div>
        </div>
      </Show>
    ),
  };
}
