// Web Push on the chat page: a button turns notifications on or off for this browser. Permission is
// asked only when the person presses it (browsers refuse a prompt nobody asked for). The texts come
// from the server in the person's language (GET /push/key); every POST carries the page's CSRF token.
// The page may hold <button data-sodiem-push hidden></button> and <p data-sodiem-push-status></p>;
// without them, both are added at the end of the page.
"use strict";
(() => {
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  async function call(path, body) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const options = { method: body ? "POST" : "GET", credentials: "same-origin", headers: {} };
    if (body) {
      options.headers = { "Content-Type": "application/json", "X-CSRF-Token": token ? token.content : "" };
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || String(response.status));
    return answer;
  }

  function keyBytes(text) {
    const base64 = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (letter) => letter.charCodeAt(0));
  }

  function sameKey(subscription, key) {
    const held = subscription.options && subscription.options.applicationServerKey;
    if (!held) return true;
    const wanted = keyBytes(key);
    const bytes = new Uint8Array(held);
    return bytes.length === wanted.length && bytes.every((value, index) => value === wanted[index]);
  }

  function element(selector, make) {
    const found = document.querySelector(selector);
    if (found) return found;
    const made = make();
    document.body.appendChild(made);
    return made;
  }

  async function start() {
    let info;
    try {
      info = await call("/push/key");
    } catch (error) {
      return; // not signed in: nothing to offer
    }
    const texts = info.texts;
    const button = element("[data-sodiem-push]", () => {
      const made = document.createElement("button");
      made.type = "button";
      made.setAttribute("data-sodiem-push", "");
      return made;
    });
    const status = element("[data-sodiem-push-status]", () => {
      const made = document.createElement("p");
      made.setAttribute("data-sodiem-push-status", "");
      made.setAttribute("aria-live", "polite");
      return made;
    });
    if (!supported) {
      status.textContent = texts.unsupported;
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    let current = await registration.pushManager.getSubscription();
    if (current && !sameKey(current, info.publicKey)) {
      await current.unsubscribe(); // the school's key was replaced: this subscription is useless now
      current = null;
    }
    if (current && Notification.permission === "granted") {
      await call("/push/subscribe", current.toJSON()).catch(() => {}); // the server may have forgotten it
    }
    const show = () => {
      button.textContent = current ? texts.disable : texts.enable;
      button.hidden = false;
    };
    show();
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        if (current) {
          const endpoint = current.endpoint;
          await current.unsubscribe();
          current = null;
          status.textContent = (await call("/push/unsubscribe", { endpoint })).message;
        } else if ((await Notification.requestPermission()) !== "granted") {
          status.textContent = texts.denied;
        } else {
          const subscription = await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(info.publicKey),
          });
          status.textContent = (await call("/push/subscribe", subscription.toJSON())).message;
          current = subscription;
        }
      } catch (error) {
        status.textContent = texts.failed.replace("{reason}", error.message);
      } finally {
        button.disabled = false;
        show();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
