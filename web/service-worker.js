// Parley's service worker: the app shell offline, nothing else. The build writes the
// list of this deploy's files into SHELL (and so a new deploy is a new worker, which the
// page offers to switch to). API answers, socket traffic and anything private are never
// cached: only GETs of the shell's own public files are answered from the cache.
const SHELL = self.__PARLEY_SHELL__;
const CACHE = `parley-shell-${SHELL.version}`;
const SERVER_PATHS = /^\/(api|trpc|ws|metrics)(\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["/", ...SHELL.files])));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// The page asks the waiting worker to take over when the person accepts the update.
self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || SERVER_PATHS.test(url.pathname)) return;
  if (request.mode === "navigate") {
    // Pages: the network first (a deploy is seen at once), the shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match("/")));
    return;
  }
  if (SHELL.files.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)));
  }
});
