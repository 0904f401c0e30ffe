//! What a human seat sees at a terminal: the text in words as it stands, the question with
//! its numbered choices and the bot's suggestion marked, and why the bot suggests it — in
//! the same plain words and numbers as `councilsim trace` ("your bot would abstain: Δ -0.195
//! ≤ a 0.300"). Rendering only: [`crate::play`] reads the answers.

use crate::behaviour::{self, Vote};
use crate::decision::{Choice, Question, Request};
use crate::model::{AmendmentAction, Ballot, Model, MotionKind};
use crate::outcome::{BallotStatus, Outcome};
use crate::text::Text;
use crate::trace::{Ask, Expectation, TraceEvent, Verdict};
use std::fmt::Write;

/// What a numbered option stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// This choice, as it is.
    Choice(Choice),
    /// Ask for a move of the text on this dimension: the target position is asked next.
    Move {
        /// Dimension index.
        dim: u16,
        /// The text's position there now.
        from: f64,
        /// The target offered when the answer is an empty line: the bot's if it asks for
        /// this move, else the seat's ideal point.
        default_to: f64,
    },
}

/// One numbered option.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptOption {
    /// What it says, after its number.
    pub label: String,
    /// What it does.
    pub pick: Pick,
}

/// A rendered question: the text shown and the options it numbers (from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// Everything printed before the input line.
    pub text: String,
    /// The numbered options, in order.
    pub options: Vec<PromptOption>,
    /// Index into `options` of the bot's suggestion.
    pub suggested: usize,
    /// Whether the question is a vote (yes/no/abstain are accepted as words).
    pub vote: bool,
}

impl Prompt {
    /// The input line's hint: what may be typed.
    pub fn hint(&self) -> String {
        let n = self.options.len();
        let words = if self.vote {
            ", yes, no or abstain"
        } else {
            ", or no to do nothing"
        };
        format!(
            "[1-{n}{words}; empty line: your bot's choice {}] > ",
            self.suggested + 1
        )
    }

    /// What to say when an answer is not one of the choices.
    pub fn invalid(&self, answer: &str) -> String {
        let n = self.options.len();
        let words = if self.vote {
            "`yes`, `no`, `abstain`"
        } else {
            "`no` (do nothing)"
        };
        crate::export::printable_lines(&format!(
            "`{}` is not a choice here: type a number from 1 to {n}, {words}, or an empty line \
             for your bot's choice ({})\n",
            answer.trim(),
            self.suggested + 1
        ))
        .into_owned()
    }
}

fn clock(minute: u64) -> String {
    let day = minute / 1440;
    let rest = minute % 1440;
    format!("day {day} {:02}:{:02}", rest / 60, rest % 60)
}

fn expectation(e: &Expectation) -> String {
    format!("{:.3} × {:+.3} = {:+.3}", e.p_adopt, e.value, e.expected())
}

/// A draft's text as it stands after `entries` (a replication's log so far): circulated,
/// then changed by the changes the penholder accepted and the amendments adopted; with
/// the moves negotiated so far, in words.
pub fn text_now(model: &Model, entries: &[(u64, TraceEvent)], draft: u16) -> (Text, Vec<String>) {
    let mut text = Text::new(model);
    text.reset_to_draft(model, draft as usize);
    let mut moves = Vec::new();
    for (_, event) in entries {
        match event {
            TraceEvent::Circulated { draft: d } if *d == draft => {
                text.reset_to_draft(model, draft as usize);
                moves.clear();
            }
            TraceEvent::Answered {
                draft: d,
                member,
                ask,
                verdict,
                ..
            } if *d == draft => match (verdict, ask) {
                (Verdict::Accepted, Ask::Amendment(a)) => {
                    text.apply(model, model.amendments[*a as usize].action);
                    moves.push(format!(
                        "the penholder wrote in amendment {} (asked by {})",
                        model.amendments[*a as usize].id,
                        model.agent_id(*member as usize)
                    ));
                }
                (Verdict::Accepted, Ask::Soften { dim, to, .. })
                | (Verdict::Compromise(to), Ask::Soften { dim, .. }) => {
                    text.reword(model, *dim as usize, *to);
                    moves.push(format!(
                        "reworded: {} moved to {:.2} (asked by {})",
                        model.dims[*dim as usize].id,
                        text.position()[*dim as usize],
                        model.agent_id(*member as usize)
                    ));
                }
                _ => {}
            },
            TraceEvent::Voted { ballot, record } if record.status == BallotStatus::Adopted => {
                if let Ballot::Amendment(a) = model.ballots[*ballot as usize] {
                    let amendment = &model.amendments[a as usize];
                    if amendment.draft == draft {
                        text.apply(model, amendment.action);
                        moves.push(format!("amendment {} was adopted", amendment.id));
                    }
                }
            }
            _ => {}
        }
    }
    (text, moves)
}

