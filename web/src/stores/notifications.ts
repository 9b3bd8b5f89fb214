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

/**
 * This device's own note that the prompt was dismissed: it holds across a reload that
 * comes before the server has the change (and was where earlier builds kept it).
 */
const DISMISSED_HERE = "parley.notificationPromptDismissed";
const dismissedHere = {
  read: () => {
    try {
      return localStorage.getItem(DISMISSED_HERE) === "1";
    } catch {
      return false;
    }
  },
  write(on: boolean) {
    try {
      if (on) localStorage.setItem(DISMISSED_HERE, "1");
      else localStorage.removeItem(DISMISSED_HERE);
    } catch {
      // Storage blocked: the server's setting alone decides.
    }
  },
};

export function createNotificationsStore(api: Api) {
  const supported = typeof window !== "undefined" && "Notification" in window;
  const [permission, setPermission] = createSignal<NotificationPermissionState>(
    supported ? Notification.permission : "unsupported",
  );
  const phone = typeof window !== "undefined" && window.matchMedia("(pointer: coarse) and (hover: none)").matches;
  // Until the server answers, nothing is offered: a dismissed prompt must not flash.
  const [settings, setSettings] = createSignal<NotificationSettings | null>(null);

  const [hereDismissed, setHereDismissed] = createSignal(dismissedHere.read());
  const save = async (change: Partial<NotificationSettings>) => {
    if (change.promptDismissed !== undefined) {
      dismissedHere.write(change.promptDismissed);
      setHereDismissed(change.promptDismissed);
    }
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
        setSettings(await api.trpc.account.notificationSettings.query());
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
        !hereDismissed() &&
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
