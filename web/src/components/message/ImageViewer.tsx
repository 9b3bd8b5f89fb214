// A modal of one image at full size (the file itself, through the app's membership check):
// ←/→ between the message's images, Esc or a click beside the image closes it, and the
// focus goes back to the thumbnail that opened it (the caller's onClose).
import { createSignal, type JSX, onMount, Show } from "solid-js";
import { fileUrl } from "../../lib/uploads.ts";
import { useI18n } from "../../stores/context.tsx";
import { Icon } from "../Icon.tsx";
import type { ImageAttachment } from "./Attachments.tsx";

/** A modal of one image at full size: ←/→ between the message's images, Esc closes, focus comes back. */
export function ImageViewer(props: {
  images: readonly ImageAttachment[];
  start: number;
  onClose: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const [index, setIndex] = createSignal(props.start);
  const current = () => props.images[index()] ?? props.images[0];
  const count = () => props.images.length;
  const move = (step: number) => setIndex((i) => (i + step + count()) % count());
  let dialog!: HTMLDialogElement;
  let close!: HTMLButtonElement;
  onMount(() => {
    dialog.showModal();
    close.focus();
  });
  return (
    <dialog
      class="image-viewer"
      ref={dialog}
      aria-label={current()?.name ?? ""}
      onClose={() => props.onClose()}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, around the image) closes it.
        if (event.target === dialog) dialog.close();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") event.stopPropagation();
        if (count() > 1 && event.key === "ArrowRight") {
          event.preventDefault();
          move(1);
        } else if (count() > 1 && event.key === "ArrowLeft") {
          event.preventDefault();
          move(-1);
        }
      }}
    >
      <div class="image-viewer-bar">
        <span class="image-viewer-name">
          <bdi>{current()?.name}</bdi>
          <Show when={count() > 1}>
            <span class="muted"> · {t("files.imageOf", index() + 1, count())}</span>
          </Show>
        </span>
        <Show when={count() > 1}>
          <button class="icon-button" type="button" aria-label={t("files.previous")} onClick={() => move(-1)}>
            <Icon name="back" />
          </button>
          <button class="icon-button flip" type="button" aria-label={t("files.next")} onClick={() => move(1)}>
            <Icon name="back" />
          </button>
        </Show>
        <a
          class="icon-button"
          href={fileUrl(current()?.id ?? 0)}
          download={current()?.name}
          aria-label={t("files.downloadImage", current()?.name ?? "")}
        >
          <Icon name="download" />
        </a>
        <button
          ref={close}
          class="icon-button"
          type="button"
          aria-label={t("files.close")}
          onClick={() => dialog.close()}
        >
          <Icon name="close" />
        </button>
      </div>
      <img
        class="image-viewer-image"
        src={fileUrl(current()?.id ?? 0)}
        alt={current()?.name ?? ""}
        width={current()?.image.width}
        height={current()?.image.height}
      />
    </dialog>
  );
}