/// A provision's positions, "aggression 0.30, sovereignty 1.00", or "" where it is silent.
fn provision_position(model: &Model, p: u32) -> String {
    model.provisions[p as usize]
        .entries
        .iter()
        .map(|&(d, x)| format!("{} {x:.2}", model.dims[d as usize].id))
        .collect::<Vec<_>>()
        .join(", ")
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

/// The text of `draft` as it stands, in words: its provisions in order with their
/// positions, what was changed, and where it stands.
pub fn text_in_words(model: &Model, entries: &[(u64, TraceEvent)], draft: u16) -> String {
    let d = &model.drafts[draft as usize];
    let (text, moves) = text_now(model, entries, draft);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Draft {} ({}), penholder {}, as it stands:",
        d.id,
        d.title,
        model.agent_id(d.penholder as usize)
    );
    for &p in &d.candidates {
        if text.contains(p) {
            let provision = &model.provisions[p as usize];
            let at = provision_position(model, p);
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("  [{at}]")
            };
            let _ = writeln!(out, "  {}  {}{at}", provision.id, provision.text);
        }
    }
    for m in &moves {
        let _ = writeln!(out, "  ({m})");
    }
    let _ = writeln!(out, "  It stands at {}.", position(model, text.position()));
    out
}

/// What a ballot asks, in words: a motion's effect, an amendment's new words.
fn ballot_in_words(model: &Model, ballot: Ballot) -> String {
    match ballot {
        Ballot::Motion(m) => {
            let motion = &model.motions[m as usize];
            let MotionKind::Postpone { minutes } = motion.kind;
            format!(
                "Motion {} (moved by {}): postpone the vote on {} by {:.1} days.\n",
                motion.id,
                model.member_ids(&motion.movers).join(" "),
                model.drafts[motion.draft as usize].id,
                minutes as f64 / 1440.0
            )
        }
        Ballot::Amendment(a) => amendment_in_words(model, a),
        Ballot::Draft(_) => String::new(),
    }
}

fn amendment_in_words(model: &Model, a: u16) -> String {
    let amendment = &model.amendments[a as usize];
    let mut sponsors = model.member_ids(&amendment.sponsors);
    let participants: Vec<&str> = amendment
        .participant_sponsors
        .iter()
        .map(|p| model.participants.ids[p].as_str())
        .collect();
    sponsors.extend(participants);
    let words = |p: u32| {
        let at = provision_position(model, p);
        let provision = &model.provisions[p as usize];
        if at.is_empty() {
            format!("\"{}\"", provision.text)
        } else {
            format!("\"{}\" [{at}]", provision.text)
        }
    };
    let id = |p: u32| model.provisions[p as usize].id.as_str();
    let what = match amendment.action {
        AmendmentAction::Insert { new } => format!("inserts {}", words(new)),
        AmendmentAction::Delete { target } => format!("deletes {}", id(target)),
        AmendmentAction::Replace { target, new } => {
            format!("replaces {} with {}", id(target), words(new))
        }
    };
    format!(
        "Amendment {} (sponsors {}) {what}.\n",
        amendment.id,
        sponsors.join(" ")
    )
}

/// The seat's gain from a move on `dim` from `from` to `to`, with ideal point `ideal`
/// (what the trace calls "worth ... to it").
fn move_gain(model: &Model, seat: usize, dim: usize, ideal: f64, from: f64, to: f64) -> f64 {
    let s = model.members.salience[seat * model.dim_count() + dim];
    let p = model.distance_exponent;
    s * (behaviour::distance_term(ideal - from, p) - behaviour::distance_term(ideal - to, p))
}

