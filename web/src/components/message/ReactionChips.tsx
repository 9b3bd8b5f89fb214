// A message's reactions: one chip per emoji with its count, pressed when the reader is
// among those who reacted (a click toggles it), the names on hover and in the label.
import { For, type JSX, Show } from "solid-js";
import type { Reaction } from "../../../../src/shared/api.ts";
import { formatList } from "../../i18n/format.ts";
import { useChat, useI18n } from "../../stores/context.tsx";

export function ReactionChips(props: {
  reactions: readonly Reaction[];
  nameOf: (userId: number) => string;
  onToggle: (emoji: string, on: boolean) => void;
}): JSX.Element {
  const chat = useChat();
  const { t, intlLocale } = useI18n();
  return (
    <Show when={props.reactions.length > 0}>
      <div class="reactions">
        <For each={props.reactions}>
          {(reaction) => {
            const mine = () => reaction.userIds.includes(chat.me());
            const names = () => formatList(intlLocale(), reaction.userIds.map(props.nameOf));
            return (
              <button
                type="button"
                class="reaction"
                classList={{ mine: mine() }}
                aria-pressed={mine()}
                aria-label={t("message.reactionLabel", reaction.emoji, reaction.userIds.length, names())}
                title={t("message.reactedBy", names(), reaction.emoji)}
                onClick={() => props.onToggle(reaction.emoji, !mine())}
              >
                <span aria-hidden="true">{reaction.emoji}</span>
                <span class="reaction-count" aria-hidden="true">
                  {reaction.userIds.length}
                </span>
              </button>
            );
          }}
        </For>
      </div>
    </Show>
  );
}
