// Settings → Notifications: desktop notifications for every message, mentions only, or
// none (kept on the server, so it follows the person), the browser's permission, and the
// sidebar prompt back if it was dismissed.
import { createSignal, For, type JSX, Show } from "solid-js";
import type { DesktopNotifications } from "../../../src/shared/api.ts";
import { useChat, useI18n } from "../stores/context.tsx";

export function NotificationSettingsSection(): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const notifications = chat.notifications;
  const [status, setStatus] = createSignal<"saved" | "failed" | null>(null);
  const choices: { value: DesktopNotifications; label: () => string }[] = [
    { value: "all", label: () => t("notify.desktopAll") },
    { value: "mentions", label: () => t("notify.desktopMentions") },
    { value: "off", label: () => t("notify.desktopOff") },
  ];
  const save = async (change: Parameters<typeof notifications.save>[0]) => {
    setStatus(null);
    setStatus((await notifications.save(change)) ? "saved" : "failed");
  };
  return (
    <section class="settings-section" aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t("notify.settingsTitle")}</h2>
      <p class="muted">{t("notify.settingsText")}</p>
      <fieldset class="choice-group" disabled={notifications.settings() === null}>
        <legend>{t("notify.desktopLegend")}</legend>
        <For each={choices}>
          {(choice) => (
            <label class="choice">
              <input
                type="radio"
                name="desktop-notifications"
                value={choice.value}
                checked={notifications.settings()?.desktop === choice.value}
                onChange={() => void save({ desktop: choice.value })}
              />
              {choice.label()}
            </label>
          )}
        </For>
      </fieldset>
      <Show when={notifications.settings()?.desktop !== "off"}>
        <Show when={notifications.permission() === "default"}>
          <button class="button" type="button" onClick={() => void notifications.request()}>
            {t("notify.permissionAsk")}
          </button>
        </Show>
        <Show when={notifications.permission() === "granted"}>
          <p class="muted">{t("notify.permissionGranted")}</p>
        </Show>
        <Show when={notifications.permission() === "denied"}>
          <p class="muted">{t("notify.permissionDenied")}</p>
        </Show>
      </Show>
      <Show when={notifications.settings()?.promptDismissed}>
        <button class="link-button" type="button" onClick={() => void save({ promptDismissed: false })}>
          {t("notify.promptAgain")}
        </button>
      </Show>
      <p class="muted settings-status" role="status">
        {status() === "saved" ? t("notify.saved") : status() === "failed" ? t("notify.saveFailed") : ""}
      </p>
    </section>
  );
}
