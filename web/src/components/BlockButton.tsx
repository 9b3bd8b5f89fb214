// The direct conversation header's Block / Unblock. Blocking asks first (a modal dialog
// whose Cancel has the focus); unblocking does not: it takes nothing away.
import { createSignal, type JSX, Show } from "solid-js";
import type { UserSummary } from "../../../src/shared/api.ts";
import { useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";
import { Icon } from "./Icon.tsx";
import { ConfirmDialog } from "./message/ConfirmDialog.tsx";

export function BlockButton(props: { peer: UserSummary }): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const [asking, setAsking] = createSignal(false);
  const blocked = () => chat.blocks.has(props.peer.id);
  const name = () => displayName(props.peer);
  return (
    <>
      <Show
        when={blocked()}
        fallback={
          <button
            class="button"
            type="button"
            aria-label={t("blocks.blockPerson", name())}
            title={t("blocks.blockPerson", name())}
            onClick={() => setAsking(true)}
          >
            <Icon name="block" size={18} />
            <span class="header-label">{t("blocks.block")}</span>
          </button>
        }
      >
        <button
          class="button"
          type="button"
          aria-label={t("blocks.unblockPerson", name())}
          onClick={() => void chat.blocks.unblock(props.peer.id)}
        >
          {t("blocks.unblock")}
        </button>
      </Show>
      <Show when={asking()}>
        <ConfirmDialog
          title={t("blocks.blockPerson", name())}
          text={t("blocks.confirm", name())}
          confirm={t("blocks.block")}
          cancel={t("message.cancel")}
          onClose={() => setAsking(false)}
          onConfirm={() => void chat.blocks.block(props.peer)}
        />
      </Show>
    </>
  );
}
