// Arrival's service worker: pages that ask for it (the welcome kit) stay readable offline after one visit.
// Network first, so people always get the newest version when they are online; the cache only when offline.
const CACHE = 'arrival-offline-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type !== 'keep' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u) => typeof u === 'string' && u.startsWith('/') && !u.startsWith('//'));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(urls)));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        // Refresh what is already kept, so the offline copy is the latest one seen.
        if (response.ok) {
          const copy = response.clone();
          caches
            .open(CACHE)
            .then((cache) =>
              cache.match(request).then((kept) => (kept ? cache.put(request, copy) : undefined)),
            );
        }
        return response;
      })
      .catch(() => caches.match(request).then((kept) => kept || Response.error())),
  );
});
