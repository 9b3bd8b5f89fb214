// Editing a message in place: the text in a box where the bubble was; Enter saves,
// Shift+Enter adds a line, Esc cancels (and nothing else closes).
import { createSignal, type JSX, onMount, Show } from "solid-js";
import { useI18n } from "../../stores/context.tsx";

export function MessageEditor(props: {
  initial: string;
  /** Resolves with an error to show, or null when saved. */
  onSave: (body: string) => Promise<string | null>;
  onCancel: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  let input!: HTMLTextAreaElement;

  const resize = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
  };
  onMount(() => {
    input.value = props.initial;
    resize();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  });

  const save = async () => {
    const body = input.value;
    if (body === props.initial) return props.onCancel();
    if (body.trim() === "" || saving()) return;
    setSaving(true);
    const problem = await props.onSave(body);
    setSaving(false);
    setError(problem);
  };

  return (
    <div class="message-editor">
      <textarea
        ref={input}
        aria-label={t("message.editLabel")}
        aria-describedby="message-editor-hint"
        onInput={() => {
          resize();
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            props.onCancel();
          } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void save();
          }
        }}
      />
      <p class="editor-hint" id="message-editor-hint">
        {t("message.editHint")}
      </p>
      <Show when={error()}>
        <p class="composer-error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
