// The editor page: suggest tags for a draft, let the editor accept, reject or add tags, and
// save those decisions as feedback. Plain DOM code, no build step; text is always inserted
// with textContent, never as HTML.
"use strict";

const $ = (selector) => document.querySelector(selector);

const state = {
  tags: [],                // the model's tag set, for "add a tag"
  suggested: [],           // [{tag, score, evidence}] from the last suggestion
  decisions: new Map(),    // tag -> "accepted" | "rejected" | "added"
  draft: null,             // {title, text} the suggestions were made for
  token: sessionStorage.getItem("tagger-token") || "",
};

async function api(path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error ? data.error.message : `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function setStatus(element, message, kind) {
  element.textContent = message;
  element.className = kind || "";
}

async function loadModel() {
  try {
    const manifest = await api("/v1/model");
    state.tags = manifest.tags || [];
    $("#model-name").textContent = `model: ${manifest.name || "?"} · ${state.tags.length} tags`;
    const options = $("#tag-options");
    options.replaceChildren(...state.tags.map((tag) => new Option(tag, tag)));
  } catch (error) {
    setStatus($("#status"), `Cannot reach the model: ${error.message}`, "status error");
  }
}

async function suggest(event) {
  if (event) event.preventDefault();
  const title = $("#title").value;
  const text = $("#text").value;
  const status = $("#status");
  if (!text.trim()) {
    setStatus(status, "Paste or type the article first.", "status error");
    $("#text").focus();
    return;
  }
  const button = $("#suggest");
  button.disabled = true;
  setStatus(status, "Suggesting…", "status");
  const started = performance.now();
  try {
    const result = await api("/v1/suggest", { title, text, limit: 8 });
    state.draft = { title, text };
    state.suggested = result.tags;
    state.decisions = new Map();
    renderTags();
    renderEntities(result.text || "", result.entities);
    $("#results").hidden = false;
    $("#entities-panel").hidden = !result.text;  // a server started with --no-entities
    setStatus($("#save-status"), "");
    const ms = Math.round(performance.now() - started);
    setStatus(status, `${result.tags.length} tags, ${result.entities.length} entities in ${ms} ms.`, "status");
  } catch (error) {
    setStatus(status, `Could not suggest: ${error.message}`, "status error");
  } finally {
    button.disabled = false;
  }
}

function chip(tag, score, evidence, decision) {
  const item = document.createElement("li");
  item.className = "chip";
  item.dataset.tag = tag;
  item.dataset.state = decision || "none";
  const main = document.createElement("button");
  main.type = "button";
  main.className = "chip-main";
  const name = document.createElement("span");
  name.className = "chip-tag";
  name.textContent = tag;
  main.append(name);
  if (score !== null) {
    const value = document.createElement("span");
    value.className = "chip-score";
    value.textContent = score.toFixed(2);
    main.append(value);
  }
  const accepted = decision === "accepted" || decision === "added";
  main.setAttribute("aria-pressed", String(accepted));
  main.setAttribute("aria-label", `${tag}${score !== null ? `, score ${score.toFixed(2)}` : ""}: ` +
    (accepted ? "accepted, press to undo" : "press to accept"));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "chip-x";
  remove.textContent = "✕";
  remove.setAttribute("aria-pressed", String(decision === "rejected"));
  remove.setAttribute("aria-label", decision === "added" ? `Remove ${tag}` : `Reject ${tag}`);
  item.append(main, remove);
  if (evidence && evidence.length) {
    const why = document.createElement("span");
    why.className = "chip-evidence";
    why.textContent = `because: ${evidence.join(", ")}`;
    item.append(why);
  }
  return item;
}

function renderTags() {
  const list = $("#tags");
  const items = state.suggested.map((t) => chip(t.tag, t.score, t.evidence, state.decisions.get(t.tag)));
  for (const [tag, decision] of state.decisions) {
    if (decision === "added") items.push(chip(tag, null, [], "added"));
  }
  list.replaceChildren(...items);
}

function onChipClick(event) {
  const button = event.target.closest("button");
  const item = event.target.closest(".chip");
  if (!button || !item) return;
  const tag = item.dataset.tag;
  const current = state.decisions.get(tag);
  const rejecting = button.classList.contains("chip-x");
  if (current === "added") {
    if (rejecting) state.decisions.delete(tag);
  } else if (rejecting) {
    if (current === "rejected") state.decisions.delete(tag); else state.decisions.set(tag, "rejected");
  } else if (current === "accepted") {
    state.decisions.delete(tag);
  } else {
    state.decisions.set(tag, "accepted");
  }
  renderTags();
  const again = $(`#tags .chip[data-tag="${CSS.escape(tag)}"] .${button.className}`);
  (again || $("#add-tag")).focus();  // keep the keyboard where it was
}

