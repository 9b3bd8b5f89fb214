// The message box: Enter sends, Shift+Enter adds a line; grows with its text. An emoji
// button beside it, and a count of the characters left once the text nears the limit.
// Files come by the attach button, a paste, or a drop on the conversation (`onFiles`):
// each uploads at once with its own progress bar (cancel, retry, remove), and the
// message goes with the finished ones.
import { createSignal, type JSX, lazy, onMount, Show } from "solid-js";
import type { Attachment } from "../../../src/shared/api.ts";
import type { MentionCandidate } from "../lib/mention-complete.ts";
import {
  checkUpload,
  discardUpload,
  fetchUploadLimits,
  filesOf,
  refusalOfStatus,
  sendFile,
  type UploadLimits,
} from "../lib/uploads.ts";
import { useI18n } from "../stores/context.tsx";
import { createMentionAutocomplete } from "./MentionAutocomplete.tsx";
import { CharacterCounter } from "./message/CharacterCounter.tsx";
import { EmojiButton } from "./message/EmojiButton.tsx";
import type { Upload } from "./UploadList.tsx";

// Fetched with the first file: the message box itself does not wait for it.
const UploadList = lazy(() => import("./UploadList.tsx").then((module) => ({ default: module.UploadList })));

let nextUploadKey = 1;

/**
 * What was typed and not sent, per conversation, for as long as the page lives. The first
 * message to someone replaces their new-conversation view with the conversation's own
 * once stored; what the person typed meanwhile moves into the new box (it was lost).
 */
const drafts = new Map<string, string>();

