//! The debrief of a played game: what the class's Council did, how that compares with the
//! same meeting played by bots alone, and which human decisions changed the outcome.
//!
//! Three sources, all on the same random streams (common random numbers):
//! - the game itself, replayed from its file;
//! - `run --seed S --replications N` of the same scenario, through the very code `run`
//!   uses ([`crate::workflow::run_replications`] and [`report::build`]), so `bots` is
//!   exactly `run`'s JSON;
//! - one counterfactual per human decision ([`game::counterfactual`]): the rest of the game
//!   replayed with the bot's choice in that one place. A decision is *pivotal* when its
//!   counterfactual ends differently: a draft, amendment or motion gets another result.
//!
//! [`Debrief`] serialises to the JSON contract of issue 9; [`crate::export::debrief`]
//! renders it as text.

use crate::decision::Choice;
use crate::export::report::{self, Report, Tally};
use crate::game::file::{choice_json, GameHeader};
use crate::game::{self, Setup};
use crate::model::{Ballot, Model};
use crate::outcome::{BallotRecord, Outcome};
use crate::workflow::{self, JobError};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything the class discusses after a game.
#[derive(Debug, Clone, Serialize)]
pub struct Debrief {
    /// How the game ended.
    pub game: GameOutcome,
    /// `run --seed S --replications N` of the same scenario, bots only: its JSON exactly.
    pub bots: Report,
    /// Each human decision, its bot's choice and its counterfactual.
    pub decisions: Vec<DecisionReview>,
    /// Per seat id: how often the human chose what its bot would.
    pub agreement: BTreeMap<String, Agreement>,
}

/// How every draft of one replication ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GameOutcome {
    /// In order of submission.
    pub drafts: Vec<DraftOutcome>,
}

/// How one draft ended, with the amendments and motions on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftOutcome {
    /// Draft id.
    pub id: String,
    /// adopted, vetoed, failed, withdrawn, not tabled.
    pub result: String,
    /// The votes, if it was voted.
    pub tally: Option<Tally>,
    /// Veto holders whose "no" vetoed it.
    pub vetoed_by: Vec<String>,
    /// Its amendments, in voting order.
    pub amendments: Vec<BallotOutcome>,
    /// The motions on it, in voting order.
    pub motions: Vec<BallotOutcome>,
}

/// How an amendment or motion ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BallotOutcome {
    /// Its id.
    pub id: String,
    /// adopted, vetoed, failed, not tabled, incorporated, lapsed.
    pub result: String,
    /// The votes, if it was voted.
    pub tally: Option<Tally>,
    /// Veto holders whose "no" vetoed it.
    pub vetoed_by: Vec<String>,
}

/// One human decision under review.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionReview {
    /// The seat's id.
    pub seat: String,
    /// Minute of the game.
    pub minute: u64,
    /// ask, answer, table, withdraw or vote.
    pub kind: String,
    /// The ballot voted on (votes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballot: Option<String>,
    /// What the human chose (as in the game file).
    pub chosen: Value,
    /// What its bot would have chosen.
    pub bot: Value,
    /// The game replayed with the bot's choice here.
    pub counterfactual: GameOutcome,
    /// Whether the counterfactual ends differently (some ballot's result changes).
    pub pivotal: bool,
    /// What was decided, in words ("vote on draft S/2025/112"), for the text; not in the
    /// JSON contract.
    #[serde(skip)]
    pub subject: String,
}

/// How often a seat's human agreed with its bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Decisions the human took.
    pub decisions: u64,
    /// Of which the bot would have taken the same.
    pub agreed: u64,
}

/// Why a debrief could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DebriefError {
    /// The bot-only run failed.
    #[error(transparent)]
    Run(#[from] JobError),
    /// The game's decisions do not replay (a game file that was checked cannot do this).
    #[error("decision {}: {why}", index + 1)]
    Game {
        /// Index of the decision.
        index: usize,
        /// What the engine said.
        why: String,
    },
    /// The game is not over yet: there is nothing to compare.
    #[error("the game is not over yet; finish it with `councilsim play --resume` first")]
    Unfinished,
}

fn game_error(e: game::GameError) -> DebriefError {
    match e {
        game::GameError::Invalid { index, why } => DebriefError::Game { index, why },
        game::GameError::TooMany { decisions, .. } => DebriefError::Game {
            index: decisions,
            why: "the game was over before this decision".to_string(),
        },
    }
}

fn tally(record: &BallotRecord) -> Option<Tally> {
    record.status.voted().then(|| Tally {
        yes: record.yes.len() as u16,
        no: record.no.len() as u16,
        abstain: record.abstain.len() as u16,
    })
}

