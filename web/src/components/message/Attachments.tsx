// A message's files: images as thumbnails at their real aspect ratio (the space is
// reserved from the width and height the server measured, so the list does not jump
// when they load), opened full size in a viewer; other files as a chip with the name,
// type and size that downloads the file. Every URL goes through the app, which checks
// that the reader is a member of the conversation.
import { createSignal, For, type JSX, lazy, Show } from "solid-js";
import type { Attachment } from "../../../../src/shared/api.ts";
import { fileKind, fileUrl, formatSize, thumbnailUrl } from "../../lib/uploads.ts";
import { useI18n } from "../../stores/context.tsx";
import { Icon } from "../Icon.tsx";

/** The box a thumbnail is fitted into, in CSS pixels (a phone narrows it further with max-width). */
const THUMB_BOX = { width: 320, height: 240 };

export type ImageAttachment = Attachment & { image: { width: number; height: number } };

// Fetched on first open: most readers never open one, and the first screen does not wait for it.
const ImageViewer = lazy(() => import("./ImageViewer.tsx").then((module) => ({ default: module.ImageViewer })));

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
