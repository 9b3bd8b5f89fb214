// The composer's emoji button: opens the picker above the message box; a pick goes in at
// the cursor and the focus returns to the box.
import { createSignal, type JSX, lazy, Show } from "solid-js";
import { useI18n } from "../../stores/context.tsx";

// Fetched on first open, with the emoji search it brings.
const EmojiPicker = lazy(() => import("./EmojiPicker.tsx").then((module) => ({ default: module.EmojiPicker })));

export function EmojiButton(props: { onPick: (emoji: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [open, setOpen] = createSignal(false);
  let button!: HTMLButtonElement;
  const close = () => {
    setOpen(false);
    button.focus();
  };
  return (
    <div class="composer-emoji">
      <button
        ref={button}
        class="icon-button"
        type="button"
        aria-label={t("message.insertEmoji")}
        aria-expanded={open()}
        aria-haspopup="dialog"
        onClick={() => setOpen((was) => !was)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5.1-3.5H6.9c.8 2 2.8 3.5 5.1 3.5z"
          />
        </svg>
      </button>
      <Show when={open()}>
        <EmojiPicker
          anchor={button}
          placement={{ side: "above", align: "right" }}
          label={t("message.insertEmoji")}
          onClose={close}
          onPick={(emoji) => {
            setOpen(false);
            props.onPick(emoji);
          }}
        />
      </Show>
    </div>
  );
}
