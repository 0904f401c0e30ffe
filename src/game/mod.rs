//! A game: one replication in which humans play some delegations, stepped decision by
//! decision.
//!
//! The engine is stepped by deterministic replay. A game is the scenario, a seed, a
//! replication, the seats humans play and the choices they have made so far; [`advance`]
//! re-runs the replication (microseconds) with those choices and stops reporting at the
//! first decision not yet taken, which it returns with the bot's suggestion. Nothing but
//! the choices is state, so a terminal, a browser classroom and a game file all drive the
//! same code, a game resumes from its file exactly, and a counterfactual is one more replay.

pub mod file;

use crate::decision::{Choice, Decider, DecisionKind, Request};
use crate::model::Model;
use crate::negotiation::Replication;
use crate::outcome::Outcome;
use crate::trace::{TraceEvent, TraceLog};
use std::collections::{BTreeMap, VecDeque};

/// What a game plays: replication `replication` of seed `seed`, with humans at `seats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The master seed (as `run --seed`).
    pub seed: u64,
    /// The replication played (as `trace --replication`).
    pub replication: u64,
    /// The agents humans play (member indices, or `members + p` for participant p),
    /// in increasing order, without repeats.
    pub seats: Vec<u16>,
}

impl Setup {
    /// A setup from delegation ids; an unknown or repeated id is refused, naming the
    /// valid ones.
    pub fn from_ids(
        model: &Model,
        seed: u64,
        replication: u64,
        ids: &[String],
    ) -> Result<Self, String> {
        let mut seats = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(a) = (0..model.agent_count()).find(|&a| model.agent_id(a) == id) else {
                let valid: Vec<&str> = (0..model.agent_count())
                    .map(|a| model.agent_id(a))
                    .collect();
                return Err(format!(
                    "no delegation `{id}` in this scenario; the delegations are {}",
                    valid.join(", ")
                ));
            };
            if seats.contains(&(a as u16)) {
                return Err(format!("`{id}` is listed twice"));
            }
            seats.push(a as u16);
        }
        if seats.is_empty() {
            return Err("name at least one delegation to play".to_string());
        }
        seats.sort_unstable();
        Ok(Setup {
            seed,
            replication,
            seats,
        })
    }

    fn controls(&self, agent: usize) -> bool {
        self.seats.binary_search(&(agent as u16)).is_ok()
    }
}

/// A human decision taken: what was asked, what the bot would have done, what was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The question, with the bot's figures.
    pub request: Request,
    /// The seat's bot's choice.
    pub bot: Choice,
    /// The human's choice.
    pub chosen: Choice,
}

/// Where a game stands after the choices made so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Events so far (up to, not including, the pending decision), with a
    /// [`TraceEvent::Decided`] marker before each human decision carried out.
    pub log: TraceLog,
    /// The human decisions taken so far, in order (one per choice).
    pub decided: Vec<Decided>,
    /// The next decision to take, with the bot's suggestion; None once the game is over.
    pub pending: Option<(Request, Choice)>,
    /// The outcome, once the game is over.
    pub outcome: Option<Outcome>,
}

/// A recorded choice that does not fit the game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameError {
    /// Choice `index` (from 0) is not a valid answer to the decision the game asks there.
    Invalid {
        /// Which choice.
        index: usize,
        /// Why, in words.
        why: String,
    },
    /// There are more choices than decisions in the game.
    TooMany {
        /// How many decisions the game asked for.
        decisions: usize,
        /// How many choices were given.
        choices: usize,
    },
}

impl std::fmt::Display for GameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GameError::Invalid { index, why } => {
                write!(f, "decision {} does not fit the game: {why}", index + 1)
            }
            GameError::TooMany { decisions, choices } => write!(
                f,
                "the game asks for {decisions} decisions but {choices} are recorded"
            ),
        }
    }
}

impl std::error::Error for GameError {}

/// Choice k answers the k-th human request, in order; the first request past the
/// choices is recorded as pending and answered by the bot so the run can finish.
struct Strict<'a> {
    model: &'a Model,
    setup: &'a Setup,
    choices: &'a [Choice],
    decided: Vec<Decided>,
    pending: Option<(Request, Choice)>,
    error: Option<GameError>,
}

