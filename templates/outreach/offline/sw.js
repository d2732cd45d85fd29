{% load static i18n %}/* Outreach service worker (issue 17), served at /sw.js by outreach.offline_views.service_worker.

   Keeps, for reading without signal, only the app's own files and the signed-in worker's own
   pages named below (their caseload, My work, the "no signal" page and an empty contact form,
   shown for a client's or a planned visit's contact form),
   each for at most {{ keep_hours }} hours. Every other page goes to the network only and is never
   stored. The page's script (static/outreach/offline.js) asks for the copies after sign-in and
   removes them at sign-out; a copy is dropped as soon as the server answers with the sign-in page.
*/
importScripts("{% static 'outreach/outbox.js' %}");

const SHELL = "outreach-shell-{{ version }}";
const DATA = "outreach-data";
const KEEP_MS = {{ keep_hours }} * 3600 * 1000;
// A copy younger than this is not fetched again when a page asks (each fetch is an audited read).
const FRESH_MS = 60 * 60 * 1000;
const STAMP = "x-outreach-kept-at";
const STATIC_PREFIX = "{% get_static_prefix %}";
const SHELL_FILES = [{% for file in shell_files %}
  "{{ file|escapejs }}",{% endfor %}
];
const OFFLINE_PAGE = "{% url 'outreach:offline' %}";
const CONTACT_FORM = "{% url 'outreach:offline-contact' %}";
const MISSED_FORM = "{% url 'outreach:offline-missed' %}";
const KEPT_PAGES = new Set([
  "{% url 'outreach:caseload' %}",
  "{% url 'indicators:my-work' %}",
  OFFLINE_PAGE,
  CONTACT_FORM,
  MISSED_FORM,
]);
const CONTACT_NEW = /^\/clients\/\d+\/contacts\/new\/$/;
// A planned visit's contact (the link of its My work item): the same empty form, posted there.
const VISIT_CONTACT = /^\/visits\/\d+\/contact\/$/;
// A planned visit marked missed (the Missed link of its My work item): an empty reason form.
const VISIT_MISSED = /^\/visits\/\d+\/missed\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("outreach-shell-") && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function keep(path, response) {
  const headers = new Headers(response.headers);
  headers.set(STAMP, String(Date.now()));
  const body = await response.blob();
  const cache = await caches.open(DATA);
  await cache.put(path, new Response(body, { status: 200, headers }));
}

async function kept(path) {
  const cache = await caches.open(DATA);
  const response = await cache.match(path);
  if (!response) return null;
  const at = Number(response.headers.get(STAMP) || 0);
  if (!at || Date.now() - at > KEEP_MS) {
    await cache.delete(path);
    return null;
  }
  return { at, response };
}

// Copies older than KEEP_MS go whenever the worker wakes (a page, a message, a sync).
async function dropExpired() {
  const cache = await caches.open(DATA);
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const at = Number((response && response.headers.get(STAMP)) || 0);
    if (!at || Date.now() - at > KEEP_MS) await cache.delete(request);
  }
}

// A kept page is marked, so that the page says it is a copy and how old it is.
async function asCopy(found) {
  const html = await found.response.text();
  return new Response(html.replace("<body", `<body data-offline-copy="${found.at}"`), {
    status: 200,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

function noSignal() {
  return new Response("{{ no_signal|escapejs }}", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

async function fetchKept(path) {
  // redirect "manual": a kept page that redirects means the session is over.
  const response = await fetch(path, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
  if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    await caches.delete(DATA);
  } else if (response.ok && response.type === "basic") {
    await keep(path, response.clone());
  }
  return response;
}

async function navigate(request, url) {
  const path = url.pathname;
  if (KEPT_PAGES.has(path) && !url.search) {
    try {
      const response = await fetch(request);
      if (response.type === "opaqueredirect") await caches.delete(DATA);
      else if (response.ok && response.type === "basic") await keep(path, response.clone());
      return response;
    } catch (err) {
      const found = (await kept(path)) || (await kept(OFFLINE_PAGE));
      return found ? asCopy(found) : noSignal();
    }
  }
  try {
    return await fetch(request);
  } catch (err) {
    let fallback = OFFLINE_PAGE;
    if (CONTACT_NEW.test(path) || VISIT_CONTACT.test(path)) fallback = CONTACT_FORM;
    else if (VISIT_MISSED.test(path)) fallback = MISSED_FORM;
    const found = (await kept(fallback)) || (await kept(OFFLINE_PAGE));
    return found ? asCopy(found) : noSignal();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(dropExpired().then(() => navigate(request, url)));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports && event.ports[0] && event.ports[0].postMessage(value);
  if (data.type === "refresh") {
    const paths = (data.paths || []).filter((p) => KEPT_PAGES.has(p));
    event.waitUntil(
      dropExpired().then(() => Promise.all(
        paths.map(async (path) => {
          const found = await kept(path);
          if (found && Date.now() - found.at < FRESH_MS) return;
          try {
            await fetchKept(path);
          } catch (err) {
            // no signal: keep what is kept
          }
        })
      )).then(() => reply("refreshed"))
    );
  } else if (data.type === "clear") {
    event.waitUntil(caches.delete(DATA).then(() => reply("cleared")));
  }
});

// Background Sync: an open page sends the outbox itself (it has the form's CSRF token); with no
// page open, the worker fetches a token and sends it.
async function syncOutbox() {
  const windows = await self.clients.matchAll({ type: "window" });
  if (windows.length) {
    windows[0].postMessage({ type: "flush" });
    return;
  }
  const response = await fetch(OFFLINE_PAGE, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
  if (!response.ok) return; // signed out: the items wait for the next sign-in
  const html = await response.text();
  const csrf = (html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/) || [])[1];
  const user = (html.match(/<meta name="outreach-user" content="([^"]+)"/) || [])[1];
  if (csrf && user) await self.OutreachOutbox.sendAll({ csrf, userId: user });
}

self.addEventListener("sync", (event) => {
  if (event.tag === "outreach-outbox") event.waitUntil(dropExpired().then(syncOutbox));
});
