// Browse, search, create and join rooms.
import { A, useNavigate } from "@solidjs/router";
import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import type { RoomSummary } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { Avatar } from "../components/Avatar.tsx";
import { Icon } from "../components/Icon.tsx";
import { failureText } from "../i18n/failures.ts";
import { debounce, infiniteScroll } from "../lib/dom.ts";
import { shortWhen } from "../lib/grouping.ts";
import { createPagedList } from "../lib/paged.ts";
import { useApp, useChat, useI18n } from "../stores/context.tsx";

export function RoomsPage(): JSX.Element {
  const { api } = useApp();
  const chat = useChat();
  const { t, intlLocale } = useI18n();
  const navigate = useNavigate();
  const [search, setSearch] = createSignal("");
  const [createError, setCreateError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let scroller!: HTMLDivElement;
  let sentinel!: HTMLDivElement;

  const rooms = createPagedList<RoomSummary>((cursor) =>
    api.trpc.rooms.list.query({ limit: 30, ...(search() ? { search: search() } : {}), ...(cursor ? { cursor } : {}) }),
  );
  let pump: () => Promise<void> = async () => {};
  const searchSoon = debounce(() => void rooms.reset().then(() => pump()), 250);

  onMount(() => {
    pump = infiniteScroll(sentinel, scroller, rooms.more, () => !rooms.done() && !rooms.failed());
    void rooms.more().then(() => pump());
  });

  const create = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "");
    setBusy(true);
    setCreateError(null);
    try {
      const room = await api.trpc.rooms.create.mutate({ name, private: data.get("private") === "on" });
      chat.conversations.upsert(room);
      form.reset();
      navigate(`/c/${room.id}`);
    } catch (error) {
      const failure = toFailure(error);
      setCreateError(failure.fields?.name ?? failureText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  const join = async (room: RoomSummary) => {
    if (!room.joined) {
      try {
        const conversation = await api.trpc.rooms.join.mutate({ id: room.id });
        chat.conversations.upsert(conversation);
      } catch (error) {
        window.alert(failureText(t, toFailure(error)));
        return;
      }
    }
    navigate(`/c/${room.id}`);
  };

  return (
    <section class="page" aria-labelledby="rooms-title">
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label={t("conversation.back")}>
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="rooms-title">{t("rooms.title")}</h1>
          <p class="pane-sub">{t("rooms.subtitle")}</p>
        </div>
      </header>
      <div class="page-body" ref={scroller}>
        <form class="create-room" onSubmit={create} noValidate>
          <label for="room-name">{t("rooms.newRoom")}</label>
          <div class="inline-form">
            <input
              id="room-name"
              name="name"
              placeholder={t("rooms.namePlaceholder")}
              maxLength={64}
              autocomplete="off"
              aria-invalid={createError() ? "true" : undefined}
              aria-describedby={createError() ? "room-name-error" : undefined}
            />
            <button class="button primary" type="submit" disabled={busy()}>
              <Icon name="plus" size={18} /> {t("rooms.create")}
            </button>
          </div>
          <label class="check">
            <input type="checkbox" name="private" /> {t("room.privateRoom")}
          </label>
          <Show when={createError()}>
            <p class="field-error" id="room-name-error" role="alert">
              {createError()}
            </p>
          </Show>
        </form>
        <div class="search-box">
          <label class="sr-only" for="rooms-search">
            {t("rooms.search")}
          </label>
          <input
            id="rooms-search"
            type="search"
            placeholder={t("rooms.search")}
            autocomplete="off"
            onInput={(event) => {
              setSearch(event.currentTarget.value.trim());
              searchSoon();
            }}
          />
        </div>
        <ul class="card-list" aria-label={t("rooms.list")}>
          <For each={rooms.items()}>
            {(room) => (
              <li class="room-row">
                <Avatar id={room.id} name={room.name} room />
                <span class="person-text">
                  <span class="person-name">
                    <bdi>{room.name}</bdi>
                    <Show when={room.private}>
                      {" "}
                      <span class="tag">{t("room.private")}</span>
                    </Show>
                  </span>
                  <span class="muted">
                    {t("rooms.members", room.memberCount)} ·{" "}
                    {t("rooms.active", shortWhen(room.lastActivityAt, new Date(), intlLocale()))}
                  </span>
                </span>
                <button
                  class="button"
                  classList={{ primary: !room.joined }}
                  type="button"
                  onClick={() => void join(room)}
                  aria-label={room.joined ? t("rooms.openRoom", room.name) : t("rooms.joinRoom", room.name)}
                >
                  {room.joined ? t("rooms.open") : t("rooms.join")}
                </button>
              </li>
            )}
          </For>
        </ul>
        <div ref={sentinel} class="list-status">
          <Show when={rooms.loading()}>
            <p class="muted">{t("app.loadingShort")}</p>
          </Show>
          <Show when={rooms.failed()}>
            <p class="muted">{t("rooms.failed")}</p>
          </Show>
          <Show when={rooms.done() && rooms.items().length === 0}>
            <p class="muted">{search() ? t("rooms.noMatch", search()) : t("rooms.empty")}</p>
          </Show>
        </div>
      </div>
    </section>
  );
}
