// One message's content in its row: the quote of what it answers, the formatted body (or
// the editor, or "This message was deleted"), "(edited)", its reactions and its actions.
import { createSignal, type JSX, onCleanup, Show } from "solid-js";
import type { Message } from "../../../../src/shared/api.ts";
import { toFailure } from "../../api/client.ts";
import { failureText } from "../../i18n/failures.ts";
import { fullWhen } from "../../lib/grouping.ts";
import { mentionsAsNames, mentionTargets, namesAsMentions } from "../../lib/mentions.ts";
import { useApp, useChat, useI18n } from "../../stores/context.tsx";
import { Attachments } from "./Attachments.tsx";
import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { MessageActions } from "./MessageActions.tsx";
import { MessageBody } from "./MessageBody.tsx";
import { MessageEditor } from "./MessageEditor.tsx";
import { LONG_PRESS_MS, type MessageUi, messageLink } from "./message-ui.ts";
import { useMentionName } from "./PlainMessageText.tsx";
import { ReactionChips } from "./ReactionChips.tsx";
import { ReplyQuote } from "./ReplyQuote.tsx";

export function MessageItem(props: {
  message: Message;
  mine: boolean;
  kind: "direct" | "room";
  ui: MessageUi;
  /** A sender's name as the conversation shows it ("You" for the reader). */
  nameOf: (userId: number) => string;
  /** The row was pointed at or focused: its actions are built (and stay). */
  engaged: boolean;
}): JSX.Element {
  const chat = useChat();
  const { session } = useApp();
  const { t, intlLocale } = useI18n();
  const mentionName = useMentionName();
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const deleted = () => props.message.deletedAt !== null;
  const editing = () => props.ui.editing() === props.message.id;
  const canEdit = () => props.mine && !deleted();
  // Moderators of a room may delete others' messages; until rooms have roles, admins do.
  const canDelete = () => !deleted() && (props.mine || (props.kind === "room" && session.user()?.isAdmin === true));

  /** Runs a change; its answer is upserted at once (the frame may come before or after). */
  const change = async (call: () => Promise<Message>): Promise<string | null> => {
    try {
      chat.threads.changed(await call());
      setError(null);
      return null;
    } catch (failure) {
      const text = failureText(t, toFailure(failure));
      setError(text);
      return text;
    }
  };
  const { api } = useApp();
  const react = (emoji: string, on: boolean) =>
    void change(() => api.trpc.history.react.mutate({ id: props.message.id, emoji, on }));

  // A long press on a phone opens the actions (a click elsewhere closes them).
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  const cancelPress = () => clearTimeout(pressTimer);
  onCleanup(cancelPress);

  return (
    <>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a long press is a phone's way to the actions that keyboard and mouse reach through the toolbar */}
      <div
        class="bubble-wrap"
        onPointerDown={(event) => {
          if (event.pointerType !== "touch") return;
          cancelPress();
          pressTimer = setTimeout(() => props.ui.setActionsOpen(props.message.id), LONG_PRESS_MS);
        }}
        onPointerUp={cancelPress}
        onPointerMove={cancelPress}
        onPointerCancel={cancelPress}
        onContextMenu={(event) => {
          // The phone's own menu would cover ours.
          if (props.ui.actionsOpen() === props.message.id) event.preventDefault();
        }}
      >
        <Show
          when={editing()}
          fallback={
            <div
              class="bubble"
              classList={{ deleted: deleted() }}
              title={fullWhen(props.message.createdAt, intlLocale())}
            >
              <Show when={props.message.replyTo}>
                {(replyTo) => (
                  <ReplyQuote
                    conversationId={props.message.conversationId}
                    replyTo={replyTo()}
                    author={props.nameOf(replyTo().senderId)}
                  />
                )}
              </Show>
              <Show when={!deleted()} fallback={<p class="deleted-text">{t("message.deleted")}</p>}>
                <Show when={props.message.body !== ""}>
                  <MessageBody body={props.message.body} />
                </Show>
                <Show when={props.message.attachments.length > 0}>
                  <Attachments attachments={props.message.attachments} />
                </Show>
              </Show>
              <Show when={!deleted() && props.message.editedAt}>
                {(editedAt) => (
                  <span class="edited" title={t("message.editedAt", fullWhen(editedAt(), intlLocale()))}>
                    {t("message.edited")}
                  </span>
                )}
              </Show>
            </div>
          }
        >
          <MessageEditor
            initial={mentionsAsNames(props.message.body, mentionName)}
            onCancel={() => props.ui.setEditing(null)}
            onSave={async (text) => {
              const body = namesAsMentions(text, mentionTargets(props.message.body, mentionName));
              const problem = await change(() => api.trpc.history.edit.mutate({ id: props.message.id, body }));
              if (!problem) {
                props.ui.setEditing(null);
                document.getElementById("composer-input")?.focus();
              }
              return problem;
            }}
          />
        </Show>
        <Show when={!deleted() && !editing() && (props.engaged || props.ui.actionsOpen() === props.message.id)}>
          <MessageActions
            message={props.message}
            open={props.ui.actionsOpen() === props.message.id}
            canEdit={canEdit()}
            canDelete={canDelete()}
            onReact={react}
            onReply={() => {
              props.ui.setReplyingTo(props.message);
              props.ui.setActionsOpen(null);
              document.getElementById("composer-input")?.focus();
            }}
            onEdit={() => {
              props.ui.setActionsOpen(null);
              props.ui.setEditing(props.message.id);
            }}
            onDelete={() => setConfirming(true)}
            onCopyText={() => navigator.clipboard.writeText(mentionsAsNames(props.message.body, mentionName))}
            onCopyLink={() => navigator.clipboard.writeText(messageLink(props.message))}
          />
        </Show>
      </div>
      <Show when={!deleted()}>
        <ReactionChips reactions={props.message.reactions} nameOf={props.nameOf} onToggle={react} />
      </Show>
      <Show when={error()}>
        <p class="message-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={confirming()}>
        <ConfirmDialog
          title={t("message.deleteTitle")}
          text={t("message.deleteText")}
          confirm={t("message.delete")}
          cancel={t("message.cancel")}
          onClose={() => setConfirming(false)}
          onConfirm={() => void change(() => api.trpc.history.delete.mutate({ id: props.message.id }))}
        />
      </Show>
    </>
  );
}
