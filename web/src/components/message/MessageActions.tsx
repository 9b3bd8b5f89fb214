// A message's actions, shown on hover, when the row has the keyboard focus, or after a long
// press on a phone: react, reply, edit and delete (own messages; a room's moderators may
// delete others'), copy the text, copy a link to it.
import { createSignal, For, type JSX, lazy, Show } from "solid-js";
import type { Message } from "../../../../src/shared/api.ts";
import { useChat, useI18n } from "../../stores/context.tsx";

// Fetched on first open, with the emoji search it brings.
const EmojiPicker = lazy(() => import("./EmojiPicker.tsx").then((module) => ({ default: module.EmojiPicker })));

const ICONS = {
  react:
    "M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8zm-3.5 9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5.1-3.5H6.9c.8 2 2.8 3.5 5.1 3.5zM19 1v3h-3v2h3v3h2V6h3V4h-3V1z",
  reply: "M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z",
  edit: "M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z",
  delete: "M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z",
  copy: "M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z",
  link: "M3.9 12a3.1 3.1 0 0 1 3.1-3.1h4V7H7a5 5 0 0 0 0 10h4v-1.9H7A3.1 3.1 0 0 1 3.9 12zM8 13h8v-2H8zm9-6h-4v1.9h4a3.1 3.1 0 0 1 0 6.2h-4V17h4a5 5 0 0 0 0-10z",
} as const;

type ActionName = keyof typeof ICONS;

export function MessageActions(props: {
  message: Message;
  open: boolean;
  canEdit: boolean;
  canDelete: boolean;
  /** Absent: no reactions here. */
  onReact?: (emoji: string, on: boolean) => void;
  onReply: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onCopyText: () => Promise<void>;
  onCopyLink: () => Promise<void>;
}): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const [picking, setPicking] = createSignal(false);
  const [copied, setCopied] = createSignal<"text" | "link" | null>(null);
  let reactButton!: HTMLButtonElement;
  let toolbar!: HTMLDivElement;
  const mine = () => props.message.reactions.filter((r) => r.userIds.includes(chat.me())).map((r) => r.emoji);

  const copy = async (what: "text" | "link") => {
    await (what === "text" ? props.onCopyText() : props.onCopyLink());
    setCopied(what);
    setTimeout(() => setCopied(null), 2000);
  };

  // A fixed list (labels change, buttons stay): the focus survives a "Copied".
  const actions: { name: ActionName; label: () => string; run: () => void; when?: () => boolean }[] = [
    {
      name: "react",
      label: () => t("message.react"),
      run: () => setPicking((open) => !open),
      when: () => props.onReact !== undefined,
    },
    { name: "reply", label: () => t("message.reply"), run: () => props.onReply() },
    { name: "edit", label: () => t("message.edit"), run: () => props.onEdit(), when: () => props.canEdit },
    { name: "delete", label: () => t("message.delete"), run: () => props.onDelete(), when: () => props.canDelete },
    {
      name: "copy",
      label: () => (copied() === "text" ? t("message.copied") : t("message.copyText")),
      run: () => void copy("text"),
    },
    {
      name: "link",
      label: () => (copied() === "link" ? t("message.copied") : t("message.copyLink")),
      run: () => void copy("link"),
    },
  ];

  return (
    <div
      ref={toolbar}
      class="message-actions"
      classList={{ open: props.open || picking() }}
      role="toolbar"
      aria-label={t("message.actions")}
    >
      <For each={actions}>
        {(action) => (
          <Show when={action.when?.() ?? true}>
            <button
              ref={(element) => {
                if (action.name === "react") reactButton = element;
              }}
              type="button"
              class="icon-button action"
              aria-label={action.label()}
              title={action.label()}
              aria-expanded={action.name === "react" ? picking() : undefined}
              onClick={() => action.run()}
            >
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path d={ICONS[action.name]} fill="currentColor" />
              </svg>
            </button>
          </Show>
        )}
      </For>
      <Show when={picking()}>
        <EmojiPicker
          anchor={toolbar}
          placement={{ side: "below", align: props.message.senderId === chat.me() ? "right" : "left" }}
          label={t("message.react")}
          chosen={mine()}
          onClose={() => {
            setPicking(false);
            reactButton?.focus();
          }}
          onPick={(emoji) => {
            setPicking(false);
            props.onReact?.(emoji, !mine().includes(emoji));
            reactButton?.focus();
          }}
        />
      </Show>
    </div>
  );
}
