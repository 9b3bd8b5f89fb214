// Under a room's name: private or archived, how many members, and the topic.
import { type JSX, Show } from "solid-js";
import type { Conversation } from "../../../../src/shared/api.ts";
import { useI18n } from "../../stores/context.tsx";

export function RoomHeaderSub(props: { conversation: Conversation | undefined }): JSX.Element {
  const { t } = useI18n();
  const room = () => props.conversation?.room;
  return (
    <p class="pane-sub room-sub" title={room()?.topic ?? undefined}>
      <Show when={room()?.private}>
        <span class="tag">{t("room.private")}</span>{" "}
      </Show>
      <Show when={room()?.archived}>
        <span class="tag">{t("room.archived")}</span>{" "}
      </Show>
      <Show when={room()}>{(known) => `${t("rooms.members", known().memberCount)} · `}</Show>
      <Show when={room()?.topic} fallback={t("conversation.noTopic")}>
        <bdi class="room-topic">{room()?.topic}</bdi>
      </Show>
    </p>
  );
}
