// What the login and signup forms share: busy, the error summary and per-field errors,
// and one submit path that sends the form, goes to the app on success and hands a
// failure to the page, which knows how to word it.
import { useNavigate } from "@solidjs/router";
import { createSignal } from "solid-js";
import type { FieldErrors } from "../../../src/shared/errors.ts";
import type { ApiFailure } from "../api/client.ts";

export function createAuthForm() {
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fields, setFields] = createSignal<FieldErrors>({});

  /** A submit handler: `attempt` sends the form's values; `onFailure` words a refusal. */
  const submitWith =
    (
      /** null: done, to the app; "stay": done, the page says what next; else a refusal. */
      attempt: (form: FormData) => Promise<ApiFailure | "stay" | null>,
      onFailure: (failure: ApiFailure, formElement: HTMLFormElement) => void,
    ) =>
    async (event: SubmitEvent) => {
      event.preventDefault();
      const formElement = event.currentTarget as HTMLFormElement;
      setBusy(true);
      setError(null);
      const failure = await attempt(new FormData(formElement));
      setBusy(false);
      if (failure === "stay") return;
      if (failure) onFailure(failure, formElement);
      else navigate("/", { replace: true });
    };

  return { busy, error, setError, fields, setFields, submitWith };
}