fn ask_words(model: &Model, ask: &Ask, whose: &str) -> String {
    match *ask {
        Ask::Amendment(a) => format!("{whose} amendment {}", model.amendments[a as usize].id),
        Ask::Soften { dim, from, to } => format!(
            "a move on {} from {from:.2} to {to:.2}",
            model.dims[dim as usize].id
        ),
    }
}

/// Why the seat's bot would make `bot`, in the trace's words and numbers.
pub fn reason(model: &Model, request: &Request, bot: &Choice) -> String {
    let seat = request.seat as usize;
    match (&request.question, bot) {
        (
            Question::Vote {
                delta,
                yes,
                no,
                tau,
                p,
                ..
            },
            Choice::Vote(v),
        ) => {
            let intended = behaviour::intended_vote(*delta, *yes, *no);
            let rule = match intended {
                Vote::Yes => format!("Δ {delta:+.3} > a {yes:.3}"),
                Vote::No => format!("Δ {delta:+.3} < -b {:.3}", -no),
                Vote::Abstain => format!("-b {:.3} ≤ Δ {delta:+.3} ≤ a {yes:.3}", -no),
            };
            let odds = format!(
                "P(yes) {:.3}, P(no) {:.3}, P(abstain) {:.3} with τ {tau:.3}",
                p.yes, p.no, p.abstain
            );
            let verb = vote_verb(*v);
            if *v == intended {
                format!("your bot would {verb}: {rule} ({odds})")
            } else {
                format!(
                    "your bot would {verb}: {rule} says {} without noise, but this replication's \
                     draw (its noise, or its bloc) says {} ({odds})",
                    intended.as_str(),
                    v.as_str()
                )
            }
        }
        (
            Question::Ask {
                delta,
                threshold,
                ideal,
                amendments,
                ..
            },
            Choice::Ask(ask),
        ) => {
            let stance = if delta > threshold {
                format!("it would vote yes already (Δ {delta:+.3} > a {threshold:.3})")
            } else {
                format!("it would not vote yes (Δ {delta:+.3} ≤ a {threshold:.3})")
            };
            match ask {
                None if delta > threshold => format!("your bot would ask nothing: {stance}"),
                None => format!(
                    "your bot would ask nothing: {stance}, but the penholder refused its last \
                     ask on this text"
                ),
                Some(ask) => {
                    let gain = match *ask {
                        Ask::Amendment(a) => amendments
                            .iter()
                            .find(|(x, _)| *x == a)
                            .map_or(0.0, |&(_, g)| g),
                        Ask::Soften { dim, from, to } => {
                            move_gain(model, seat, dim as usize, ideal[dim as usize], from, to)
                        }
                    };
                    format!(
                        "your bot would ask for {} (worth {gain:+.3} to it): {stance}",
                        ask_words(model, ask, "its")
                    )
                }
            }
        }
        (
            Question::Answer {
                before,
                full,
                compromise,
                ..
            },
            Choice::Answer(verdict),
        ) => {
            let gain = full.expected() - before.expected();
            let head = match verdict {
                Verdict::Accepted => format!("your bot would accept: E rises {gain:+.3}"),
                Verdict::Compromise(to) => {
                    let gain = compromise.map_or(0.0, |(_, c)| c.expected() - before.expected());
                    format!("your bot would accept a compromise at {to:.2}: E rises {gain:+.3}")
                }
                Verdict::Refused => format!("your bot would refuse: E would change {gain:+.3}"),
            };
            let mut line = format!(
                "{head}; E = P(adopt) × Δ_pen: now {}, as asked {}",
                expectation(before),
                expectation(full)
            );
            if let Some((to, c)) = compromise {
                let _ = write!(
                    line,
                    ", compromise at {to:.2} {} (gain {:+.3})",
                    expectation(c),
                    c.expected() - before.expected()
                );
            }
            line
        }
        (Question::Table { gain, always, .. }, Choice::Table(table)) => {
            match (table, always) {
                (true, true) => format!(
                    "your bot would table it: the scenario says it is always tabled (mean gain of its proposers {gain:+.3})"
                ),
                (true, false) => format!(
                    "your bot would table it: its proposers gain on average (mean gain {gain:+.3} > 0)"
                ),
                (false, _) => format!(
                    "your bot would not table it: its proposers no longer want it (mean gain {gain:+.3} ≤ 0)"
                ),
            }
        }
        (
            Question::Withdraw {
                p_adopt,
                p_veto,
                force_vote,
                ..
            },
            Choice::Withdraw(withdraw),
        ) => {
            let odds = format!("P(adopt) {p_adopt:.3}, P(vetoed) {p_veto:.3}");
            if *withdraw {
                format!("your bot would withdraw it: it expects a veto ({odds}, P(vetoed) ≥ 0.5)")
            } else if *force_vote {
                format!("your bot would put it to the vote: the scenario says the penholder forces the vote ({odds})")
            } else if !model.negotiation.withdraw_expected_veto {
                format!("your bot would put it to the vote: penholders in this scenario never withdraw ({odds})")
            } else {
                format!("your bot would put it to the vote: it expects no veto ({odds}, P(vetoed) < 0.5)")
            }
        }
        (_, bot) => format!("your bot would choose {bot:?}"),
    }
}