fn vetoed_by(model: &Model, record: &BallotRecord) -> Vec<String> {
    model
        .member_ids(&record.vetoed_by)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Each draft's result in `outcome`, with its amendments and motions in voting order.
pub fn game_outcome(model: &Model, outcome: &Outcome) -> GameOutcome {
    let ballot = |k: usize| {
        let record = &outcome.ballots[k];
        BallotOutcome {
            id: model.ballot_id(model.ballots[k]).to_string(),
            result: record.status.as_str().to_string(),
            tally: tally(record),
            vetoed_by: vetoed_by(model, record),
        }
    };
    let drafts = (0..model.drafts.len())
        .map(|d| {
            let own = |k: &usize| model.ballot_draft(model.ballots[*k]) == d;
            let of_kind = |motion: bool| {
                (0..model.ballots.len())
                    .filter(own)
                    .filter(|&k| match model.ballots[k] {
                        Ballot::Motion(_) => motion,
                        Ballot::Amendment(_) => !motion,
                        Ballot::Draft(_) => false,
                    })
                    .map(ballot)
                    .collect()
            };
            let k = model.draft_ballot[d] as usize;
            let record = &outcome.ballots[k];
            DraftOutcome {
                id: model.drafts[d].id.clone(),
                result: record.status.as_str().to_string(),
                tally: tally(record),
                vetoed_by: vetoed_by(model, record),
                amendments: of_kind(false),
                motions: of_kind(true),
            }
        })
        .collect();
    GameOutcome { drafts }
}

/// A decision's subject in words: "vote on draft S/2025/112", "tabling of motion postpone".
fn subject(model: &Model, request: &crate::decision::Request) -> String {
    use crate::decision::Question;
    let ballot = |b: u16| {
        let b = model.ballots[b as usize];
        format!("{} {}", model.ballot_kind(b), model.ballot_id(b))
    };
    let draft = |d: u16| model.drafts[d as usize].id.as_str();
    match &request.question {
        Question::Ask { draft: d, .. } => format!("ask on draft {}", draft(*d)),
        Question::Answer {
            draft: d, asker, ..
        } => format!(
            "answer to {}'s ask on draft {}",
            model.agent_id(*asker as usize),
            draft(*d)
        ),
        Question::Table { ballot: b, .. } => format!("tabling of {}", ballot(*b)),
        Question::Withdraw { draft: d, .. } => format!("withdrawal of draft {}", draft(*d)),
        Question::Vote { ballot: b, .. } => format!("vote on {}", ballot(*b)),
    }
}

/// Whether two outcomes differ in any ballot's result (not merely its tally).
pub fn results_differ(a: &Outcome, b: &Outcome) -> bool {
    a.ballots
        .iter()
        .zip(&b.ballots)
        .any(|(x, y)| x.status != y.status)
}

/// The debrief of the finished game `choices` of `model` (whose header is `header`),
/// against `replications` bot-only replications of its seed on `threads` threads.
pub fn build(
    model: &Model,
    header: &GameHeader,
    choices: &[Choice],
    replications: u64,
    threads: usize,
) -> Result<Debrief, DebriefError> {
    let setup =
        Setup::from_ids(model, header.seed, header.replication, &header.seats).map_err(|why| {
            DebriefError::Game {
                index: 0,
                why: format!("the game's seats: {why}"),
            }
        })?;
    let progress = game::advance(model, &setup, choices).map_err(game_error)?;
    let Some(outcome) = progress
        .outcome
        .as_ref()
        .filter(|_| progress.pending.is_none())
    else {
        return Err(DebriefError::Unfinished);
    };
    let summary =
        workflow::run_replications(model, setup.seed, 0..replications, threads, None, true)?;
    let bots = report::build(model, &summary, setup.seed);
    let mut decisions = Vec::with_capacity(progress.decided.len());
    let mut agreement: BTreeMap<String, Agreement> = header
        .seats
        .iter()
        .map(|s| {
            (
                s.clone(),
                Agreement {
                    decisions: 0,
                    agreed: 0,
                },
            )
        })
        .collect();
    for (k, decided) in progress.decided.iter().enumerate() {
        let (other, _) = game::counterfactual(model, &setup, choices, k).map_err(game_error)?;
        let line = crate::game::file::choice_line(model, &decided.request, &decided.chosen);
        let seat = line.seat.clone();
        let entry = agreement.entry(seat.clone()).or_insert(Agreement {
            decisions: 0,
            agreed: 0,
        });
        entry.decisions += 1;
        entry.agreed += u64::from(decided.chosen == decided.bot);
        let kind = line.kind.clone();
        decisions.push(DecisionReview {
            subject: subject(model, &decided.request),
            ballot: if kind == "vote" { line.ballot } else { None },
            seat,
            minute: line.minute,
            kind,
            chosen: line.choice,
            bot: choice_json(model, &decided.bot),
            counterfactual: game_outcome(model, &other),
            pivotal: results_differ(outcome, &other),
        });
    }
    Ok(Debrief {
        game: game_outcome(model, outcome),
        bots,
        decisions,
        agreement,
    })
}
