// Desktop notifications for messages that arrive while the tab is hidden, once the person
// has allowed them (the browser asks only after a click). What the person wants (every
// message, mentions only, off) and whether they dismissed the sidebar's prompt for good
// are kept on the server (`account.notificationSettings`), so they follow the person to
// every device; the browser's permission stays the browser's. The prompt is not offered on
// phones (a touch screen without a fine pointer: no desktop to notify).
import { createSignal } from "solid-js";
import type { DesktopNotifications, NotificationSettings } from "../../../src/shared/api.ts";
import type { Api } from "../api/client.ts";

export type NotificationPermissionState = NotificationPermission | "unsupported";

/** Should a message be notified? Muted conversations and "mentions only" need a mention of me. */
export function wantsNotification(desktop: DesktopNotifications, muted: boolean, mentionsMe: boolean): boolean {
  if (desktop === "off") return false;
  if (desktop === "mentions" || muted) return mentionsMe;
  return true;
}

/** Where this device kept a dismissed prompt before the server did. */
const LEGACY_DISMISSED = "parley.notificationPromptDismissed";
const readLegacyDismissed = () => {
  try {
    return localStorage.getItem(LEGACY_DISMISSED) === "1";
  } catch {
    return false;
  }
};

export function createNotificationsStore(api: Api) {
  const supported = typeof window !== "undefined" && "Notification" in window;
  const [permission, setPermission] = createSignal<NotificationPermissionState>(
    supported ? Notification.permission : "unsupported",
  );
  const phone = typeof window !== "undefined" && window.matchMedia("(pointer: coarse) and (hover: none)").matches;
  // Until the server answers, nothing is offered: a dismissed prompt must not flash.
  const [settings, setSettings] = createSignal<NotificationSettings | null>(null);

  const save = async (change: Partial<NotificationSettings>) => {
    const before = settings();
    if (before) setSettings({ ...before, ...change });
    try {
      setSettings(await api.trpc.account.setNotificationSettings.mutate(change));
      return true;
    } catch {
      setSettings(before);
      return false;
    }
  };

  return {
    permission,
    settings,
    /** Loads the person's settings (at start and after a reconnect). */
    async load() {
      try {
        const loaded = await api.trpc.account.notificationSettings.query();
        setSettings(loaded);
        // Dismissed on this device before the choice was kept on the server: carry it over.
        if (!loaded.promptDismissed && readLegacyDismissed()) await save({ promptDismissed: true });
      } catch {
        // Offline: the next `ready` tries again; nothing is offered meanwhile.
      }
    },
    save,
    /** Offer "Turn on desktop notifications"? Not on phones, not once dismissed, turned off or decided. */
    offerPrompt: () => {
      const current = settings();
      return (
        permission() === "default" &&
        !phone &&
        current !== null &&
        !current.promptDismissed &&
        current.desktop !== "off"
      );
    },
    dismissPrompt: () => save({ promptDismissed: true }),
    async request() {
      if (!supported) return;
      setPermission(await Notification.requestPermission());
    },
    /** Shows a notification when the tab is hidden, permission was granted and the person wants it. */
    notify(
      message: { muted: boolean; mentionsMe: boolean },
      title: string,
      body: string,
      tag: string,
      onClick: () => void,
    ) {
      const desktop = settings()?.desktop ?? "all";
      if (!wantsNotification(desktop, message.muted, message.mentionsMe)) return;
      if (!supported || permission() !== "granted" || document.visibilityState === "visible") return;
      const notification = new Notification(title, { body: body.slice(0, 200), tag });
      notification.onclick = () => {
        window.focus();
        onClick();
        notification.close();
      };
    },
  };
}
