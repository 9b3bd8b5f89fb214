// Find people by name or username; the list pages as it scrolls. Opening someone starts
// (or reopens) the direct conversation with them.
import { A, useNavigate } from "@solidjs/router";
import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import type { UserSummary } from "../../../src/shared/api.ts";
import { Avatar } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";
import { debounce, infiniteScroll } from "../lib/dom.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const PAGE_SIZE = 30;

export function PeoplePage(): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const navigate = useNavigate();
  const [search, setSearch] = createSignal("");
  let scroller!: HTMLDivElement;
  let sentinel!: HTMLDivElement;

  const people = createPagedList<UserSummary>(async (cursor) => {
    const page = await api.trpc.users.list.query({
      limit: PAGE_SIZE,
      ...(search() ? { search: search() } : {}),
      ...(cursor ? { cursor } : {}),
    });
    chat.people.remember(page.items);
    return page;
  });
  let pump: () => Promise<void> = async () => {};
  const searchSoon = debounce(() => void people.reset().then(() => pump()), 250);

  onMount(() => {
    pump = infiniteScroll(sentinel, scroller, people.more, () => !people.done() && !people.failed());
    void people.more().then(() => pump());
  });

  const open = (person: UserSummary) => {
    const existing = chat.conversations.directWith(person.id);
    navigate(existing ? `/c/${existing.id}` : `/dm/${person.id}`);
  };

  return (
    <section class="page" aria-labelledby="people-title">
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label="Back to conversations">
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="people-title">People</h1>
          <p class="pane-sub">Find someone to talk to</p>
        </div>
      </header>
      <div class="page-body" ref={scroller}>
        <div class="search-box">
          <label class="sr-only" for="people-search">
            Search people
          </label>
          <input
            id="people-search"
            type="search"
            placeholder="Search by name or username"
            autocomplete="off"
            onInput={(event) => {
              setSearch(event.currentTarget.value.trim());
              searchSoon();
            }}
          />
        </div>
        <ul class="card-list" aria-label="People">
          <For each={people.items().filter((p) => p.id !== chat.me())}>
            {(person) => {
              const live = () => chat.people.get(person.id) ?? person;
              return (
                <li>
                  <button
                    class="person-row"
                    type="button"
                    onClick={() => open(person)}
                    aria-label={`Message ${displayName(person)} (@${person.username})`}
                  >
                    <Avatar id={person.id} name={displayName(person)} online={live().online} />
                    <span class="person-text">
                      <span class="person-name">{displayName(person)}</span>
                      <span class="muted">@{person.username}</span>
                    </span>
                    <span class="row-action" aria-hidden="true">
                      Message
                    </span>
                  </button>
                </li>
              );
            }}
          </For>
        </ul>
        <div ref={sentinel} class="list-status">
          <Show when={people.loading()}>
            <p class="muted">Loading…</p>
          </Show>
          <Show when={people.failed()}>
            <p class="muted">
              Could not load people.{" "}
              <button class="link-button" type="button" onClick={() => void people.more()}>
                Try again
              </button>
            </p>
          </Show>
          <Show when={people.done() && people.items().filter((p) => p.id !== chat.me()).length === 0}>
            <p class="muted">{search() ? `No one matches “${search()}”.` : "No one else is here yet."}</p>
          </Show>
        </div>
      </div>
    </section>
  );
}
