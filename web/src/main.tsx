// Entry point: one API client, the session store, the language, the service worker, the app.
import { render } from "solid-js/web";
import { App } from "./App.tsx";
import { createApi } from "./api/client.ts";
import { createI18n } from "./i18n/index.ts";
import { registerServiceWorker } from "./lib/service-worker.ts";
import { createSessionStore } from "./stores/session.ts";
import "./styles.css";

let session: ReturnType<typeof createSessionStore> | undefined;
const api = createApi(location.origin, () => session?.ended());
session = createSessionStore(api, globalThis.localStorage);
const updates = registerServiceWorker();
const i18n = createI18n({ languages: navigator.languages, storage: globalThis.localStorage });

const root = document.getElementById("root");
// The page's language is in before the first render (English needs no wait).
if (root)
  void i18n.ready.then(() => render(() => <App api={api} session={session} i18n={i18n} updates={updates} />, root));
