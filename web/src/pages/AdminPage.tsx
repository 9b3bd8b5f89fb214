// Administration: find people, make or remove admins, deactivate or reactivate them (each
// after a confirmation; switching an account off or on takes a reason), hand out a password
// reset link, and read the activity log as sentences, filtered by kind and by person.
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, type JSX, on, onMount, Show } from "solid-js";
import type { ActivityEntry, AdminUser } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { Avatar } from "../components/Avatar.tsx";
import { ACTIVITY_KINDS, activityText } from "../components/admin/activity-text.ts";
import { Icon } from "../components/Icon.tsx";
import { ResetLinkButton } from "../components/ResetLinkButton.tsx";
import { ConfirmDialog } from "../components/room/ConfirmDialog.tsx";
import { failureText } from "../i18n/failures.ts";
import { formatDate } from "../i18n/format.ts";
import { debounce } from "../lib/dom.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const REASON_MAX = 500;

type Pending = { kind: "deactivate" | "reactivate" | "makeAdmin" | "removeAdmin"; user: AdminUser } | null;

export function AdminPage(): JSX.Element {
  const { session } = useApp();
  const { t } = useI18n();
  // Bumped after each admin action, so the activity log shows it.
  const [changes, setChanges] = createSignal(0);
  return (
    <section class="page" aria-labelledby="admin-title">
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label={t("conversation.back")}>
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="admin-title">{t("admin.title")}</h1>
          <p class="pane-sub">{t("admin.subtitle")}</p>
        </div>
      </header>
      <Show
        when={session.user()?.isAdmin}
        fallback={
          <div class="placeholder">
            <p class="muted">{t("admin.onlyAdmins")}</p>
          </div>
        }
      >
        <div class="page-body admin">
          <UsersSection onChange={() => setChanges((n) => n + 1)} />
          <ActivitySection changes={changes()} />
        </div>
      </Show>
    </section>
  );
}

