// On the admin page: make a password reset link for someone (where the server sends no
// mail, or the mail does not arrive) and show it to copy and hand over.
import { createSignal, type JSX, Show } from "solid-js";
import type { AdminUser } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { failureText } from "../i18n/failures.ts";
import { useApp, useI18n } from "../stores/context.tsx";

export function ResetLinkButton(props: { user: AdminUser; onCreated: () => void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const [link, setLink] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const create = async () => {
    setProblem(null);
    try {
      const made = await api.trpc.admin.createResetLink.mutate({ userId: props.user.id });
      setLink(`${location.origin}${made.path}`);
      props.onCreated();
    } catch (caught) {
      setProblem(failureText(t, toFailure(caught)));
    }
  };
  return (
    <>
      <button
        class="button subtle"
        type="button"
        aria-label={t("admin.resetLinkFor", props.user.username)}
        onClick={() => void create()}
      >
        {t("admin.resetLink")}
      </button>
      <Show when={link() ?? problem()}>
        <div class="reset-link" role="status">
          <Show when={link()} fallback={<p class="form-error">{problem()}</p>}>
            {(url) => (
              <>
                <label for={`reset-link-${props.user.id}`}>{t("admin.resetLinkLabel", props.user.username)}</label>
                <input
                  id={`reset-link-${props.user.id}`}
                  readonly
                  value={url()}
                  ref={(input) => queueMicrotask(() => input.select())}
                />
                <p class="hint">{t("admin.resetLinkHint")}</p>
              </>
            )}
          </Show>
        </div>
      </Show>
    </>
  );
}
