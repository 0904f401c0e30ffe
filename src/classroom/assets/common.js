// councilsim classroom: helpers shared by the student and teacher pages.
// Everything the server sends is rendered with textContent: no HTML from data, except the
// brief, which the server renders from the scenario and escapes.
"use strict";

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(method, path, token, body) {
  const headers = { "Authorization": "Bearer " + token };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) throw new Error((data && data.error) || ("HTTP " + response.status));
  return data;
}

// One server-sent event stream; `onState` gets the whole view on every change.
function stream(token, onState) {
  const connection = document.getElementById("connection");
  const source = new EventSource("/api/events?token=" + encodeURIComponent(token));
  source.addEventListener("state", (e) => {
    connection.textContent = "";
    onState(JSON.parse(e.data));
  });
  source.addEventListener("error", () => { connection.textContent = "reconnecting…"; });
  return source;
}

function phaseBadge(phase) {
  const badge = document.getElementById("phase");
  badge.textContent = phase;
  badge.className = "badge " + phase;
}

let countdown = null;
function timerText(view) {
  if (view.seconds_left === null || view.seconds_left === undefined) return null;
  const el = h("span", { class: "badge", id: "timer" });
  let left = view.seconds_left;
  const show = () => { el.textContent = "round time left " + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"); };
  show();
  if (countdown) clearInterval(countdown);
  countdown = setInterval(() => { if (left > 0) { left -= 1; show(); } }, 1000);
  return el;
}

function waitingText(view) {
  if (view.phase === "lobby") return "The game has not started: take a seat and wait for the teacher.";
  if (view.phase === "paused") return "The teacher has paused the room.";
  if (view.phase === "over") return "The game is over.";
  if (!view.waiting) return "";
  const w = view.waiting;
  const verb = { ask: "make a request", answer: "answer a request", table: "decide on tabling", withdraw: "decide on the draft", vote: "vote" }[w.kind] || w.kind;
  return "Waiting for " + w.seat + (w.student ? " (" + w.student + ")" : "") + " to " + verb + " — " + w.clock + ".";
}

function renderTally(view) {
  const t = view.tally;
  if (!t) return null;
  const list = (label, ids) => h("div", { class: "muted" }, label + ": " + (ids.length ? ids.join(" ") : "—"));
  return h("section", { class: "card", id: "tally" },
    h("h2", {}, (t.live ? "Voting on " : "Last vote: ") + t.kind + " " + t.ballot),
    h("div", { class: "tally" }, t.line),
    list("yes", t.yes), list("no", t.no), list("abstain", t.abstain),
    h("div", { class: "status" }, t.note));
}

function renderResult(view) {
  if (!view.result) return null;
  return h("section", { class: "card", id: "result" },
    h("h2", {}, "Result"),
    h("table", {},
      h("tr", {}, h("th", {}, "ballot"), h("th", {}, "result"), h("th", {}, "yes-no-abstain"), h("th", {}, "vetoed by")),
      view.result.map((r) => h("tr", {},
        h("td", {}, r.kind + " " + r.ballot), h("td", {}, r.status), h("td", {}, r.tally),
        h("td", {}, r.vetoed_by.join(" ") || "—")))));
}

function renderTexts(view) {
  if (!view.texts.length) return h("section", { class: "card", id: "texts" }, h("h2", {}, "The text"), h("p", { class: "muted" }, "No draft has been circulated yet."));
  return h("section", { class: "card", id: "texts" },
    view.texts.map((t) => h("div", {},
      h("h2", {}, t.id + ": " + t.title + (t.in_blue ? " (in blue)" : "")),
      h("div", { class: "muted" }, "penholder " + t.penholder),
      h("ol", { class: "provisions" }, t.provisions.map((p) => h("li", {}, h("strong", {}, p.id + " "), p.text))),
      t.dimensions.map((d) => {
        const at = (x) => (100 * (x - d.lo) / ((d.hi - d.lo) || 1)).toFixed(1) + "%";
        return h("div", {},
          h("div", { class: "muted" }, d.label + ": " + d.position.toFixed(2) + (d.position !== d.circulated ? " (circulated at " + d.circulated.toFixed(2) + ")" : "")),
          h("div", { class: "bar" }, h("span", { class: "was", style: "left:" + at(d.circulated) }), h("span", { style: "left:" + at(d.position) })));
      }),
      t.changes.length ? h("div", {}, h("strong", {}, "What changed"), h("ul", {}, t.changes.map((c) => h("li", {}, c)))) : h("div", { class: "muted" }, "Unchanged since it was circulated."))));
}

function renderFeed(view, title) {
  const items = view.feed.slice().reverse().slice(0, 200);
  return h("section", { class: "card", id: "feed" },
    h("h2", {}, title || "What happened (latest first)"),
    h("ul", { class: "feed" }, items.map((e) => h("li", {}, h("span", { class: "clock" }, e.clock), e.text))));
}
