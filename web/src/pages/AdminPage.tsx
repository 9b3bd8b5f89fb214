// Administration: find people, deactivate or reactivate them, read the activity log.
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, type JSX, on, onMount, Show } from "solid-js";
import type { ActivityKind } from "../../../src/db/activity.ts";
import type { ActivityEntry, AdminUser } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { Avatar } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";
import { debounce } from "../lib/dom.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const KINDS = [
  "signup",
  "login",
  "login_failed",
  "login_throttled",
  "logout",
  "send_throttled",
  "admin_set_active",
  "admin_set_admin",
  "admin_created",
] as const satisfies readonly ActivityKind[];

const kindLabel = (kind: string) => kind.replaceAll("_", " ");

export function AdminPage(): JSX.Element {
  const { session } = useApp();
  // Bumped after each admin action, so the activity log shows it.
  const [changes, setChanges] = createSignal(0);
  return (
    <section class="page" aria-labelledby="admin-title">
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label="Back to conversations">
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="admin-title">Administration</h1>
          <p class="pane-sub">People and activity</p>
        </div>
      </header>
      <Show
        when={session.user()?.isAdmin}
        fallback={
          <div class="placeholder">
            <p class="muted">This page is for administrators.</p>
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
      setProblem(toFailure(error).message);
    }
  };

  return (
    <section class="admin-section" aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">People</h2>
      <div class="search-box">
        <label class="sr-only" for="admin-search">
          Search users
        </label>
        <input
          id="admin-search"
          type="search"
          placeholder="Search by username or email"
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
      <ul class="card-list" aria-label="Users">
        <For each={users.items()}>
          {(user) => (
            <li class="admin-user" classList={{ inactive: !user.isActive }}>
              <Avatar id={user.id} name={displayName(user)} online={user.online} />
              <span class="person-text">
                <span class="person-name">
                  {displayName(user)}
                  <Show when={user.isAdmin}>
                    <span class="tag">admin</span>
                  </Show>
                  <Show when={!user.isActive}>
                    <span class="tag danger">deactivated</span>
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
                  aria-label={`${user.isActive ? "Deactivate" : "Reactivate"} ${user.username}`}
                >
                  {user.isActive ? "Deactivate" : "Reactivate"}
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <div class="list-status">
        <Show when={users.loading()}>
          <p class="muted">Loading…</p>
        </Show>
        <Show when={!users.done() && !users.loading()}>
          <button class="button" type="button" onClick={() => void users.more()}>
            Load more people
          </button>
        </Show>
        <Show when={users.done() && users.items().length === 0}>
          <p class="muted">No one matches.</p>
        </Show>
      </div>
    </section>
  );
}

function ActivitySection(props: { changes: number }): JSX.Element {
  const { api } = useApp();
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
        <h2 id="admin-activity-title">Activity</h2>
        <label class="inline-label">
          Kind
          <select
            onChange={(event) => {
              setKind(event.currentTarget.value);
              void log.reset();
            }}
          >
            <option value="">All</option>
            <For each={KINDS}>{(k) => <option value={k}>{kindLabel(k)}</option>}</For>
          </select>
        </label>
      </div>
      <div class="table-wrap">
        <table class="activity">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">User</th>
              <th scope="col">Details</th>
              <th scope="col">IP</th>
            </tr>
          </thead>
          <tbody>
            <For each={log.items()}>
              {(entry) => (
                <tr>
                  <td>
                    <time datetime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
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
      </div>
      <div class="list-status">
        <Show when={log.loading()}>
          <p class="muted">Loading…</p>
        </Show>
        <Show when={!log.done() && !log.loading()}>
          <button class="button" type="button" onClick={() => void log.more()}>
            Load older activity
          </button>
        </Show>
        <Show when={log.done() && log.items().length === 0}>
          <p class="muted">Nothing recorded yet.</p>
        </Show>
      </div>
    </section>
  );
}
