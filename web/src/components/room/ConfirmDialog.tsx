// "Are you sure?" for actions that cannot be taken back in one click (leave, remove,
// hand over, archive; the admin's deactivation). A modal <dialog>: the browser traps the
// focus in it, Esc cancels, and the focus goes back where it was. The safe choice (Cancel)
// has the focus first, unless a field inside asks for it (autofocus).
import { createEffect, type JSX, type ParentProps, Show } from "solid-js";
import { useDialogEscape } from "../dialog-escape.ts";

export function ConfirmDialog(
  props: ParentProps<{
    open: boolean;
    title: string;
    text: string;
    confirmLabel: string;
    cancelLabel: string;
    danger?: boolean;
    busy?: boolean;
    error?: string | null | undefined;
    onConfirm: () => void;
    onCancel: () => void;
  }>,
): JSX.Element {
  let dialog!: HTMLDialogElement;
  let cancel!: HTMLButtonElement;
  const titleId = `confirm-title-${Math.random().toString(36).slice(2, 8)}`;
  useDialogEscape(
    () => props.open,
    () => props.onCancel(),
  );
  createEffect(() => {
    if (props.open && !dialog.open) {
      dialog.showModal();
      if (!dialog.querySelector("[autofocus]")) cancel.focus();
    } else if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog
      class="dialog confirm-dialog"
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={`${titleId}-text`}
      onClose={() => {
        if (props.open) props.onCancel();
      }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!props.busy) props.onConfirm();
        }}
      >
        <h2 id={titleId}>{props.title}</h2>
        <p id={`${titleId}-text`}>{props.text}</p>
        {props.children}
        <Show when={props.error}>
          <p class="field-error" role="alert">
            {props.error}
          </p>
        </Show>
        <div class="dialog-actions">
          <button class="button" type="button" ref={cancel} onClick={() => props.onCancel()}>
            {props.cancelLabel}
          </button>
          <button
            class="button"
            classList={{ danger: props.danger, primary: !props.danger }}
            type="submit"
            disabled={props.busy}
          >
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
