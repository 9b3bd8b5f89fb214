// The keyboard shortcuts: which key does what, as data (the help dialog lists the same
// table), and a registry of handlers. Features register their own (search takes Ctrl+K,
// editing takes ↑ in an empty composer); a shortcut nobody handles does nothing and is
// not listed.

export type ShortcutAction =
  | "previousConversation"
  | "nextConversation"
  | "previousUnread"
  | "nextUnread"
  | "close"
  | "showShortcuts"
  | "search"
  | "editLast";

export type KeyPress = {
  key: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** The focus is in a text field (typing `?` there is typing, not a shortcut). */
  inTextField: boolean;
  /** The text field holds no text (↑ there edits the last message). */
  emptyTextField: boolean;
};

/** The keys of each action, in the order the help dialog shows them. */
export const SHORTCUT_KEYS: Record<ShortcutAction, string[][]> = {
  previousConversation: [["Alt", "↑"]],
  nextConversation: [["Alt", "↓"]],
  previousUnread: [["Alt", "Shift", "↑"]],
  nextUnread: [["Alt", "Shift", "↓"]],
  close: [["Esc"]],
  showShortcuts: [["?"], ["Ctrl", "/"]],
  search: [["Ctrl", "K"]],
  editLast: [["↑"]],
};

/** The action a key press asks for, or null. */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  const command = press.ctrlKey || press.metaKey;
  if (press.altKey && !command && (press.key === "ArrowUp" || press.key === "ArrowDown")) {
    const down = press.key === "ArrowDown";
    if (press.shiftKey) return down ? "nextUnread" : "previousUnread";
    return down ? "nextConversation" : "previousConversation";
  }
  if (press.key === "Escape") return "close";
  if (command && !press.altKey && press.key === "/") return "showShortcuts";
  if (command && !press.altKey && press.key.toLowerCase() === "k") return "search";
  if (press.key === "?" && !command && !press.altKey && !press.inTextField) return "showShortcuts";
  if (press.key === "ArrowUp" && !command && !press.altKey && !press.shiftKey && press.emptyTextField) {
    return "editLast";
  }
  return null;
}

/**
 * The conversation `step` places from `current` in `ids` (wrapping), skipping those
 * `eligible` rejects; null when none qualifies.
 */
export function stepConversation(
  ids: readonly number[],
  current: number | null,
  step: 1 | -1,
  eligible: (id: number) => boolean = () => true,
): number | null {
  if (ids.length === 0) return null;
  const start = current === null ? -1 : ids.indexOf(current);
  for (let moved = 1; moved <= ids.length; moved += 1) {
    // From nowhere, ↓ starts at the first and ↑ at the last.
    const index = start === -1 ? (step === 1 ? moved - 1 : ids.length - moved) : start + step * moved;
    const id = ids[((index % ids.length) + ids.length) % ids.length] as number;
    if (id !== current && eligible(id)) return id;
  }
  return null;
}

export type ShortcutHandler = () => boolean | undefined;

/** Handlers by action; the most recently registered one wins (an open dialog over the page). */
export function createShortcutRegistry() {
  const handlers = new Map<ShortcutAction, ShortcutHandler[]>();
  return {
    /** Returns the function that unregisters it. */
    register(action: ShortcutAction, handler: ShortcutHandler): () => void {
      const list = handlers.get(action) ?? [];
      list.push(handler);
      handlers.set(action, list);
      return () => {
        const index = list.indexOf(handler);
        if (index !== -1) list.splice(index, 1);
      };
    },
    handles: (action: ShortcutAction) => (handlers.get(action)?.length ?? 0) > 0,
    /** Runs the newest handler; true when one took the key (it may return false to pass). */
    run(action: ShortcutAction): boolean {
      const list = handlers.get(action) ?? [];
      for (let i = list.length - 1; i >= 0; i -= 1) {
        if (list[i]?.() !== false) return true;
      }
      return false;
    },
  };
}

export type ShortcutRegistry = ReturnType<typeof createShortcutRegistry>;
