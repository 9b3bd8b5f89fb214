// Above the message box while a reply is being written: whom and what it answers, and a
// button (or Esc) to drop the reply and send a plain message instead.
import { type JSX, Show } from "solid-js";
import { useI18n } from "../../stores/context.tsx";
import type { MessageUi } from "./message-ui.ts";
import { PlainMessageText } from "./PlainMessageText.tsx";

export function ReplyBar(props: { ui: MessageUi; nameOf: (userId: number) => string }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show when={props.ui.replyingTo()}>
      {(parent) => (
        <div class="reply-bar" role="status">
          <div class="reply-bar-text">
            <span class="reply-author">{t("message.replyingTo", props.nameOf(parent().senderId))}</span>
            <span class="reply-excerpt">
              <PlainMessageText text={parent().body.split("\n")[0] ?? ""} />
            </span>
          </div>
          <button
            class="icon-button"
            type="button"
            aria-label={t("message.cancelReply")}
            title={t("message.cancelReply")}
            onClick={() => {
              props.ui.setReplyingTo(null);
              document.getElementById("composer-input")?.focus();
            }}
          >
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
              <path
                fill="currentColor"
                d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z"
              />
            </svg>
          </button>
        </div>
      )}
    </Show>
  );
}
