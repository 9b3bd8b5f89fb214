// Desktop notifications for messages that arrive while the tab is hidden, once the person
// has allowed them (the browser asks only after a click). The sidebar's prompt to turn them
// on is not offered on phones (a touch screen without a fine pointer: no desktop to notify)
// and can be dismissed for good (kept in localStorage).
import { createSignal } from "solid-js";

export type NotificationPermissionState = NotificationPermission | "unsupported";

const PROMPT_DISMISSED = "parley.notificationPromptDismissed";

export function createNotificationsStore(storage?: Storage) {
  const supported = typeof window !== "undefined" && "Notification" in window;
  const [permission, setPermission] = createSignal<NotificationPermissionState>(
    supported ? Notification.permission : "unsupported",
  );
  const phone = typeof window !== "undefined" && window.matchMedia("(pointer: coarse) and (hover: none)").matches;
  const readDismissed = () => {
    try {
      return storage?.getItem(PROMPT_DISMISSED) === "1";
    } catch {
      return false;
    }
  };
  const [dismissed, setDismissed] = createSignal(readDismissed());
  return {
    permission,
    /** Offer "Turn on desktop notifications"? Not on phones, not once dismissed or decided. */
    offerPrompt: () => permission() === "default" && !phone && !dismissed(),
    dismissPrompt() {
      setDismissed(true);
      try {
        storage?.setItem(PROMPT_DISMISSED, "1");
      } catch {
        // Storage blocked: dismissed for this visit only.
      }
    },
    async request() {
      if (!supported) return;
      setPermission(await Notification.requestPermission());
    },
    /** Shows a notification when the tab is hidden and permission was granted. */
    notify(title: string, body: string, tag: string, onClick: () => void) {
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
