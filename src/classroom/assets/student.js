// councilsim classroom: the student's page. The seat token lives in localStorage (and in
// the URL's #token=… as a fallback), so a reload or a lost connection resumes the seat.
"use strict";

const KEY = "councilsim.classroom.token";
let token = null;
let source = null;
let last = null;
let briefSeat = null;
let briefHtml = null;

// The brief is fetched once per seat, not sent with every change.
async function loadBrief(seat) {
  briefSeat = seat;
  try {
    const b = await api("GET", "/api/brief", token);
    briefHtml = b.html;
    if (last) render(last);
  } catch (e) {
    briefSeat = null;
  }
}

function savedToken() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) return fromHash;
  try { return localStorage.getItem(KEY); } catch (e) { return null; }
}

function keepToken(t) {
  token = t;
  try { localStorage.setItem(KEY, t); } catch (e) { /* private mode: the URL keeps it */ }
  history.replaceState(null, "", location.pathname + "#token=" + encodeURIComponent(t));
}

function forgetToken() {
  token = null;
  try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  history.replaceState(null, "", location.pathname + location.search);
}

function showError(id, message) {
  const el = document.getElementById(id);
  if (el) el.textContent = message;
}

async function join(event) {
  event.preventDefault();
  const code = document.getElementById("code").value;
  const name = document.getElementById("name").value;
  try {
    const r = await fetch("/api/join", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code, name }) });
    const data = await r.json();
    if (!r.ok) throw new Error(data.error);
    keepToken(data.token);
    connect();
  } catch (e) {
    showError("join-error", e.message);
  }
}

async function act(path, body, errorId) {
  try {
    await api("POST", path, token, body);
  } catch (e) {
    showError(errorId, e.message);
  }
}

function decide(view, choice) {
  return act("/api/decide", { seat: view.me.seat, step: view.turn.step, choice }, "turn-error");
}

function renderTurn(view) {
  const t = view.turn;
  if (!t) return null;
  const card = h("section", { class: "card turn", id: "turn" },
    h("h2", {}, "Your turn, " + t.seat + " — " + t.clock),
    h("p", {}, t.prompt),
    h("div", { class: "why" }, t.why),
    h("div", { id: "options" }, t.options.map((o) => h("button", {
      class: o.bot ? "bot" : null, "data-kind": t.kind, "data-label": o.label,
      title: o.bot ? "your bot's choice" : null,
      onclick: (e) => { e.target.disabled = true; decide(view, o.choice); },
    }, o.label + (o.bot ? " ★" : "")))),
    h("p", { class: "muted" }, "★ marks what your bot would do."));
  if (t.kind === "ask" && t.extra.dimensions) {
    const dims = t.extra.dimensions;
    const select = h("select", { id: "soften-dim" }, dims.map((d, i) => h("option", { value: String(i) }, d.label + " (text " + d.position.toFixed(2) + ", you want " + d.ideal.toFixed(2) + ")")));
    const input = h("input", { id: "soften-to", type: "number", step: "any" });
    const sync = () => { const d = dims[Number(select.value)]; input.min = d.lo; input.max = d.hi; input.step = d.integer ? "1" : "any"; input.value = d.ideal; };
    select.addEventListener("change", sync);
    sync();
    card.append(h("details", {},
      h("summary", {}, "Or ask for a move of the text on one dimension"),
      h("label", {}, "Dimension ", select),
      h("label", {}, "Move it to ", input),
      h("button", { class: "secondary", id: "soften-send", onclick: () => decide(view, { kind: "ask", ask: { soften: dims[Number(select.value)].id, to: Number(input.value) } }) }, "Ask for this move")));
  }
  card.append(h("p", { class: "error", id: "turn-error" }));
  return card;
}

function renderSeat(view) {
  if (view.me.seat) {
    return h("section", { class: "card", id: "seat" },
      h("h2", {}, "You are " + view.me.seat + " — " + view.me.seat_name),
      view.me.to_bot ? h("p", { class: "muted" }, "The teacher has handed your seat to its bot for now.") : null,
      h("p", { id: "waiting" }, view.turn ? "It is your turn." : waitingText(view)),
      timerText(view));
  }
  return h("section", { class: "card", id: "seat" },
    h("h2", {}, "Hello " + view.me.name + ": take a seat"),
    view.free.length ? h("div", { class: "seats" }, view.free.map((s) => h("button", {
      class: "secondary", "data-seat": s.id, onclick: () => act("/api/seat", { seat: s.id }, "seat-error"),
    }, s.id + " — " + s.name))) : h("p", {}, "Every seat is taken: the teacher will place you."),
    h("p", { class: "muted" }, "Or wait for the teacher to give you one."),
    h("p", { class: "error", id: "seat-error" }));
}

function renderBrief(view) {
  if (!view.me.seat || briefSeat !== view.me.seat || !briefHtml) return null;
  const card = h("section", { class: "card", id: "brief" }, h("h2", {}, "Your brief (only you see it)"));
  const body = h("div", { class: "brief" });
  // The brief is HTML rendered by the server from the scenario, every text escaped there.
  body.innerHTML = briefHtml;
  card.append(body);
  return card;
}

function render(view) {
  last = view;
  if (view.me.seat && view.me.seat !== briefSeat) loadBrief(view.me.seat);
  document.getElementById("title").textContent = view.scenario;
  document.getElementById("subtitle").textContent = view.me.seat ? view.me.name + " · " + view.me.seat : view.me.name;
  phaseBadge(view.phase);
  const app = document.getElementById("app");
  app.className = "two";
  app.replaceChildren(...[
    renderSeat(view),
    renderTurn(view),
    view.phase === "over" ? h("section", { class: "card", id: "debrief-link" }, h("h2", {}, "The debrief"),
      h("a", { class: "button", href: "/debrief?token=" + encodeURIComponent(token) }, "Open the debrief")) : null,
    renderTally(view),
    renderResult(view),
    renderTexts(view),
    renderBrief(view),
    renderFeed(view),
  ].filter(Boolean));
}

async function connect() {
  try {
    const view = await api("GET", "/api/me", token);
    render(view);
  } catch (e) {
    forgetToken();
    showError("join-error", "Your seat was not found: join again. (" + e.message + ")");
    return;
  }
  if (source) source.close();
  source = stream(token, render);
}

document.addEventListener("DOMContentLoaded", () => {
  const code = new URLSearchParams(location.search).get("code");
  if (code) document.getElementById("code").value = code;
  document.getElementById("join-form").addEventListener("submit", join);
  token = savedToken();
  if (token) connect();
});
