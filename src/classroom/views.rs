//! What each page is shown, as JSON: a student sees the public game and its own seat's
//! brief and turn; the teacher sees everything. The pages render these objects; nothing
//! else reaches a browser.

use super::gamefile::choice_json;
use super::room::{Phase, Room, Taker};
use crate::decision::{Choice, Question, Request};
use crate::model::{Ballot, Model};
use crate::outcome::BallotRecord;
use crate::trace::{Ask, TraceEvent, TraceLog, Verdict};
use serde_json::{json, Value};
use std::time::Instant;

fn clock(minute: u64) -> String {
    let day = minute / 1440;
    let rest = minute % 1440;
    format!("day {day} {:02}:{:02}", rest / 60, rest % 60)
}

fn ballot_of(model: &Model, b: u16) -> Ballot {
    model.ballots[b as usize]
}

fn ballot_name(model: &Model, b: u16) -> String {
    let ballot = ballot_of(model, b);
    format!("{} {}", model.ballot_kind(ballot), model.ballot_id(ballot))
}

fn ask_words(model: &Model, ask: &Ask) -> String {
    match *ask {
        Ask::Amendment(a) => format!("amendment {}", model.amendments[a as usize].id),
        Ask::Soften { dim, from, to } => format!(
            "a move on {} from {from:.2} to {to:.2}",
            model.dims[dim as usize].label_or_id()
        ),
    }
}

trait Label {
    fn label_or_id(&self) -> &str;
}

