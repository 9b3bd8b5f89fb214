// /c/:id — an open conversation (direct or room); /c/:id/m/:messageId — the same, opened
// at one of its messages (a search hit, a message link) — and /dm/:userId — the first
// message to someone with whom there is no conversation yet.
import { useNavigate, useParams } from "@solidjs/router";
import { createResource, type JSX, Show } from "solid-js";
import { BlockButton } from "../components/BlockButton.tsx";
import { ConversationView } from "../components/ConversationView.tsx";
import { MuteButton } from "../components/MuteButton.tsx";
import { RoomActions } from "../components/room/RoomActions.tsx";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { conversationTitle } from "../stores/conversations.ts";
import { displayName } from "../stores/people.ts";

export function ConversationPage(): JSX.Element {
  const params = useParams<{ id: string; messageId?: string }>();
  const chat = useChat();
  const { t } = useI18n();
  const id = () => Number(params.id);
  const conversation = () => chat.conversations.get(id());

  return (
    <Show
      when={conversation()}
      keyed
      fallback={
        <div class="placeholder">
          <p class="muted">{chat.conversations.state.loaded ? t("conversation.missing") : t("app.loadingShort")}</p>
        </div>
      }
    >
      {(found) => (
        <ConversationView
          conversationId={found.id}
          focusMessageId={params.messageId ? Number(params.messageId) : undefined}
          target={{ conversationId: found.id }}
          title={conversationTitle(found, t)}
          kind={found.kind}
          peer={found.peer}
          actions={
            <>
              <MuteButton conversation={found} />
              {found.kind === "room" ? (
                <RoomActions conversation={found} />
              ) : found.peer ? (
                <BlockButton peer={found.peer} />
              ) : undefined}
            </>
          }
        />
      )}
    </Show>
  );
}

export function DirectPage(): JSX.Element {
  const params = useParams<{ userId: string }>();
  const chat = useChat();
  const { api } = useApp();
  const { t } = useI18n();
  const navigate = useNavigate();
  const userId = () => Number(params.userId);
  const peerName = () => {
    const peer = chat.people.get(userId());
    return peer ? displayName(peer) : t("conversation.someone");
  };

  // An existing conversation (maybe not in the list yet) opens as itself.
  const [existing] = createResource(userId, async (peerId) => {
    const known = chat.conversations.directWith(peerId);
    if (known) return known.id;
    const page = await api.trpc.history.messages.query({ peerId, limit: 1 });
    return page.items[0]?.conversationId ?? 0;
  });

  const openConversation = async (conversationId: number) => {
    if (!chat.conversations.get(conversationId)) await chat.conversations.refresh();
    navigate(`/c/${conversationId}`, { replace: true });
  };

  return (
    <Show when={existing.state === "ready" || existing.state === "errored"} fallback={<div class="placeholder" />}>
      <Show when={!existing.error && existing() === 0} fallback={<Redirect to={existing()} go={openConversation} />}>
        <ConversationView
          conversationId={-userId()}
          target={{ userId: userId() }}
          title={peerName()}
          kind="direct"
          peer={chat.people.get(userId())}
          onFirstMessage={(message) => void openConversation(message.conversationId)}
        />
      </Show>
    </Show>
  );
}

function Redirect(props: { to: number | undefined; go: (id: number) => void }): JSX.Element {
  const { t } = useI18n();
  if (props.to) props.go(props.to);
  return (
    <div class="placeholder">
      <p class="muted">{props.to ? t("conversation.opening") : t("conversation.unreachablePerson")}</p>
    </div>
  );
}

export function HomePage(): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="placeholder home">
      <div class="placeholder-card">
        <h1>{t("conversation.pickTitle")}</h1>
        <p class="muted">{t("conversation.pickText")}</p>
      </div>
    </div>
  );
}
