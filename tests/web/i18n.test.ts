// The message catalogues and the Intl helpers behind them: the language comes from the
// browser unless overridden, German is as complete as English, and plurals, lists and
// relative times follow each language's rules.
import { describe, expect, test } from "bun:test";
import { flatten } from "@solid-primitives/i18n";
import { de } from "../../web/src/i18n/de.ts";
import { en } from "../../web/src/i18n/en.ts";
import { formatList, plural, relativeDay, relativeTime } from "../../web/src/i18n/format.ts";
import { createI18n, pickLanguage } from "../../web/src/i18n/index.ts";

/** A Storage over a Map, as the browser's localStorage behaves. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

describe("the language", () => {
  test("is the first of the browser's languages that Parley speaks, else English", () => {
    expect(pickLanguage(["fr-FR", "de-AT", "en"])).toBe("de");
    expect(pickLanguage(["en-GB", "de"])).toBe("en");
    expect(pickLanguage(["fr", "es"])).toBe("en");
    expect(pickLanguage([])).toBe("en");
  });

  test("a choice in the settings overrides the browser's and is kept for the next visit", async () => {
    const storage = memoryStorage();
    const first = createI18n({ languages: ["de-DE"], storage });
    await first.ready;
    expect(first.t("login.title")).toBe("Willkommen zurück");
    expect(first.intlLocale()).toBe("de-DE");
    first.choose("en");
    expect(first.t("login.title")).toBe("Welcome back");

    const next = createI18n({ languages: ["de-DE"], storage });
    expect(next.choice()).toBe("en");
    expect(next.t("login.title")).toBe("Welcome back");
    next.choose("auto");
    expect(createI18n({ languages: ["de-DE"], storage }).language()).toBe("de");
  });

  test("a stored value that is not a language is ignored", () => {
    const storage = memoryStorage();
    storage.setItem("parley.language", "klingon");
    expect(createI18n({ languages: ["en-US"], storage }).language()).toBe("en");
  });
});

describe("the catalogues", () => {
  test("German has every entry English has, and no empty one", () => {
    const english = flatten(en);
    const german = flatten(de);
    // Key names are the one table a language may fill only where its keyboards differ.
    const keys = (dictionary: object) =>
      Object.keys(dictionary).filter((key) => !key.startsWith("shortcuts.keyNames."));
    expect(keys(german).sort()).toEqual(keys(english).sort());
    for (const [key, value] of Object.entries(german)) {
      if (typeof value === "string") expect({ key, empty: value.trim() === "" }).toEqual({ key, empty: false });
    }
  });

  test("plurals follow the language", () => {
    expect(en.rooms.members(1)).toBe("1 member");
    expect(en.rooms.members(1200)).toBe("1,200 members");
    expect(de.rooms.members(1)).toBe("1 Mitglied");
    expect(de.rooms.members(1200)).toBe("1.200 Mitglieder");
    expect(plural("de", 0, { one: "# Nachricht", other: "# Nachrichten" })).toBe("0 Nachrichten");
  });

  test("lists of names are joined in the language", () => {
    expect(en.conversation.typing(["Ada"])).toBe("Ada is typing…");
    expect(en.conversation.typing(["Ada", "Alan"])).toBe("Ada and Alan are typing…");
    expect(de.conversation.typing(["Ada", "Alan"])).toBe("Ada und Alan schreiben…");
    expect(de.conversation.typing(["A", "B", "C"])).toBe("Mehrere Personen schreiben…");
    expect(formatList("de", ["A", "B", "C"])).toBe("A, B und C");
  });

  test("relative days and times are in the language", () => {
    expect(relativeDay("en", 0)).toBe("Today");
    expect(relativeDay("de", 1)).toBe("Gestern");
    const now = new Date(2026, 2, 10, 12, 0);
    expect(relativeTime("en", new Date(2026, 2, 10, 11, 55), now)).toBe("5 minutes ago");
    expect(relativeTime("de", new Date(2026, 2, 10, 9, 0), now)).toBe("vor 3 Stunden");
    expect(relativeTime("de", new Date(2026, 2, 9, 12, 0), now)).toBe("gestern");
  });
});
