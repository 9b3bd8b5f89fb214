// Administration: find people, deactivate or reactivate them, read the activity log.
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, type JSX, on, onMount, Show } from "solid-js";
import type { ActivityKind } from "../../../src/db/activity.ts";
import type { ActivityEntry, AdminUser } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { Avatar } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";
import { ResetLinkButton } from "../components/ResetLinkButton.tsx";
import { failureText } from "../i18n/failures.ts";
import { formatDate } from "../i18n/format.ts";
import { debounce } from "../lib/dom.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const KINDS = [
  "signup",
  "login",
  "login_failed",
  "login_throttled",
  "login_deactivated",
  "signup_throttled",
  "logout",
  "send_throttled",
  "admin_set_active",
  "admin_set_admin",
  "admin_created",
] as const satisfies readonly ActivityKind[];

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
  const users = createPagedList<AdminUser>((cursor) =>
    api.trpc.admin.listUsers.query({
      limit: 20,
      ...(search() ? { search: search() } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  const searchSoon = debounce(() => void users.reset(), 250);
  onMount(() => void users.more());

  const setActive = async (user: AdminUser, active: boolean) => {
    setProblem(null);
    try {
      const updated = await api.trpc.admin.setActive.mutate({ userId: user.id, active });
      users.update((u) => u.id === user.id, { ...user, ...updated, isActive: active });
      props.onChange();
    } catch (error) {
      setProblem(failureText(t, toFailure(error)));
    }
  };

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
      <Show when={problem()}>
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
                  {displayName(user)}
                  <Show when={user.isAdmin}>
                    <span class="tag">{t("admin.adminTag")}</span>
                  </Show>
                  <Show when={!user.isActive}>
                    <span class="tag danger">{t("admin.deactivatedTag")}</span>
                  </Show>
                </span>
                <span class="muted">
                  @{user.username} · {user.email}
                </span>
              </span>
              <Show when={user.id !== chat.me()}>
                <button
                  class="button subtle"
                  classList={{ danger: user.isActive }}
                  type="button"
                  onClick={() => void setActive(user, !user.isActive)}
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
    </section>
  );
}

function ActivitySection(props: { changes: number }): JSX.Element {
  const { api } = useApp();
  const { t, intlLocale } = useI18n();
  const kindLabel = (kind: string) => t("admin.kinds")[kind] ?? kind.replaceAll("_", " ");
  const [kind, setKind] = createSignal("");
  const log = createPagedList<ActivityEntry>(async (before) => {
    const page = await api.trpc.admin.activity.query({
      limit: 25,
      ...(kind() ? { kind: kind() } : {}),
      ...(before ? { before } : {}),
    });
    return page;
  });
  createEffect(
    on(
      () => props.changes,
      () => void log.reset(),
    ),
  );

  const describe = (entry: ActivityEntry) => {
    const detail = entry.detail ?? {};
    const parts = Object.entries(detail).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    return parts.join(", ");
  };

  return (
    <section class="admin-section" aria-labelledby="admin-activity-title">
      <div class="section-head">
        <h2 id="admin-activity-title">{t("admin.activity")}</h2>
        <label class="inline-label">
          {t("admin.kind")}
          <select
            onChange={(event) => {
              setKind(event.currentTarget.value);
              void log.reset();
            }}
          >
            <option value="">{t("admin.all")}</option>
            <For each={KINDS}>{(k) => <option value={k}>{kindLabel(k)}</option>}</For>
          </select>
        </label>
      </div>
      {/* Focusable so that a keyboard can scroll the table sideways on a narrow screen. */}
      <section class="table-wrap" aria-label={t("admin.activityTable")} tabindex="0">
        <table class="activity">
          <thead>
            <tr>
              <th scope="col">{t("admin.when")}</th>
              <th scope="col">{t("admin.what")}</th>
              <th scope="col">{t("admin.user")}</th>
              <th scope="col">{t("admin.details")}</th>
              <th scope="col">{t("admin.ip")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={log.items()}>
              {(entry) => (
                <tr>
                  <td>
                    <time datetime={entry.at}>
                      {formatDate(intlLocale(), new Date(entry.at), { dateStyle: "medium", timeStyle: "medium" })}
                    </time>
                  </td>
                  <td>
                    <span class="tag" classList={{ danger: /failed|throttled/.test(entry.kind) }}>
                      {kindLabel(entry.kind)}
                    </span>
                  </td>
                  <td>{entry.userId ?? "—"}</td>
                  <td class="detail">{describe(entry)}</td>
                  <td>{entry.ip ?? "—"}</td>
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
        <Show when={log.done() && log.items().length === 0}>
          <p class="muted">{t("admin.nothing")}</p>
        </Show>
      </div>
    </section>
  );
}
