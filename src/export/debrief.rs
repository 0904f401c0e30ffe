//! A game's debrief as the class reads it: what the Council did, where that falls among
//! the bot-only replications of the same meeting, each human decision with its bot's choice
//! and its counterfactual, agreement per seat, and questions for the discussion drawn from
//! all of that.

use crate::debrief::{BallotOutcome, Debrief, DecisionReview, DraftOutcome, GameOutcome};
use crate::export::report::{BallotReport, DraftReport, Tally};
use crate::game::file::GameHeader;
use crate::model::Model;
use serde_json::Value;
use std::fmt::Write;

fn clock(minute: u64) -> String {
    let day = minute / 1440;
    let rest = minute % 1440;
    format!("day {day} {:02}:{:02}", rest / 60, rest % 60)
}

fn tally(t: &Option<Tally>) -> String {
    t.map_or(String::new(), |t| {
        format!(" {}-{}-{}", t.yes, t.no, t.abstain)
    })
}

fn vetoers(by: &[String]) -> String {
    if by.is_empty() {
        String::new()
    } else {
        format!(" (vetoed by {})", by.join(" "))
    }
}

fn result(o_result: &str, t: &Option<Tally>, by: &[String]) -> String {
    format!("{o_result}{}{}", tally(t), vetoers(by))
}

fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// "vetoed in 0.3% of 10000 replications (by FRA 0.1%)" for a draft's result.
fn draft_share(bots: &DraftReport, replications: u64, outcome: &DraftOutcome) -> String {
    let o = &bots.outcomes;
    let share = match outcome.result.as_str() {
        "adopted" => Some(o.adopted.p),
        "vetoed" => Some(o.vetoed.p),
        "failed" => Some(o.failed.p),
        "withdrawn" => Some(o.withdrawn.p),
        _ => None,
    };
    let mut line = match share {
        Some(p) if p > 0.0 => format!(
            "{} in {} of {replications} replications",
            outcome.result,
            percent(p)
        ),
        Some(_) => format!("{} in none of {replications} replications", outcome.result),
        None => format!("{replications} replications"),
    };
    if outcome.result == "vetoed" {
        let by: Vec<String> = outcome
            .vetoed_by
            .iter()
            .map(|m| {
                let p = bots.vetoed_by.get(m).map_or(0.0, |s| s.p);
                format!("{m} {}", percent(p))
            })
            .collect();
        let _ = write!(line, " (vetoed by {})", by.join(", "));
    }
    let all = [
        ("adopted", o.adopted.p),
        ("vetoed", o.vetoed.p),
        ("failed", o.failed.p),
        ("withdrawn", o.withdrawn.p),
    ];
    let others: Vec<String> = all
        .iter()
        .filter(|(name, p)| *name != outcome.result && *p > 0.0)
        .map(|(name, p)| format!("{name} {}", percent(*p)))
        .collect();
    if !others.is_empty() {
        let _ = write!(line, "; otherwise {}", others.join(", "));
    }
    if let Some(t) = &bots.modal_tally {
        let _ = write!(line, "; modal tally {}-{}-{}", t.yes, t.no, t.abstain);
    }
    if let Some(t) = &outcome.tally {
        let voted: u64 = bots.yes_count_histogram.iter().sum();
        let same = bots
            .yes_count_histogram
            .get(t.yes as usize)
            .copied()
            .unwrap_or(0);
        if voted > 0 {
            let _ = write!(
                line,
                "; {} yes votes in {} of the replications that voted on it",
                t.yes,
                percent(same as f64 / voted as f64)
            );
        }
    }
    line
}

/// "vetoed in 74.4% (modal tally 9-1-5)" for an amendment's or motion's result.
fn ballot_share(bots: &BallotReport, replications: u64, outcome: &BallotOutcome) -> String {
    let not_put = 1.0 - bots.tabled.p - bots.incorporated.p;
    let p = match outcome.result.as_str() {
        "adopted" => bots.adopted.p,
        "vetoed" => bots.vetoed.p,
        "failed" => bots.failed.p,
        "incorporated" => bots.incorporated.p,
        _ => not_put,
    };
    let what = match outcome.result.as_str() {
        "adopted" | "vetoed" | "failed" | "incorporated" => outcome.result.clone(),
        _ => "not put to the vote".to_string(),
    };
    let mut line = if p > 0.0 {
        format!("{what} in {} of {replications}", percent(p))
    } else {
        format!("{what} in none of {replications}")
    };
    if let Some(t) = &bots.modal_tally {
        let _ = write!(line, " (modal tally {}-{}-{})", t.yes, t.no, t.abstain);
    }
    line
}

