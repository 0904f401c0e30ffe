//! The pages, embedded in the binary (`include_str!`): no external asset, no CDN, so the
//! room works on a network without internet. The student and teacher pages are static
//! and render the JSON views; the debrief page is rendered here, its charts as inline SVG.

use super::http::Response;
use super::room::Room;
use crate::model::{Ballot, Model};
use crate::outcome::{BallotRecord, BallotStatus, Outcome};
use serde_json::{json, Value};
use std::fmt::Write;

const STUDENT: &str = include_str!("assets/student.html");
const TEACHER: &str = include_str!("assets/teacher.html");
const STYLE: &str = include_str!("assets/style.css");
const COMMON_JS: &str = include_str!("assets/common.js");
const STUDENT_JS: &str = include_str!("assets/student.js");
const TEACHER_JS: &str = include_str!("assets/teacher.js");
const ICON: &str = include_str!("assets/icon.svg");

/// Replications of the bot-only distribution the debrief compares the class with.
pub const DEBRIEF_REPLICATIONS: u64 = 2000;

/// A static asset, if `path` names one.
pub fn asset(path: &str) -> Option<Response> {
    let (body, kind) = match path {
        "/assets/style.css" => (STYLE, "text/css; charset=utf-8"),
        "/assets/common.js" => (COMMON_JS, "text/javascript; charset=utf-8"),
        "/assets/student.js" => (STUDENT_JS, "text/javascript; charset=utf-8"),
        "/assets/teacher.js" => (TEACHER_JS, "text/javascript; charset=utf-8"),
        "/assets/icon.svg" => (ICON, "image/svg+xml"),
        _ => return None,
    };
    Some(Response::new(200, kind, body))
}

/// The student page (`/`) or the teacher's (`/teacher`).
pub fn page(path: &str) -> Response {
    let body = if path == "/teacher" { TEACHER } else { STUDENT };
    Response::new(200, "text/html; charset=utf-8", body)
}

/// A page for an unknown address.
pub fn not_found() -> String {
    page_shell("Not found", "<main><section class=\"card\"><h2>Nothing here</h2><p><a href=\"/\">The student page</a></p></section></main>")
}

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

fn page_shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/assets/style.css\"></head><body>{body}</body></html>\n",
        esc(title)
    )
}

fn ballot_json(model: &Model, b: usize, record: &BallotRecord) -> Value {
    json!({
        "id": model.ballot_id(model.ballots[b]),
        "result": record.status.as_str(),
        "tally": {"yes": record.yes.len(), "no": record.no.len(), "abstain": record.abstain.len()},
        "vetoed_by": model.member_ids(&record.vetoed_by),
    })
}

/// An outcome's drafts, with their amendments and motions, as the debrief JSON has them.
pub fn drafts_json(model: &Model, outcome: &Outcome) -> Value {
    let mut drafts: Vec<Value> = Vec::new();
    for (d, _) in model.drafts.iter().enumerate() {
        let b = model.draft_ballot[d] as usize;
        let mut v = ballot_json(model, b, &outcome.ballots[b]);
        let belongs = |kind: fn(&Ballot) -> bool| -> Vec<Value> {
            model
                .ballots
                .iter()
                .enumerate()
                .filter(|(_, x)| kind(x) && model.ballot_draft(**x) == d)
                .map(|(i, _)| ballot_json(model, i, &outcome.ballots[i]))
                .collect()
        };
        v["amendments"] = json!(belongs(|x| matches!(x, Ballot::Amendment(_))));
        v["motions"] = json!(belongs(|x| matches!(x, Ballot::Motion(_))));
        drafts.push(v);
    }
    json!(drafts)
}

/// The debrief as JSON (issue 9's shape): the game's outcome, the bot-only distribution
/// of the same scenario and seed, each student decision with its counterfactual, and
/// agreement per seat. Computed once per state and kept.
pub fn debrief_json(room: &mut Room) -> Value {
    if let Some((step, v)) = &room.debrief {
        if *step == room.choices.len() {
            return v.clone();
        }
    }
    let v = build_debrief(room);
    room.debrief = Some((room.choices.len(), v.clone()));
    v
}