impl Label for crate::model::Dimension {
    fn label_or_id(&self) -> &str {
        if self.label.is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
}

/// Why the seat's bot would choose `bot`, in the words and numbers of `trace`.
pub fn suggestion(model: &Model, request: &Request, bot: &Choice) -> String {
    format!(
        "your bot would {}",
        crate::export::decision::reason(model, request, bot)
    )
}

/// The pending question for the seat that must answer it: its figures, the choices as
/// buttons, the bot's suggestion and why.
pub fn question(model: &Model, step: usize, request: &Request, bot: &Choice) -> Value {
    let seat = model.agent_id(request.seat as usize);
    let mut options: Vec<(String, Choice)> = Vec::new();
    let mut extra = json!({});
    let prompt = match &request.question {
        Question::Ask {
            draft,
            delta,
            threshold,
            position,
            ideal,
            amendments,
        } => {
            options.push(("Ask for nothing".to_string(), Choice::Ask(None)));
            for &(a, gain) in amendments {
                options.push((
                    format!(
                        "Ask for amendment {} (worth {gain:+.2} to you)",
                        model.amendments[a as usize].id
                    ),
                    Choice::Ask(Some(Ask::Amendment(a))),
                ));
            }
            if let Choice::Ask(Some(ask @ Ask::Soften { .. })) = bot {
                options.push((format!("Ask for {}", ask_words(model, ask)), *bot));
            }
            extra["dimensions"] = model
                .dims
                .iter()
                .enumerate()
                .map(|(d, dim)| {
                    json!({"id": dim.id, "label": dim.label_or_id(), "position": position[d],
                           "ideal": ideal[d], "lo": dim.lo, "hi": dim.hi, "integer": dim.integer})
                })
                .collect();
            format!(
                "Consultations on {}: the penholder takes one request from you this round. Your Δ for the text is {delta:+.2} (you vote yes above a {threshold:.2}).",
                model.drafts[*draft as usize].id
            )
        }
        Question::Answer {
            draft,
            asker,
            ask,
            compromise,
            ..
        } => {
            options.push(("Accept".to_string(), Choice::Answer(Verdict::Accepted)));
            if let Some((to, _)) = compromise {
                options.push((
                    format!("Offer a compromise at {to:.2}"),
                    Choice::Answer(Verdict::Compromise(*to)),
                ));
            }
            options.push(("Refuse".to_string(), Choice::Answer(Verdict::Refused)));
            format!(
                "You hold the pen on {}. {} asks for {}.",
                model.drafts[*draft as usize].id,
                model.agent_id(*asker as usize),
                ask_words(model, ask)
            )
        }
        Question::Table { ballot, .. } => {
            options.push(("Table it".to_string(), Choice::Table(true)));
            options.push(("Do not table it".to_string(), Choice::Table(false)));
            format!(
                "The meeting: put {} to the vote?",
                ballot_name(model, *ballot)
            )
        }
        Question::Withdraw { draft, .. } => {
            options.push(("Put it to the vote".to_string(), Choice::Withdraw(false)));
            options.push(("Withdraw the draft".to_string(), Choice::Withdraw(true)));
            format!(
                "The meeting: you hold the pen on {}. Put it to the vote or withdraw it?",
                model.drafts[*draft as usize].id
            )
        }
        Question::Vote { ballot, .. } => {
            options.push(("Yes".to_string(), Choice::Vote(crate::behaviour::Vote::Yes)));
            options.push(("No".to_string(), Choice::Vote(crate::behaviour::Vote::No)));
            options.push((
                "Abstain".to_string(),
                Choice::Vote(crate::behaviour::Vote::Abstain),
            ));
            format!(
                "The vote on {}: how does {seat} vote?",
                ballot_name(model, *ballot)
            )
        }
    };
    let options: Vec<Value> = options
        .iter()
        .map(|(label, c)| json!({"label": label, "choice": choice_json(model, c), "bot": c == bot}))
        .collect();
    json!({
        "step": step,
        "seat": seat,
        "kind": request.kind().as_str(),
        "minute": request.minute,
        "clock": clock(request.minute),
        "prompt": prompt,
        "options": options,
        "bot": choice_json(model, bot),
        "why": suggestion(model, request, bot),
        "extra": extra,
    })
}

/// One event in words, exactly as `trace` writes it (without the time).
fn event_words(
    model: &Model,
    seed: u64,
    replication: u64,
    minute: u64,
    event: &TraceEvent,
) -> String {
    let log = TraceLog {
        entries: vec![(minute, event.clone())],
    };
    let text = crate::export::trace::text(model, seed, replication, &log);
    let body: Vec<&str> = text.lines().skip(1).collect();
    let prefix = clock(minute);
    body.iter()
        .map(|l| l.strip_prefix(prefix.as_str()).unwrap_or(l).trim())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The seat an event is private to: a human decision shows its seat's bot figures.
fn private_to(event: &TraceEvent) -> Option<u16> {
    match event {
        TraceEvent::Decided { request, .. } => Some(request.seat),
        _ => None,
    }
}

/// Every event in words, with the seat it is private to (see [`Room::feed`]).
pub fn render_feed(room: &Room) -> Vec<(Option<u16>, Value)> {
    let model = &room.model;
    room.progress
        .log
        .entries
        .iter()
        .map(|(minute, e)| {
            let text = event_words(model, room.setup.seed, room.setup.replication, *minute, e);
            (
                private_to(e),
                json!({"clock": clock(*minute), "text": text}),
            )
        })
        .collect()
}

/// The event feed as `agent` sees it (None: the teacher, who sees everything).
pub fn feed(room: &Room, agent: Option<u16>) -> Vec<Value> {
    room.feed
        .iter()
        .filter(|(owner, _)| agent.is_none() || owner.is_none() || *owner == agent)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The texts on the table, in words, with what changed since circulation.
pub fn texts(room: &Room) -> Vec<Value> {
    let model = &room.model;
    let mut texts: Vec<Option<(crate::text::Text, Vec<String>, bool)>> =
        vec![None; model.drafts.len()];
    for (minute, event) in &room.progress.log.entries {
        match event {
            TraceEvent::Circulated { draft } => {
                let mut t = crate::text::Text::new(model);
                t.reset_to_draft(model, *draft as usize);
                texts[*draft as usize] = Some((t, Vec::new(), false));
            }
            TraceEvent::Answered {
                draft,
                member,
                ask,
                verdict,
                ..
            } => {
                if let Some((t, changes, _)) = &mut texts[*draft as usize] {
                    let who = model.agent_id(*member as usize);
                    match (verdict, ask) {
                        (Verdict::Accepted, Ask::Amendment(a)) => {
                            t.apply(model, model.amendments[*a as usize].action);
                            changes.push(format!(
                                "{}: amendment {} written in at {who}'s request",
                                clock(*minute),
                                model.amendments[*a as usize].id
                            ));
                        }
                        (Verdict::Accepted, Ask::Soften { dim, to, .. }) => {
                            t.reword(model, *dim as usize, *to);
                            changes.push(format!(
                                "{}: {} moved to {to:.2} at {who}'s request",
                                clock(*minute),
                                model.dims[*dim as usize].label_or_id()
                            ));
                        }
                        (Verdict::Compromise(x), Ask::Soften { dim, .. }) => {
                            t.reword(model, *dim as usize, *x);
                            changes.push(format!(
                                "{}: {} moved to {x:.2} (a compromise with {who})",
                                clock(*minute),
                                model.dims[*dim as usize].label_or_id()
                            ));
                        }
                        _ => {}
                    }
                }
            }
            TraceEvent::InBlue { draft, .. } => {
                if let Some((_, changes, blue)) = &mut texts[*draft as usize] {
                    *blue = true;
                    changes.push(format!("{}: put in blue (no more changes)", clock(*minute)));
                }
            }
            _ => {}
        }
    }
    texts
        .iter()
        .enumerate()
        .filter_map(|(d, t)| {
            let (text, changes, blue) = t.as_ref()?;
            let draft = &model.drafts[d];
            let provisions: Vec<Value> = draft
                .candidates
                .iter()
                .filter(|&&p| text.contains(p))
                .map(|&p| json!({"id": model.provisions[p as usize].id, "text": model.provisions[p as usize].text}))
                .collect();
            let circulated = model.circulated(d);
            let dims: Vec<Value> = model
                .dims
                .iter()
                .enumerate()
                .map(|(i, dim)| json!({"label": dim.label_or_id(), "position": text.position()[i], "circulated": circulated[i], "lo": dim.lo, "hi": dim.hi}))
                .collect();
            Some(json!({
                "id": draft.id, "title": draft.title,
                "penholder": model.agent_id(draft.penholder as usize),
                "in_blue": blue, "provisions": provisions, "dimensions": dims, "changes": changes,
            }))
        })
        .collect()
}

fn record_ids(model: &Model, record: &BallotRecord) -> Value {
    json!({
        "yes": model.member_ids(&record.yes), "no": model.member_ids(&record.no),
        "abstain": model.member_ids(&record.abstain), "vetoed_by": model.member_ids(&record.vetoed_by),
        "status": record.status.as_str(),
    })
}

/// The vote under way (the votes cast by the room's seats so far) or the last one counted.
pub fn tally(room: &Room) -> Option<Value> {
    let model = &room.model;
    let (ballot, yes, no, abstain, live) = match &room.progress.pending {
        Some((
            Request {
                question: Question::Vote { ballot, .. },
                ..
            },
            _,
        )) => {
            let (mut y, mut n, mut a) = (Vec::new(), Vec::new(), Vec::new());
            for d in &room.progress.decided {
                if let (Question::Vote { ballot: b, .. }, Choice::Vote(v)) =
                    (&d.request.question, d.chosen)
                {
                    if b == ballot {
                        let id = model.agent_id(d.request.seat as usize).to_string();
                        match v {
                            crate::behaviour::Vote::Yes => y.push(id),
                            crate::behaviour::Vote::No => n.push(id),
                            crate::behaviour::Vote::Abstain => a.push(id),
                        }
                    }
                }
            }
            (*ballot, y, n, a, true)
        }
        _ => {
            let (b, record) =
                room.progress
                    .log
                    .entries
                    .iter()
                    .rev()
                    .find_map(|(_, e)| match e {
                        TraceEvent::Voted { ballot, record } => Some((*ballot, *record)),
                        _ => None,
                    })?;
            let ids = |s| {
                model
                    .member_ids(s)
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
            };
            (
                b,
                ids(&record.yes),
                ids(&record.no),
                ids(&record.abstain),
                false,
            )
        }
    };
    let b = ballot_of(model, ballot);
    let procedural = model.ballot_procedural(b);
    let needed = if procedural {
        model.rules.procedural_quota
    } else {
        model.rules.quota
    };
    let vetoes: Vec<&String> = if procedural {
        Vec::new()
    } else {
        no.iter()
            .filter(|id| {
                model
                    .member_index(id)
                    .is_some_and(|i| model.rules.veto.contains(i))
            })
            .collect()
    };
    let veto_words = match (vetoes.is_empty(), live) {
        (true, true) => "none yet".to_string(),
        (true, false) => "none".to_string(),
        (false, _) => vetoes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    };
    let line = if procedural {
        format!("yes {} / {needed} needed (procedural: no veto)", yes.len())
    } else {
        format!(
            "yes {} / {needed} needed; no by a veto holder: {veto_words}",
            yes.len()
        )
    };
    Some(json!({
        "ballot": model.ballot_id(b), "kind": model.ballot_kind(b), "live": live,
        "yes": yes, "no": no, "abstain": abstain, "needed": needed, "line": line,
        "note": if live { "votes cast by the room's seats so far; the bots' hands go up when the ballot is counted" } else { "counted" },
    }))
}

/// Every ballot's result, once the game is over.
pub fn result(room: &Room) -> Option<Value> {
    let outcome = room.progress.outcome.as_ref()?;
    let model = &room.model;
    Some(
        outcome
            .ballots
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let b = model.ballots[i];
                let mut v = record_ids(model, r);
                v["ballot"] = json!(model.ballot_id(b));
                v["kind"] = json!(model.ballot_kind(b));
                v["tally"] = json!(format!(
                    "{}-{}-{}",
                    r.yes.len(),
                    r.no.len(),
                    r.abstain.len()
                ));
                v
            })
            .collect(),
    )
}

fn seats(room: &Room) -> Vec<Value> {
    (0..room.seats.len())
        .map(|s| {
            let agent = room.seat_agent(s);
            json!({
                "id": room.header.seats[s],
                "name": agent_name(&room.model, agent),
                "holder": room.holder(s).map(|h| room.students[h].name.clone()),
                "bot": room.bot_plays(s),
                "to_bot": room.seats[s].to_bot,
            })
        })
        .collect()
}

fn agent_name(model: &Model, agent: usize) -> String {
    if agent < model.members.len() {
        model.members.names[agent].clone()
    } else {
        model.participants.names[agent - model.members.len()].clone()
    }
}

fn common(room: &Room, now: Instant) -> Value {
    let waiting = room.progress.pending.as_ref().map(|(r, _)| {
        let seat = room.pending_seat();
        json!({
            "seat": room.model.agent_id(r.seat as usize),
            "kind": r.kind().as_str(),
            "clock": clock(r.minute),
            "student": seat.and_then(|s| room.holder(s)).filter(|_| seat.is_some_and(|s| !room.bot_plays(s))).map(|h| room.students[h].name.clone()),
        })
    });
    json!({
        "scenario": room.model.name,
        "phase": room.phase.as_str(),
        "step": room.choices.len(),
        "version": room.version,
        "waiting": if room.phase == Phase::Over { Value::Null } else { waiting.unwrap_or(Value::Null) },
        "seconds_left": room.seconds_left(now),
        "seats": seats(room),
        "texts": texts(room),
        "tally": tally(room),
        "result": result(room),
    })
}

/// Most feed entries a page is sent (the latest); the game file keeps them all.
pub const FEED_LIMIT: usize = 300;

/// The part of every student's view that is the same for all of them, serialized once per
/// change (40 event streams wake on each): the room, the texts, the tally, the public feed.
/// JSON text without its closing brace, for [`student`] to complete.
pub fn student_shared(room: &Room, now: Instant) -> String {
    let mut v = common(room, now);
    v["free"] = (0..room.seats.len())
        .filter(|&x| room.holder(x).is_none())
        .map(|x| json!({"id": room.header.seats[x], "name": agent_name(&room.model, room.seat_agent(x))}))
        .collect();
    // Students see every public move; human decisions carry a seat's private bot figures.
    let public: Vec<&Value> = room
        .feed
        .iter()
        .filter(|(owner, _)| owner.is_none())
        .map(|(_, v)| v)
        .collect();
    v["feed"] = json!(public[public.len().saturating_sub(FEED_LIMIT)..]);
    let mut text = v.to_string();
    text.pop();
    text
}

/// What student `s` sees, as JSON text: the shared part and the student's own (name, seat,
/// turn). The brief is fetched once per seat (`/api/brief`), not sent on every change.
pub fn student(room: &mut Room, s: usize, now: Instant) -> String {
    let shared = match &room.shared_view {
        Some((version, text)) if *version == room.version => std::sync::Arc::clone(text),
        _ => {
            let text = std::sync::Arc::new(student_shared(room, now));
            room.shared_view = Some((room.version, std::sync::Arc::clone(&text)));
            text
        }
    };
    let me = &room.students[s];
    let agent = me.seat.map(|seat| room.seat_agent(seat));
    let own = json!({
        "me": {
            "name": me.name,
            "seat": me.seat.map(|seat| room.header.seats[seat].clone()),
            "seat_name": agent.map(|a| agent_name(&room.model, a)),
            "to_bot": me.seat.is_some_and(|seat| room.seats[seat].to_bot),
        },
        "turn": match (&room.progress.pending, agent, room.phase) {
            (Some((request, bot)), Some(a), Phase::Running)
                if request.seat as usize == a && !me.seat.is_some_and(|x| room.seats[x].to_bot) =>
            {
                question(&room.model, room.choices.len(), request, bot)
            }
            _ => Value::Null,
        },
    })
    .to_string();
    format!("{shared},{}", &own[1..])
}

/// What the teacher sees: everything.
pub fn teacher(room: &Room, now: Instant) -> Value {
    let mut v = common(room, now);
    let model = &room.model;
    v["join_code"] = json!(room.join_code);
    v["fallback"] = json!(room.fallback.as_str());
    v["round_minutes"] = json!(room.round_minutes);
    v["students"] = room
        .students
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"index": i, "name": s.name, "seat": s.seat.map(|x| room.header.seats[x].clone())}))
        .collect();
    let all = feed(room, None);
    v["feed"] = json!(all[all.len().saturating_sub(FEED_LIMIT)..]);
    v["pending"] = room
        .progress
        .pending
        .as_ref()
        .map_or(Value::Null, |(request, bot)| {
            question(model, room.choices.len(), request, bot)
        });
    v["decisions"] = room
        .progress
        .decided
        .iter()
        .zip(&room.takers)
        .enumerate()
        .map(|(k, (d, taker))| {
            json!({
                "step": k, "seat": model.agent_id(d.request.seat as usize),
                "kind": d.request.kind().as_str(), "clock": clock(d.request.minute),
                "chosen": choice_json(model, &d.chosen), "bot": choice_json(model, &d.bot),
                "chosen_text": crate::export::decision::choice_text(model, &d.request, &d.chosen),
                "bot_text": crate::export::decision::choice_text(model, &d.request, &d.bot),
                "agreed": d.chosen == d.bot,
                "by": match taker {
                    Taker::Student(i) => room.students.get(*i).map_or("a student".to_string(), |s| s.name.clone()),
                    Taker::Bot => "bot".to_string(),
                    Taker::Timeout => "time up".to_string(),
                    Taker::Teacher => "teacher".to_string(),
                    Taker::Ended => "bots (game ended)".to_string(),
                    Taker::Unknown => "?".to_string(),
                },
            })
        })
        .collect();
    v
}
