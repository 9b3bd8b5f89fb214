// A message's files: images as thumbnails at their real aspect ratio (the space is
// reserved from the width and height the server measured, so the list does not jump
// when they load), opened full size in a viewer; other files as a chip with the name,
// type and size that downloads the file. Every URL goes through the app, which checks
// that the reader is a member of the conversation.
import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import type { Attachment } from "../../../../src/shared/api.ts";
import { fileKind, fileUrl, formatSize, thumbnailUrl } from "../../lib/uploads.ts";
import { useI18n } from "../../stores/context.tsx";
import { Icon } from "../Icon.tsx";

/** The box a thumbnail is fitted into, in CSS pixels (a phone narrows it further with max-width). */
const THUMB_BOX = { width: 320, height: 240 };

type ImageAttachment = Attachment & { image: { width: number; height: number } };

/** The shown size: the image's own, scaled down (never up) to fit the box. */
function shownSize(image: { width: number; height: number }) {
  const scale = Math.min(1, THUMB_BOX.width / image.width, THUMB_BOX.height / image.height);
  return { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}

export function Attachments(props: { attachments: readonly Attachment[] }): JSX.Element {
  const { t, intlLocale } = useI18n();
  const images = () => props.attachments.filter((a): a is ImageAttachment => a.image !== null);
  const others = () => props.attachments.filter((a) => a.image === null);
  const [viewing, setViewing] = createSignal<number | null>(null);
  let opener: HTMLElement | null = null;
  return (
    <div class="attachments">
      <Show when={images().length > 0}>
        <div class="attachment-images">
          <For each={images()}>
            {(image, index) => {
              const size = shownSize(image.image);
              return (
                <button
                  class="attachment-image"
                  type="button"
                  aria-label={t("files.openImage", image.name)}
                  onClick={(event) => {
                    opener = event.currentTarget;
                    setViewing(index());
                  }}
                >
                  <img
                    src={thumbnailUrl(image.id)}
                    alt={image.name}
                    width={size.width}
                    height={size.height}
                    loading="lazy"
                    decoding="async"
                  />
                </button>
              );
            }}
          </For>
        </div>
      </Show>
      <For each={others()}>
        {(file) => {
          const details = () =>
            [fileKind(file.contentType, file.name), formatSize(intlLocale(), file.size)].filter(Boolean).join(" · ");
          return (
            <a
              class="attachment-file"
              href={fileUrl(file.id)}
              download={file.name}
              aria-label={t("files.download", file.name, details())}
            >
              <span class="attachment-file-icon" aria-hidden="true">
                <Icon name="file" />
              </span>
              <span class="attachment-file-text">
                <span class="attachment-file-name">
                  <bdi>{file.name}</bdi>
                </span>
                <span class="attachment-file-details">{details()}</span>
              </span>
              <span class="attachment-file-download" aria-hidden="true">
                <Icon name="download" />
              </span>
            </a>
          );
        }}
      </For>
      <Show when={viewing() !== null}>
        <ImageViewer
          images={images()}
          start={viewing() ?? 0}
          onClose={() => {
            setViewing(null);
            opener?.focus();
          }}
        />
      </Show>
    </div>
  );
}

/** A modal of one image at full size: ←/→ between the message's images, Esc closes, focus comes back. */
function ImageViewer(props: { images: readonly ImageAttachment[]; start: number; onClose: () => void }): JSX.Element {
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