fn build_debrief(room: &Room) -> Value {
    let model = &room.model;
    let game = room
        .progress
        .outcome
        .as_ref()
        .map(|o| drafts_json(model, o));
    let config = crate::montecarlo::RunConfig {
        replications: DEBRIEF_REPLICATIONS,
        seed: room.setup.seed,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let bots = crate::montecarlo::run(model, config).ok().map(|summary| {
        serde_json::to_value(crate::export::report::build(
            model,
            &summary,
            room.setup.seed,
        ))
        .unwrap_or(Value::Null)
    });
    let mut decisions = Vec::new();
    let mut agreement: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for (k, d) in room.progress.decided.iter().enumerate() {
        if !room.takers.get(k).is_some_and(|t| t.human()) {
            continue;
        }
        let seat = model.agent_id(d.request.seat as usize).to_string();
        let agreed = d.chosen == d.bot;
        let entry = agreement.entry(seat.clone()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(agreed);
        let counterfactual = if agreed {
            None
        } else {
            crate::game::counterfactual(model, &room.setup, &room.choices, k)
                .ok()
                .map(|(o, _)| drafts_json(model, &o))
        };
        let pivotal = match (&counterfactual, &game) {
            (Some(cf), Some(g)) => results(cf) != results(g),
            _ => false,
        };
        let ballot = match d.request.question {
            crate::decision::Question::Vote { ballot, .. } => {
                Some(model.ballot_id(model.ballots[ballot as usize]).to_string())
            }
            _ => None,
        };
        decisions.push(json!({
            "step": k, "seat": seat, "minute": d.request.minute, "kind": d.request.kind().as_str(),
            "ballot": ballot,
            "chosen": super::gamefile::choice_json(model, &d.chosen),
            "bot": super::gamefile::choice_json(model, &d.bot),
            "chosen_text": crate::export::decision::choice_text(model, &d.request, &d.chosen),
            "bot_text": crate::export::decision::choice_text(model, &d.request, &d.bot),
            "counterfactual": counterfactual.map(|c| json!({"drafts": c})),
            "pivotal": pivotal,
        }));
    }
    json!({
        "game": game.map(|g| json!({"drafts": g})),
        "bots": bots,
        "decisions": decisions,
        "agreement": agreement.iter().map(|(k, (n, a))| (k.clone(), json!({"decisions": n, "agreed": a}))).collect::<serde_json::Map<_, _>>(),
    })
}

/// Every ballot's (id, result) in a drafts list, amendments and motions included.
fn results(drafts: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for d in drafts.as_array().into_iter().flatten() {
        let mut push = |v: &Value| {
            out.push((
                v["id"].as_str().unwrap_or_default().to_string(),
                v["result"].as_str().unwrap_or_default().to_string(),
            ))
        };
        push(d);
        for a in d["amendments"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(d["motions"].as_array().into_iter().flatten())
        {
            push(a);
        }
    }
    out
}

const STATUS_COLOURS: [(&str, &str); 4] = [
    ("adopted", "#2e7d32"),
    ("vetoed", "#c62828"),
    ("failed", "#8d6e00"),
    ("withdrawn", "#6b7280"),
];

/// Chart: per draft, the bot-only shares of each result as a stacked bar, with the class's
/// result marked.
fn outcome_chart(debrief: &Value) -> String {
    let drafts = debrief["bots"]["drafts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let game = debrief["game"]["drafts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (w, left, row) = (640.0, 90.0, 54.0);
    let height = 40.0 + row * drafts.len() as f64;
    let mut svg = format!("<svg role=\"img\" aria-label=\"The class's outcome against the bots alone\" viewBox=\"0 0 {w} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (name, colour)) in STATUS_COLOURS.iter().enumerate() {
        let x = left + i as f64 * 120.0;
        let _ = write!(svg, "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"16\">{name}</text>", x + 16.0);
    }
    for (i, d) in drafts.iter().enumerate() {
        let y = 34.0 + row * i as f64;
        let id = d["id"].as_str().unwrap_or_default();
        let _ = write!(svg, "<text x=\"0\" y=\"{}\">{}</text>", y + 22.0, esc(id));
        let mut x = left;
        let span = w - left - 10.0;
        let class = game
            .iter()
            .find(|g| g["id"] == d["id"])
            .and_then(|g| g["result"].as_str())
            .unwrap_or("");
        for (name, colour) in STATUS_COLOURS {
            let p = d["outcomes"][name]["p"].as_f64().unwrap_or(0.0);
            let width = span * p;
            if width > 0.0 {
                let _ = write!(svg, "<rect x=\"{x:.1}\" y=\"{}\" width=\"{width:.1}\" height=\"20\" fill=\"{colour}\"><title>{name}: {:.1}% of the bot-only replications</title></rect>", y + 8.0, 100.0 * p);
                if width > 44.0 {
                    let _ = write!(
                        svg,
                        "<text x=\"{:.1}\" y=\"{}\" style=\"fill:#fff\">{:.0}%</text>",
                        x + 4.0,
                        y + 23.0,
                        100.0 * p
                    );
                }
            }
            if name == class {
                let mid = x + width / 2.0;
                let _ = write!(svg, "<path d=\"M{mid:.1} {} l-6 -8 h12 z\" fill=\"#1d2330\"/><text x=\"{:.1}\" y=\"{}\">your Council: {name}</text>", y + 8.0, (mid + 8.0).min(w - 130.0), y + 4.0);
            }
            x += width;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Chart: each student decision along the game, marked where it differed from the bot and
/// where it changed an outcome.
fn decisions_chart(debrief: &Value) -> String {
    let decisions = debrief["decisions"].as_array().cloned().unwrap_or_default();
    let (w, h) = (640.0, 70.0);
    let mut svg = format!("<svg role=\"img\" aria-label=\"Student decisions along the game\" viewBox=\"0 0 {w} {h}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><line x1=\"10\" y1=\"35\" x2=\"{}\" y2=\"35\" stroke=\"#9aa5b8\"/>", w - 10.0);
    let n = decisions.len().max(1) as f64;
    for (i, d) in decisions.iter().enumerate() {
        let x = 10.0 + (w - 20.0) * (i as f64 + 0.5) / n;
        let agreed = d["chosen"] == d["bot"];
        let pivotal = d["pivotal"].as_bool().unwrap_or(false);
        let (r, fill) = match (agreed, pivotal) {
            (_, true) => (9.0, "#c62828"),
            (false, false) => (6.0, "#1f5fbf"),
            (true, false) => (4.0, "#9aa5b8"),
        };
        let _ = write!(svg, "<circle cx=\"{x:.1}\" cy=\"35\" r=\"{r}\" fill=\"{fill}\"><title>{} {} ({})</title></circle>", esc(d["seat"].as_str().unwrap_or("")), esc(d["kind"].as_str().unwrap_or("")), if pivotal { "pivotal" } else if agreed { "as the bot" } else { "differed from the bot" });
    }
    let _ = write!(svg, "<text x=\"10\" y=\"66\">grey: as the bot · blue: differed · red: pivotal (the outcome changes with the bot's choice)</text></svg>");
    svg
}

/// Chart: per seat, the share of its decisions that agreed with its bot (its brief).
fn agreement_chart(debrief: &Value) -> String {
    let agreement = debrief["agreement"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let (w, left, row) = (640.0, 60.0, 26.0);
    let h = 10.0 + row * agreement.len().max(1) as f64;
    let mut svg = format!("<svg role=\"img\" aria-label=\"Agreement with the bots\" viewBox=\"0 0 {w} {h}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (i, (seat, v)) in agreement.iter().enumerate() {
        let n = v["decisions"].as_u64().unwrap_or(0);
        let a = v["agreed"].as_u64().unwrap_or(0);
        let share = if n == 0 { 0.0 } else { a as f64 / n as f64 };
        let y = 6.0 + row * i as f64;
        let span = w - left - 150.0;
        let _ = write!(svg, "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{left}\" y=\"{y}\" width=\"{span}\" height=\"16\" fill=\"#e7ecf5\"/><rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"16\" fill=\"#1f5fbf\"/><text x=\"{}\" y=\"{}\">{a} of {n} as the bot ({:.0}%)</text>", y + 13.0, esc(seat), span * share, left + span + 6.0, y + 13.0, 100.0 * share);
    }
    svg.push_str("</svg>");
    svg
}

/// The debrief page: the class's outcome against the bot-only distribution, the pivotal
/// decisions with their counterfactuals, agreement with the briefs.
pub fn debrief(room: &mut Room) -> String {
    let v = debrief_json(room);
    let model = &room.model;
    let mut body = format!(
        "<header><h1>{}: debrief</h1><span class=\"sub\">seed {}, replication {} · councilsim {}</span></header><main>",
        esc(&model.name),
        room.setup.seed,
        room.setup.replication,
        env!("CARGO_PKG_VERSION")
    );
    body.push_str("<section class=\"card\" id=\"outcome\"><h2>What your Council did</h2>");
    match v["game"]["drafts"].as_array() {
        Some(drafts) => {
            body.push_str("<ul>");
            for d in drafts {
                let id = d["id"].as_str().unwrap_or_default();
                let result = d["result"].as_str().unwrap_or_default();
                let t = &d["tally"];
                let share = v["bots"]["drafts"]
                    .as_array()
                    .and_then(|b| b.iter().find(|x| x["id"] == d["id"]))
                    .and_then(|x| x["outcomes"][result]["p"].as_f64());
                let vetoed = d["vetoed_by"]
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .map(|a| {
                        format!(
                            " (vetoed by {})",
                            a.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    });
                let _ = write!(
                    body,
                    "<li class=\"result\" data-draft=\"{}\">Your Council: {} <strong>{}</strong> {}-{}-{}{}. Bots alone: {} in {} of {} replications.</li>",
                    esc(id),
                    esc(id),
                    esc(result),
                    t["yes"], t["no"], t["abstain"],
                    esc(&vetoed.unwrap_or_default()),
                    esc(result),
                    share.map_or("—".to_string(), |p| format!("{:.1}%", 100.0 * p)),
                    DEBRIEF_REPLICATIONS
                );
            }
            body.push_str("</ul>");
        }
        None => body.push_str("<p>The game is not over yet: this is where it stands.</p>"),
    }
    body.push_str(&outcome_chart(&v));
    body.push_str("</section>");
    body.push_str("<section class=\"card\" id=\"pivotal\"><h2>The class's decisions, and which ones mattered</h2>");
    body.push_str(&decisions_chart(&v));
    let decisions = v["decisions"].as_array().cloned().unwrap_or_default();
    if decisions.is_empty() {
        body.push_str("<p>No student took a decision.</p>");
    } else {
        body.push_str("<table><tr><th>seat</th><th>decision</th><th>chosen</th><th>the bot</th><th>had the seat followed its bot</th></tr>");
        for d in &decisions {
            let cf = d["counterfactual"]["drafts"].as_array().map(|c| {
                c.iter()
                    .map(|x| {
                        format!(
                            "{} {}",
                            x["id"].as_str().unwrap_or(""),
                            x["result"].as_str().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let _ = write!(
                body,
                "<tr{}><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if d["pivotal"].as_bool() == Some(true) {
                    " class=\"pivotal\" style=\"background:#fdecea\""
                } else {
                    ""
                },
                esc(d["seat"].as_str().unwrap_or("")),
                esc(d["kind"].as_str().unwrap_or("")),
                d["ballot"]
                    .as_str()
                    .map(|b| format!(" on {}", esc(b)))
                    .unwrap_or_default(),
                esc(d["chosen_text"].as_str().unwrap_or_default()),
                esc(d["bot_text"].as_str().unwrap_or_default()),
                match (cf, d["pivotal"].as_bool()) {
                    (None, _) => "the same (it did what its bot would)".to_string(),
                    (Some(c), Some(true)) => format!("<strong>pivotal</strong>: {}", esc(&c)),
                    (Some(c), _) => format!("no change: {}", esc(&c)),
                }
            );
        }
        body.push_str("</table>");
    }
    body.push_str("</section><section class=\"card\" id=\"agreement\"><h2>How often each seat did what its brief (its bot) suggested</h2>");
    body.push_str(&agreement_chart(&v));
    body.push_str("</section><section class=\"card\"><h2>Questions for the class</h2><ul><li>Which decision changed the outcome, and why did that delegation choose it?</li><li>Where did your Council land against the bots alone, and what made the difference?</li><li>Which delegations left their brief, and what did they gain?</li></ul></section></main>");
    page_shell(&format!("{}: debrief", model.name), &body)
}

#[allow(dead_code)]
fn status_name(s: BallotStatus) -> &'static str {
    s.as_str()
}