impl Decider for Strict<'_> {
    const ACTIVE: bool = true;

    fn controls(&self, agent: usize) -> bool {
        self.setup.controls(agent)
    }

    fn decide(&mut self, request: &Request, bot: &Choice) -> Choice {
        if self.pending.is_some() || self.error.is_some() {
            return *bot;
        }
        let index = self.decided.len();
        let Some(choice) = self.choices.get(index) else {
            self.pending = Some((request.clone(), *bot));
            return *bot;
        };
        if let Err(why) = request.validate(self.model, choice) {
            self.error = Some(GameError::Invalid { index, why });
            return *bot;
        }
        self.decided.push(Decided {
            request: request.clone(),
            bot: *bot,
            chosen: *choice,
        });
        *choice
    }
}

/// Where the game stands after `choices` (choice k answers the k-th human decision).
pub fn advance(model: &Model, setup: &Setup, choices: &[Choice]) -> Result<Progress, GameError> {
    let mut decider = Strict {
        model,
        setup,
        choices,
        decided: Vec::with_capacity(choices.len()),
        pending: None,
        error: None,
    };
    let mut log = TraceLog::default();
    let outcome = Replication::new(model)
        .run_decided(setup.seed, setup.replication, &mut log, &mut decider)
        .clone();
    if let Some(error) = decider.error {
        return Err(error);
    }
    if decider.pending.is_none() && decider.decided.len() < choices.len() {
        return Err(GameError::TooMany {
            decisions: decider.decided.len(),
            choices: choices.len(),
        });
    }
    let finished = decider.pending.is_none();
    if !finished {
        // Keep the events before the pending decision's marker.
        let cut = log
            .entries
            .iter()
            .enumerate()
            .filter(|(_, (_, e))| matches!(e, TraceEvent::Decided { .. }))
            .nth(choices.len())
            .map_or(log.entries.len(), |(at, _)| at);
        log.entries.truncate(cut);
    }
    Ok(Progress {
        log,
        decided: decider.decided,
        pending: decider.pending,
        outcome: finished.then_some(outcome),
    })
}

/// What identifies "the same decision" across a game and its counterfactual.
type Key = (u16, DecisionKind, (u16, u16));

fn key(request: &Request) -> Key {
    (request.seat, request.kind(), request.subject())
}

/// Decisions before `k` as recorded, the bot's at `k`, and afterwards, for each request,
/// the next recorded choice for the same seat, kind and subject if it is valid there,
/// else the bot's.
struct Counterfactual<'a> {
    model: &'a Model,
    setup: &'a Setup,
    before: &'a [Choice],
    later: BTreeMap<Key, VecDeque<Choice>>,
    asked: usize,
}

impl Decider for Counterfactual<'_> {
    const ACTIVE: bool = true;

    fn controls(&self, agent: usize) -> bool {
        self.setup.controls(agent)
    }

    fn decide(&mut self, request: &Request, bot: &Choice) -> Choice {
        let index = self.asked;
        self.asked += 1;
        if let Some(choice) = self.before.get(index) {
            return *choice;
        }
        if index == self.before.len() {
            return *bot;
        }
        match self
            .later
            .get_mut(&key(request))
            .and_then(VecDeque::pop_front)
        {
            Some(choice) if request.validate(self.model, &choice).is_ok() => choice,
            _ => *bot,
        }
    }
}

/// The counterfactual of human decision `k` of a finished game: the game replayed with
/// the bot's choice at `k` (what would have happened had that seat followed its brief),
/// on the same random stream. Decisions before `k` are as recorded; a later decision
/// takes the choice the human made at the same seat, kind and subject (the k-th ask of a
/// seat on a draft, its vote on a ballot…) where there is one valid there, else its bot's.
pub fn counterfactual(
    model: &Model,
    setup: &Setup,
    choices: &[Choice],
    k: usize,
) -> Result<(Outcome, TraceLog), GameError> {
    let game = advance(model, setup, choices)?;
    let mut later: BTreeMap<Key, VecDeque<Choice>> = BTreeMap::new();
    for decided in game.decided.iter().skip(k + 1) {
        later
            .entry(key(&decided.request))
            .or_default()
            .push_back(decided.chosen);
    }
    let mut decider = Counterfactual {
        model,
        setup,
        before: &choices[..k.min(choices.len())],
        later,
        asked: 0,
    };
    let mut log = TraceLog::default();
    let outcome = Replication::new(model)
        .run_decided(setup.seed, setup.replication, &mut log, &mut decider)
        .clone();
    Ok((outcome, log))
}
