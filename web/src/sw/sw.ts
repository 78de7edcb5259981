// The service worker: the app opens without a network. It keeps
//   - the shell (index.html, every hashed asset, the manifest and icons) in a cache named by the
//     build's version, filled at install; a new build installs a new cache and drops the old one;
//   - the last answer of each of the player's reads (session, balance, history, leaderboards,
//     profile, notifications) in a data cache, stamped with the time it was saved (X-Lucas-Saved-At, ms since
//     the epoch), served only when the network fails — the app then shows "offline, data as of …".
// Pages are network-first (a deploy is seen at once when online); assets are cache-first (their
// names change with their content). Nothing else is touched: no POST, no /docs, no CSV, no
// WebSocket. The app deletes the data cache when its user signs out or another user signs in.
export {}; // a module: `self` below is this file's, the service worker's global scope
declare const self: ServiceWorkerGlobalScope;
declare const PRECACHE: string[];
declare const VERSION: string;

const SHELL = `lucas-shell-${VERSION}`;
const DATA = 'lucas-data';
const SAVED_AT = 'X-Lucas-Saved-At';

// The reads a player's pages need offline (GET only; the CSV export is a download, not kept).
const KEPT = [
  /^\/api\/v1\/auth\/session$/,
  /^\/api\/v1\/me(\/notifications)?$/,
  /^\/api\/v1\/users\/\d+(\/balance|\/transactions|\/links)?$/,
  /^\/api\/v1\/leaderboards(\/[\w.-]+)?$/,
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith('lucas-shell-') && n !== SHELL)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function page(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (e) {
    const shell = await caches.match('/index.html', { cacheName: SHELL });
    if (shell) return shell;
    throw e;
  }
}

async function asset(request: Request): Promise<Response> {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    void caches.open(SHELL).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function data(request: Request): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(request);
  } catch (e) {
    const kept = await caches.match(request, { cacheName: DATA });
    if (kept) return kept;
    throw e;
  }
  if (response.ok) {
    const headers = new Headers(response.headers);
    headers.set(SAVED_AT, String(Date.now()));
    const body = await response.clone().arrayBuffer();
    const stamped = new Response(body, { status: response.status, headers });
    await caches.open(DATA).then((cache) => cache.put(request, stamped));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    if (!path.startsWith('/api/') && !path.startsWith('/docs')) event.respondWith(page(request));
  } else if (path.startsWith('/assets/')) {
    event.respondWith(asset(request));
  } else if (KEPT.some((p) => p.test(path)) && url.searchParams.get('format') !== 'csv') {
    event.respondWith(data(request));
  }
});
