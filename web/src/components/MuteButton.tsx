// The conversation header's bell: mutes the conversation for this person (no unread count
// and no notification, except mentions), or unmutes it. A toggle button (aria-pressed).
import { createSignal, type JSX } from "solid-js";
import type { Conversation } from "../../../src/shared/api.ts";
import { useChat, useI18n } from "../stores/context.tsx";
import { conversationTitle } from "../stores/conversations.ts";
import { Icon } from "./Icon.tsx";

export function MuteButton(props: { conversation: Conversation }): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const [busy, setBusy] = createSignal(false);
  const muted = () => props.conversation.muted;
  const name = () => conversationTitle(props.conversation, t);
  return (
    <button
      class="icon-button"
      type="button"
      aria-pressed={muted()}
      aria-label={t("notify.muteLabel", name())}
      title={muted() ? `${t("notify.unmute")} · ${t("notify.muteHint")}` : t("notify.mute")}
      disabled={busy()}
      onClick={async () => {
        setBusy(true);
        await chat.conversations.setMuted(props.conversation.id, !muted()).catch(() => {});
        setBusy(false);
      }}
    >
      <Icon name={muted() ? "bellOff" : "bell"} />
    </button>
  );
}
