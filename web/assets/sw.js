// Offset Express's service worker: it keeps one complete copy of the site per build, so the
// page works with no network at all, and never serves files of two builds to one page.
//
// `cargo xtask dist` writes the build's version (a hash of every file) and its file list into
// the BUILD line below, in dist/sw.js; the line here is a placeholder that caches nothing.
// A new deployment changes that line, so the browser installs the new worker next to the old
// one; the new worker copies its whole build before it is ready, and the page offers the
// switch (the notice in index.html). Until the learner takes it, the old build keeps serving.
// All paths are relative to the worker's scope, so the site works under any sub-path.
const BUILD = { version: 'dev', files: [] };

const SCOPE = self.registration.scope;
const PREFIX = `offset-express ${SCOPE} `;
const CACHE = PREFIX + BUILD.version;
// Trunk names a file after its content hash: such a file never changes, so the HTTP cache may
// give it. The others (index.html, the manifest, icons) are revalidated with the server.
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;

self.addEventListener('install', (event) => {
  if (BUILD.files.length === 0) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        await Promise.all(
          BUILD.files.map(async (file) => {
            const url = new URL(file, SCOPE);
            const response = await fetch(url, { cache: HASHED.test(file) ? 'default' : 'no-cache' });
            if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
            await cache.put(url, response);
          }),
        );
      } catch (error) {
        // Half a copy is no copy: the worker is not installed and the old build serves on.
        await caches.delete(CACHE);
        throw error;
      }
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
    })(),
  );
});

// The page's "Reload" on the notice: this (waiting) worker takes over, then the page reloads.
self.addEventListener('message', (event) => {
  if (event.data === 'take-over') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || BUILD.files.length === 0 || !request.url.startsWith(SCOPE)) return;
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  // The page itself, at the scope's root, is this build's index.html.
  if (request.mode === 'navigate' && url.href === SCOPE) url.href = new URL('index.html', SCOPE).href;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match(url)) ?? fetch(request);
    })(),
  );
});
