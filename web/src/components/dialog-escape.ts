// Esc for a modal dialog of the chat screens. The shell's keyboard handler takes Esc on
// the window ("close": the help menu, the composer) and prevents its default, which is
// also what would have closed an open <dialog>; so a dialog takes the "close" shortcut
// while it is open (the newest registration wins: a confirmation over the member list
// closes first). It works wherever the focus is, even on the page's body after the
// focused button went away.
import { createEffect, on, onCleanup } from "solid-js";
import { useChat } from "../stores/context.tsx";

export function useDialogEscape(open: () => boolean, close: () => void): void {
  const chat = useChat();
  createEffect(
    on(open, (isOpen) => {
      if (!isOpen) return;
      const off = chat.shortcuts.register("close", () => {
        close();
        return true;
      });
      onCleanup(off);
    }),
  );
}
