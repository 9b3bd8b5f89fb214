// The language setting: the browser's choice, or one of the catalogues, kept on this device.
import { For, type JSX } from "solid-js";
import { LANGUAGES, type LanguageChoice } from "../i18n/index.ts";
import { useI18n } from "../stores/context.tsx";

export function LanguagePicker(): JSX.Element {
  const i18n = useI18n();
  return (
    <label class="language-picker">
      <span>{i18n.t("language.label")}</span>
      <select value={i18n.choice()} onChange={(event) => i18n.choose(event.currentTarget.value as LanguageChoice)}>
        <option value="auto">{i18n.t("language.automatic")}</option>
        <For each={Object.entries(LANGUAGES)}>
          {([code, name]) => (
            <option value={code} lang={code}>
              {name}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}
