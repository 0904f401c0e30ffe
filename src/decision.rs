//! Who takes each decision the model gives a delegation: its bot, or a human.
//!
//! The negotiation asks a [`Decider`] at every point where a delegation chooses: an ask in
//! consultations, the penholder's answer, tabling an amendment or motion, withdrawing a
//! draft, and each vote. The bot's choice is always computed first, exactly as a bot-only
//! run computes it (same figures, same random draws), and handed to the decider as the
//! suggestion; a human seat may take it or choose otherwise. So a game in which every human
//! takes the suggestion *is* the bot-only replication.
//!
//! The Monte Carlo path uses [`Bots`], whose `ACTIVE` is false: every hook compiles away,
//! and the hot loop keeps its speed and its zero allocations. A [`Request`] carries the
//! figures the seat's bot weighed, so a terminal or a browser can explain the suggestion
//! in the same words and numbers as `trace`.

use crate::behaviour::{Vote, VoteProbabilities};
use crate::model::Model;
use crate::trace::{Ask, Expectation, Verdict};

/// What a human seat is asked; carries every figure the seat's bot weighed.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// Consultations, at the end of a round on `draft`: ask the penholder for one change,
    /// or nothing.
    Ask {
        /// Draft index.
        draft: u16,
        /// The seat's Δ for the text as it stands.
        delta: f64,
        /// Its yes threshold a: a bot asks only when Δ ≤ a.
        threshold: f64,
        /// The text's position now, per dimension.
        position: Vec<f64>,
        /// The seat's ideal point, per dimension (as moved by its capital).
        ideal: Vec<f64>,
        /// Declared amendments to this draft the seat sponsors, not yet written in, that
        /// still apply to the text, with the seat's utility gain from each.
        amendments: Vec<(u16, f64)>,
    },
    /// Consultations: the penholder of `draft` answers `asker`'s ask, weighing
    /// E = P(adopt) × Δ as the text stands, as asked and as compromised.
    Answer {
        /// Draft index.
        draft: u16,
        /// The asking delegation (agent index).
        asker: u16,
        /// What it asked for.
        ask: Ask,
        /// E for the text as it stands.
        before: Expectation,
        /// E for the text as asked.
        full: Expectation,
        /// The asker's compromise (target position, E), when one is on offer.
        compromise: Option<(f64, Expectation)>,
    },
    /// The meeting: put ballot `ballot` (an amendment or motion the seat sponsors or moves)
    /// to the vote, or not.
    Table {
        /// Ballot index (voting order).
        ballot: u16,
        /// The sponsors' (movers') mean Δ from it.
        gain: f64,
        /// The scenario says it is tabled whatever the gain.
        always: bool,
    },
    /// The meeting: the penholder puts `draft` to the vote or withdraws it.
    Withdraw {
        /// Draft index.
        draft: u16,
        /// The draft's ballot index.
        ballot: u16,
        /// Exact P(adopt) of the text in blue.
        p_adopt: f64,
        /// Exact P(vetoed): a bot withdraws at 0.5 or more.
        p_veto: f64,
        /// The scenario says the penholder puts it to the vote even facing a veto.
        force_vote: bool,
    },
    /// The meeting: the seat's vote on `ballot`.
    Vote {
        /// Ballot index (voting order).
        ballot: u16,
        /// The seat's latent value Δ for this ballot.
        delta: f64,
        /// Yes threshold a.
        yes: f64,
        /// No threshold b.
        no: f64,
        /// Temperature τ of the vote noise.
        tau: f64,
        /// The bot's vote probabilities.
        p: VoteProbabilities,
    },
}

/// The five kinds of decision, for files, filters and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionKind {
    /// An ask in consultations.
    Ask,
    /// The penholder's answer to an ask.
    Answer,
    /// Tabling an amendment or motion.
    Table,
    /// Withdrawing a draft or putting it to the vote.
    Withdraw,
    /// A vote.
    Vote,
}

impl DecisionKind {
    /// Lower-case name, as in game files.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Ask => "ask",
            DecisionKind::Answer => "answer",
            DecisionKind::Table => "table",
            DecisionKind::Withdraw => "withdraw",
            DecisionKind::Vote => "vote",
        }
    }

    /// The kind named `name` (as written by [`Self::as_str`]).
    pub fn parse(name: &str) -> Option<Self> {
        [
            DecisionKind::Ask,
            DecisionKind::Answer,
            DecisionKind::Table,
            DecisionKind::Withdraw,
            DecisionKind::Vote,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// One decision a seat is asked to take.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The deciding delegation: a member index, or `members + p` for participant p.
    pub seat: u16,
    /// When, in minutes.
    pub minute: u64,
    /// What is asked, with the bot's figures.
    pub question: Question,
}

/// A decision taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Choice {
    /// Ask for this change, or (None) ask nothing.
    Ask(Option<Ask>),
    /// The penholder's answer.
    Answer(Verdict),
    /// Table the ballot (true) or not.
    Table(bool),
    /// Withdraw the draft (true) or put it to the vote (false).
    Withdraw(bool),
    /// The vote cast.
    Vote(Vote),
}

