// A room event in the conversation ("Ada renamed the room"): a small centred line, not a
// bubble. Names are looked up by id, so they follow a person's later renames.
import { createEffect, type JSX } from "solid-js";
import type { Message, RoomEvent } from "../../../../src/shared/api.ts";
import { fullWhen, timeLabel } from "../../lib/grouping.ts";
import { useApp, useChat, useI18n } from "../../stores/context.tsx";
import { displayName } from "../../stores/people.ts";
import { roomEventText } from "./event-text.ts";

export function SystemLine(props: { message: Message & { event: RoomEvent } }): JSX.Element {
  const chat = useChat();
  const { session } = useApp();
  const { t, intlLocale } = useI18n();
  createEffect(() => {
    const event = props.message.event;
    chat.people.ensure([props.message.senderId, ...("userId" in event ? [event.userId] : [])]);
  });
  const nameOf = (id: number) => {
    const me = session.user();
    const person = me?.id === id ? me : chat.people.get(id);
    return person ? displayName(person) : t("conversation.someone");
  };
  return (
    <div class="system-line" title={fullWhen(props.message.createdAt, intlLocale())}>
      <span>
        <bdi>{roomEventText(t, props.message.event, nameOf(props.message.senderId), nameOf)}</bdi>
        <time datetime={props.message.createdAt}> · {timeLabel(props.message.createdAt, intlLocale())}</time>
      </span>
    </div>
  );
}
