// A modal question with a cancel and a confirm button (the browser traps the focus in a
// modal <dialog> and closes it on Esc). Cancel has the focus first: Enter never destroys.
import { createUniqueId, type JSX, onMount } from "solid-js";

export function ConfirmDialog(props: {
  title: string;
  text: string;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  onClose: () => void;
}): JSX.Element {
  const id = createUniqueId();
  let dialog!: HTMLDialogElement;
  let cancel!: HTMLButtonElement;
  onMount(() => {
    dialog.showModal();
    cancel.focus();
  });
  return (
    <dialog
      class="dialog confirm-dialog"
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onClose={() => props.onClose()}
      onKeyDown={(event) => {
        // Esc closes this dialog only, not what is behind it.
        if (event.key === "Escape") event.stopPropagation();
      }}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p id={`${id}-text`}>{props.text}</p>
      <div class="confirm-buttons">
        <button ref={cancel} class="button subtle" type="button" onClick={() => dialog.close()}>
          {props.cancel}
        </button>
        <button
          class="button danger"
          type="button"
          onClick={() => {
            props.onConfirm();
            dialog.close();
          }}
        >
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}