impl Choice {
    /// The kind of decision this answers.
    pub fn kind(&self) -> DecisionKind {
        match self {
            Choice::Ask(_) => DecisionKind::Ask,
            Choice::Answer(_) => DecisionKind::Answer,
            Choice::Table(_) => DecisionKind::Table,
            Choice::Withdraw(_) => DecisionKind::Withdraw,
            Choice::Vote(_) => DecisionKind::Vote,
        }
    }
}

impl Request {
    /// The kind of decision asked.
    pub fn kind(&self) -> DecisionKind {
        match self.question {
            Question::Ask { .. } => DecisionKind::Ask,
            Question::Answer { .. } => DecisionKind::Answer,
            Question::Table { .. } => DecisionKind::Table,
            Question::Withdraw { .. } => DecisionKind::Withdraw,
            Question::Vote { .. } => DecisionKind::Vote,
        }
    }

    /// What the decision is about, beyond its seat and kind: the draft of an ask, the
    /// draft and asker of an answer, the ballot of a tabling, withdrawal or vote. Two
    /// requests with the same seat, kind and subject are "the same decision" when a
    /// counterfactual replays a game.
    pub fn subject(&self) -> (u16, u16) {
        match self.question {
            Question::Ask { draft, .. } => (draft, 0),
            Question::Answer { draft, asker, .. } => (draft, asker + 1),
            Question::Table { ballot, .. }
            | Question::Withdraw { ballot, .. }
            | Question::Vote { ballot, .. } => (ballot, 0),
        }
    }

    /// Whether `choice` is a valid answer to this request; if not, why, in words a player
    /// can act on.
    pub fn validate(&self, model: &Model, choice: &Choice) -> Result<(), String> {
        if choice.kind() != self.kind() {
            return Err(format!(
                "this is a decision to {}, not to {}",
                self.kind().as_str(),
                choice.kind().as_str()
            ));
        }
        match (&self.question, choice) {
            (Question::Ask { amendments, .. }, Choice::Ask(Some(Ask::Amendment(a)))) => {
                if amendments.iter().any(|&(x, _)| x == *a) {
                    Ok(())
                } else {
                    let id = model
                        .amendments
                        .get(*a as usize)
                        .map_or("?", |x| x.id.as_str());
                    Err(format!(
                        "amendment {id} is not one you sponsor on this draft that still applies"
                    ))
                }
            }
            (Question::Ask { position, .. }, Choice::Ask(Some(Ask::Soften { dim, from, to }))) => {
                let Some(range) = model.dims.get(*dim as usize) else {
                    return Err(format!("there is no dimension number {dim}"));
                };
                if position[*dim as usize].to_bits() != from.to_bits() {
                    return Err(format!(
                        "the text stands at {:.2} on {}, not {from:.2}",
                        position[*dim as usize], range.id
                    ));
                }
                if !to.is_finite() || *to < range.lo || *to > range.hi {
                    return Err(format!(
                        "{} runs from {} to {}",
                        range.id, range.lo, range.hi
                    ));
                }
                if range.snap(*to) != *to {
                    return Err(format!("{} takes whole numbers only", range.id));
                }
                if to == from {
                    return Err(format!("the text already stands at {to} on {}", range.id));
                }
                Ok(())
            }
            (Question::Answer { compromise, .. }, Choice::Answer(Verdict::Compromise(t))) => {
                match compromise {
                    Some((target, _)) if target.to_bits() == t.to_bits() => Ok(()),
                    Some((target, _)) => Err(format!("the compromise on offer is {target}")),
                    None => Err("no compromise is on offer for this ask".to_string()),
                }
            }
            _ => Ok(()),
        }
    }
}

/// Who decides for which seat.
///
/// The engine consults a decider only where `ACTIVE` is true; it computes the bot's choice
/// first and passes it as `bot`, so a decider that returns it leaves the replication
/// exactly as a bot-only run.
pub trait Decider {
    /// False for [`Bots`]: the hooks compile away on the Monte Carlo path.
    const ACTIVE: bool;
    /// Whether this decider (rather than the bot) decides for agent `agent`.
    fn controls(&self, agent: usize) -> bool;
    /// The choice for `request`, given what the seat's bot would do. A choice that
    /// [`Request::validate`] refuses is replaced by `bot`: validate a player's choice
    /// before returning it, so the player can be told why.
    fn decide(&mut self, request: &Request, bot: &Choice) -> Choice;
}

/// Every seat played by its bot (the Monte Carlo path).
#[derive(Debug, Default, Clone, Copy)]
pub struct Bots;

impl Decider for Bots {
    const ACTIVE: bool = false;
    #[inline(always)]
    fn controls(&self, _agent: usize) -> bool {
        false
    }
    #[inline(always)]
    fn decide(&mut self, _request: &Request, bot: &Choice) -> Choice {
        *bot
    }
}
