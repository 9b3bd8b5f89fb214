// One open conversation: its messages grouped by day and sender, older pages loaded on
// scroll up without moving what is on screen, live messages, sending with pending and
// failed states, typing and read state.
import { A } from "@solidjs/router";
import {
  createComputed,
  createEffect,
  createMemo,
  createSelector,
  createSignal,
  For,
  type JSX,
  on,
  onCleanup,
  onMount,
  Show,
  type Signal,
  untrack,
} from "solid-js";
import type { Attachment, Message, UserSummary } from "../../../src/shared/api.ts";
import { dayLabel, markRows, timeLabel } from "../lib/grouping.ts";
import { markdownReady } from "../lib/markdown-loader.ts";
import type { PendingMessage } from "../lib/thread.ts";
import { filesOf } from "../lib/uploads.ts";
import { useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";
import type { SendTarget } from "../stores/threads.ts";
import { Avatar } from "./Avatar.tsx";
import { Composer } from "./Composer.tsx";
import { Icon } from "./Icon.tsx";
import { MessageListChunks } from "./MessageListChunks.tsx";
import { createMentionCandidates } from "./mention-candidates.ts";
import { Attachments } from "./message/Attachments.tsx";
import { MessageBody } from "./message/MessageBody.tsx";
import { MessageItem } from "./message/MessageItem.tsx";
import { createMessageUi, useMessageKeys } from "./message/message-ui.ts";
import { ReplyBar } from "./message/ReplyBar.tsx";
import { RoomHeaderSub } from "./room/RoomHeaderSub.tsx";
import { SystemLine } from "./room/SystemLine.tsx";
import { UnloadedSpan } from "./UnloadedSpan.tsx";

/** A row's mark as shown: its day as a label. */
type ShownMark = { day?: string; runStart: boolean };

const NEAR_BOTTOM_PX = 120;
const LOAD_OLDER_PX = 200;

export function ConversationView(props: {
  /** Minus the peer's id for a direct conversation that starts with the first message. */
  conversationId: number;
  target: SendTarget;
  title: string;
  kind: "direct" | "room";
  peer?: UserSummary | undefined;
  actions?: JSX.Element;
  onFirstMessage?: (message: Message) => void;
  /** Open at this message (a search hit, a message link): scrolled to and highlighted. */
  focusMessageId?: number | undefined;
}): JSX.Element {
  const chat = useChat();
  const mentionCandidates = createMentionCandidates(
    () => chat.conversations.get(props.conversationId),
    () => props.peer,
  );
  const { t, intlLocale } = useI18n();
  const room = () => chat.conversations.get(props.conversationId)?.room;
  const thread = () => chat.threads.thread(props.conversationId);
  let scroller!: HTMLDivElement;
  let composer: HTMLTextAreaElement | undefined;
  let nearBottom = true;
  let lastMarked = 0;

  // A room's messages from people the reader blocked are folded until "Show" (per message).
  const [revealed, setRevealed] = createSignal<ReadonlySet<number>>(new Set());
  const reveal = (id: number) => setRevealed((current) => new Set([...current, id]));
  const folded = (message: Message) =>
    props.kind === "room" && chat.blocks.has(message.senderId) && !revealed().has(message.id);
  /** The peer of a direct conversation, when the reader blocked them. */
  const blockedPeer = () =>
    props.kind === "direct" && props.peer && chat.blocks.has(props.peer.id) ? props.peer : null;

  const senderName = (senderId: number) => {
    if (senderId === chat.me()) return t("conversation.you");
    if (props.kind === "direct" && props.peer?.id === senderId) return displayName(props.peer);
    const sender = chat.people.get(senderId);
    return sender ? displayName(sender) : t("conversation.someone");
  };

  // Where each message starts a day or a run of one sender. One signal per message, set
  // only when its mark changes: a new message re-renders a row or two, not thousands. When
  // messages were only added at the end (a live message), only those are judged.
  const marks = new Map<number, Signal<ShownMark>>();
  const sameMark = (a: ShownMark, b: ShownMark) => a.runStart === b.runStart && a.day === b.day;
  const markSignal = (id: number) => {
    let mark = marks.get(id);
    if (!mark) {
      mark = createSignal<ShownMark>({ runStart: false }, { equals: sameMark });
      marks.set(id, mark);
    }
    return mark;
  };
  let marked: { items: readonly Message[]; locale: string } = { items: [], locale: "" };
  createComputed(() => {
    const items = thread().items;
    const locale = intlLocale();
    untrack(() => {
      const before = marked.items;
      const appended =
        locale === marked.locale &&
        before.length > 0 &&
        items.length >= before.length &&
        items[0] === before[0] &&
        items[before.length - 1] === before[before.length - 1];
      const from = appended ? before.length : 0;
      const now = new Date();
      markRows(items, from).forEach((mark, offset) => {
        const message = items[from + offset] as Message;
        markSignal(message.id)[1]({
          runStart: mark.runStart,
          ...(mark.day ? { day: dayLabel(mark.day, now, locale) } : {}),
        });
      });
      marked = { items, locale };
    });
  });

  // Each row reads its message from a signal of its own, set only when that message
  // changed (an edit, a reaction): with one shared map, every live message woke all the
  // rows' computations, and 5,000 loaded rows made the reactive graph most of a frame.
  const held = new Map<number, Message>();
  const rowMessages = new Map<number, Signal<Message>>();
  createComputed(() => {
    const items = thread().items;
    untrack(() => {
      for (const message of items) {
        if (held.get(message.id) === message) continue;
        held.set(message.id, message);
        rowMessages.get(message.id)?.[1](() => message);
      }
    });
  });
  const rowMessage = (id: number) => {
    let row = rowMessages.get(id);
    if (!row) {
      row = createSignal(held.get(id) ?? (untrack(thread).items.find((m) => m.id === id) as Message));
      rowMessages.set(id, row);
    }
    return row[0];
  };
  const messageIds = createMemo(() => thread().items.map((message) => message.id));
  const ui = createMessageUi();
  // ↑ in the empty message box edits the last own message; arrows move between messages.
  const moveBetweenMessages = useMessageKeys(ui, () => {
    const items = thread().items;
    for (let i = items.length - 1; i >= 0; i -= 1) {
      const message = items[i];
      if (message && message.senderId === chat.me() && message.deletedAt === null) return message.id;
    }
    return null;
  });

  const lastMine = createMemo(() => {
    const items = thread().items;
    for (let i = items.length - 1; i >= 0; i -= 1) if (items[i]?.senderId === chat.me()) return items[i]?.id ?? 0;
    return 0;
  });
  // Who has read my last message: the peer ("Seen"), or in a room how many and who.
  const readersOfLastMine = createMemo(() => {
    const last = lastMine();
    if (!last) return [];
    return Object.entries(thread().reads)
      .filter(([, upTo]) => upTo >= last)
      .map(([userId]) => Number(userId));
  });

  // The "New messages" divider: above the first message from others after the read mark
  // this view opened with (kept while it stays open, though the mark moves on at once).
  const [dividerAfter, setDividerAfter] = createSignal<number | null>(null);
  const firstUnreadId = createMemo(() => {
    const after = dividerAfter();
    if (after === null) return null;
    return thread().items.find((m) => m.id > after && m.senderId !== chat.me())?.id ?? null;
  });
  // Selectors: a change wakes the two rows concerned, not every row.
  const isFirstUnread = createSelector(firstUnreadId);
  const isLastMine = createSelector(lastMine);
  const [atBottom, setAtBottom] = createSignal(true);

  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
    nearBottom = true;
    setAtBottom(true);
  };

  /** Opens at the first unread message when there is one, else at the latest. */
  const scrollToStart = () => {
    const divider = scroller.querySelector<HTMLElement>(".new-messages");
    if (!divider) return scrollToBottom();
    scroller.scrollTop = divider.offsetTop - scroller.offsetTop - 8;
    nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    setAtBottom(nearBottom);
  };

  const loadOlder = async () => {
    if (props.conversationId <= 0 || !thread().hasMore || chat.threads.isLoading(props.conversationId)) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const first = !thread().loaded;
    try {
      // The first scroll measures formatted rows: the parser's chunk must be in.
      if (first)
        await Promise.all([
          chat.threads.open(props.conversationId, chat.conversations.get(props.conversationId)?.unread),
          markdownReady,
        ]);
      else await chat.threads.loadOlder(props.conversationId);
    } catch {
      return;
    }
    // Keep what was on screen where it was: the new page went in above it.
    if (first) {
      setDividerAfter(thread().myReadUpTo);
      scrollToStart();
    } else scroller.scrollTop = scroller.scrollHeight - fromBottom;
    // A short first page may not fill the view: keep going until it scrolls.
    if (thread().hasMore && scroller.scrollHeight <= scroller.clientHeight + LOAD_OLDER_PX) void loadOlder();
  };

  // Opening at a message: the pages up to it are loaded, then it is centred and marked.
  const [focused, setFocused] = createSignal<number | null>(null);
  const isFocused = createSelector(focused);
  const [focusLost, setFocusLost] = createSignal(false);
  const isUnloadedBefore = createSelector(() => thread().unloaded?.before ?? null);
  const focusOn = async (messageId: number) => {
    let reached: "held" | "absent";
    try {
      const unread = chat.conversations.get(props.conversationId)?.unread;
      reached = await chat.threads.reach(props.conversationId, messageId, unread);
    } catch {
      return;
    }
    const held = reached === "held";
    if (dividerAfter() === null) setDividerAfter(thread().myReadUpTo);
    setFocusLost(!held);
    setFocused(held ? messageId : null);
    const row = held ? scroller.querySelector<HTMLElement>(`[data-message-id="${messageId}"]`) : null;
    if (!row) return scrollToBottom();
    row.scrollIntoView({ block: "center" });
    nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    setAtBottom(nearBottom);
  };
  createEffect(
    on(
      () => props.focusMessageId,
      (messageId) => messageId && void focusOn(messageId),
      { defer: true },
    ),
  );

  onMount(() => {
    if (props.conversationId > 0) chat.conversations.setActiveId(props.conversationId);
    if (props.focusMessageId && props.conversationId > 0) void focusOn(props.focusMessageId);
    else if (thread().loaded) {
      setDividerAfter(thread().myReadUpTo);
      scrollToStart();
    } else void loadOlder();
    composer?.focus({ preventScroll: true });
  });
  onCleanup(() => {
    if (chat.conversations.activeId() === props.conversationId) chat.conversations.setActiveId(null);
  });

  // A first page that failed to load (the server or the network went away while it was on
  // its way) is asked again when the socket or the network is back; nothing else would
  // ask, and the view stayed empty.
  createEffect(
    on(
      () => chat.connectionState() === "online" && chat.browserOnline(),
      (connected) => {
        if (connected && props.conversationId > 0 && !untrack(thread).loaded) void loadOlder();
      },
      { defer: true },
    ),
  );

  // New messages at the end: follow them when the reader was at the bottom, or sent them.
  createEffect(
    on(
      () => [thread().items.at(-1)?.id ?? 0, thread().pending.length] as const,
      (_, previous) => {
        if (!previous) return;
        const newest = thread().items.at(-1);
        if (nearBottom || newest?.senderId === chat.me() || thread().pending.length > previous[1]) scrollToBottom();
      },
    ),
  );

  // Read state: what is on screen in a visible tab is read.
  createEffect(() => {
    const last = thread().items.at(-1)?.id ?? 0;
    if (props.conversationId <= 0 || !chat.visible() || last <= lastMarked) return;
    const conversation = chat.conversations.get(props.conversationId);
    const lastFromOthers = thread().items.at(-1)?.senderId !== chat.me();
    lastMarked = last;
    if ((conversation?.unread ?? 0) > 0 || lastFromOthers) chat.markRead(props.conversationId, last);
  });

  // Files dropped anywhere on the conversation go to the composer (when there is one).
  let addFiles: ((files: File[]) => void) | undefined;
  const [dropping, setDropping] = createSignal(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") === true;

  const typingText = () => t("conversation.typing", chat.threads.typing(props.conversationId).map(senderName));

  // A direct conversation's draft goes by the person: the same before and after its first message.
  const draftKey = () => {
    if (props.conversationId < 0) return `person:${-props.conversationId}`;
    return props.kind === "direct" && props.peer ? `person:${props.peer.id}` : `conversation:${props.conversationId}`;
  };

  const send = async (body: string, attachments: Attachment[]) => {
    if (props.conversationId > 0) chat.typingDone(props.conversationId);
    const replyTo = ui.replyingTo()?.id;
    ui.setReplyingTo(null);
    const result = await chat.threads.send(props.conversationId, props.target, body, replyTo, attachments);
    if (result && "error" in result) return result.error;
    if (result && props.conversationId <= 0) props.onFirstMessage?.(result);
    return null;
  };

  return (
    <section
      class="conversation"
      classList={{ dropping: dropping() }}
      aria-labelledby="conversation-title"
      onDragOver={(event) => {
        if (!carriesFiles(event) || !addFiles) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
        setDropping(true);
      }}
      onDragLeave={(event) => {
        const to = event.relatedTarget as Node | null;
        if (!to || !event.currentTarget.contains(to)) setDropping(false);
      }}
      onDrop={(event) => {
        setDropping(false);
        if (!carriesFiles(event) || !addFiles) return;
        event.preventDefault();
        addFiles(filesOf(event.dataTransfer));
      }}
      onKeyDown={(event) => {
        // Page Up/Down scroll the messages from anywhere in the conversation (the list
        // itself scrolls natively when it has the focus).
        if (moveBetweenMessages(event, scroller)) return;
        const page = event.key === "PageUp" ? -1 : event.key === "PageDown" ? 1 : 0;
        if (page === 0 || event.target === scroller || event.altKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        scroller.scrollBy({ top: page * scroller.clientHeight * 0.9 });
      }}
    >
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label={t("conversation.back")}>
          <Icon name="back" />
        </A>
        <Avatar
          id={props.peer?.id ?? props.conversationId}
          name={props.title}
          room={props.kind === "room"}
          online={props.peer?.online}
          src={props.peer?.avatar}
        />
        <div class="pane-title">
          <h1 id="conversation-title">
            <bdi>{props.title}</bdi>
          </h1>
          <Show when={props.kind === "direct" && props.peer}>
            {(peer) => (
              <p class="pane-sub" classList={{ "presence-unknown": !chat.presenceKnown() }}>
                {!chat.presenceKnown()
                  ? `@${peer().username} · ${t("presence.unknown")}`
                  : peer().online
                    ? t("presence.onlineTitle")
                    : `@${peer().username}`}
                <Show when={peer().bio}>
                  {" · "}
                  <bdi class="bio">{peer().bio}</bdi>
                </Show>
              </p>
            )}
          </Show>
          <Show when={props.kind === "room"}>
            <RoomHeaderSub conversation={chat.conversations.get(props.conversationId)} />
          </Show>
        </div>
        {props.actions}
      </header>

      <div
        class="messages"
        ref={scroller}
        role="log"
        aria-label={t("conversation.messagesWith", props.title)}
        tabindex="0"
        onScroll={() => {
          nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
          setAtBottom(nearBottom);
          if (scroller.scrollTop < LOAD_OLDER_PX) void loadOlder();
        }}
      >
        <div class="history-edge">
          <Show when={thread().loaded && !thread().hasMore}>
            <p class="muted">{props.kind === "room" ? t("conversation.beginningRoom") : t("conversation.beginning")}</p>
          </Show>
          <Show when={chat.threads.isLoading(props.conversationId)}>
            <p class="muted">{t("conversation.loadingMessages")}</p>
          </Show>
          <Show when={props.conversationId > 0 && !thread().loaded && !chat.threads.isLoading(props.conversationId)}>
            <p class="muted">{t("conversation.loadFailed")}</p>
          </Show>
          <Show when={props.conversationId <= 0}>
            <p class="muted">{t("conversation.sayHello")}</p>
          </Show>
        </div>
        <div class="rows">
          {/* Rows are keyed by id: a changed message (an edit, a reaction) updates its row in
              place, so the focus and an open picker stay where they are. */}
          <MessageListChunks ids={messageIds()}>
            {(id) => {
              const message = rowMessage(id);
              const event = message().event;
              if (event) return <SystemLine message={{ ...message(), event }} />;
              const mark = markSignal(id)[0];
              const mine = message().senderId === chat.me();
              // The actions toolbar is built the first time the row is pointed at or
              // focused, not for every row up front: 5,000 loaded messages carried
              // 75,000 elements of hidden toolbars, which every live message's layout paid for.
              const [engaged, setEngaged] = createSignal(false);
              const engage = () => setEngaged(true);
              return (
                <>
                  <Show when={isUnloadedBefore(id)}>
                    <UnloadedSpan
                      root={() => scroller}
                      load={() => chat.threads.fillUnloaded(props.conversationId)}
                      canLoad={() => thread().unloaded !== null && !chat.threads.isLoading(props.conversationId)}
                    />
                  </Show>
                  <Show when={isFirstUnread(id)}>
                    <div class="new-messages">
                      <span>{t("conversation.newMessages")}</span>
                    </div>
                  </Show>
                  <Show when={mark().day}>
                    <div class="day-separator">
                      <span>{mark().day}</span>
                    </div>
                  </Show>
                  <div
                    class="message"
                    classList={{
                      mine,
                      "run-start": mark().runStart,
                      focused: isFocused(id),
                      "mentions-me": !mine && message().mentions.includes(chat.me()),
                    }}
                    data-message-id={id}
                    tabindex="-1"
                    onPointerEnter={engage}
                    onFocusIn={engage}
                  >
                    <Show when={mark().runStart}>
                      <div class="run-head">
                        <Show when={!mine}>
                          <Show when={props.kind === "room"}>
                            <Avatar
                              id={message().senderId}
                              name={senderName(message().senderId)}
                              size="xs"
                              src={chat.people.get(message().senderId)?.avatar}
                            />
                          </Show>
                          <span class="sender">{senderName(message().senderId)}</span>
                        </Show>
                        <time datetime={message().createdAt}>{timeLabel(message().createdAt, intlLocale())}</time>
                      </div>
                    </Show>
                    <Show
                      when={!folded(message())}
                      fallback={
                        <p class="blocked-row">
                          {t("blocks.folded")}
                          <button class="link-button" type="button" onClick={() => reveal(id)}>
                            {t("blocks.show")}
                          </button>
                        </p>
                      }
                    >
                      <MessageItem
                        message={message()}
                        mine={mine}
                        kind={props.kind}
                        ui={ui}
                        nameOf={senderName}
                        engaged={engaged()}
                      />
                    </Show>
                    <Show when={mine && isLastMine(id) && readersOfLastMine().length > 0}>
                      <Show
                        when={props.kind === "room"}
                        fallback={<span class="receipt">{t("conversation.seen")}</span>}
                      >
                        <span class="receipt" title={readersOfLastMine().map(senderName).join(", ")}>
                          {t("conversation.seenBy", readersOfLastMine().length)}
                        </span>
                      </Show>
                    </Show>
                  </div>
                </>
              );
            }}
          </MessageListChunks>
          <For each={thread().pending}>{(pending) => <PendingRow pending={pending} />}</For>
        </div>
      </div>
      <Show when={dropping()}>
        <div class="drop-zone" aria-hidden="true">
          <span>{t("files.dropHere")}</span>
        </div>
      </Show>
      <Show when={!atBottom()}>
        <button class="jump-latest" type="button" onClick={scrollToBottom}>
          {t("conversation.jumpToLatest")}
        </button>
      </Show>

      <Show when={focusLost()}>
        <p class="focus-lost" role="status">
          {t("search.messageGone")}
        </p>
      </Show>
      <p class="typing" aria-live="polite">
        {typingText()}
      </p>
      <Show when={blockedPeer()}>
        {(peer) => (
          <p class="blocked-note" role="status">
            {t("blocks.youBlocked", displayName(peer()))}
            <button class="button" type="button" onClick={() => void chat.blocks.unblock(peer().id)}>
              {t("blocks.unblock")}
            </button>
          </p>
        )}
      </Show>
      <Show
        when={!room()?.archived && !blockedPeer()}
        fallback={
          <Show when={room()?.archived}>
            <p class="archived-note">{t("room.archivedNotice")}</p>
          </Show>
        }
      >
        <ReplyBar ui={ui} nameOf={senderName} />
        <Composer
          draftKey={draftKey()}
          label={t("conversation.composerLabel", props.title)}
          placeholder={t("conversation.composerPlaceholder", props.kind === "room" ? `#${props.title}` : props.title)}
          onSend={send}
          onFiles={(add) => {
            addFiles = add;
          }}
          maxBody={chat.maxBody()}
          mentionCandidates={mentionCandidates}
          onTyping={() => props.conversationId > 0 && chat.typing(props.conversationId)}
          ref={(element) => {
            composer = element;
          }}
        />
      </Show>
    </section>
  );
}

function PendingRow(props: { pending: PendingMessage }): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const failed = () => props.pending.status === "failed";
  // The reason as a clause of "Not sent: …." (without its own full stop).
  const reason = () => {
    const { refusal, error } = props.pending;
    const text =
      refusal === "tooLong"
        ? t("conversation.refusedTooLong")
        : refusal === "notFound"
          ? t("conversation.refusedNotFound")
          : refusal === "forbidden"
            ? t("conversation.refusedForbidden")
            : (error ?? "");
    return text.replace(/[.!?]+$/, "");
  };
  // The wait the server asked for (or a network retry), counting down each second.
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(tick));
  const waitSeconds = () => Math.ceil(((props.pending.notBefore ?? 0) - now()) / 1000);
  return (
    <div class="message mine pending" classList={{ failed: failed() }}>
      <div class="bubble">
        <Show when={props.pending.body !== ""}>
          <MessageBody body={props.pending.body} />
        </Show>
        <Show when={props.pending.attachments}>{(attachments) => <Attachments attachments={attachments()} />}</Show>
      </div>
      <Show
        when={failed()}
        fallback={
          <span class="receipt">
            {waitSeconds() > 0 ? t("conversation.waiting", waitSeconds()) : t("conversation.sending")}
          </span>
        }
      >
        <span class="receipt failed-note" role="alert">
          {t("conversation.notSent", reason())}
          <button class="link-button" type="button" onClick={() => chat.threads.retryAll()}>
            {t("conversation.retryAll")}
          </button>
          <button class="link-button" type="button" onClick={() => chat.threads.discard(props.pending.clientId)}>
            {t("conversation.discard")}
          </button>
        </span>
      </Show>
    </div>
  );
}
