// The search dialog (opened by SearchBox.tsx, Ctrl+K / ⌘K or the sidebar's button, and
// loaded then): one box that is both the quick switcher (jump to a conversation or a
// person by name) and message search (search.messages, with filters and more results on
// demand). Keyboard alone: type, ↑/↓, Enter, Esc. Highlights are <mark> elements around
// text nodes, never HTML from the server.
import { useNavigate } from "@solidjs/router";
import { type Accessor, createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, Show } from "solid-js";
import type { UserSummary } from "../../../src/shared/api.ts";
import { highlightPieces, MAX_QUERY_LENGTH } from "../../../src/shared/search.ts";
import { toFailure } from "../api/client.ts";
import { failureText } from "../i18n/failures.ts";
import { shortWhen } from "../lib/grouping.ts";
import { dayRange, nameMatches, queryProblem, showMentions } from "../lib/search.ts";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { conversationTitle } from "../stores/conversations.ts";
import { displayName } from "../stores/people.ts";
import { Avatar } from "./Avatar.tsx";
import { Icon } from "./Icon.tsx";

/** Wait after the last keystroke before asking the server. */
const TYPING_PAUSE_MS = 250;
const SWITCHER_MAX = 6;
const HITS_PER_PAGE = 20;

type Hit = { messageId: number; conversationId: number; senderId: number; createdAt: string; snippet: string };
type Cursor = { rank: number; id: number };

/** One row of the list: what Enter or a click does. */
type Option =
  | { kind: "conversation"; key: string; conversationId: number }
  | { kind: "person"; key: string; person: UserSummary }
  | { kind: "hit"; key: string; hit: Hit }
  | { kind: "more"; key: string };

