// The client's language: the first of the browser's preferred languages that Parley
// speaks, unless the person picked one in the settings (kept in localStorage). `t` reads
// the current catalogue (@solid-primitives/i18n); Intl formats follow `intlLocale()`.
import { flatten, translator } from "@solid-primitives/i18n";
import { createSignal } from "solid-js";
import { type Dictionary, en } from "./en.ts";

export const LANGUAGES = { en: "English", de: "Deutsch" } as const;
export type Language = keyof typeof LANGUAGES;
export type LanguageChoice = Language | "auto";

// English is the source and the fallback, in the start-up bundle; other languages are
// chunks of their own, fetched before the first render when they are the one shown (the
// start-up JavaScript has a 100 KB budget, and most people need one catalogue).
type Catalogue = ReturnType<typeof flatten<Dictionary>>;
const catalogues: Partial<Record<Language, Catalogue>> = { en: flatten(en) };
const loaders: Record<Exclude<Language, "en">, () => Promise<Dictionary>> = {
  de: () => import("./de.ts").then((module) => module.de),
};
const [catalogueCount, setCatalogueCount] = createSignal(1);

/** Fetches a language's catalogue once; English meanwhile (or if it cannot be fetched). */
function loadCatalogue(language: Language): Promise<void> {
  if (language === "en" || catalogues[language]) return Promise.resolve();
  return loaders[language]().then(
    (dictionary) => {
      catalogues[language] = flatten(dictionary);
      setCatalogueCount((count) => count + 1);
    },
    () => {}, // Offline before the chunk came: English until the next visit.
  );
}
const STORAGE_KEY = "parley.language";

const baseOf = (tag: string) => tag.toLowerCase().split("-")[0] ?? "";
const isLanguage = (value: unknown): value is Language => typeof value === "string" && value in LANGUAGES;

/** The first preferred language Parley has a catalogue for, else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = baseOf(tag);
    if (isLanguage(base)) return base;
  }
  return "en";
}

export function createI18n(browser: { languages: readonly string[]; storage?: Storage | undefined }) {
  const readChoice = (): LanguageChoice => {
    try {
      const stored = browser.storage?.getItem(STORAGE_KEY);
      return isLanguage(stored) ? stored : "auto";
    } catch {
      return "auto"; // Storage can be blocked (privacy settings): follow the browser.
    }
  };
  const [choice, setChoice] = createSignal<LanguageChoice>(readChoice());
  const language = (): Language => {
    const chosen = choice();
    return chosen === "auto" ? pickLanguage(browser.languages) : chosen;
  };
  // The browser's own tag when it is of this language (en-GB, de-AT), so dates and
  // numbers keep the person's regional format.
  const intlLocale = () => browser.languages.find((tag) => baseOf(tag) === language()) ?? language();

  return {
    choice,
    language,
    intlLocale,
    /** Resolves once the catalogue of the language shown is in (render after it). */
    ready: loadCatalogue(language()),
    t: translator(() => {
      catalogueCount();
      return catalogues[language()] ?? (catalogues.en as Catalogue);
    }),
    choose(next: LanguageChoice) {
      setChoice(next);
      void loadCatalogue(language());
      try {
        if (next === "auto") browser.storage?.removeItem(STORAGE_KEY);
        else browser.storage?.setItem(STORAGE_KEY, next);
      } catch {
        // Kept for this visit only.
      }
    },
  };
}

export type I18n = ReturnType<typeof createI18n>;
export type Translate = I18n["t"];
