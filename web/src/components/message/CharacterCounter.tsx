// Characters left, shown only near the limit (the last tenth), and below zero when over:
// the send is refused then, so the person sees why before pressing Enter.
import { type JSX, Show } from "solid-js";
import { useI18n } from "../../stores/context.tsx";

export function CharacterCounter(props: { length: number; max: number }): JSX.Element {
  const { t } = useI18n();
  const left = () => props.max - props.length;
  return (
    <Show when={left() <= Math.max(50, Math.floor(props.max / 10))}>
      <p class="char-counter" classList={{ over: left() < 0 }} aria-live="polite">
        {t("message.charactersLeft", left())}
      </p>
    </Show>
  );
}
