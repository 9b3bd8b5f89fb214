// The message box: Enter sends, Shift+Enter adds a line; grows with its text. An emoji
// button beside it, and a count of the characters left once the text nears the limit.
import { createSignal, type JSX, Show } from "solid-js";
import { useI18n } from "../stores/context.tsx";
import { CharacterCounter } from "./message/CharacterCounter.tsx";
import { EmojiButton } from "./message/EmojiButton.tsx";

export function Composer(props: {
  label: string;
  placeholder: string;
  onSend: (body: string) => Promise<string | null> | string | null;
  onTyping?: () => void;
  ref?: (element: HTMLTextAreaElement) => void;
  /** The server's limit on a body (its `ready` frame). */
  maxBody: number;
}): JSX.Element {
  const { t } = useI18n();
  const [error, setError] = createSignal<string | null>(null);
  const [length, setLength] = createSignal(0);
  let input!: HTMLTextAreaElement;

  const resize = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
    setLength(input.value.length);
  };

  const insert = (text: string) => {
    input.focus();
    input.setRangeText(text, input.selectionStart, input.selectionEnd, "end");
    resize();
  };

  const submit = async () => {
    const body = input.value;
    if (body.trim() === "") return;
    input.value = "";
    resize();
    const problem = await props.onSend(body);
    setError(problem);
    if (problem) {
      input.value = body;
      resize();
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
      <label class="sr-only" for="composer-input">
        {props.label}
      </label>
      <textarea
        id="composer-input"
        ref={(element) => {
          input = element;
          props.ref?.(element);
        }}
        rows={1}
        placeholder={props.placeholder}
        aria-describedby={error() ? "composer-error" : undefined}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void submit();
          }
        }}
        onInput={() => {
          resize();
          if (error()) setError(null);
          if (input.value.trim()) props.onTyping?.();
        }}
      />
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
