// The sidebar's search button and Ctrl+K / ⌘K. The dialog behind them (SearchDialog.tsx)
// is its own chunk, kept out of the start-up JavaScript (a budget: tests/web/bundle-size.test.ts):
// fetched when the pointer or the focus reaches the button, or at the first ask.
import { createSignal, type JSX, lazy, onCleanup, onMount, Show } from "solid-js";
import { useChat, useI18n } from "../stores/context.tsx";
import { Icon } from "./Icon.tsx";

let dialogModule: Promise<typeof import("./SearchDialog.tsx")> | undefined;
/** Starts fetching the dialog's chunk (once): a pointer on its way to the button is enough. */
const preloadDialog = () => {
  dialogModule ??= import("./SearchDialog.tsx");
  return dialogModule;
};
const SearchDialog = lazy(() => preloadDialog().then((module) => ({ default: module.SearchDialog })));

export function SearchBox(): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  /** How many times search was asked for: the dialog opens at each, loading first if need be. */
  const [opened, setOpened] = createSignal(0);
  const open = () => {
    void preloadDialog();
    setOpened((count) => count + 1);
    return true;
  };
  onMount(() => onCleanup(chat.shortcuts.register("search", open)));

  return (
    <>
      <button
        class="search-trigger"
        type="button"
        onClick={open}
        onPointerEnter={() => void preloadDialog()}
        onFocus={() => void preloadDialog()}
        aria-keyshortcuts="Control+K Meta+K"
      >
        <Icon name="search" size={16} />
        <span>{t("search.open")}</span>
        <kbd>{t("search.shortcut")}</kbd>
      </button>
      <Show when={opened() > 0}>
        <SearchDialog opened={opened} />
      </Show>
    </>
  );
}
