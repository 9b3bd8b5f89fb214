// Which key does what, and stepping through the conversation list.
import { describe, expect, test } from "bun:test";
import { createShortcutRegistry, type KeyPress, shortcutFor, stepConversation } from "../../web/src/lib/shortcuts.ts";

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  inTextField: false,
  emptyTextField: false,
  ...extra,
});

describe("shortcutFor", () => {
  test("Alt+↑/↓ move between conversations, with Shift between unread ones", () => {
    expect(shortcutFor(press("ArrowDown", { altKey: true }))).toBe("nextConversation");
    expect(shortcutFor(press("ArrowUp", { altKey: true, inTextField: true }))).toBe("previousConversation");
    expect(shortcutFor(press("ArrowDown", { altKey: true, shiftKey: true }))).toBe("nextUnread");
    expect(shortcutFor(press("ArrowUp", { altKey: true, shiftKey: true }))).toBe("previousUnread");
    expect(shortcutFor(press("ArrowDown"))).toBeNull();
  });

  test("? shows the shortcuts except while typing; Ctrl+/ always does", () => {
    expect(shortcutFor(press("?"))).toBe("showShortcuts");
    expect(shortcutFor(press("?", { inTextField: true }))).toBeNull();
    expect(shortcutFor(press("/", { ctrlKey: true, inTextField: true }))).toBe("showShortcuts");
    expect(shortcutFor(press("/", { metaKey: true }))).toBe("showShortcuts");
  });

  test("Esc closes, Ctrl+K searches, ↑ in an empty box edits", () => {
    expect(shortcutFor(press("Escape", { inTextField: true }))).toBe("close");
    expect(shortcutFor(press("k", { ctrlKey: true }))).toBe("search");
    expect(shortcutFor(press("ArrowUp", { inTextField: true, emptyTextField: true }))).toBe("editLast");
    expect(shortcutFor(press("ArrowUp", { inTextField: true }))).toBeNull();
  });
});

describe("stepConversation", () => {
  const ids = [5, 3, 9, 1];
  test("steps and wraps around", () => {
    expect(stepConversation(ids, 3, 1)).toBe(9);
    expect(stepConversation(ids, 1, 1)).toBe(5);
    expect(stepConversation(ids, 5, -1)).toBe(1);
  });
  test("from no open conversation, ↓ takes the first and ↑ the last", () => {
    expect(stepConversation(ids, null, 1)).toBe(5);
    expect(stepConversation(ids, null, -1)).toBe(1);
  });
  test("skips those that do not qualify, and finds none when none does", () => {
    const unread = new Set([1, 3]);
    expect(stepConversation(ids, 3, 1, (id) => unread.has(id))).toBe(1);
    expect(stepConversation(ids, 3, -1, (id) => unread.has(id))).toBe(1);
    expect(stepConversation(ids, 5, 1, () => false)).toBeNull();
    expect(stepConversation([], null, 1)).toBeNull();
  });
});

describe("the registry", () => {
  test("the newest handler runs; none registered leaves the key alone", () => {
    const registry = createShortcutRegistry();
    const ran: string[] = [];
    expect(registry.run("search")).toBe(false);
    registry.register("close", () => {
      ran.push("page");
      return true;
    });
    const off = registry.register("close", () => {
      ran.push("dialog");
      return true;
    });
    expect(registry.run("close")).toBe(true);
    off();
    registry.run("close");
    expect(ran).toEqual(["dialog", "page"]);
    expect(registry.handles("search")).toBe(false);
  });
});
