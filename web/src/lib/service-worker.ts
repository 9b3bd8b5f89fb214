// Registers the service worker (built into sw.js by `vite build`; under the dev server
// there is none and registering fails quietly) and tells when a new deploy's worker
// is waiting; the page offers a reload, and only then does the new one take over.
import { createSignal } from "solid-js";

export function registerServiceWorker() {
  const [waiting, setWaiting] = createSignal<ServiceWorker | null>(null);
  let accepted = false;
  if ("serviceWorker" in navigator) {
    const track = (worker: ServiceWorker | null) => {
      if (!worker) return;
      // "installed" with a controller means an older worker runs this page: an update.
      const check = () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) setWaiting(worker);
      };
      check();
      worker.addEventListener("statechange", check);
    };
    navigator.serviceWorker
      .register("/sw.js")
      .then((registration) => {
        track(registration.waiting);
        registration.addEventListener("updatefound", () => track(registration.installing));
        // A tab left open for days still learns of a deploy.
        setInterval(() => void registration.update().catch(() => {}), 30 * 60_000);
      })
      .catch(() => {
        // No worker (private mode, blocked): the app works online as before.
      });
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (accepted) location.reload();
    });
  }
  return {
    updateReady: () => waiting() !== null,
    /** Lets the waiting worker take over; the page reloads when it has. */
    update() {
      accepted = true;
      waiting()?.postMessage({ type: "skip-waiting" });
    },
  };
}

export type ServiceWorkerUpdates = ReturnType<typeof registerServiceWorker>;
