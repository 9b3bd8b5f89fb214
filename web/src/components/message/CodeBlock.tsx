// A code block with a button that copies its text (what a reader of a snippet wants first).
import { createSignal, type JSX, onCleanup } from "solid-js";
import { useI18n } from "../../stores/context.tsx";

const COPIED_SHOWN_MS = 2000;

export function CodeBlock(props: { text: string; lang: string }): JSX.Element {
  const { t } = useI18n();
  const [copied, setCopied] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      return; // No clipboard (an insecure origin, or refused): the text can still be selected.
    }
    setCopied(true);
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(false), COPIED_SHOWN_MS);
  };
  return (
    <div class="code-block">
      {/* Focusable: a long line scrolls sideways, by keyboard too. */}
      <pre dir="ltr" tabindex="0">
        <code>{props.text}</code>
      </pre>
      <button class="code-copy" type="button" onClick={() => void copy()} aria-live="polite">
        {copied() ? t("message.copied") : t("message.copyCode")}
      </button>
    </div>
  );
}
