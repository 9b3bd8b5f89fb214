// A labelled form field with its error message tied to it (aria-invalid, aria-describedby).
import { type JSX, Show, splitProps } from "solid-js";

export function Field(
  props: {
    label: string;
    name: string;
    error?: string | undefined;
    hint?: string;
  } & JSX.InputHTMLAttributes<HTMLInputElement>,
): JSX.Element {
  const [own, input] = splitProps(props, ["label", "name", "error", "hint"]);
  const id = () => `field-${own.name}`;
  const described = () =>
    [own.error ? `${id()}-error` : null, own.hint ? `${id()}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field" classList={{ invalid: Boolean(own.error) }}>
      <label for={id()}>{own.label}</label>
      <input
        {...input}
        id={id()}
        name={own.name}
        aria-invalid={own.error ? "true" : undefined}
        aria-describedby={described()}
      />
      <Show when={own.hint && !own.error}>
        <p class="hint" id={`${id()}-hint`}>
          {own.hint}
        </p>
      </Show>
      <Show when={own.error}>
        <p class="field-error" id={`${id()}-error`}>
          {own.error}
        </p>
      </Show>
    </div>
  );
}