fn vote_verb(v: Vote) -> &'static str {
    match v {
        Vote::Yes => "vote yes",
        Vote::No => "vote no",
        Vote::Abstain => "abstain",
    }
}

/// The question `request` asks the human, with the text in words, the numbered choices
/// (the bot's suggestion marked) and the bot's reason. `entries` is the log so far.
pub fn prompt(
    model: &Model,
    entries: &[(u64, TraceEvent)],
    request: &Request,
    bot: &Choice,
) -> Prompt {
    let seat = request.seat as usize;
    let me = model.agent_id(seat);
    let when = clock(request.minute);
    let mut text = String::new();
    let mut options: Vec<PromptOption> = Vec::new();
    let option = |label: String, choice: Choice| PromptOption {
        label,
        pick: Pick::Choice(choice),
    };
    let vote = matches!(request.question, Question::Vote { .. });
    match &request.question {
        Question::Vote { ballot, .. } => {
            let b = model.ballots[*ballot as usize];
            let draft = model.ballot_draft(b) as u16;
            text.push_str(&text_in_words(model, entries, draft));
            text.push_str(&ballot_in_words(model, b));
            let _ = writeln!(
                text,
                "{when}  {me}, your vote on {} {} (vote {}):",
                model.ballot_kind(b),
                model.ballot_id(b),
                ballot + 1
            );
            for v in [Vote::Yes, Vote::No, Vote::Abstain] {
                options.push(option(v.as_str().to_string(), Choice::Vote(v)));
            }
        }
        Question::Ask {
            draft,
            position,
            ideal,
            amendments,
            ..
        } => {
            text.push_str(&text_in_words(model, entries, *draft));
            let d = &model.drafts[*draft as usize];
            let _ = writeln!(
                text,
                "{when}  {me}, the consultation round on {} closes: ask the penholder {} for one change, or nothing:",
                d.id,
                model.agent_id(d.penholder as usize)
            );
            options.push(option("ask nothing".to_string(), Choice::Ask(None)));
            for &(a, gain) in amendments {
                let words = amendment_in_words(model, a);
                options.push(option(
                    format!(
                        "ask for your amendment (worth {gain:+.3} to you): {}",
                        words.trim_end().trim_end_matches('.')
                    ),
                    Choice::Ask(Some(Ask::Amendment(a))),
                ));
            }
            for (k, dim) in model.dims.iter().enumerate() {
                let from = position[k];
                let bot_to = match bot {
                    Choice::Ask(Some(Ask::Soften { dim, to, .. })) if *dim as usize == k => {
                        Some(*to)
                    }
                    _ => None,
                };
                let default_to = bot_to.unwrap_or(ideal[k]);
                options.push(PromptOption {
                    label: format!(
                        "ask for a move on {} (now {from:.2}, you want {:.2}; range {:.2} to {:.2}; a move to your ideal is worth {:+.3} to you)",
                        dim.id,
                        ideal[k],
                        dim.lo,
                        dim.hi,
                        move_gain(model, seat, k, ideal[k], from, ideal[k])
                    ),
                    pick: Pick::Move {
                        dim: k as u16,
                        from,
                        default_to,
                    },
                });
            }
        }
        Question::Answer {
            draft,
            asker,
            ask,
            before,
            full,
            compromise,
        } => {
            text.push_str(&text_in_words(model, entries, *draft));
            if let Ask::Amendment(a) = ask {
                text.push_str(&amendment_in_words(model, *a));
            }
            let _ = writeln!(
                text,
                "{when}  {me}, as penholder of {}: {} asks for {}.",
                model.drafts[*draft as usize].id,
                model.agent_id(*asker as usize),
                ask_words(model, ask, "its")
            );
            options.push(option(
                format!("accept (E = {})", expectation(full)),
                Choice::Answer(Verdict::Accepted),
            ));
            options.push(option(
                format!("refuse (E stays {})", expectation(before)),
                Choice::Answer(Verdict::Refused),
            ));
            if let Some((to, e)) = compromise {
                options.push(option(
                    format!("accept a compromise at {to:.2} (E = {})", expectation(e)),
                    Choice::Answer(Verdict::Compromise(*to)),
                ));
            }
        }
        Question::Table { ballot, .. } => {
            let b = model.ballots[*ballot as usize];
            text.push_str(&text_in_words(model, entries, model.ballot_draft(b) as u16));
            text.push_str(&ballot_in_words(model, b));
            let _ = writeln!(
                text,
                "{when}  {me}, the meeting: put {} {} to the vote?",
                model.ballot_kind(b),
                model.ballot_id(b)
            );
            options.push(option("table it".to_string(), Choice::Table(true)));
            options.push(option("do not table it".to_string(), Choice::Table(false)));
        }
        Question::Withdraw { draft, .. } => {
            text.push_str(&text_in_words(model, entries, *draft));
            let _ = writeln!(
                text,
                "{when}  {me}, as penholder: put draft {} to the vote, or withdraw it?",
                model.drafts[*draft as usize].id
            );
            options.push(option(
                "put it to the vote".to_string(),
                Choice::Withdraw(false),
            ));
            options.push(option("withdraw it".to_string(), Choice::Withdraw(true)));
        }
    }
    let suggested = options
        .iter()
        .position(|o| match (&o.pick, bot) {
            (Pick::Choice(c), bot) => c == bot,
            (Pick::Move { dim, .. }, Choice::Ask(Some(Ask::Soften { dim: d, .. }))) => dim == d,
            _ => false,
        })
        .unwrap_or(0);
    for (k, o) in options.iter().enumerate() {
        let mark = if k == suggested {
            "   ← your bot's choice"
        } else {
            ""
        };
        let _ = writeln!(text, "  {}  {}{mark}", k + 1, o.label);
    }
    let _ = writeln!(text, "{}", reason(model, request, bot));
    Prompt {
        text: crate::export::printable_lines(&text).into_owned(),
        options,
        suggested,
        vote,
    }
}