function UsersSection(props: { onChange: () => void }): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const { t } = useI18n();
  const [search, setSearch] = createSignal("");
  const [problem, setProblem] = createSignal<string | null>(null);
  const [pending, setPending] = createSignal<Pending>(null);
  const [reason, setReason] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const users = createPagedList<AdminUser>((cursor) =>
    api.trpc.admin.listUsers.query({
      limit: 20,
      ...(search() ? { search: search() } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  const searchSoon = debounce(() => void users.reset(), 250);
  onMount(() => void users.more());

  const ask = (kind: NonNullable<Pending>["kind"], user: AdminUser) => {
    setProblem(null);
    setReason("");
    setPending({ kind, user });
  };

  /** Runs the confirmed change; the row shows the server's answer, the log its entry. */
  const confirm = async () => {
    const what = pending();
    if (!what || busy()) return;
    setBusy(true);
    setProblem(null);
    try {
      const { user } = what;
      const updated =
        what.kind === "deactivate" || what.kind === "reactivate"
          ? await api.trpc.admin.setActive.mutate({
              userId: user.id,
              active: what.kind === "reactivate",
              reason: reason().trim(),
            })
          : await api.trpc.admin.setAdmin.mutate({ userId: user.id, admin: what.kind === "makeAdmin" });
      users.update((u) => u.id === user.id, { ...user, ...updated });
      setPending(null);
      props.onChange();
    } catch (error) {
      setProblem(failureText(t, toFailure(error)));
    } finally {
      setBusy(false);
    }
  };

  const dialogText = () => {
    const what = pending();
    if (!what) return { title: "", text: "", confirm: "" };
    const name = displayName(what.user);
    switch (what.kind) {
      case "deactivate":
        return {
          title: t("admin.confirmDeactivateTitle"),
          text: t("admin.confirmDeactivate", name),
          confirm: t("admin.deactivate"),
        };
      case "reactivate":
        return {
          title: t("admin.confirmReactivateTitle"),
          text: t("admin.confirmReactivate", name),
          confirm: t("admin.reactivate"),
        };
      case "makeAdmin":
        return {
          title: t("admin.confirmMakeAdminTitle"),
          text: t("admin.confirmMakeAdmin", name),
          confirm: t("admin.makeAdmin"),
        };
      default:
        return {
          title: t("admin.confirmRemoveAdminTitle"),
          text: t("admin.confirmRemoveAdmin", name),
          confirm: t("admin.removeAdmin"),
        };
    }
  };
  const needsReason = () => pending()?.kind === "deactivate" || pending()?.kind === "reactivate";

  return (
    <section class="admin-section" aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">{t("admin.people")}</h2>
      <div class="search-box">
        <label class="sr-only" for="admin-search">
          {t("admin.search")}
        </label>
        <input
          id="admin-search"
          type="search"
          placeholder={t("admin.searchPlaceholder")}
          autocomplete="off"
          onInput={(event) => {
            setSearch(event.currentTarget.value.trim());
            searchSoon();
          }}
        />
      </div>
      <Show when={problem() && !pending()}>
        <p class="form-error" role="alert">
          {problem()}
        </p>
      </Show>
      <ul class="card-list" aria-label={t("admin.users")}>
        <For each={users.items()}>
          {(user) => (
            <li class="admin-user" classList={{ inactive: !user.isActive }}>
              <Avatar id={user.id} name={displayName(user)} online={user.online} src={user.avatar} />
              <span class="person-text">
                <span class="person-name">
                  <bdi>{displayName(user)}</bdi>
                  <Show when={user.isAdmin}>
                    <span class="tag">{t("admin.adminTag")}</span>
                  </Show>
                  <Show when={!user.isActive}>
                    <span class="tag danger">{t("admin.deactivatedTag")}</span>
                  </Show>
                </span>
                <span class="muted">
                  <bdi>@{user.username}</bdi> · <bdi>{user.email}</bdi>
                </span>
              </span>
              <Show when={user.id !== chat.me()}>
                <Show when={user.isActive}>
                  <button
                    class="button subtle"
                    type="button"
                    aria-haspopup="dialog"
                    aria-label={
                      user.isAdmin ? t("admin.removeAdminUser", user.username) : t("admin.makeAdminUser", user.username)
                    }
                    onClick={() => ask(user.isAdmin ? "removeAdmin" : "makeAdmin", user)}
                  >
                    {user.isAdmin ? t("admin.removeAdmin") : t("admin.makeAdmin")}
                  </button>
                </Show>
                <button
                  class="button subtle"
                  classList={{ danger: user.isActive }}
                  type="button"
                  aria-haspopup="dialog"
                  onClick={() => ask(user.isActive ? "deactivate" : "reactivate", user)}
                  aria-label={
                    user.isActive ? t("admin.deactivateUser", user.username) : t("admin.reactivateUser", user.username)
                  }
                >
                  {user.isActive ? t("admin.deactivate") : t("admin.reactivate")}
                </button>
              </Show>
              <Show when={user.isActive}>
                <ResetLinkButton user={user} onCreated={props.onChange} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <div class="list-status">
        <Show when={users.loading()}>
          <p class="muted">{t("app.loadingShort")}</p>
        </Show>
        <Show when={!users.done() && !users.loading()}>
          <button class="button" type="button" onClick={() => void users.more()}>
            {t("admin.morePeople")}
          </button>
        </Show>
        <Show when={users.done() && users.items().length === 0}>
          <p class="muted">{t("admin.noMatch")}</p>
        </Show>
      </div>

      <ConfirmDialog
        open={pending() !== null}
        title={dialogText().title}
        text={dialogText().text}
        confirmLabel={dialogText().confirm}
        cancelLabel={t("admin.cancel")}
        danger={pending()?.kind === "deactivate" || pending()?.kind === "removeAdmin"}
        busy={busy()}
        error={problem()}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setPending(null);
          setProblem(null);
        }}
      >
        <Show when={needsReason()}>
          <div class="reason-field">
            <label for="admin-reason">{t("admin.reason")}</label>
            <textarea
              id="admin-reason"
              name="reason"
              rows={3}
              required
              maxLength={REASON_MAX}
              autofocus
              aria-describedby="admin-reason-hint"
              value={reason()}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
            <p id="admin-reason-hint" class="hint">
              {t("admin.reasonHint")}
            </p>
          </div>
        </Show>
      </ConfirmDialog>
    </section>
  );
}

function ActivitySection(props: { changes: number }): JSX.Element {
  const { api } = useApp();
  const { t, intlLocale } = useI18n();
  const kindLabel = (kind: string) => t("admin.kinds")[kind] ?? kind.replaceAll("_", " ");
  const [kind, setKind] = createSignal("");
  // The person filter: a username, looked up among the accounts; null: nobody chosen.
  const [personId, setPersonId] = createSignal<number | null>(null);
  const [personMissing, setPersonMissing] = createSignal(false);
  const log = createPagedList<ActivityEntry>((before) =>
    api.trpc.admin.activity.query({
      limit: 25,
      ...(kind() ? { kind: kind() } : {}),
      ...(personId() !== null ? { personId: personId() as number } : {}),
      ...(before ? { before } : {}),
    }),
  );
  createEffect(
    on(
      () => props.changes,
      () => void log.reset(),
    ),
  );

  let lookup = 0;
  const findPerson = debounce((username: string) => void lookUp(username), 300);
  const lookUp = async (username: string) => {
    const mine = ++lookup;
    if (!username) {
      setPersonMissing(false);
      setPersonId(null);
      void log.reset();
      return;
    }
    const page = await api.trpc.admin.listUsers.query({ search: username, limit: 20 }).catch(() => null);
    if (mine !== lookup) return;
    const match = page?.items.find((user) => user.username.toLowerCase() === username.toLowerCase());
    setPersonMissing(!match);
    if (match) {
      setPersonId(match.id);
      void log.reset();
    }
  };

  const filtered = () => kind() !== "" || personId() !== null;

  return (
    <section class="admin-section" aria-labelledby="admin-activity-title">
      <div class="section-head">
        <h2 id="admin-activity-title">{t("admin.activity")}</h2>
        <div class="activity-filters">
          <label class="inline-label">
            {t("admin.kind")}
            <select
              onChange={(event) => {
                setKind(event.currentTarget.value);
                void log.reset();
              }}
            >
              <option value="">{t("admin.all")}</option>
              <For each={ACTIVITY_KINDS}>{(k) => <option value={k}>{kindLabel(k)}</option>}</For>
            </select>
          </label>
          <label class="inline-label">
            {t("admin.person")}
            <input
              type="search"
              autocomplete="off"
              placeholder={t("admin.personPlaceholder")}
              maxLength={64}
              aria-invalid={personMissing()}
              aria-describedby="activity-person-problem"
              onInput={(event) => findPerson(event.currentTarget.value.trim().replace(/^@/, ""))}
            />
          </label>
        </div>
      </div>
      <p id="activity-person-problem" class="form-error" role="status">
        {personMissing() ? t("admin.noSuchPerson") : ""}
      </p>
      {/* Focusable so that a keyboard can scroll the table sideways on a narrow screen. */}
      <section class="table-wrap" aria-label={t("admin.activityTable")} tabindex="0">
        <table class="activity">
          <thead>
            <tr>
              <th scope="col">{t("admin.when")}</th>
              <th scope="col">{t("admin.who")}</th>
              <th scope="col">{t("admin.what")}</th>
              <th scope="col">{t("admin.ip")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={personMissing() ? [] : log.items()}>
              {(entry) => (
                <tr>
                  <td>
                    <time datetime={entry.at}>
                      {formatDate(intlLocale(), new Date(entry.at), { dateStyle: "medium", timeStyle: "short" })}
                    </time>
                  </td>
                  <td>
                    <Show when={entry.user} fallback={<span class="muted">—</span>}>
                      {(user) => (
                        <span class="who">
                          <bdi class="person-name">{displayName(user())}</bdi>
                          <bdi class="muted">@{user().username}</bdi>
                        </span>
                      )}
                    </Show>
                  </td>
                  <td class="what" classList={{ warning: /failed|throttled|deactivated/.test(entry.kind) }}>
                    {activityText(t, entry)}
                  </td>
                  <td class="ip">{entry.ip ?? "—"}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <div class="list-status">
        <Show when={log.loading()}>
          <p class="muted">{t("app.loadingShort")}</p>
        </Show>
        <Show when={!log.done() && !log.loading()}>
          <button class="button" type="button" onClick={() => void log.more()}>
            {t("admin.olderActivity")}
          </button>
        </Show>
        <Show when={log.done() && log.items().length === 0 && !personMissing()}>
          <p class="muted">{filtered() ? t("admin.nothingFiltered") : t("admin.nothing")}</p>
        </Show>
      </div>
    </section>
  );
}
