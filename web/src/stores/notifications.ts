// Desktop notifications for messages that arrive while the tab is hidden, once the person
// has allowed them (the browser asks only after a click).
import { createSignal } from "solid-js";

export type NotificationPermissionState = NotificationPermission | "unsupported";

export function createNotificationsStore() {
  const supported = typeof window !== "undefined" && "Notification" in window;
  const [permission, setPermission] = createSignal<NotificationPermissionState>(
    supported ? Notification.permission : "unsupported",
  );
  return {
    permission,
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
