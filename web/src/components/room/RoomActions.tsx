// The room header's buttons: the member list (with the room's settings) and Leave, which
// asks first (a private room needs a new invitation to come back).
import { useNavigate } from "@solidjs/router";
import { createSignal, type JSX, lazy, Show } from "solid-js";
import type { Conversation } from "../../../../src/shared/api.ts";
import { toFailure } from "../../api/client.ts";
import { failureText } from "../../i18n/failures.ts";
import { useApp, useChat, useI18n } from "../../stores/context.tsx";
import { Icon } from "../Icon.tsx";
import { ConfirmDialog } from "./ConfirmDialog.tsx";

// Loaded when first opened: most visits to a room never open the member list, and the
// start-up JavaScript has a budget (tests/web/bundle-size.test.ts).
const MembersPanel = lazy(() => import("./MembersPanel.tsx").then((module) => ({ default: module.MembersPanel })));

export function RoomActions(props: { conversation: Conversation }): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [membersOpen, setMembersOpen] = createSignal(false);
  const [membersWanted, setMembersWanted] = createSignal(false);
  const [leaving, setLeaving] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const name = () => props.conversation.name ?? "";

  const leave = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.trpc.rooms.leave.mutate({ id: props.conversation.id });
      setLeaving(false);
      chat.conversations.remove(props.conversation.id);
      navigate("/", { replace: true });
    } catch (failed) {
      setError(failureText(t, toFailure(failed)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="room-actions">
      <button
        class="button subtle"
        type="button"
        aria-haspopup="dialog"
        onClick={() => {
          setMembersWanted(true);
          setMembersOpen(true);
        }}
      >
        <Icon name="people" size={18} />
        {/* The name read out ("Show members 2") contains the count shown (WCAG 2.5.3). */}
        <span class="sr-only">{t("room.showMembers")} </span>
        <span>{props.conversation.room?.memberCount ?? ""}</span>
      </button>
      <button
        class="button subtle"
        type="button"
        aria-haspopup="dialog"
        title={t("conversation.leaveRoom")}
        onClick={() => setLeaving(true)}
      >
        <Icon name="logout" size={18} />
        {/* Read out everywhere; shown only where the header has room for it beside the name. */}
        <span class="header-label">{t("conversation.leaveRoom")}</span>
      </button>
      <Show when={membersWanted()}>
        <MembersPanel conversation={props.conversation} open={membersOpen()} onClose={() => setMembersOpen(false)} />
      </Show>
      <ConfirmDialog
        open={leaving()}
        title={t("room.confirmLeaveTitle")}
        text={props.conversation.room?.private ? t("room.confirmLeavePrivate", name()) : t("room.confirmLeave", name())}
        confirmLabel={t("room.leave")}
        cancelLabel={t("room.cancel")}
        danger
        busy={busy()}
        error={error()}
        onConfirm={() => void leave()}
        onCancel={() => {
          setLeaving(false);
          setError(null);
        }}
      />
    </div>
  );
}
