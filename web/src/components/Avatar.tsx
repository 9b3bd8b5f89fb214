// A round avatar with initials (colour from the id) and, for people, a presence dot.
import { type JSX, Show } from "solid-js";
import { useI18n, usePresenceKnown } from "../stores/context.tsx";

const HUES = 8;

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts.at(-1)] : [parts[0]];
  return letters
    .map((part) => (part ? [...part][0]?.toUpperCase() : ""))
    .join("")
    .slice(0, 2);
}

export function Avatar(props: {
  id: number;
  name: string;
  room?: boolean;
  online?: boolean | undefined;
  size?: "sm" | "md" | "lg";
}): JSX.Element {
  const { t } = useI18n();
  const known = usePresenceKnown();
  const label = () => {
    if (!known()) return t("presence.unknown");
    return props.online ? t("presence.online") : t("presence.offline");
  };
  return (
    <span class={`avatar avatar-${props.size ?? "md"} hue-${props.id % HUES}`} classList={{ room: props.room }}>
      <span aria-hidden="true">{initials(props.name)}</span>
      <Show when={props.online !== undefined && !props.room}>
        <span
          class="presence"
          classList={{ online: known() && props.online, unknown: !known() }}
          role="img"
          aria-label={label()}
        />
      </Show>
    </span>
  );
}