/** `opened`: how many times it was asked for; each new ask opens it (and the first mounts it). */
export function SearchDialog(props: { opened: Accessor<number> }): JSX.Element {
  const chat = useChat();
  const { api } = useApp();
  const { t, intlLocale } = useI18n();
  const navigate = useNavigate();
  let dialog!: HTMLDialogElement;
  let input!: HTMLInputElement;

  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal("");
  const [inConversation, setInConversation] = createSignal(0);
  const [fromPerson, setFromPerson] = createSignal(0);
  const [since, setSince] = createSignal("");
  const [until, setUntil] = createSignal("");
  const [hasFile, setHasFile] = createSignal(false);
  const [people, setPeople] = createSignal<UserSummary[]>([]);
  const [hits, setHits] = createSignal<Hit[]>([]);
  const [cursor, setCursor] = createSignal<Cursor | null>(null);
  const [searching, setSearching] = createSignal(false);
  const [searched, setSearched] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [active, setActive] = createSignal(0);

  const show = () => {
    setOpen(true);
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    return true;
  };
  const hide = () => {
    if (dialog.open) dialog.close();
    return true;
  };

  // After the dialog is in the document (effects run after render): the first ask too.
  createEffect(on(props.opened, () => show()));
  // While open, Esc is this dialog's (the shell's handler would close other things).
  createEffect(
    on(open, (isOpen) => {
      if (!isOpen) return;
      const offClose = chat.shortcuts.register("close", hide);
      onCleanup(offClose);
    }),
  );

  // The quick switcher: conversations held in the list, and people the server finds.
  const conversationMatches = createMemo(() => {
    const text = query().trim();
    if (!text) return [];
    return chat.conversations
      .list()
      .filter((conversation) => nameMatches(conversationTitle(conversation, t), text))
      .slice(0, SWITCHER_MAX);
  });
  const personMatches = createMemo(() => {
    const known = new Set(conversationMatches().flatMap((c) => (c.peer ? [c.peer.id] : [])));
    return people().filter((person) => person.id !== chat.me() && !known.has(person.id));
  });

  const options = createMemo<Option[]>(() => [
    ...conversationMatches().map((c): Option => ({ kind: "conversation", key: `c${c.id}`, conversationId: c.id })),
    ...personMatches().map((person): Option => ({ kind: "person", key: `p${person.id}`, person })),
    ...hits().map((hit): Option => ({ kind: "hit", key: `m${hit.messageId}`, hit })),
    ...(cursor() ? [{ kind: "more", key: "more" } as Option] : []),
  ]);
  const activeKey = () => options()[active()]?.key;

  // Each change of the query or a filter starts over, after a pause in typing.
  let pause: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  onCleanup(() => clearTimeout(pause));
  createEffect(
    on([query, inConversation, fromPerson, since, until, hasFile], () => {
      clearTimeout(pause);
      setActive(0);
      // Results of the previous words go at once: Enter must never open one of them.
      generation += 1;
      setHits([]);
      setCursor(null);
      pause = setTimeout(() => void refresh(), TYPING_PAUSE_MS);
    }),
  );

  const searchInput = (after: Cursor | null) => ({
    query: query(),
    limit: HITS_PER_PAGE,
    ...(inConversation() ? { conversationId: inConversation() } : {}),
    ...(fromPerson() ? { fromUserId: fromPerson() } : {}),
    ...dayRange(since(), until()),
    ...(hasFile() ? { hasFile: true } : {}),
    ...(after ? { cursor: after } : {}),
  });

  const refresh = async () => {
    const run = ++generation;
    const text = query().trim();
    const why = queryProblem(text);
    setProblem(why === "unclosedQuote" ? t("search.unclosedQuote") : null);
    if (why) {
      setHits([]);
      setCursor(null);
      setPeople([]);
      setSearched(false);
      return;
    }
    setSearching(true);
    try {
      const [found, page] = await Promise.all([
        api.trpc.users.list.query({ search: text.slice(0, 64), limit: SWITCHER_MAX }),
        api.trpc.search.messages.query(searchInput(null)),
      ]);
      if (run !== generation) return;
      chat.people.remember(found.items);
      chat.people.ensure(page.hits.map((hit) => hit.senderId));
      setPeople(found.items);
      setHits(page.hits);
      setCursor(page.nextCursor);
      setSearched(true);
    } catch (error) {
      if (run !== generation) return;
      setHits([]);
      setCursor(null);
      setProblem(failureText(t, toFailure(error)));
    } finally {
      if (run === generation) setSearching(false);
    }
  };

  const loadMore = async () => {
    const after = cursor();
    if (!after || searching()) return;
    const run = generation;
    setSearching(true);
    try {
      const page = await api.trpc.search.messages.query(searchInput(after));
      if (run !== generation) return;
      chat.people.ensure(page.hits.map((hit) => hit.senderId));
      setHits((held) => [...held, ...page.hits]);
      setCursor(page.nextCursor);
    } catch (error) {
      if (run === generation) setProblem(failureText(t, toFailure(error)));
    } finally {
      if (run === generation) setSearching(false);
    }
  };

  const choose = (option: Option | undefined) => {
    if (!option) return;
    if (option.kind === "more") return void loadMore();
    hide();
    if (option.kind === "conversation") navigate(`/c/${option.conversationId}`);
    else if (option.kind === "person") {
      const direct = chat.conversations.directWith(option.person.id);
      navigate(direct ? `/c/${direct.id}` : `/dm/${option.person.id}`);
    } else navigate(`/c/${option.hit.conversationId}/m/${option.hit.messageId}`);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (count === 0) return;
      setActive((index) => (index + (event.key === "ArrowDown" ? 1 : -1) + count) % count);
      document.getElementById(`search-option-${activeKey()}`)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(options()[active()]);
    }
  };

  const nameOf = (id: number) => {
    if (id === chat.me()) return t("conversation.you");
    const person = chat.people.get(id);
    return person ? displayName(person) : t("conversation.someone");
  };
  const whereOf = (conversationId: number) => {
    const conversation = chat.conversations.get(conversationId);
    return conversation ? conversationTitle(conversation, t) : "";
  };
  const optionProps = (option: Option) => ({
    id: `search-option-${option.key}`,
    role: "option" as const,
    "aria-selected": activeKey() === option.key,
    classList: { active: activeKey() === option.key },
    onMouseMove: () => setActive(options().findIndex((o) => o.key === option.key)),
    onClick: () => choose(option),
  });

  return (
    <>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click is a mouse shortcut; Esc closes it from the keyboard */}
      <dialog
        class="dialog search-dialog"
        ref={dialog}
        aria-label={t("search.title")}
        onClose={() => setOpen(false)}
        onClick={(event) => {
          // A click on the backdrop (the dialog element itself, outside its box) closes it.
          if (event.target === dialog) hide();
        }}
      >
        <div class="search-field">
          <Icon name="search" />
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-label={t("search.label")}
            aria-expanded={options().length > 0}
            aria-controls="search-results"
            aria-activedescendant={activeKey() ? `search-option-${activeKey()}` : undefined}
            aria-autocomplete="list"
            placeholder={t("search.placeholder")}
            maxLength={MAX_QUERY_LENGTH}
            autocomplete="off"
            spellcheck={false}
            value={query()}
            onInput={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={onKeyDown}
          />
        </div>
        <fieldset class="search-filters">
          <legend class="sr-only">{t("search.filters")}</legend>
          <label>
            <span>{t("search.in")}</span>
            <select value={inConversation()} onChange={(e) => setInConversation(Number(e.currentTarget.value))}>
              <option value={0}>{t("search.anywhere")}</option>
              <For each={chat.conversations.list()}>
                {(conversation) => <option value={conversation.id}>{conversationTitle(conversation, t)}</option>}
              </For>
            </select>
          </label>
          <label>
            <span>{t("search.from")}</span>
            <select value={fromPerson()} onChange={(e) => setFromPerson(Number(e.currentTarget.value))}>
              <option value={0}>{t("search.anyone")}</option>
              <option value={chat.me()}>{t("conversation.you")}</option>
              <For each={Object.values(chat.people.byId).filter((person) => person.id !== chat.me())}>
                {(person) => <option value={person.id}>{displayName(person)}</option>}
              </For>
            </select>
          </label>
          <label>
            <span>{t("search.since")}</span>
            <input type="date" value={since()} onChange={(e) => setSince(e.currentTarget.value)} />
          </label>
          <label>
            <span>{t("search.until")}</span>
            <input type="date" value={until()} onChange={(e) => setUntil(e.currentTarget.value)} />
          </label>
          <label>
            <input type="checkbox" checked={hasFile()} onChange={(e) => setHasFile(e.currentTarget.checked)} />
            <span>{t("search.hasFile")}</span>
          </label>
        </fieldset>

        <div class="search-results">
          <div id="search-results" role="listbox" aria-label={t("search.results")}>
            <Show when={conversationMatches().length + personMatches().length > 0}>
              <div role="presentation" class="search-section">
                {t("search.jumpTo")}
              </div>
              <For each={conversationMatches()}>
                {(conversation) => (
                  <div
                    {...optionProps({
                      kind: "conversation",
                      key: `c${conversation.id}`,
                      conversationId: conversation.id,
                    })}
                  >
                    <Avatar
                      id={conversation.peer?.id ?? conversation.id}
                      name={conversationTitle(conversation, t)}
                      room={conversation.kind === "room"}
                      size="sm"
                      src={conversation.peer?.avatar}
                    />
                    <bdi class="search-name">{conversationTitle(conversation, t)}</bdi>
                    <span class="muted">{conversation.kind === "room" ? t("search.room") : t("search.direct")}</span>
                  </div>
                )}
              </For>
              <For each={personMatches()}>
                {(person) => (
                  <div {...optionProps({ kind: "person", key: `p${person.id}`, person })}>
                    <Avatar id={person.id} name={displayName(person)} size="sm" src={person.avatar} />
                    <bdi class="search-name">{displayName(person)}</bdi>
                    <span class="muted">@{person.username}</span>
                  </div>
                )}
              </For>
            </Show>
            <Show when={hits().length > 0}>
              <div role="presentation" class="search-section">
                {t("search.messages")}
              </div>
              <For each={hits()}>
                {(hit) => (
                  <div {...optionProps({ kind: "hit", key: `m${hit.messageId}`, hit })} class="search-hit">
                    <div class="search-hit-head">
                      <bdi class="search-name">{nameOf(hit.senderId)}</bdi>
                      <Show when={whereOf(hit.conversationId)}>
                        {(where) => (
                          <span class="muted">
                            {t("search.inWhere")} <bdi>{where()}</bdi>
                          </span>
                        )}
                      </Show>
                      <time class="muted" datetime={hit.createdAt}>
                        {shortWhen(hit.createdAt, new Date(), intlLocale())}
                      </time>
                    </div>
                    <p class="search-snippet" dir="auto">
                      <For each={highlightPieces(hit.snippet)}>
                        {(piece) => {
                          const text = showMentions(piece.text, nameOf, t("search.everyone"));
                          return piece.match ? <mark>{text}</mark> : text;
                        }}
                      </For>
                    </p>
                  </div>
                )}
              </For>
              <Show when={cursor()}>
                <div {...optionProps({ kind: "more", key: "more" })} class="search-more">
                  {searching() ? t("search.loading") : t("search.more")}
                </div>
              </Show>
            </Show>
          </div>
          <p class="search-status muted" role="status">
            {problem() ??
              (searching() && hits().length === 0
                ? t("search.loading")
                : searched() && options().length === 0
                  ? t("search.nothing", query().trim())
                  : !query().trim()
                    ? t("search.hint")
                    : "")}
          </p>
        </div>
      </dialog>
    </>
  );
}
