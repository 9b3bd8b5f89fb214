// A body as one line of plain text (previews, quotes): mentions as @names, shortcodes as
// emoji, the Markdown's text without its markers, inside an isolate. Until the parser's
// chunk is there (a moment, on the very first load), the text as typed with @names.
import { type JSX, Show } from "solid-js";
import type { Message } from "../../../../src/shared/api.ts";
import { plainLine } from "../../lib/markdown-loader.ts";
import { useChat, useI18n } from "../../stores/context.tsx";
import { displayName } from "../../stores/people.ts";

export function PlainMessageText(props: { text: string }): JSX.Element {
  const nameOf = useMentionName();
  return <bdi>{plainLine(props.text, nameOf)}</bdi>;
}

/** A conversation's last message in the list: its start as plain text, or that it was deleted. */
export function MessagePreview(props: { message: Message }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show when={props.message.deletedAt === null} fallback={<em>{t("message.deleted")}</em>}>
      <PlainMessageText text={props.message.body.slice(0, 140)} />
    </Show>
  );
}

/** The name a mention shows: the person's current name, "room", or "unknown". */
export function useMentionName(): (userId: number | "room") => string {
  const chat = useChat();
  const { t } = useI18n();
  return (userId) => {
    if (userId === "room") return t("message.mentionRoom");
    const person = chat.people.get(userId);
    if (!person) chat.people.ensure([userId]);
    return person ? displayName(person) : t("message.mentionUnknown");
  };
}