export function Composer(props: {
  /** Whose draft this box holds (kept when the box is replaced or the person comes back). */
  draftKey?: string;
  label: string;
  placeholder: string;
  onSend: (body: string, attachments: Attachment[]) => Promise<string | null> | string | null;
  onTyping?: () => void;
  ref?: (element: HTMLTextAreaElement) => void;
  /** Receives the function that adds files (a drop on the conversation). */
  onFiles?: (add: (files: File[]) => void) => void;
  /** The server's limit on a body (its `ready` frame). */
  maxBody: number;
  /** Who `@` offers (the conversation's members, `@room` where allowed). */
  mentionCandidates?: () => readonly MentionCandidate[];
}): JSX.Element {
  const { t } = useI18n();
  const [error, setError] = createSignal<string | null>(null);
  const [length, setLength] = createSignal(0);
  const [uploads, setUploads] = createSignal<Upload[]>([]);
  const [limits, setLimits] = createSignal<UploadLimits | null>(null);
  let input!: HTMLTextAreaElement;
  let picker!: HTMLInputElement;

  const saveDraft = () => {
    if (!props.draftKey) return;
    if (input.value) drafts.set(props.draftKey, input.value);
    else drafts.delete(props.draftKey);
  };

  onMount(() => {
    const draft = props.draftKey ? drafts.get(props.draftKey) : undefined;
    if (draft && !input.value) {
      input.value = draft;
      resize();
    }
    void fetchUploadLimits().then(setLimits);
  });

  const update = (key: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  const countUsed = (delta: number) => setLimits((l) => (l ? { ...l, used: Math.max(0, l.used + delta) } : l));

  const start = (upload: Upload) => {
    const running = sendFile(upload.file, (fraction) => update(upload.key, { progress: fraction }));
    update(upload.key, { state: "uploading", progress: 0, cancel: running.cancel });
    void running.done.then((outcome) => {
      if (!uploads().some((u) => u.key === upload.key)) {
        // Removed while it finished: the server may still have kept it.
        if (outcome.ok) discardUpload(outcome.attachment.id);
        return;
      }
      if (outcome.ok) {
        countUsed(outcome.attachment.size);
        update(upload.key, { state: "done", progress: 1, attachment: outcome.attachment, cancel: undefined });
        return;
      }
      if ("cancelled" in outcome && outcome.cancelled) {
        setUploads((list) => list.filter((u) => u.key !== upload.key));
        return;
      }
      const refusal = refusalOfStatus(outcome.status, upload.file.size, limits());
      update(
        upload.key,
        refusal ? { state: "refused", refusal, cancel: undefined } : { state: "failed", cancel: undefined },
      );
      // The server's view of the quota may differ from ours: read it again.
      if (refusal?.kind === "overQuota") void fetchUploadLimits().then((l) => l && setLimits(l));
    });
  };

  const addFiles = (files: File[]) => {
    if (files.length === 0) return;
    setError(null);
    for (const file of files) {
      const queued = uploads()
        .filter((u) => u.state === "uploading")
        .reduce((sum, u) => sum + u.file.size, 0);
      const refusal = checkUpload(file.size, limits(), queued);
      const upload: Upload = { key: nextUploadKey++, file, state: refusal ? "refused" : "uploading", progress: 0 };
      if (refusal) upload.refusal = refusal;
      setUploads((list) => [...list, upload]);
      if (!refusal) start(upload);
    }
  };
  props.onFiles?.(addFiles);

  const remove = (upload: Upload) => {
    upload.cancel?.();
    if (upload.attachment) {
      discardUpload(upload.attachment.id);
      countUsed(-upload.attachment.size);
    }
    setUploads((list) => list.filter((u) => u.key !== upload.key));
    input.focus();
  };

  /** After every change of the text: the box's height, the counter and the draft. */
  const resize = () => {
    saveDraft();
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
    setLength(input.value.length);
  };

  const mentions = createMentionAutocomplete(
    () => input,
    () => props.mentionCandidates?.() ?? [],
    () => resize(),
  );

  const insert = (text: string) => {
    input.focus();
    input.setRangeText(text, input.selectionStart, input.selectionEnd, "end");
    resize();
  };

  const submit = async () => {
    const text = input.value;
    // Picked mentions shown as @Name become <@id> markup only now.
    const body = mentions.toMarkup(text);
    const list = uploads();
    if (list.some((u) => u.state === "uploading")) return setError(t("files.waitForUploads"));
    if (list.some((u) => u.state === "failed")) return setError(t("files.failedPending"));
    const ready = list.filter((u) => u.state === "done" && u.attachment);
    const attachments = ready.map((u) => u.attachment as Attachment);
    if (body.trim() === "" && attachments.length === 0) return;
    input.value = "";
    resize();
    const sent = new Set(ready.map((u) => u.key));
    // Sent files (and refused ones, whose sentence was read) leave the list.
    setUploads((all) => all.filter((u) => !sent.has(u.key) && u.state !== "refused"));
    const problem = await props.onSend(body, attachments);
    setError(problem);
    if (!problem) mentions.reset();
    if (problem) {
      input.value = text;
      resize();
      setUploads((all) => [...ready, ...all]);
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Show when={uploads().length > 0}>
        <UploadList uploads={uploads()} onCancel={remove} onRemove={remove} onRetry={(upload) => start(upload)} />
      </Show>
      <label class="sr-only" for="composer-input">
        {props.label}
      </label>
      <input
        ref={picker}
        hidden
        type="file"
        multiple
        onChange={() => {
          addFiles([...(picker.files ?? [])]);
          picker.value = "";
          input.focus();
        }}
      />
      <button
        class="icon-button attach-button"
        type="button"
        aria-label={t("files.attach")}
        onClick={() => picker.click()}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z"
          />
        </svg>
      </button>
      <textarea
        id="composer-input"
        ref={(element) => {
          input = element;
          props.ref?.(element);
        }}
        rows={1}
        placeholder={props.placeholder}
        aria-describedby={error() ? "composer-error" : undefined}
        {...mentions.comboboxProps()}
        onBlur={() => mentions.close()}
        onKeyDown={(event) => {
          if (mentions.onKeyDown(event)) return;
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void submit();
          }
        }}
        onPaste={(event) => {
          // A screenshot or a copied file; pasted text goes in as usual.
          const files = filesOf(event.clipboardData);
          if (files.length === 0) return;
          event.preventDefault();
          addFiles(files);
        }}
        onInput={() => {
          resize();
          mentions.onInput();
          if (error()) setError(null);
          if (input.value.trim()) props.onTyping?.();
        }}
      />
      {mentions.view()}
      <EmojiButton onPick={insert} />
      <button class="send-button" type="submit" aria-label={t("conversation.send")}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3.4 20.4 21 12 3.4 3.6l-.01 6.53L15 12 3.39 13.87z" fill="currentColor" />
        </svg>
      </button>
      <CharacterCounter length={length()} max={props.maxBody} />
      <Show when={error()}>
        <p class="composer-error" id="composer-error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
