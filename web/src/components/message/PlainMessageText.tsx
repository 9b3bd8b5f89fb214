// A body as one line of plain text (previews, quotes, notifications): mentions as @names,
// the rest as typed, inside an isolate.
import type { JSX } from "solid-js";
import { mentionsAsNames } from "../../lib/mentions.ts";
import { useChat, useI18n } from "../../stores/context.tsx";
import { displayName } from "../../stores/people.ts";

export function PlainMessageText(props: { text: string }): JSX.Element {
  const nameOf = useMentionName();
  return <bdi>{mentionsAsNames(props.text, nameOf)}</bdi>;
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
