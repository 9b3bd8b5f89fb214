// A discreet line while the socket is not connected. Hidden when all is well, and for the
// first second of the first connection so a normal start shows nothing. While waiting to
// reconnect (the wait grows to 15 s), "Try now" reconnects at once.
import { createSignal, type JSX, onCleanup, Show } from "solid-js";
import type { ConnectionState } from "../../../packages/parley-client/src/connection.ts";
import { useI18n } from "../stores/context.tsx";

export function ConnectionBanner(props: {
  state: ConnectionState;
  browserOnline: boolean;
  onRetry: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const [patient, setPatient] = createSignal(false);
  const timer = setTimeout(() => setPatient(true), 1000);
  onCleanup(() => clearTimeout(timer));
  const text = () => {
    if (!props.browserOnline) return t("connection.offline");
    if (props.state === "reconnecting") return t("connection.reconnecting");
    if (props.state === "connecting" && patient()) return t("connection.connecting");
    return null;
  };
  return (
    <div class="connection" role="status" aria-live="polite">
      <Show when={text()}>
        {(message) => (
          <span class="connection-pill" classList={{ offline: !props.browserOnline }}>
            <span class="spinner" aria-hidden="true" />
            {message()}
            <Show when={props.browserOnline && props.state === "reconnecting"}>
              <button type="button" class="connection-retry" onClick={() => props.onRetry()}>
                {t("connection.retryNow")}
              </button>
            </Show>
          </span>
        )}
      </Show>
    </div>
  );
}
