// A room's members and its settings, in a modal dialog opened from the room header: who
// is in (presence, role), inviting by username, and what the reader's role lets them do
// (moderators: remove members, rename, set the topic; the owner: moderators, handing the
// room over, archiving). The server decides; the buttons only follow its rules.
import { createEffect, createMemo, createResource, createSignal, For, type JSX, on, Show } from "solid-js";
import type { Conversation, RoomMember } from "../../../../src/shared/api.ts";
import { toFailure } from "../../api/client.ts";
import { failureText } from "../../i18n/failures.ts";
import { useApp, useChat, useI18n } from "../../stores/context.tsx";
import { displayName } from "../../stores/people.ts";
import { changesMembers } from "../../stores/room-events.ts";
import { Avatar } from "../Avatar.tsx";
import { useDialogEscape } from "../dialog-escape.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";

const RANK = { member: 0, moderator: 1, owner: 2 } as const;

type Pending = { kind: "remove" | "owner"; member: RoomMember } | { kind: "archive" } | null;

export function MembersPanel(props: { conversation: Conversation; open: boolean; onClose: () => void }): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const { t } = useI18n();
  let dialog!: HTMLDialogElement;
  const id = () => props.conversation.id;
  const room = () => props.conversation.room;
  const role = () => room()?.role ?? "member";
  const rank = () => RANK[role()];
  const archived = () => room()?.archived ?? false;
  const mayInvite = () => !archived() && (!room()?.private || rank() >= RANK.moderator);

  // The newest system line that changes who is in or what they may do: the list reloads.
  const lastMembersLine = () => {
    const items = chat.threads.thread(id()).items;
    for (let i = items.length - 1; i >= 0; i -= 1) {
      const event = items[i]?.event;
      if (event && changesMembers(event)) return items[i]?.id ?? 0;
    }
    return 0;
  };
  const [members, { refetch }] = createResource(
    () => (props.open ? id() : null),
    async (roomId) => {
      const list = await api.trpc.rooms.members.query({ id: roomId });
      chat.people.remember(list.map((m) => m.user));
      return list;
    },
  );
  createEffect(on(lastMembersLine, () => props.open && void refetch(), { defer: true }));

  useDialogEscape(
    () => props.open,
    () => props.onClose(),
  );
  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });

  const [error, setError] = createSignal<string | null>(null);
  const [note, setNote] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [pending, setPending] = createSignal<Pending>(null);

  /** Runs a change; the answer of the server (or its refusal) is what the panel shows. */
  const act = async (change: () => Promise<unknown>, fields?: (f: Record<string, string>) => string | undefined) => {
    // The buttons stay enabled while a change runs (a disabled button loses the focus
    // to the page's body); a second press meanwhile does nothing.
    if (busy()) return false;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      await change();
      void refetch();
      return true;
    } catch (failed) {
      const failure = toFailure(failed);
      setError((failure.fields && fields?.(failure.fields)) ?? failureText(t, failure));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const online = (member: RoomMember) => chat.people.get(member.user.id)?.online ?? member.user.online;
  const isMe = (member: RoomMember) => member.user.id === chat.me();

  const invite = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const username = String(new FormData(form).get("username") ?? "").trim();
    if (!username) return;
    let added: RoomMember | undefined;
    const ok = await act(
      async () => {
        added = await api.trpc.rooms.invite.mutate({ id: id(), username });
      },
      (f) => f.username,
    );
    if (ok && added) {
      form.reset();
      setNote(t("room.invitedNote", displayName(added.user)));
    }
  };

  const rename = async (event: SubmitEvent) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name") ?? "");
    await act(
      () => api.trpc.rooms.rename.mutate({ id: id(), name }),
      (f) => f.name,
    );
  };

  const setTopic = async (event: SubmitEvent) => {
    event.preventDefault();
    const topic = String(new FormData(event.currentTarget as HTMLFormElement).get("topic") ?? "");
    await act(
      () => api.trpc.rooms.setTopic.mutate({ id: id(), topic }),
      (f) => f.topic,
    );
  };

  const confirm = async () => {
    const what = pending();
    if (!what) return;
    const ok = await act(() => {
      if (what.kind === "remove") return api.trpc.rooms.remove.mutate({ id: id(), userId: what.member.user.id });
      if (what.kind === "owner") return api.trpc.rooms.transfer.mutate({ id: id(), userId: what.member.user.id });
      return api.trpc.rooms.setArchived.mutate({ id: id(), archived: true });
    });
    if (ok) setPending(null);
  };

  const pendingText = () => {
    const what = pending();
    if (!what) return { title: "", text: "", confirm: "" };
    if (what.kind === "remove") {
      return {
        title: t("room.confirmRemoveTitle"),
        text: t("room.confirmRemove", displayName(what.member.user), props.conversation.name ?? ""),
        confirm: t("room.remove"),
      };
    }
    if (what.kind === "owner") {
      return {
        title: t("room.confirmOwnerTitle"),
        text: t("room.confirmOwner", displayName(what.member.user)),
        confirm: t("room.makeOwner"),
      };
    }
    return { title: t("room.confirmArchiveTitle"), text: t("room.confirmArchive"), confirm: t("room.archive") };
  };

  const memberIds = () => (members() ?? []).map((member) => member.user.id);
  const memberById = createMemo(() => new Map((members() ?? []).map((member) => [member.user.id, member])));

  /** One member: who, their role, and what the reader may do (the props stay live). */
  const MemberRow = (row: { member: RoomMember }) => (
    <li class="member-row">
      <Avatar
        id={row.member.user.id}
        name={displayName(row.member.user)}
        online={online(row.member)}
        size="sm"
        src={chat.people.get(row.member.user.id)?.avatar ?? row.member.user.avatar}
      />
      <span class="person-text">
        <span class="person-name">
          <bdi>{displayName(row.member.user)}</bdi>
          <Show when={isMe(row.member)}> ({t("room.you")})</Show>
        </span>
        <span class="muted">
          <bdi>@{row.member.user.username}</bdi>
        </span>
      </span>
      <Show when={row.member.role !== "member"}>
        <span class="tag" classList={{ owner: row.member.role === "owner" }}>
          {t("room.roles")[row.member.role]}
        </span>
      </Show>
      <Show when={!isMe(row.member) && !archived() && rank() > RANK[row.member.role]}>
        <fieldset class="member-actions">
          <legend class="sr-only">{t("room.actionsFor", displayName(row.member.user))}</legend>
          <Show when={role() === "owner"}>
            <button
              class="button subtle"
              type="button"
              onClick={() =>
                void act(() =>
                  api.trpc.rooms.setRole.mutate({
                    id: id(),
                    userId: row.member.user.id,
                    role: row.member.role === "moderator" ? "member" : "moderator",
                  }),
                )
              }
            >
              {row.member.role === "moderator" ? t("room.unmakeModerator") : t("room.makeModerator")}
            </button>
            <button
              class="button subtle"
              type="button"
              onClick={() => setPending({ kind: "owner", member: row.member })}
            >
              {t("room.makeOwner")}
            </button>
          </Show>
          <button
            class="button subtle danger"
            type="button"
            onClick={() => setPending({ kind: "remove", member: row.member })}
          >
            {t("room.remove")}
          </button>
        </fieldset>
      </Show>
    </li>
  );

  return (
    <dialog
      class="dialog members-panel"
      ref={dialog}
      aria-labelledby="members-title"
      onClose={() => {
        if (props.open) props.onClose();
      }}
    >
      <header class="dialog-head">
        <h2 id="members-title">{t("room.membersOf", props.conversation.name ?? "")}</h2>
        <button class="button subtle" type="button" onClick={() => props.onClose()}>
          {t("room.close")}
        </button>
      </header>

      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
      <p class="sr-only" role="status">
        {note() ?? ""}
      </p>
      <Show when={note()}>
        <p class="muted" aria-hidden="true">
          {note()}
        </p>
      </Show>

      <Show when={mayInvite()}>
        <form class="panel-form" onSubmit={invite}>
          <label for="invite-username">{t("room.inviteLabel")}</label>
          <div class="inline-form">
            <input
              id="invite-username"
              name="username"
              autocomplete="off"
              placeholder={t("room.invitePlaceholder")}
              maxLength={64}
            />
            <button class="button primary" type="submit">
              {t("room.invite")}
            </button>
          </div>
        </form>
      </Show>

      <ul class="member-list" aria-label={t("room.members")}>
        {/* Keyed by person, not by the answer's objects: the reload after "Make moderator"
            keeps each row, and the focus on the button just pressed. */}
        <For each={memberIds()}>
          {(userId) => <Show when={memberById().get(userId)}>{(member) => <MemberRow member={member()} />}</Show>}
        </For>
      </ul>

      <Show when={rank() >= RANK.moderator}>
        <section class="panel-settings" aria-labelledby="room-settings-title">
          <h3 id="room-settings-title">{t("room.settings")}</h3>
          <Show when={!archived()}>
            <form class="panel-form" onSubmit={rename}>
              <label for="room-rename">{t("room.name")}</label>
              <div class="inline-form">
                <input id="room-rename" name="name" value={props.conversation.name ?? ""} maxLength={64} />
                <button class="button" type="submit">
                  {t("room.rename")}
                </button>
              </div>
            </form>
            <form class="panel-form" onSubmit={setTopic}>
              <label for="room-topic">{t("room.topic")}</label>
              <div class="inline-form">
                <input
                  id="room-topic"
                  name="topic"
                  value={room()?.topic ?? ""}
                  maxLength={250}
                  placeholder={t("room.topicPlaceholder")}
                />
                <button class="button" type="submit">
                  {t("room.saveTopic")}
                </button>
              </div>
            </form>
          </Show>
          <Show when={role() === "owner"}>
            <Show
              when={archived()}
              fallback={
                <button class="button danger" type="button" onClick={() => setPending({ kind: "archive" })}>
                  {t("room.archive")}
                </button>
              }
            >
              <button
                class="button"
                type="button"
                disabled={busy()}
                onClick={() => void act(() => api.trpc.rooms.setArchived.mutate({ id: id(), archived: false }))}
              >
                {t("room.unarchive")}
              </button>
            </Show>
          </Show>
        </section>
      </Show>

      <ConfirmDialog
        open={pending() !== null}
        title={pendingText().title}
        text={pendingText().text}
        confirmLabel={pendingText().confirm}
        cancelLabel={t("room.cancel")}
        danger={pending()?.kind !== "owner"}
        busy={busy()}
        error={error()}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setPending(null);
          setError(null);
        }}
      />
    </dialog>
  );
}