/// The question for a move's target position on `dim`.
pub fn target_prompt(model: &Model, dim: u16, from: f64, default_to: f64) -> String {
    let d = &model.dims[dim as usize];
    let whole = if d.integer { ", a whole number" } else { "" };
    format!(
        "move {} from {from:.2} to what position? [{:.2} to {:.2}{whole}; empty line: {default_to:.2}] > ",
        d.id, d.lo, d.hi
    )
}

/// Each draft's result, one line each ("draft S/2025/112: adopted 10-0-5"), with the
/// amendments and motions on it.
pub fn outcome_lines(model: &Model, outcome: &Outcome) -> String {
    let mut out = String::new();
    for (k, &b) in model.ballots.iter().enumerate() {
        let record = &outcome.ballots[k];
        let mut line = format!(
            "{} {}: {}",
            model.ballot_kind(b),
            model.ballot_id(b),
            record.status.as_str()
        );
        if record.status.voted() {
            let _ = write!(
                line,
                " {}-{}-{}",
                record.yes.len(),
                record.no.len(),
                record.abstain.len()
            );
        }
        if record.status == BallotStatus::Vetoed {
            let _ = write!(
                line,
                " (vetoed by {})",
                model.member_ids(&record.vetoed_by).join(" ")
            );
        }
        let _ = writeln!(out, "  {line}");
    }
    crate::export::printable_lines(&out).into_owned()
}
