// The help menu in the sidebar: where the keyboard shortcuts can be found without knowing
// the key that shows them.
import { createSignal, type JSX, onCleanup, Show } from "solid-js";
import { useI18n } from "../stores/context.tsx";
import { Icon } from "./Icon.tsx";

export function HelpMenu(props: { onShortcuts: () => void; ref: (close: () => boolean) => void }): JSX.Element {
  const { t } = useI18n();
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;
  // Esc (through the shortcut registry) closes the menu first; true when it was open.
  props.ref(() => {
    if (!open()) return false;
    setOpen(false);
    return true;
  });
  const onOutside = (event: PointerEvent) => {
    if (open() && !root.contains(event.target as Node)) setOpen(false);
  };
  document.addEventListener("pointerdown", onOutside);
  onCleanup(() => document.removeEventListener("pointerdown", onOutside));

  return (
    <div class="help-menu" ref={root}>
      <button
        ref={button}
        class="icon-button"
        type="button"
        aria-label={t("shortcuts.help")}
        title={t("shortcuts.help")}
        aria-expanded={open()}
        aria-controls="help-menu-items"
        onClick={() => setOpen(!open())}
      >
        <Icon name="help" />
      </button>
      <Show when={open()}>
        <ul class="menu" id="help-menu-items">
          <li>
            <button
              class="menu-item"
              type="button"
              ref={(item) => queueMicrotask(() => item.focus())}
              onClick={() => {
                setOpen(false);
                props.onShortcuts();
              }}
            >
              <span>{t("shortcuts.title")}</span>
              <kbd>?</kbd>
            </button>
          </li>
        </ul>
      </Show>
    </div>
  );
}