function addTag() {
  const input = $("#add-tag");
  const tag = input.value.trim();
  const status = $("#save-status");
  if (!tag) return;
  if (!state.tags.includes(tag)) {
    setStatus(status, `"${tag}" is not one of the model's tags.`, "error");
    return;
  }
  const suggested = state.suggested.some((t) => t.tag === tag);
  state.decisions.set(tag, suggested ? "accepted" : "added");
  input.value = "";
  setStatus(status, "");
  renderTags();
}

function decided(kind) {
  return [...state.decisions].filter(([, d]) => d === kind).map(([tag]) => tag);
}

async function save() {
  const status = $("#save-status");
  if (!state.draft) return;
  const token = $("#token").value.trim();
  if (token) {
    state.token = token;
    sessionStorage.setItem("tagger-token", token);
  }
  const body = {
    title: state.draft.title,
    text: state.draft.text,
    accepted: decided("accepted"),
    rejected: decided("rejected"),
    added: decided("added"),
  };
  const button = $("#save");
  button.disabled = true;
  try {
    const result = await api("/v1/feedback", body);
    setStatus(status, `Saved (feedback #${result.id}). Thank you!`, "ok");
  } catch (error) {
    if (error.status === 401) {
      $("#token-row").hidden = false;
      $("#token").focus();
      setStatus(status, "This server needs an editor token: enter it and press Save again.", "error");
    } else {
      setStatus(status, `Not saved: ${error.message}`, "error");
    }
  } finally {
    button.disabled = false;
  }
}

function renderEntities(text, entities) {
  const spans = [];
  for (const entity of entities) {
    for (const [start, end] of entity.mentions) spans.push({ start, end, entity });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts = [];
  let at = 0;
  for (const { start, end, entity } of spans) {
    if (start < at) continue;  // overlapping mention: the earlier one is shown
    if (start > at) parts.push(document.createTextNode(text.slice(at, start)));
    const mark = document.createElement("mark");
    mark.className = `ent ent-${entity.label}`;
    mark.dataset.label = entity.label;
    mark.title = entity.aliases.length ? `${entity.label}: ${entity.text} (${entity.aliases.join(", ")})` : `${entity.label}: ${entity.text}`;
    mark.textContent = text.slice(start, end);
    parts.push(mark);
    at = end;
  }
  parts.push(document.createTextNode(text.slice(at)));
  $("#highlighted").replaceChildren(...parts);
  const reports = entities.filter((e) => e.label === "REPORT");
  const items = reports.map((e) => {
    const item = document.createElement("li");
    item.textContent = e.text;
    return item;
  });
  if (!items.length) {
    const none = document.createElement("li");
    none.className = "hint";
    none.textContent = "No report titles found.";
    items.push(none);
  }
  $("#reports").replaceChildren(...items);
}

document.addEventListener("DOMContentLoaded", () => {
  $("#draft").addEventListener("submit", suggest);
  $("#text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) suggest(event);
  });
  $("#tags").addEventListener("click", onChipClick);
  $("#add").addEventListener("click", addTag);
  $("#add-tag").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addTag();
    }
  });
  $("#save").addEventListener("click", save);
  loadModel();
});
