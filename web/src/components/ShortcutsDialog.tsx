// The list of keyboard shortcuts, in a modal <dialog> (the browser traps focus in it and
// gives it back). Shows only the shortcuts something handles, from the same table the
// keys are read with.
import { For, type JSX, onMount, Show } from "solid-js";
import { SHORTCUT_KEYS, type ShortcutAction, type ShortcutRegistry } from "../lib/shortcuts.ts";
import { useI18n } from "../stores/context.tsx";

export function ShortcutsDialog(props: {
  registry: ShortcutRegistry;
  /** Rendered while open, so that it lists the handlers registered by then. */
  open: boolean;
  ref: (element: HTMLDialogElement) => void;
  onClose: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const keyName = (key: string) => t("shortcuts.keyNames")[key] ?? key;
  const Keys = (keys: { combos: string[][] }) => (
    <For each={keys.combos}>
      {(combo, index) => (
        <>
          <Show when={index() > 0}> {t("shortcuts.or")} </Show>
          <For each={combo}>
            {(key, i) =>
              i() > 0 ? (
                <>
                  +<kbd>{keyName(key)}</kbd>
                </>
              ) : (
                <kbd>{keyName(key)}</kbd>
              )
            }
          </For>
        </>
      )}
    </For>
  );
  let dialog!: HTMLDialogElement;
  // Loaded on first use (ChatLayout): the request that loaded it opens it once it is in
  // the page; later ones go through the element the parent holds.
  onMount(() => {
    if (props.open && !dialog.open) dialog.showModal();
  });
  const actions = () =>
    (Object.keys(SHORTCUT_KEYS) as ShortcutAction[]).filter((action) => props.registry.handles(action));
  return (
    <dialog
      class="dialog"
      ref={(element) => {
        dialog = element;
        props.ref(element);
      }}
      aria-labelledby="shortcuts-title"
      onClose={() => props.onClose()}
    >
      <header class="dialog-head">
        <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
        <form method="dialog">
          <button class="button subtle" type="submit">
            {t("shortcuts.close")}
          </button>
        </form>
      </header>
      <Show when={props.open}>
        <dl class="shortcut-list">
          <For each={actions()}>
            {(action) => (
              <div class="shortcut">
                <dt>
                  <Keys combos={SHORTCUT_KEYS[action]} />
                </dt>
                <dd>{t("shortcuts.actions")[action]}</dd>
              </div>
            )}
          </For>
          <div class="shortcut">
            <dt>
              <kbd>{t("shortcuts.pageKeys")}</kbd>
            </dt>
            <dd>{t("shortcuts.page")}</dd>
          </div>
        </dl>
      </Show>
    </dialog>
  );
}
