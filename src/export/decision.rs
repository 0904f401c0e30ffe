//! Human decisions in words and JSON: what was chosen, and why the seat's bot would choose
//! what it suggests, in the same plain words and numbers as `trace`. Shared by the trace
//! (replays mark human decisions), the terminal game and the browser classroom.

use crate::behaviour::{intended_vote, Vote};
use crate::decision::{Choice, Question, Request};
use crate::model::Model;
use crate::trace::{Ask, Verdict};
use serde_json::{json, Value};

fn ask_words(model: &Model, ask: &Ask) -> String {
    match *ask {
        Ask::Amendment(a) => format!("its amendment {}", model.amendments[a as usize].id),
        Ask::Soften { dim, from, to } => format!(
            "a move on {} from {from:.2} to {to:.2}",
            model.dims[dim as usize].id
        ),
    }
}

fn ballot_words(model: &Model, ballot: u16) -> String {
    let b = model.ballots[ballot as usize];
    format!("{} {}", model.ballot_kind(b), model.ballot_id(b))
}

/// The choice in words, as a verb phrase: "votes no on draft S/2025/1", "asks for a move
/// on ambition from 0.40 to 0.70", "refuses", "tables amendment A1".
pub fn choice_text(model: &Model, request: &Request, choice: &Choice) -> String {
    match (&request.question, choice) {
        (Question::Ask { draft, .. }, Choice::Ask(ask)) => {
            let draft = &model.drafts[*draft as usize].id;
            match ask {
                Some(ask) => format!("asks for {} on {draft}", ask_words(model, ask)),
                None => format!("asks for nothing on {draft}"),
            }
        }
        (Question::Answer { asker, .. }, Choice::Answer(verdict)) => {
            let asker = model.agent_id(*asker as usize);
            match verdict {
                Verdict::Accepted => format!("accepts {asker}'s ask"),
                Verdict::Compromise(to) => format!("offers {asker} a compromise at {to:.2}"),
                Verdict::Refused => format!("refuses {asker}'s ask"),
            }
        }
        (Question::Table { ballot, .. }, Choice::Table(table)) => {
            let what = ballot_words(model, *ballot);
            if *table {
                format!("tables {what}")
            } else {
                format!("does not table {what}")
            }
        }
        (Question::Withdraw { draft, .. }, Choice::Withdraw(withdraw)) => {
            let draft = &model.drafts[*draft as usize].id;
            if *withdraw {
                format!("withdraws {draft}")
            } else {
                format!("puts {draft} to the vote")
            }
        }
        (Question::Vote { ballot, .. }, Choice::Vote(vote)) => {
            format!(
                "votes {} on {}",
                vote.as_str(),
                ballot_words(model, *ballot)
            )
        }
        _ => "does something that does not answer the question".to_string(),
    }
}

