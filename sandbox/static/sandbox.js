// The sandbox page: one chat per person, long-polled from the local Bot API's /_sim/ routes; the tour
// and the state from /sandbox/. Texts come from the server (the "sandbox" catalog) in the chosen language.
"use strict";

const page = {
  texts: {}, personas: [], active: null, generation: 0, seq: 0, poll: null, ready: false,
};
const $ = (id) => document.getElementById(id);
const T = (key) => page.texts[key] || key;

async function getJson(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

const postJson = (url, body) => getJson(url, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
});

// --- texts and language -----------------------------------------------------------------------------

function applyTexts(language) {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = T(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) {
    node.placeholder = T(node.dataset.tPlaceholder);
  }
}

function fillLanguages(languages, current) {
  const select = $("language");
  select.replaceChildren(...Object.entries(languages).map(([code, name]) => new Option(name, code)));
  select.value = current;
}

$("language").addEventListener("change", async (event) => {
  await postJson("/sandbox/language", { language: event.target.value });
  await loadState();
});

// --- state: ready, people, generation ---------------------------------------------------------------

async function loadState() {
  const state = await getJson("/sandbox/state");
  page.texts = state.texts;
  applyTexts(state.language);
  fillLanguages(state.languages, state.language);
  page.ready = state.ready;
  showOverlay(!state.ready, page.generation ? T("sandbox.page.resetting") : T("sandbox.page.preparing"));
  if (!state.ready) {
    setTimeout(loadState, 1000);
    return;
  }
  page.personas = state.personas;
  const fresh = state.generation !== page.generation;
  page.generation = state.generation;
  const stillThere = page.personas.find((p) => p.key === (page.active && page.active.key));
  renderPersonas();
  if (fresh || !stillThere) choose(stillThere || page.personas[0]);
  else { page.active = stillThere; renderWho(); refreshTour(); }
}

function showOverlay(shown, text) {
  $("overlay-text").textContent = text;
  $("overlay").classList.toggle("shown", shown);
}

// --- who you are -------------------------------------------------------------------------------------

function renderPersonas() {
  $("personas").replaceChildren(...page.personas.map((persona) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "persona";
    button.dataset.persona = persona.key;
    button.setAttribute("aria-pressed", String(page.active && page.active.key === persona.key));
    button.append(span("role", persona.label), span("name", persona.name));
    button.addEventListener("click", () => choose(persona));
    return button;
  }));
}

function renderWho() {
  $("chat-who").textContent = page.active ? `${page.active.label} — ${page.active.name}` : "";
  for (const button of $("personas").children) {
    button.setAttribute("aria-pressed", String(button.dataset.persona === page.active.key));
  }
}

function choose(persona) {
  page.active = persona;
  renderWho();
  chatBox.replaceChildren();
  pinned = true;
  page.seq = 0;
  startPolling();
  refreshTour();
  $("text").focus();
}

// --- the chat ---------------------------------------------------------------------------------------

function startPolling() {
  if (page.poll) page.poll.abort();
  const controller = new AbortController();
  page.poll = controller;
  const userId = page.active.user_id;
  (async () => {
    let timeout = 0;
    while (!controller.signal.aborted) {
      try {
        const chat = await getJson(`/_sim/people/${userId}/chat?after=${page.seq}&timeout=${timeout}`,
          { signal: controller.signal });
        if (controller.signal.aborted) return;
        if (chat.seq !== page.seq || timeout === 0) {
          page.seq = chat.seq;
          renderChat(chat);
          refreshTour();
        }
        timeout = 25;
      } catch (error) {
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        loadState();
        return;
      }
    }
  })();
}

// The chat stays at its newest message unless the person scrolled up to read, as a phone does; also when
// the box changes size (the tour folding, the keyboard appearing).
const chatBox = $("messages");
let pinned = true;
const pin = () => { if (pinned) chatBox.scrollTop = chatBox.scrollHeight; };
chatBox.addEventListener("scroll", () => {
  pinned = chatBox.scrollHeight - chatBox.scrollTop - chatBox.clientHeight < 80;
});
new ResizeObserver(pin).observe(chatBox);

function renderChat(chat) {
  if (!chat.messages.length) {
    chatBox.replaceChildren(span("empty", T("sandbox.page.empty")));
  } else {
    chatBox.replaceChildren(...chat.messages.map(renderMessage));
  }
  renderKeyboard(chat.keyboard);
  pin();
}

function renderMessage(message) {
  const item = document.createElement("div");
  item.className = `message ${message.from_bot ? "bot" : "me"}`;
  item.dataset.messageId = message.message_id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (message.photo) {
    const image = document.createElement("img");
    image.src = message.file_url;
    image.alt = message.caption || "";
    bubble.append(image);
  }
  if (message.document) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = message.file_url;
    link.download = message.document.file_name;
    link.textContent = message.document.file_name;
    link.title = T("sandbox.page.download");
    bubble.append(link);
  }
  const text = message.text || message.caption || "";
  if (text) bubble.append(formatted(text, message.entities || message.caption_entities || []));
  item.append(bubble);
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (rows.length) item.append(inlineButtons(message.message_id, rows));
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
      } else if (key.url) {
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
      button.addEventListener("click", () => act(`/_sim/people/${page.active.user_id}/key`, { text: label }));
      line.append(button);
    }
    return line;
  }));
}

async function press(messageId, data) {
  const answer = await act(`/_sim/people/${page.active.user_id}/press`, { message_id: messageId, data });
  if (answer && answer.answer && answer.answer.text) toast(answer.answer.text);
}

// After the person's own action the chat goes to its newest message, where the answer comes.
async function act(url, body) {
  pinned = true;
  pin();
  try {
    return await postJson(url, body);
  } catch (error) {
    toast(T("sandbox.page.failed"));
    return null;
  }
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text || !page.active) return;
  input.value = "";
  await act(`/_sim/people/${page.active.user_id}/text`, { text });
});

// A photo from the phone's gallery: evidence for a correction (a test paper, the mark book).
$("photo").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file || !page.active) return;
  pinned = true;
  pin();
  const response = await fetch(`/_sim/people/${page.active.user_id}/photo`, { method: "POST", body: file });
  if (!response.ok) toast(T("sandbox.page.photo_refused"));
});

// --- the tour ---------------------------------------------------------------------------------------

async function refreshTour() {
  if (!page.active) return;
  const { tasks } = await getJson("/sandbox/tour");
  const mine = tasks[page.active.key] || [];
  $("tour").replaceChildren(...mine.map((task) => {
    const item = document.createElement("li");
    item.className = `task${task.done ? " done" : ""}`;
    item.dataset.task = task.key;
    const mark = span("mark", task.done ? "✓" : "");
    const label = span("label", task.text);
    item.append(mark, label);
    return item;
  }));
  const done = mine.filter((task) => task.done).length;
  $("tour-count").textContent = `${done}/${mine.length}`;
}

// --- reset and small things -------------------------------------------------------------------------

$("reset").addEventListener("click", async () => {
  if (!window.confirm(T("sandbox.page.reset_confirm"))) return;
  if (page.poll) page.poll.abort();
  showOverlay(true, T("sandbox.page.resetting"));
  await act("/sandbox/reset");
  await loadState();
});

function span(className, text) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

let toastTimer = null;
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 3500);
}

if (window.matchMedia("(max-width: 760px)").matches) $("tour-box").open = false;
loadState();
