// The web chat: the signed-in person's chat with the bot, long-polled from /api/chat. Every text from
// the server is put in with textContent (names and notices are user input); every POST carries the
// page's CSRF token. Texts of the page itself come from the server in the page's language.
"use strict";
const $ = (id) => document.getElementById(id);
const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const TEXTS = Object.fromEntries(
  [...$("texts").content.querySelectorAll("[data-key]")].map((node) => [node.dataset.key, node.textContent]));
const chatBox = $("messages");
let seq = 0;
let pinned = true;

async function post(url, body, json = true) {
  const headers = { "X-CSRF-Token": CSRF };
  if (json) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method: "POST", headers, body: json ? JSON.stringify(body || {}) : body, credentials: "same-origin",
  });
  if (response.status === 401) { window.location.assign("/signin"); return null; }
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

async function poll() {
  let timeout = 0;
  for (;;) {
    try {
      const response = await fetch(`/api/chat?after=${seq}&timeout=${timeout}`, { credentials: "same-origin" });
      if (response.status === 401) { window.location.assign("/signin"); return; }
      if (!response.ok) throw new Error(String(response.status));
      const chat = await response.json();
      if (chat.seq !== seq || timeout === 0) { seq = chat.seq; render(chat); }
      timeout = 25;
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

const pin = () => { if (pinned) chatBox.scrollTop = chatBox.scrollHeight; };
chatBox.addEventListener("scroll", () => {
  pinned = chatBox.scrollHeight - chatBox.scrollTop - chatBox.clientHeight < 80;
});
new ResizeObserver(pin).observe(chatBox);

function render(chat) {
  if (chat.messages.length) chatBox.replaceChildren(...chat.messages.map(message));
  renderKeyboard(chat.keyboard);
  pin();
}

function message(data) {
  const item = document.createElement("div");
  item.className = `message ${data.from_bot ? "bot" : "me"}`;
  item.dataset.messageId = data.message_id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (data.photo) {
    const image = document.createElement("img");
    image.src = data.file_url;
    image.alt = data.caption || "";
    bubble.append(image);
  }
  if (data.document) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = data.file_url;
    link.download = data.document.file_name;
    link.textContent = data.document.file_name;
    link.title = TEXTS.download;
    bubble.append(link);
  }
  const text = data.text || data.caption || "";
  if (text) bubble.append(formatted(text, data.entities || data.caption_entities || []));
  item.append(bubble);
  const rows = (data.reply_markup && data.reply_markup.inline_keyboard) || [];
  if (rows.length) item.append(inlineButtons(data.message_id, rows));
  return item;
}

// Telegram's entities count UTF-16 code units, as JavaScript strings do.
function formatted(text, entities) {
  const fragment = document.createDocumentFragment();
  const tags = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre" };
  let at = 0;
  for (const entity of [...entities].sort((a, b) => a.offset - b.offset)) {
    const tag = tags[entity.type];
    if (!tag || entity.offset < at) continue;
    fragment.append(text.slice(at, entity.offset));
    const node = document.createElement(tag);
    node.textContent = text.slice(entity.offset, entity.offset + entity.length);
    fragment.append(node);
    at = entity.offset + entity.length;
  }
  fragment.append(text.slice(at));
  return fragment;
}

function inlineButtons(messageId, rows) {
  const box = document.createElement("div");
  box.className = "buttons";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const key of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = key.text;
      if (key.callback_data !== undefined) {
        button.addEventListener("click", () => press(messageId, key.callback_data));
      } else if (key.url && /^https:\/\//.test(key.url)) {
        button.addEventListener("click", () => window.open(key.url, "_blank", "noopener"));
      }
      line.append(button);
    }
    box.append(line);
  }
  return box;
}

function renderKeyboard(rows) {
  const box = $("keyboard");
  box.classList.toggle("shown", rows.length > 0);
  box.replaceChildren(...rows.map((row) => {
    const line = document.createElement("div");
    line.className = "row";
    for (const label of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", () => act("/api/key", { text: label }));
      line.append(button);
    }
    return line;
  }));
}

async function press(messageId, data) {
  const answer = await act("/api/press", { message_id: messageId, data });
  if (answer && answer.answer && answer.answer.text) toast(answer.answer.text);
}

async function act(url, body) {
  pinned = true;
  pin();
  try {
    return await post(url, body);
  } catch (error) {
    toast(TEXTS.failed);
    return null;
  }
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  await act("/api/text", { text });
});
// The page arrives with these disabled, so that a tap before this script runs cannot submit the page
for (const id of ["text", "send"]) $(id).disabled = false;

// A photo from the phone's camera or gallery: evidence for a correction (a test paper, the mark book).
$("photo").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  pinned = true;
  try {
    await post("/api/photo", file, false);
  } catch (error) {
    toast(TEXTS.photo_refused);
  }
});
$("photo").disabled = false;

$("signout").addEventListener("click", async () => {
  try { await post("/signout"); } finally { window.location.assign("/signin"); }
});

let toastTimer = null;
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 3500);
}

poll();
