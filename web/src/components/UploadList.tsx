// The files waiting under the message box: each with its name and size, a progress bar
// while it uploads (and Cancel), what went wrong when it did (Retry, or the sentence of
// a refusal), and Remove once it is ready to go with the message. Rows are kept in place
// (Index): a progress event must not re-create the row and lose the focus on Cancel.
import { Index, type JSX, Match, Switch } from "solid-js";
import type { Attachment } from "../../../src/shared/api.ts";
import { formatSize, type UploadRefusal } from "../lib/uploads.ts";
import { useI18n } from "../stores/context.tsx";

export type Upload = {
  key: number;
  file: File;
  state: "uploading" | "done" | "failed" | "refused";
  /** Fraction sent, 0–1. */
  progress: number;
  refusal?: UploadRefusal;
  attachment?: Attachment;
  cancel?: (() => void) | undefined;
};

export function UploadList(props: {
  uploads: readonly Upload[];
  onCancel: (upload: Upload) => void;
  onRetry: (upload: Upload) => void;
  onRemove: (upload: Upload) => void;
}): JSX.Element {
  const { t, intlLocale } = useI18n();
  const size = (bytes: number) => formatSize(intlLocale(), bytes);
  const refusalText = (upload: Upload) => {
    const refusal = upload.refusal;
    const name = upload.file.name;
    switch (refusal?.kind) {
      case "tooLarge":
        return t("files.tooLarge", name, size(refusal.max));
      case "overQuota":
        return t("files.overQuota", name, size(refusal.quota), size(refusal.used));
      case "program":
        return t("files.program", name);
      default:
        return t("files.empty", name);
    }
  };
  /** Remove: once ready, after a failure, after a refusal. */
  const remove = (upload: Upload) => (
    <button
      class="link-button"
      type="button"
      aria-label={t("files.removeFile", upload.file.name)}
      onClick={() => props.onRemove(upload)}
    >
      {t("files.remove")}
    </button>
  );
  return (
    <ul class="upload-list" aria-label={t("files.toSend")}>
      <Index each={props.uploads}>
        {(upload) => (
          <li class="upload" classList={{ [upload().state]: true }}>
            <div class="upload-head">
              <span class="upload-name">
                <bdi>{upload().file.name}</bdi>
              </span>
              <span class="upload-size">{size(upload().file.size)}</span>
            </div>
            <Switch>
              <Match when={upload().state === "uploading"}>
                <div class="upload-progress">
                  <progress max="1" value={upload().progress} aria-label={t("files.uploading", upload().file.name)} />
                  <span class="upload-percent" aria-hidden="true">
                    {Math.round(upload().progress * 100)} %
                  </span>
                  <button
                    class="link-button"
                    type="button"
                    aria-label={t("files.cancelUpload", upload().file.name)}
                    onClick={() => props.onCancel(upload())}
                  >
                    {t("files.cancel")}
                  </button>
                </div>
              </Match>
              <Match when={upload().state === "done"}>
                <div class="upload-status">
                  <span class="muted">{t("files.ready")}</span>
                  {remove(upload())}
                </div>
              </Match>
              <Match when={upload().state === "failed"}>
                <div class="upload-status" role="alert">
                  <span class="upload-problem">{t("files.failed", upload().file.name)}</span>
                  <button class="link-button" type="button" onClick={() => props.onRetry(upload())}>
                    {t("files.retry")}
                  </button>
                  {remove(upload())}
                </div>
              </Match>
              <Match when={upload().state === "refused"}>
                <div class="upload-status" role="alert">
                  <span class="upload-problem">{refusalText(upload())}</span>
                  {remove(upload())}
                </div>
              </Match>
            </Switch>
          </li>
        )}
      </Index>
    </ul>
  );
}