fn choice_words(v: &Value) -> String {
    match v {
        Value::String(s) => s.replace('_', " "),
        Value::Object(o) => {
            if let Some(a) = o.get("amendment").and_then(Value::as_str) {
                format!("ask for amendment {a}")
            } else if let Some(d) = o.get("move").and_then(Value::as_str) {
                let num = |k: &str| o.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
                format!(
                    "ask for a move on {d} from {:.2} to {:.2}",
                    num("from"),
                    num("to")
                )
            } else if let Some(x) = o.get("compromise").and_then(Value::as_f64) {
                format!("accept a compromise at {x:.2}")
            } else {
                v.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// Every ballot of `game`: kind, id, result and the result with its tally, in the order
/// drafts list them.
fn ballots(game: &GameOutcome) -> Vec<(&'static str, &str, &str, String)> {
    let mut out = Vec::new();
    for d in &game.drafts {
        for m in &d.motions {
            let full = result(&m.result, &m.tally, &m.vetoed_by);
            out.push(("motion", m.id.as_str(), m.result.as_str(), full));
        }
        for a in &d.amendments {
            let full = result(&a.result, &a.tally, &a.vetoed_by);
            out.push(("amendment", a.id.as_str(), a.result.as_str(), full));
        }
        let full = result(&d.result, &d.tally, &d.vetoed_by);
        out.push(("draft", d.id.as_str(), d.result.as_str(), full));
    }
    out
}

/// What changes between the game and a counterfactual, ballot by ballot ("draft X adopted
/// 10-0-5 instead of vetoed 10-1-4 (vetoed by FRA)"); empty when every result is the same.
fn changes(game: &GameOutcome, other: &GameOutcome) -> Vec<String> {
    ballots(game)
        .into_iter()
        .zip(ballots(other))
        .filter(|(a, b)| a.2 != b.2)
        .map(|((kind, id, _, a), (_, _, _, b))| format!("{kind} {id} {b} instead of {a}"))
        .collect()
}

fn decision_line(review: &DecisionReview, game: &GameOutcome) -> String {
    let mut line = format!(
        "{}  {}, {}: chose {}; its bot: {}.",
        clock(review.minute),
        review.seat,
        review.subject,
        choice_words(&review.chosen),
        choice_words(&review.bot)
    );
    if review.chosen == review.bot {
        line.push_str(" Agreed with its bot.");
    } else {
        let changed = changes(game, &review.counterfactual);
        if review.pivotal && !changed.is_empty() {
            let _ = write!(
                line,
                " PIVOTAL: had {} followed its bot here, {}.",
                review.seat,
                changed.join("; ")
            );
        } else {
            let _ = write!(
                line,
                " Had {} followed its bot here, every result would have been the same.",
                review.seat
            );
        }
    }
    line
}

/// The debrief as text: the game, the comparison with the bots, the decisions, the
/// agreement per seat and questions for the class.
pub fn text(model: &Model, header: &GameHeader, debrief: &Debrief) -> String {
    let mut out = String::new();
    let n = debrief.bots.replications;
    let _ = writeln!(
        out,
        "Debrief: {} — seed {}, replication {}, played by humans: {} (councilsim {}, scenario sha256 {})",
        model.name,
        header.seed,
        header.replication,
        header.seats.join(" "),
        env!("CARGO_PKG_VERSION"),
        &header.sha256[..12.min(header.sha256.len())]
    );
    let _ = writeln!(out, "\nWhat your Council did, and how often bots alone do the same ({n} replications of seed {}, as `councilsim run --seed {} --replications {n}`):", header.seed, header.seed);
    for (d, bots) in debrief.game.drafts.iter().zip(&debrief.bots.drafts) {
        for m in &d.motions {
            if let Some(b) = bots.motions.iter().find(|b| b.id == m.id) {
                let _ = writeln!(
                    out,
                    "  motion {}: your Council: {}; bots alone: {}",
                    m.id,
                    result(&m.result, &m.tally, &m.vetoed_by),
                    ballot_share(b, n, m)
                );
            }
        }
        for a in &d.amendments {
            if let Some(b) = bots.amendments.iter().find(|b| b.id == a.id) {
                let _ = writeln!(
                    out,
                    "  amendment {}: your Council: {}; bots alone: {}",
                    a.id,
                    result(&a.result, &a.tally, &a.vetoed_by),
                    ballot_share(b, n, a)
                );
            }
        }
        let _ = writeln!(
            out,
            "  draft {}: your Council: {}; bots alone: {}",
            d.id,
            result(&d.result, &d.tally, &d.vetoed_by),
            draft_share(bots, n, d)
        );
    }
    let _ = writeln!(
        out,
        "\nYour decisions, each with the rest of the game replayed as if that seat had followed its bot there (same random draws):"
    );
    if debrief.decisions.is_empty() {
        let _ = writeln!(out, "  (no human decision was asked for)");
    }
    for review in &debrief.decisions {
        let _ = writeln!(out, "  {}", decision_line(review, &debrief.game));
    }
    let _ = writeln!(out, "\nAgreement with the bots:");
    for (seat, a) in &debrief.agreement {
        let share = if a.decisions > 0 {
            format!(" ({})", percent(a.agreed as f64 / a.decisions as f64))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {seat}: {} of {} decisions as its bot would have taken them{share}",
            a.agreed, a.decisions
        );
    }
    let questions = questions(debrief);
    let _ = writeln!(out, "\nFor discussion:");
    for (k, q) in questions.iter().enumerate() {
        let _ = writeln!(out, "  {}. {q}", k + 1);
    }
    crate::export::printable_lines(&out).into_owned()
}

/// Questions for the class, drawn from what the debrief shows: the pivotal decisions, the
/// results the bots rarely reach, and the seats that departed most from their bots.
pub fn questions(debrief: &Debrief) -> Vec<String> {
    let mut out = Vec::new();
    for review in debrief.decisions.iter().filter(|r| r.pivotal) {
        let changed = changes(&debrief.game, &review.counterfactual);
        out.push(format!(
            "{} chose {} where its bot would {}: {}. What did {} want from this, and was it worth it?",
            review.seat,
            choice_words(&review.chosen),
            choice_words(&review.bot),
            if changed.is_empty() {
                "the results changed".to_string()
            } else {
                format!("without it, {}", changed.join("; "))
            },
            review.seat
        ));
    }
    for (d, bots) in debrief.game.drafts.iter().zip(&debrief.bots.drafts) {
        let o = &bots.outcomes;
        let p = match d.result.as_str() {
            "adopted" => o.adopted.p,
            "vetoed" => o.vetoed.p,
            "failed" => o.failed.p,
            "withdrawn" => o.withdrawn.p,
            _ => 1.0,
        };
        if p < 0.05 {
            out.push(format!(
                "Bots alone end draft {} {} in only {} of replications. Which of your decisions made the difference, and would the real delegations have taken them?",
                d.id,
                d.result,
                percent(p)
            ));
        } else {
            out.push(format!(
                "Draft {} ended {} in your Council, as in {} of bot-only meetings. What would a delegation have had to do differently to change that, and at what cost?",
                d.id,
                d.result,
                percent(p)
            ));
        }
    }
    if let Some((seat, a)) = debrief
        .agreement
        .iter()
        .filter(|(_, a)| a.decisions > 0 && a.agreed < a.decisions)
        .min_by(|(_, x), (_, y)| (x.agreed * y.decisions).cmp(&(y.agreed * x.decisions)))
    {
        out.push(format!(
            "{seat} departed from its bot in {} of {} decisions. What did it weigh that its stance (its brief) leaves out?",
            a.decisions - a.agreed,
            a.decisions
        ));
    } else {
        out.push(
            "Every human decision was the bot's: where could a delegation have asked for more, and what would the penholder have answered?"
                .to_string(),
        );
    }
    out
}
