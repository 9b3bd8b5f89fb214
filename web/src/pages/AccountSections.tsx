// Two sections of the settings page: the person's picture (upload, change, remove) and the
// people they blocked (unblock). Kept apart from SettingsPage.tsx, which others extend too.
import { createSignal, For, type JSX, Show } from "solid-js";
import { type User, userSchema } from "../../../src/shared/api.ts";
import { errorBodySchema } from "../../../src/shared/errors.ts";
import { Avatar } from "../components/Avatar.tsx";
import { useApp, useChat, useI18n } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

const AVATAR_MAX_BYTES = 5_000_000;

/** POST or DELETE /api/avatar: the updated user, or the server's words for a refusal. */
async function avatarRequest(method: "POST" | "DELETE", body?: File): Promise<User | string> {
  const response = await fetch("/api/avatar", { method, body: body ?? null, credentials: "same-origin" });
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return userSchema.parse(json);
  const refusal = errorBodySchema.safeParse(json);
  return refusal.success ? refusal.data.error.message : `${response.status}`;
}

export function AvatarSection(): JSX.Element {
  const { t } = useI18n();
  const { session } = useApp();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  let input: HTMLInputElement | undefined;
  const me = () => session.user();

  const run = async (method: "POST" | "DELETE", file?: File) => {
    setError(null);
    setNotice(null);
    if (file && file.size > AVATAR_MAX_BYTES) return setError(t("avatar.tooLarge"));
    setBusy(true);
    try {
      const outcome = await avatarRequest(method, file);
      if (typeof outcome === "string") setError(outcome);
      else {
        session.profileChanged(outcome);
        setNotice(method === "POST" ? t("avatar.saved") : t("avatar.removed"));
      }
    } catch {
      setError(t("errors.network"));
    } finally {
      setBusy(false);
      if (input) input.value = "";
    }
  };

  return (
    <section class="settings-section" aria-labelledby="avatar-title">
      <h2 id="avatar-title">{t("avatar.title")}</h2>
      <Show when={me()}>
        {(user) => (
          <div class="avatar-settings">
            <Avatar id={user().id} name={displayName(user())} size="xl" src={user().avatar} />
            <div class="stack">
              <p class="muted" id="avatar-hint">
                {t("avatar.hint")}
              </p>
              <input
                ref={input}
                id="avatar-file"
                class="sr-only"
                type="file"
                accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
                aria-describedby="avatar-hint"
                onChange={(event) => {
                  const file = event.currentTarget.files?.[0];
                  if (file) void run("POST", file);
                }}
              />
              <div class="row-buttons">
                <button class="button primary" type="button" disabled={busy()} onClick={() => input?.click()}>
                  {busy() ? t("avatar.uploading") : user().avatar ? t("avatar.change") : t("avatar.upload")}
                </button>
                <Show when={user().avatar}>
                  <button class="button" type="button" disabled={busy()} onClick={() => void run("DELETE")}>
                    {t("avatar.remove")}
                  </button>
                </Show>
              </div>
              <Show when={error()}>
                <p class="form-error" role="alert">
                  {error()}
                </p>
              </Show>
              <Show when={notice()}>
                <p class="notice" role="status">
                  {notice()}
                </p>
              </Show>
            </div>
          </div>
        )}
      </Show>
    </section>
  );
}

export function BlockedSection(): JSX.Element {
  const { t } = useI18n();
  const chat = useChat();
  return (
    <section class="settings-section" aria-labelledby="blocked-title">
      <h2 id="blocked-title">{t("blocks.title")}</h2>
      <p class="muted">{t("blocks.text")}</p>
      <Show when={chat.blocks.list().length > 0} fallback={<p class="muted">{t("blocks.none")}</p>}>
        <ul class="blocked-list" aria-labelledby="blocked-title">
          <For each={chat.blocks.list()}>
            {(person) => (
              <li class="blocked-item">
                <Avatar id={person.id} name={displayName(person)} size="sm" src={person.avatar} />
                <span class="grow">
                  <bdi>{displayName(person)}</bdi> <span class="muted">@{person.username}</span>
                </span>
                <button
                  class="button"
                  type="button"
                  aria-label={t("blocks.unblockPerson", displayName(person))}
                  onClick={() => void chat.blocks.unblock(person.id)}
                >
                  {t("blocks.unblock")}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
