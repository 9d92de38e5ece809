// The web chat's service worker: pages come from the network; without one, the offline page (cached
// at install) instead of the browser's error. The chat's data is never cached.
"use strict";
const CACHE = "sodiem-offline-v1";
const OFFLINE = ["/offline.html", "/static/web.css", "/static/icon-192.png"];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(OFFLINE)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", (event) => {
  if (event.request.mode !== "navigate") return;
  event.respondWith(fetch(event.request).catch(() => caches.match("/offline.html")));
});
