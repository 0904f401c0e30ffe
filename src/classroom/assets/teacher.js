// councilsim classroom: the teacher's dashboard. The token comes from the URL the server
// printed (?token=…); only it controls the room.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
let endArmed = false;
let lastView = null;

function report(message) {
  const el = document.getElementById("teacher-error");
  if (el) el.textContent = message;
}

async function post(action, body) {
  try {
    report("");
    await api("POST", "/api/teacher/" + action, token, body);
  } catch (e) {
    report(e.message);
  }
}

function controls(view) {
  const running = view.phase === "running", paused = view.phase === "paused", over = view.phase === "over";
  const minutes = h("input", { id: "timer-minutes", type: "number", min: "1", max: "180", value: String(view.round_minutes || 5), style: "width:5rem" });
  const fallback = h("select", { id: "fallback", onchange: (e) => post("fallback", { fallback: e.target.value }) },
    h("option", { value: "bot", selected: view.fallback === "bot" }, "the bot decides"),
    h("option", { value: "nothing", selected: view.fallback === "nothing" }, "nothing is asked / the ask is refused"));
  return h("section", { class: "card", id: "controls" },
    h("h2", {}, "Run the room"),
    h("div", {}, "Students open ", h("strong", {}, location.origin + "/"), " and type the code"),
    h("div", { class: "big", id: "join-code" }, view.join_code),
    h("div", {},
      view.phase === "lobby" ? h("button", { id: "start", onclick: () => post("start") }, "Start the game") : null,
      running ? h("button", { id: "pause", class: "secondary", onclick: () => post("pause") }, "Pause") : null,
      paused ? h("button", { id: "resume", onclick: () => post("resume") }, "Resume") : null,
      !over && view.phase !== "lobby" ? h("button", { id: "advance", class: "secondary", onclick: () => post("advance") }, "Take the pending decision now") : null,
      !over ? h("button", { id: "end", class: "danger", onclick: () => { if (endArmed) { endArmed = false; post("end"); } else { endArmed = true; render(lastView); } } }, endArmed ? "Click again: the bots play the rest" : "End the game") : null),
    !over ? h("div", {}, "Time this round: ", minutes, " min ",
      h("button", { class: "secondary", id: "timer-set", onclick: () => post("timer", { minutes: Number(minutes.value) }) }, "Set"),
      h("button", { class: "secondary", id: "timer-stop", onclick: () => post("timer", { minutes: null }) }, "Stop"),
      timerText(view)) : null,
    !over ? h("label", {}, "When time is up: ", fallback) : null,
    h("div", {},
      h("a", { class: "button secondary", id: "download", href: "/api/teacher/game?token=" + encodeURIComponent(token), download: "classroom.game.jsonl" }, "Download the game file"),
      h("a", { class: "button" + (over ? "" : " secondary"), id: "debrief", href: "/debrief?token=" + encodeURIComponent(token) }, "Debrief")),
    h("p", { class: "error", id: "teacher-error" }));
}

function pending(view) {
  if (view.phase === "over") return null;
  const p = view.pending;
  return h("section", { class: "card", id: "pending" },
    h("h2", {}, "Now"),
    h("p", {}, waitingText(view)),
    p ? h("div", {}, h("p", {}, p.prompt), h("div", { class: "why" }, p.why.replace(/^your bot/, p.seat + "'s bot"))) : null);
}

function seats(view) {
  const options = (seat) => [h("option", { value: "" }, "— bot —")].concat(view.students.map((s) =>
    h("option", { value: String(s.index), selected: s.seat === seat.id }, s.name)));
  return h("section", { class: "card", id: "seats" },
    h("h2", {}, "Seats"),
    h("table", {},
      h("tr", {}, h("th", {}, "seat"), h("th", {}, "held by"), h("th", {}, "played by")),
      view.seats.map((seat) => h("tr", { "data-seat": seat.id },
        h("td", {}, h("strong", {}, seat.id), " ", h("span", { class: "muted" }, seat.name)),
        h("td", {}, h("select", { "data-assign": seat.id, onchange: (e) => post("assign", { seat: seat.id, student: e.target.value === "" ? null : Number(e.target.value) }) }, options(seat))),
        h("td", {}, seat.bot ? "bot" : "student", " ",
          h("button", { class: "secondary", "data-bot": seat.id, onclick: () => post("bot", { seat: seat.id, bot: !seat.to_bot }) },
            seat.to_bot ? "give back" : "hand to bot"))))),
    h("p", { class: "muted" }, view.students.length + " student(s) joined: " + (view.students.map((s) => s.name + (s.seat ? " (" + s.seat + ")" : "")).join(", ") || "none yet")));
}

function decisions(view) {
  if (!view.decisions.length) return null;
  return h("section", { class: "card", id: "decisions" },
    h("h2", {}, "Decisions taken"),
    h("table", {},
      h("tr", {}, h("th", {}, "#"), h("th", {}, "seat"), h("th", {}, "decision"), h("th", {}, "bot"), h("th", {}, "by")),
      view.decisions.slice().reverse().slice(0, 100).map((d) => h("tr", {},
        h("td", {}, String(d.step + 1)), h("td", {}, d.seat), h("td", {}, d.chosen_text),
        h("td", {}, d.agreed ? "the same" : d.bot_text), h("td", {}, d.by)))));
}

function render(view) {
  lastView = view;
  document.getElementById("title").textContent = view.scenario;
  document.getElementById("subtitle").textContent = "teacher · decision " + view.step;
  phaseBadge(view.phase);
  const error = document.getElementById("teacher-error");
  const kept = error ? error.textContent : "";
  document.getElementById("app").replaceChildren(...[
    controls(view), pending(view), renderTally(view), renderResult(view), seats(view),
    renderTexts(view), decisions(view), renderFeed(view, "Everything that happened (latest first)"),
  ].filter(Boolean));
  if (kept) report(kept);
}

document.addEventListener("DOMContentLoaded", async () => {
  try {
    render(await api("GET", "/api/teacher", token));
    stream(token, render);
  } catch (e) {
    document.getElementById("app").replaceChildren(h("section", { class: "card" }, h("h2", {}, "Not the teacher's link"), h("p", {}, e.message)));
  }
});
