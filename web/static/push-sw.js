// Web Push in sodiem's service worker (sw.js imports it: importScripts("/static/push-sw.js")).
// Shows the notice the school's server pushed (JSON: title, body, url) and, when it is pressed, brings
// the chat forward at that address. Only addresses of this site are opened.
"use strict";

function sodiemPushUrl(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch (error) {
    notice = {};
  }
  event.waitUntil(
    self.registration.showNotification(notice.title || "sodiem", {
      body: notice.body || "",
      icon: "/static/icon-192.png",
      data: { url: sodiemPushUrl(notice.url) },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = sodiemPushUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const same = windows.find((each) => each.url === url && "focus" in each);
      if (same) return same.focus();
      return self.clients.openWindow(url);
    })
  );
});
