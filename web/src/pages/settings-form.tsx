// A settings form's life: busy while sending, the server's refusal shown at its fields (the
// first of them focused) or as one sentence, and a note once done. One place for what
// every settings section did alike (profile, password).
import { createSignal, type JSX, Show } from "solid-js";
import type { FieldErrors } from "../../../src/shared/errors.ts";
import { type ApiFailure, toFailure } from "../api/client.ts";
import { failureText } from "../i18n/failures.ts";
import { useI18n } from "../stores/context.tsx";

/** How a section words a refusal itself; null leaves it to the fields or `failureText`. */
type WordFailure = (failure: ApiFailure) => { fields: FieldErrors } | { error: string } | null;

export function createSettingsForm() {
  const { t } = useI18n();
  const [busy, setBusy] = createSignal(false);
  const [fields, setFields] = createSignal<FieldErrors>({});
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);

  /** A submit handler: `send` makes the call with the form's values; it is done when it returns. */
  const submitWith =
    (send: (values: FormData, form: HTMLFormElement) => Promise<void>, word?: WordFailure) =>
    async (event: SubmitEvent) => {
      event.preventDefault();
      const form = event.currentTarget as HTMLFormElement;
      setBusy(true);
      setError(null);
      setFields({});
      setDone(false);
      try {
        await send(new FormData(form), form);
        setDone(true);
      } catch (caught) {
        const failure = toFailure(caught);
        const worded = word?.(failure) ?? (failure.fields ? { fields: failure.fields } : null);
        if (worded && "fields" in worded) setFields(worded.fields);
        else setError(worded?.error ?? failureText(t, failure));
        // After the render that marks the fields: the first one in error takes the focus.
        queueMicrotask(() => form.querySelector<HTMLInputElement>("[aria-invalid='true']")?.focus());
      } finally {
        setBusy(false);
      }
    };

  return { busy, fields, error, done, submitWith };
}

/** Under a settings form: its refusal (an alert) or, once done, what happened (a status). */
export function FormOutcome(props: { error: string | null; done: boolean; doneText: string }): JSX.Element {
  return (
    <>
      <Show when={props.error}>
        <p class="form-error" role="alert">
          {props.error}
        </p>
      </Show>
      <Show when={props.done}>
        <p class="notice" role="status">
          {props.doneText}
        </p>
      </Show>
    </>
  );
}

/** A form's text value, "" when absent. */
export const formText = (values: FormData, name: string) => String(values.get(name) ?? "");
