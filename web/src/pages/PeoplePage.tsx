// Find people by name or username; the list pages as it scrolls. Opening someone starts
// (or reopens) the direct conversation with them.
import { A, useNavigate } from "@solidjs/router";
import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import type { UserSummary } from "../../../src/shared/api.ts";
import { Avatar } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";
import { debounce, infiniteScroll } from "../lib/dom.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const PAGE_SIZE = 30;

export function PeoplePage(): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const { t } = useI18n();
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
        <A class="icon-button back" href="/" aria-label={t("conversation.back")}>
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="people-title">{t("people.title")}</h1>
          <p class="pane-sub">{t("people.subtitle")}</p>
        </div>
      </header>
      <div class="page-body" ref={scroller}>
        <div class="search-box">
          <label class="sr-only" for="people-search">
            {t("people.search")}
          </label>
          <input
            id="people-search"
            type="search"
            placeholder={t("people.searchPlaceholder")}
            autocomplete="off"
            onInput={(event) => {
              setSearch(event.currentTarget.value.trim());
              searchSoon();
            }}
          />
        </div>
        <ul class="card-list" aria-label={t("people.list")}>
          <For each={people.items().filter((p) => p.id !== chat.me())}>
            {(person) => {
              const live = () => chat.people.get(person.id) ?? person;
              return (
                <li>
                  <button class="person-row" type="button" onClick={() => open(person)}>
                    <Avatar id={person.id} name={displayName(person)} online={live().online} src={live().avatar} />
                    <span class="person-text">
                      <bdi class="person-name">{displayName(person)}</bdi>
                      <span class="muted">@{person.username}</span>
                    </span>
                    <span class="row-action">{t("people.messageAction")}</span>
                  </button>
                </li>
              );
            }}
          </For>
        </ul>
        <div ref={sentinel} class="list-status">
          <Show when={people.loading()}>
            <p class="muted">{t("app.loadingShort")}</p>
          </Show>
          <Show when={people.failed()}>
            <p class="muted">
              {t("people.failed")}{" "}
              <button class="link-button" type="button" onClick={() => void people.more()}>
                {t("app.tryAgain")}
              </button>
            </p>
          </Show>
          <Show when={people.done() && people.items().filter((p) => p.id !== chat.me()).length === 0}>
            <p class="muted">{search() ? t("people.noMatch", search()) : t("people.empty")}</p>
          </Show>
        </div>
      </div>
    </section>
  );
}
