// The row between the page a jump far back loaded and the latest messages: the messages
// in between are not here yet. They load as the reader scrolls down to it (and with its
// button, for the keyboard), a page at a time, so reading on from a reply's parent works
// like reading up from the latest message.
import { type JSX, onMount } from "solid-js";
import { infiniteScroll } from "../lib/dom.ts";
import { useI18n } from "../stores/context.tsx";

export function UnloadedSpan(props: {
  root: () => HTMLElement;
  load: () => Promise<unknown>;
  canLoad: () => boolean;
}): JSX.Element {
  const { t } = useI18n();
  let row!: HTMLDivElement;
  let pump: () => Promise<void> = async () => {};
  onMount(() => {
    pump = infiniteScroll(row, props.root(), props.load, props.canLoad);
  });
  return (
    <div class="unloaded-span" ref={row}>
      <button class="link-button" type="button" onClick={() => void props.load().then(() => pump())}>
        {t("conversation.loadBetween")}
      </button>
    </div>
  );
}
