//! A replication's event log as a student reads it (text) or a program reads it (JSONL).

use crate::memberset::MemberSet;
use crate::model::{Ballot, Model};
use crate::outcome::{BallotRecord, BallotStatus};
use crate::procedure::{self, Decision};
use crate::text::Text;
use crate::trace::{Ask, Expectation, TraceEvent, TraceLog, Verdict};
use serde_json::{json, Value};
use std::fmt::Write;

fn clock(minute: u64) -> String {
    let day = minute / 1440;
    let rest = minute % 1440;
    format!("day {day} {:02}:{:02}", rest / 60, rest % 60)
}

fn ids(model: &Model, set: &MemberSet) -> String {
    let list = model.member_ids(set);
    if list.is_empty() {
        "—".to_string()
    } else {
        list.join(" ")
    }
}

fn position(model: &Model, pos: &[f64]) -> String {
    model
        .dims
        .iter()
        .zip(pos)
        .map(|(d, x)| format!("{} {x:.2}", d.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn circulated_position(model: &Model, d: usize) -> Vec<f64> {
    let mut text = Text::new(model);
    text.reset_to_draft(model, d);
    text.position().to_vec()
}

fn ask_text(model: &Model, ask: &Ask) -> String {
    match *ask {
        Ask::Amendment(a) => {
            let amendment = &model.amendments[a as usize];
            format!("its amendment {}", amendment.id)
        }
        Ask::Soften { dim, from, to } => format!(
            "a move on {} from {from:.2} to {to:.2}",
            model.dims[dim as usize].id
        ),
    }
}

fn expectation(e: &Expectation) -> String {
    format!("{:.3} × {:+.3} = {:+.3}", e.p_adopt, e.value, e.expected())
}

fn decision(model: &Model, ballot: Ballot, record: &BallotRecord) -> String {
    let procedural = model.ballot_procedural(ballot);
    let d = match record.status {
        BallotStatus::Adopted => Decision::Adopted,
        BallotStatus::Vetoed => Decision::Vetoed(record.vetoed_by),
        _ => Decision::FailedForWantOfVotes,
    };
    let mut text = procedure::explain(
        &model.rules,
        procedural,
        record.yes.len(),
        record.no.len(),
        &d,
    );
    if record.status == BallotStatus::Vetoed {
        text = format!("{text} (veto cast by {})", ids(model, &record.vetoed_by));
    }
    text
}

/// The log as indented text, one event per line (votes take four).
pub fn text(model: &Model, seed: u64, replication: u64, log: &TraceLog) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {seed}, replication {replication} (councilsim {}, scenario sha256 {})",
        model.name,
        env!("CARGO_PKG_VERSION"),
        &model.sha256[..12]
    );
    for (minute, event) in &log.entries {
        let t = clock(*minute);
        let m = |i: u16| model.agent_id(i as usize);
        let draft = |d: u16| model.drafts[d as usize].id.as_str();
        let _ = match event {
            TraceEvent::Circulated { draft: d } => {
                let dr = &model.drafts[*d as usize];
                writeln!(
                    out,
                    "{t}  {} circulates draft {} ({} provisions); it stands at {}",
                    m(dr.penholder),
                    dr.id,
                    dr.provisions.len(),
                    position(model, &circulated_position(model, *d as usize))
                )
            }
            TraceEvent::RoundEnded { draft: d, round } => {
                writeln!(out, "{t}  consultation round {round} on {} closes", draft(*d))
            }
            TraceEvent::Lobbied {
                relation,
                draft: d,
                intended,
                shift,
            } => {
                let r = model.relations[*relation as usize];
                writeln!(
                    out,
                    "{t}  {} lobbies {} on {}: it intends to vote {}, so {}'s Δ shifts {shift:+.3}",
                    m(r.from),
                    m(r.to),
                    draft(*d),
                    intended.as_str(),
                    m(r.to)
                )
            }
            TraceEvent::Instruction {
                member,
                dim,
                from,
                to,
            } => writeln!(
                out,
                "{t}  instructions from capital: {} now wants {} at {to:.2} (was {from:.2})",
                m(*member),
                model.dims[*dim as usize].id
            ),
            TraceEvent::Asked {
                member,
                ask,
                gain,
                delta,
                threshold,
                ..
            } if delta <= threshold => writeln!(
                out,
                "{t}    {} would not vote yes (Δ {delta:+.3} ≤ a {threshold:.3}) and asks for {} (worth {gain:+.3} to it)",
                m(*member),
                ask_text(model, ask)
            ),
            TraceEvent::Asked {
                member,
                ask,
                gain,
                delta,
                threshold,
                ..
            } => writeln!(
                out,
                "{t}    {} would vote yes (Δ {delta:+.3} > a {threshold:.3}) but asks for {} (worth {gain:+.3} to it)",
                m(*member),
                ask_text(model, ask)
            ),
            TraceEvent::Answered {
                draft: d,
                verdict,
                before,
                full,
                compromise,
                ..
            } => {
                let pen = m(model.drafts[*d as usize].penholder);
                let gain = full.expected() - before.expected();
                let mut line = match verdict {
                    Verdict::Accepted => format!("{pen} accepts: E rises {gain:+.3}"),
                    Verdict::Compromise(to) => {
                        let gain = compromise.map_or(0.0, |c| c.expected() - before.expected());
                        format!("{pen} accepts a compromise at {to:.2}: E rises {gain:+.3}")
                    }
                    Verdict::Refused => format!("{pen} refuses: E would change {gain:+.3}"),
                };
                let _ = write!(
                    line,
                    "; E = P(adopt) × Δ_pen: now {}, as asked {}",
                    expectation(before),
                    expectation(full)
                );
                if let Some(c) = compromise {
                    let _ = write!(
                        line,
                        ", compromise {} (gain {:+.3})",
                        expectation(c),
                        c.expected() - before.expected()
                    );
                }
                writeln!(out, "{t}    {line}")
            }
            TraceEvent::InBlue { draft: d, position: p } => writeln!(
                out,
                "{t}  {} is put in blue; it stands at {}",
                draft(*d),
                position(model, p)
            ),
            TraceEvent::StatusQuoMoved { draft: d, position: p } => writeln!(
                out,
                "{t}  the status quo moves to {}'s text on what it speaks to: now {}",
                draft(*d),
                position(model, p)
            ),
            TraceEvent::ConditionUnmet { ballot } => {
                let b = model.ballots[*ballot as usize];
                let c = model.conditions[*ballot as usize].expect("a condition");
                let when = match c.when {
                    crate::model::ConditionKind::Adopted => "adopted",
                    crate::model::ConditionKind::Failed => "failed",
                    crate::model::ConditionKind::Vetoed => "vetoed",
                    crate::model::ConditionKind::NotAdopted => "not adopted",
                };
                writeln!(
                    out,
                    "{t}  {} {} is not put: it is tabled only if {} was {when}",
                    model.ballot_kind(b),
                    model.ballot_id(b),
                    model.ballot_id(model.ballots[c.ballot as usize])
                )
            }
            TraceEvent::Skipped {
                ballot,
                record,
                figure,
            } => {
                let b = model.ballots[*ballot as usize];
                let what = format!("{} {}", model.ballot_kind(b), model.ballot_id(b));
                match record.status {
                    BallotStatus::Withdrawn if *figure >= 0.5 => writeln!(
                        out,
                        "{t}  {} withdraws {what}: it expects a veto (P(vetoed) {figure:.3})",
                        m(model.drafts[model.ballot_draft(b)].penholder)
                    ),
                    BallotStatus::Withdrawn => writeln!(
                        out,
                        "{t}  {} withdraws {what} (P(vetoed) {figure:.3})",
                        m(model.drafts[model.ballot_draft(b)].penholder)
                    ),
                    BallotStatus::Incorporated => writeln!(
                        out,
                        "{t}  {what} is not tabled: the penholder already wrote it into the text"
                    ),
                    BallotStatus::Lapsed => writeln!(
                        out,
                        "{t}  {what} lapses: the provision it changes is no longer in the text"
                    ),
                    _ if *figure <= 0.0 => writeln!(
                        out,
                        "{t}  {what} is not tabled: its proposers no longer want it (mean gain {figure:+.3})"
                    ),
                    _ => writeln!(
                        out,
                        "{t}  {what} is not tabled by its proposers (mean gain {figure:+.3})"
                    ),
                }
            }
            TraceEvent::Voted { ballot, record } => {
                let b = model.ballots[*ballot as usize];
                let _ = writeln!(
                    out,
                    "{t}  vote {} on {} {}: {}-{}-{}",
                    ballot + 1,
                    model.ballot_kind(b),
                    model.ballot_id(b),
                    record.yes.len(),
                    record.no.len(),
                    record.abstain.len()
                );
                let _ = writeln!(out, "{:>14}yes: {}", "", ids(model, &record.yes));
                let _ = writeln!(out, "{:>14}no: {}", "", ids(model, &record.no));
                let _ = writeln!(out, "{:>14}abstain: {}", "", ids(model, &record.abstain));
                writeln!(out, "{:>14}→ {}", "", decision(model, b, record))
            }
            TraceEvent::Postponed { until } => writeln!(
                out,
                "{t}  the meeting is postponed to {}; consultations resume",
                clock(*until)
            ),
            TraceEvent::Decided {
                request,
                bot,
                chosen,
            } => {
                let seat = m(request.seat);
                let did = super::decision::choice_text(model, request, chosen);
                if chosen == bot {
                    writeln!(out, "{t}  [human] {seat} {did}, as its bot would")
                } else {
                    writeln!(
                        out,
                        "{t}  [human] {seat} {did}; its bot would {}",
                        super::decision::reason(model, request, bot)
                    )
                }
            }
        };
    }
    // Names, titles and texts come from the scenario file: no control character may
    // reach the terminal.
    crate::export::printable_lines(&out).into_owned()
}

fn record_json(model: &Model, record: &BallotRecord) -> Value {
    json!({
        "status": record.status.as_str(),
        "yes": model.member_ids(&record.yes),
        "no": model.member_ids(&record.no),
        "abstain": model.member_ids(&record.abstain),
        "vetoed_by": model.member_ids(&record.vetoed_by),
    })
}

fn ask_json(model: &Model, ask: &Ask) -> Value {
    match *ask {
        Ask::Amendment(a) => json!({"amendment": model.amendments[a as usize].id}),
        Ask::Soften { dim, from, to } => json!({
            "soften": model.dims[dim as usize].id, "from": from, "to": to
        }),
    }
}

fn position_json(model: &Model, position: &[f64]) -> Value {
    let map: serde_json::Map<String, Value> = model
        .dims
        .iter()
        .zip(position)
        .map(|(d, x)| (d.id.clone(), json!(x)))
        .collect();
    Value::Object(map)
}

fn expectation_json(e: &Expectation) -> Value {
    json!({"p_adopt": e.p_adopt, "value": e.value, "expected": e.expected()})
}

/// The log as JSON Lines: a header naming the run, then one object per event with
/// `minute`, `event` and its fields.
pub fn jsonl(model: &Model, seed: u64, replication: u64, log: &TraceLog) -> String {
    let header = json!({
        "event": "header", "version": env!("CARGO_PKG_VERSION"), "scenario": model.name,
        "sha256": model.sha256, "seed": seed, "replication": replication,
    });
    let mut out = header.to_string();
    out.push('\n');
    for (minute, event) in &log.entries {
        let m = |i: u16| model.agent_id(i as usize).to_string();
        let draft = |d: u16| model.drafts[d as usize].id.clone();
        let body = match event {
            TraceEvent::Circulated { draft: d } => json!({
                "event": "circulated", "draft": draft(*d),
                "penholder": m(model.drafts[*d as usize].penholder),
                "position": position_json(model, &circulated_position(model, *d as usize)),
            }),
            TraceEvent::RoundEnded { draft: d, round } => {
                json!({"event": "round_ended", "draft": draft(*d), "round": round})
            }
            TraceEvent::Lobbied {
                relation,
                draft: d,
                intended,
                shift,
            } => {
                let r = model.relations[*relation as usize];
                json!({"event": "lobbied", "draft": draft(*d), "from": m(r.from), "to": m(r.to),
                       "intended": intended.as_str(), "shift": shift})
            }
            TraceEvent::Instruction {
                member,
                dim,
                from,
                to,
            } => json!({"event": "instruction", "member": m(*member),
                        "dimension": model.dims[*dim as usize].id, "from": from, "to": to}),
            TraceEvent::Asked {
                draft: d,
                member,
                ask,
                gain,
                delta,
                threshold,
            } => json!({"event": "asked", "draft": draft(*d), "member": m(*member),
                        "ask": ask_json(model, ask), "gain": gain, "delta": delta,
                        "yes_threshold": threshold}),
            TraceEvent::Answered {
                draft: d,
                member,
                ask,
                verdict,
                before,
                full,
                compromise,
            } => {
                let (verdict, to) = match verdict {
                    Verdict::Accepted => ("accepted", None),
                    Verdict::Compromise(to) => ("compromise", Some(*to)),
                    Verdict::Refused => ("refused", None),
                };
                json!({"event": "answered", "draft": draft(*d), "member": m(*member),
                       "ask": ask_json(model, ask), "verdict": verdict, "compromise_to": to,
                       "before": expectation_json(before), "as_asked": expectation_json(full),
                       "compromise": compromise.as_ref().map(expectation_json),
                       "gain": full.expected() - before.expected()})
            }
            TraceEvent::InBlue { draft: d, position } => {
                json!({"event": "in_blue", "draft": draft(*d), "position": position_json(model, position)})
            }
            TraceEvent::StatusQuoMoved { draft: d, position } => {
                json!({"event": "status_quo_moved", "draft": draft(*d), "position": position_json(model, position)})
            }
            TraceEvent::ConditionUnmet { ballot } => {
                let b = model.ballots[*ballot as usize];
                json!({"event": "not_put", "ballot": model.ballot_id(b), "kind": model.ballot_kind(b),
                       "status": "not-tabled", "reason": "tabled_if"})
            }
            TraceEvent::Skipped {
                ballot,
                record,
                figure,
            } => {
                let b = model.ballots[*ballot as usize];
                json!({"event": "skipped", "ballot": model.ballot_id(b), "kind": model.ballot_kind(b),
                       "status": record.status.as_str(), "figure": figure})
            }
            TraceEvent::Voted { ballot, record } => {
                let b = model.ballots[*ballot as usize];
                json!({"event": "voted", "ballot": model.ballot_id(b), "kind": model.ballot_kind(b),
                       "order": ballot + 1, "result": record_json(model, record),
                       "rule": decision(model, b, record)})
            }
            TraceEvent::Postponed { until } => json!({"event": "postponed", "until": until}),
            TraceEvent::Decided {
                request,
                bot,
                chosen,
            } => json!({"event": "decided", "seat": m(request.seat),
                        "kind": request.kind().as_str(),
                        "chosen": super::decision::choice_json(model, chosen),
                        "bot": super::decision::choice_json(model, bot),
                        "bot_reason": super::decision::reason(model, request, bot)}),
        };
        let mut line = json!({"minute": minute});
        if let (Value::Object(head), Value::Object(rest)) = (&mut line, body) {
            head.extend(rest);
        }
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}
