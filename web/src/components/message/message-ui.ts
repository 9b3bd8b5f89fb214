// What the open conversation's messages are doing: which one is being edited, which one is
// being answered (the composer's quote bar), which one has its actions opened by a long
// press. One of each at a time, shared by the rows and the composer.
import { createSignal, onCleanup, onMount } from "solid-js";
import type { Message } from "../../../../src/shared/api.ts";
import { useChat } from "../../stores/context.tsx";

export function createMessageUi() {
  const [editing, setEditing] = createSignal<number | null>(null);
  const [replyingTo, setReplyingTo] = createSignal<Message | null>(null);
  const [actionsOpen, setActionsOpen] = createSignal<number | null>(null);
  return { editing, setEditing, replyingTo, setReplyingTo, actionsOpen, setActionsOpen };
}

export type MessageUi = ReturnType<typeof createMessageUi>;

/** How long a finger rests on a message before its actions open (a phone's long press). */
export const LONG_PRESS_MS = 450;

/** A message's address: the conversation opened at it (for members; others get not found). */
export function messageLink(message: Pick<Message, "conversationId" | "id">): string {
  return `${location.origin}/c/${message.conversationId}/m/${message.id}`;
}

const focusComposer = () => document.getElementById("composer-input")?.focus();

/**
 * The keys of the messages: ↑ in the empty message box edits the last own message, Esc
 * drops a reply being written, and ↑/↓ on the message list or a message move the focus
 * between messages (a focused message shows its actions; Tab reaches them). A tap outside
 * a message whose actions a long press opened closes them. Returns the list's key handler.
 */
export function useMessageKeys(ui: MessageUi, lastOwnMessageId: () => number | null) {
  const chat = useChat();
  onMount(() => {
    const unregister = [
      chat.shortcuts.register("editLast", () => {
        if (document.activeElement?.id !== "composer-input") return false;
        const id = lastOwnMessageId();
        if (id === null) return false;
        ui.setEditing(id);
        return true;
      }),
      chat.shortcuts.register("close", () => {
        if (ui.actionsOpen() !== null) ui.setActionsOpen(null);
        if (!ui.replyingTo()) return false;
        ui.setReplyingTo(null);
        focusComposer();
        return true;
      }),
    ];
    const outside = (event: PointerEvent) => {
      const open = ui.actionsOpen();
      if (open === null || !(event.target instanceof Element)) return;
      const row = event.target.closest("[data-message-id]");
      if (row?.getAttribute("data-message-id") !== String(open)) ui.setActionsOpen(null);
    };
    document.addEventListener("pointerdown", outside);
    onCleanup(() => {
      for (const off of unregister) off();
      document.removeEventListener("pointerdown", outside);
    });
  });

  return (event: KeyboardEvent, list: HTMLElement): boolean => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return false;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
    const target = event.target as HTMLElement;
    const row = target.matches(".message[data-message-id]") ? target : null;
    if (!row && target !== list) return false;
    const rows = [...list.querySelectorAll<HTMLElement>(".message[data-message-id]")];
    const up = event.key === "ArrowUp";
    // From the list itself, ↑ starts at the latest message; ↓ scrolls as usual.
    const next = row ? rows[rows.indexOf(row) + (up ? -1 : 1)] : up ? rows.at(-1) : undefined;
    if (!next) return false;
    event.preventDefault();
    next.focus();
    return true;
  };
}