/// Why the seat's bot would choose `bot`, in the figures it weighed:
/// "abstain: Δ −0.200 ≤ a 0.300 and ≥ −b −0.500 (P yes 0.12, no 0.05, abstain 0.83)".
pub fn reason(model: &Model, request: &Request, bot: &Choice) -> String {
    match (&request.question, bot) {
        (
            Question::Ask {
                delta, threshold, ..
            },
            Choice::Ask(ask),
        ) => match ask {
            None if delta > threshold => format!(
                "ask for nothing: it would vote yes as the text stands (Δ {delta:+.3} > a {threshold:.3})"
            ),
            None => format!(
                "ask for nothing: Δ {delta:+.3} ≤ a {threshold:.3}, but every change it could ask for was refused on this text"
            ),
            Some(ask) => format!(
                "ask for {}: it would not vote yes (Δ {delta:+.3} ≤ a {threshold:.3}); {}",
                ask_words(model, ask),
                match ask {
                    Ask::Amendment(_) => "of its amendments, this one gains it most",
                    Ask::Soften { .. } => "this dimension costs it most",
                }
            ),
        },
        (
            Question::Answer {
                before,
                full,
                compromise,
                ..
            },
            Choice::Answer(verdict),
        ) => {
            let e = |x: &crate::trace::Expectation| {
                format!(
                    "{:.3} × {:+.3} = {:+.3}",
                    x.p_adopt,
                    x.value,
                    x.expected()
                )
            };
            let mut figures = format!("E = P(adopt) × Δ_pen: now {}, as asked {}", e(before), e(full));
            if let Some((to, c)) = compromise {
                figures.push_str(&format!(", compromise at {to:.2} {}", e(c)));
            }
            let verb = match verdict {
                Verdict::Accepted => "accept: E rises most as asked",
                Verdict::Compromise(_) => "offer the compromise: E rises most there",
                Verdict::Refused => "refuse: no option raises E",
            };
            format!("{verb} ({figures})")
        }
        (Question::Table { gain, always, .. }, Choice::Table(table)) => match (always, table) {
            (true, _) => "table it: the scenario says it is always tabled".to_string(),
            (false, true) => format!("table it: its sponsors gain from it (mean Δ {gain:+.3} > 0)"),
            (false, false) => {
                format!("not table it: its sponsors no longer gain from it (mean Δ {gain:+.3} ≤ 0)")
            }
        },
        (
            Question::Withdraw {
                p_adopt,
                p_veto,
                force_vote,
                ..
            },
            Choice::Withdraw(withdraw),
        ) => {
            let figures = format!("P(adopt) {p_adopt:.3}, P(vetoed) {p_veto:.3}");
            match (force_vote, withdraw) {
                (true, _) => format!("put it to the vote: the scenario says it is put even facing a veto ({figures})"),
                (false, true) => format!("withdraw it: it expects a veto (P(vetoed) {p_veto:.3} ≥ 0.5; {figures})"),
                (false, false) => format!("put it to the vote: P(vetoed) {p_veto:.3} < 0.5 ({figures})"),
            }
        }
        (
            Question::Vote {
                delta,
                yes,
                no,
                tau,
                p,
                ..
            },
            Choice::Vote(vote),
        ) => {
            let leaning = match intended_vote(*delta, *yes, *no) {
                Vote::Yes => format!("Δ {delta:+.3} > a {yes:.3}"),
                Vote::No => format!("Δ {delta:+.3} < −b {:.3}", -no),
                Vote::Abstain => format!("Δ {delta:+.3} ≤ a {yes:.3} and ≥ −b {:.3}", -no),
            };
            let mut words = format!(
                "vote {}: {leaning} (P yes {:.2}, no {:.2}, abstain {:.2}",
                vote.as_str(),
                p.yes,
                p.no,
                p.abstain
            );
            if *tau > 0.0 && intended_vote(*delta, *yes, *no) != *vote {
                words.push_str("; the vote noise drew this");
            }
            words.push(')');
            let _ = model;
            words
        }
        _ => String::new(),
    }
}

/// The choice as JSON: `{"kind": "vote", "vote": "no"}`, `{"kind": "ask", "ask": null}`, …
pub fn choice_json(model: &Model, choice: &Choice) -> Value {
    match choice {
        Choice::Ask(None) => json!({"kind": "ask", "ask": null}),
        Choice::Ask(Some(Ask::Amendment(a))) => {
            json!({"kind": "ask", "ask": {"amendment": model.amendments[*a as usize].id}})
        }
        Choice::Ask(Some(Ask::Soften { dim, from, to })) => json!({"kind": "ask", "ask": {
            "soften": model.dims[*dim as usize].id, "from": from, "to": to}}),
        Choice::Answer(Verdict::Accepted) => json!({"kind": "answer", "verdict": "accepted"}),
        Choice::Answer(Verdict::Refused) => json!({"kind": "answer", "verdict": "refused"}),
        Choice::Answer(Verdict::Compromise(to)) => {
            json!({"kind": "answer", "verdict": "compromise", "to": to})
        }
        Choice::Table(t) => json!({"kind": "table", "table": t}),
        Choice::Withdraw(w) => json!({"kind": "withdraw", "withdraw": w}),
        Choice::Vote(v) => json!({"kind": "vote", "vote": v.as_str()}),
    }
}
