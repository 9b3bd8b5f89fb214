// A round avatar: the person's picture when they uploaded one, else initials (colour from
// the id); for people, a presence dot. The picture is decorative (the name is beside it).
import { createSignal, type JSX, Show } from "solid-js";
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
  size?: "xs" | "sm" | "md" | "lg" | "xl";
  /** The avatar's path (UserSummary.avatar), or null/undefined for initials. */
  src?: string | null | undefined;
}): JSX.Element {
  // A picture that fails to load (a replaced one, offline) falls back to the initials.
  const [failed, setFailed] = createSignal<string | null>(null);
  const { t } = useI18n();
  const known = usePresenceKnown();
  const label = () => {
    if (!known()) return t("presence.unknown");
    return props.online ? t("presence.online") : t("presence.offline");
  };
  return (
    <span class={`avatar avatar-${props.size ?? "md"} hue-${props.id % HUES}`} classList={{ room: props.room }}>
      <Show
        when={props.src && failed() !== props.src ? props.src : null}
        fallback={<span aria-hidden="true">{initials(props.name)}</span>}
      >
        {(src) => <img class="avatar-img" src={src()} alt="" loading="lazy" onError={() => setFailed(src())} />}
      </Show>
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
