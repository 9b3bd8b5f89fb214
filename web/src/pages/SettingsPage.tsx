// The person's own settings: profile, password and signed-in devices.
import { A } from "@solidjs/router";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { MAX_BIO } from "../../../src/shared/api.ts";
import { toFailure } from "../api/client.ts";
import { Field } from "../components/Field.tsx";
import { Icon } from "../components/Icon.tsx";
import { NotificationSettingsSection } from "../components/NotificationSettings.tsx";
import { failureText } from "../i18n/failures.ts";
import { relativeTime } from "../i18n/format.ts";
import { describeUserAgent } from "../lib/user-agent.ts";
import { useApp, useI18n } from "../stores/context.tsx";
import { AvatarSection, BlockedSection } from "./AccountSections.tsx";
import { createSettingsForm, FormOutcome, formText } from "./settings-form.tsx";

export function SettingsPage(): JSX.Element {
  const { t } = useI18n();
  const { api } = useApp();
  const [devices, { refetch }] = createResource(() => api.trpc.account.sessions.query());
  return (
    <section class="page" aria-labelledby="settings-title">
      <header class="pane-head">
        <A class="icon-button back" href="/" aria-label={t("conversation.back")}>
          <Icon name="back" />
        </A>
        <div class="pane-title">
          <h1 id="settings-title">{t("settings.title")}</h1>
          <p class="pane-sub">{t("settings.subtitle")}</p>
        </div>
      </header>
      <div class="page-body">
        <ProfileSection />
        <NotificationSettingsSection />
        <AvatarSection />
        <PasswordSection onChanged={() => void refetch()} />
        <DevicesSection devices={devices()} failed={Boolean(devices.error)} onChange={() => void refetch()} />
        <BlockedSection />
      </div>
    </section>
  );
}

function ProfileSection(): JSX.Element {
  const { t } = useI18n();
  const { api, session } = useApp();
  const form = createSettingsForm();
  const me = () => session.user();
  const submit = form.submitWith(async (values) => {
    const updated = await api.trpc.account.updateProfile.mutate({
      firstName: formText(values, "firstName"),
      lastName: formText(values, "lastName"),
      bio: formText(values, "bio"),
    });
    session.profileChanged(updated);
  });

  return (
    <section class="settings-section" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("settings.profileTitle")}</h2>
      <form class="stack" onSubmit={submit} noValidate>
        <Field
          label={t("signup.firstName")}
          name="firstName"
          autocomplete="given-name"
          value={me()?.firstName ?? ""}
          error={form.fields().firstName}
        />
        <Field
          label={t("signup.lastName")}
          name="lastName"
          autocomplete="family-name"
          value={me()?.lastName ?? ""}
          error={form.fields().lastName}
        />
        <Field
          label={t("settings.bio")}
          name="bio"
          maxlength={MAX_BIO}
          value={me()?.bio ?? ""}
          hint={t("settings.bioHint", MAX_BIO)}
          error={form.fields().bio}
        />
        <FormOutcome error={form.error()} done={form.done()} doneText={t("settings.profileSaved")} />
        <button class="button primary" type="submit" disabled={form.busy()}>
          {t("settings.saveProfile")}
        </button>
      </form>
    </section>
  );
}

function PasswordSection(props: { onChanged: () => void }): JSX.Element {
  const { t } = useI18n();
  const { api } = useApp();
  const form = createSettingsForm();
  const submit = form.submitWith(
    async (values, element) => {
      await api.trpc.account.changePassword.mutate({
        currentPassword: formText(values, "currentPassword"),
        newPassword: formText(values, "newPassword"),
      });
      element.reset();
      props.onChanged();
    },
    (failure) => {
      // A wrong current password comes back as a refusal of that field alone.
      if (failure.fields?.currentPassword && failure.code === "BAD_REQUEST" && !failure.fields.newPassword)
        return { fields: { currentPassword: t("settings.wrongCurrent") } };
      if (failure.fields) return { fields: failure.fields };
      return failure.code === "TOO_MANY_REQUESTS" ? { error: t("errors.tooManyAttempts") } : null;
    },
  );

  return (
    <section class="settings-section" aria-labelledby="password-title">
      <h2 id="password-title">{t("settings.passwordTitle")}</h2>
      <form class="stack" onSubmit={submit} noValidate>
        <Field
          label={t("settings.currentPassword")}
          name="currentPassword"
          type="password"
          autocomplete="current-password"
          error={form.fields().currentPassword}
        />
        <Field
          label={t("settings.newPassword")}
          name="newPassword"
          type="password"
          autocomplete="new-password"
          hint={t("signup.passwordHint")}
          error={form.fields().newPassword}
        />
        <FormOutcome error={form.error()} done={form.done()} doneText={t("settings.passwordChanged")} />
        <button class="button primary" type="submit" disabled={form.busy()}>
          {t("settings.changePassword")}
        </button>
      </form>
    </section>
  );
}

type Device = {
  id: string;
  userAgent: string | null;
  ip: string | null;
  lastActiveAt: string;
  current: boolean;
};

function DevicesSection(props: { devices: Device[] | undefined; failed: boolean; onChange: () => void }): JSX.Element {
  const { t, intlLocale } = useI18n();
  const { api } = useApp();
  const [error, setError] = createSignal<string | null>(null);
  const name = (device: Device) => {
    const { browser, system } = describeUserAgent(device.userAgent);
    if (browser && system) return t("settings.browserOn", browser, system);
    return browser ?? system ?? t("settings.unknownDevice");
  };
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
    } catch (caught) {
      setError(failureText(t, toFailure(caught)));
    }
    props.onChange();
  };
  const others = () => (props.devices ?? []).filter((d) => !d.current).length;

  return (
    <section class="settings-section" aria-labelledby="devices-title">
      <h2 id="devices-title">{t("settings.devicesTitle")}</h2>
      <p class="muted">{t("settings.devicesText")}</p>
      <Show when={props.failed}>
        <p class="form-error">{t("settings.devicesFailed")}</p>
      </Show>
      <ul class="card-list" aria-labelledby="devices-title">
        <For each={props.devices}>
          {(device) => (
            <li class="device-row">
              <span class="person-text">
                <span class="person-name">
                  {name(device)}
                  <Show when={device.current}>
                    <span class="tag">{t("settings.thisDevice")}</span>
                  </Show>
                </span>
                <span class="muted">
                  {t(
                    "settings.deviceDetails",
                    device.ip ?? "?",
                    relativeTime(intlLocale(), new Date(device.lastActiveAt)),
                  )}
                </span>
              </span>
              <Show when={!device.current}>
                <button
                  class="button subtle"
                  type="button"
                  aria-label={t("settings.logOutDevice", name(device))}
                  onClick={() => void act(() => api.trpc.account.endSession.mutate({ id: device.id }))}
                >
                  {t("settings.logOut")}
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={error()}>
        <p class="form-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={others() > 0}>
        <div>
          <button
            class="button"
            type="button"
            onClick={() => void act(() => api.trpc.account.endOtherSessions.mutate())}
          >
            {t("settings.logOutOthers")}
          </button>
        </div>
      </Show>
    </section>
  );
}
