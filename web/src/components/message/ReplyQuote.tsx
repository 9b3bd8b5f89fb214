// The message a reply answers, compact: its author and first line (or that it was
// deleted). A click opens the conversation at it, loading older pages when needed.
import { useNavigate } from "@solidjs/router";
import type { JSX } from "solid-js";
import type { ReplyTo } from "../../../../src/shared/api.ts";
import { useI18n } from "../../stores/context.tsx";
import { PlainMessageText } from "./PlainMessageText.tsx";

export function ReplyQuote(props: { conversationId: number; replyTo: ReplyTo; author: string }): JSX.Element {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <button
      type="button"
      class="reply-quote"
      aria-label={t("message.replyToLabel", props.author)}
      onClick={() => navigate(`/c/${props.conversationId}/m/${props.replyTo.id}`)}
    >
      <span class="reply-author">{props.author}</span>
      <span class="reply-excerpt" classList={{ deleted: props.replyTo.deleted }}>
        {props.replyTo.deleted ? t("message.deleted") : <PlainMessageText text={props.replyTo.excerpt} />}
      </span>
    </button>
  );
}
