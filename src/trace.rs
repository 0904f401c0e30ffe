//! What a replication can tell about itself, event by event.
//!
//! The replication is generic over a [`Tracer`]: [`NoTrace`] compiles every report away in
//! the Monte Carlo hot loop, while [`TraceLog`] keeps them for `councilsim trace`. Reports
//! hold indices and numbers only; [`crate::export::trace`] turns them into text or JSONL.
//! Tracing never draws random numbers, so a traced replication is the same replication.

use crate::behaviour::Vote;
use crate::decision::{Choice, Request};
use crate::outcome::BallotRecord;

/// A change a delegation asks the penholder for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ask {
    /// Write one of its declared amendments into the text.
    Amendment(u16),
    /// Move the text on a dimension toward its ideal point.
    Soften {
        /// The dimension that costs the member most.
        dim: u16,
        /// The text's position now.
        from: f64,
        /// The position asked for (the member's ideal point).
        to: f64,
    },
}

/// The penholder's expected value of a text: E = P(adopt) · Δ_penholder.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Expectation {
    /// Exact P(adopt | text) from independent vote probabilities.
    pub p_adopt: f64,
    /// The penholder's own Δ for the text.
    pub value: f64,
}

impl Expectation {
    /// E = P(adopt) · Δ.
    pub fn expected(&self) -> f64 {
        self.p_adopt * self.value
    }
}

/// The penholder's answer to an ask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Took the change as asked.
    Accepted,
    /// Took part of it: the dimension moved only to this position.
    Compromise(f64),
    /// Kept the text as it was.
    Refused,
}

/// One thing that happened in a replication.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceEvent {
    /// The penholder circulated a draft.
    Circulated {
        /// Draft index.
        draft: u16,
    },
    /// A consultation round on a draft ended; asks and answers follow.
    RoundEnded {
        /// Draft index.
        draft: u16,
        /// Round number on this draft, from 1.
        round: u32,
    },
    /// `from` lobbied `to` toward its intended vote.
    Lobbied {
        /// Relation index.
        relation: u32,
        /// Draft index.
        draft: u16,
        /// The lobbyist's intended vote.
        intended: Vote,
        /// The resulting shift of the target's Δ from this relation.
        shift: f64,
    },
    /// A capital sent new instructions, moving an ideal point.
    Instruction {
        /// Member index.
        member: u16,
        /// Dimension index.
        dim: u16,
        /// Ideal point before.
        from: f64,
        /// Ideal point after.
        to: f64,
    },
    /// A member that would not vote yes asked for a change.
    Asked {
        /// Draft index.
        draft: u16,
        /// Member index.
        member: u16,
        /// What it asked for.
        ask: Ask,
        /// Its utility gain if the ask were granted in full.
        gain: f64,
        /// Its Δ for the current text.
        delta: f64,
        /// Its yes threshold a.
        threshold: f64,
    },
    /// The penholder answered an ask.
    Answered {
        /// Draft index.
        draft: u16,
        /// The asking member.
        member: u16,
        /// What was asked.
        ask: Ask,
        /// The answer.
        verdict: Verdict,
        /// E for the text as it stood.
        before: Expectation,
        /// E had the ask been granted in full.
        full: Expectation,
        /// E of the compromise, when one was considered.
        compromise: Option<Expectation>,
    },
    /// The text was put in blue: no more changes but formal amendments.
    InBlue {
        /// Draft index.
        draft: u16,
        /// The text's position per dimension.
        position: Vec<f64>,
    },
    /// A ballot was not put because the earlier ballot its `tabled_if` names did not end
    /// as required.
    ConditionUnmet {
        /// Ballot index (voting order).
        ballot: u16,
    },
    /// A draft was adopted and the status quo moved to its text on what it speaks to.
    StatusQuoMoved {
        /// The adopted draft.
        draft: u16,
        /// The status quo in force from now on, per dimension.
        position: Vec<f64>,
    },
    /// A ballot was not put to the vote.
    Skipped {
        /// Ballot index (voting order).
        ballot: u16,
        /// Why: not tabled, lapsed, incorporated or withdrawn.
        record: BallotRecord,
        /// For a withdrawal, the penholder's P(vetoed); else the sponsors' mean gain.
        figure: f64,
    },
    /// A ballot was voted.
    Voted {
        /// Ballot index (voting order).
        ballot: u16,
        /// The votes and the result.
        record: BallotRecord,
    },
    /// A motion to postpone was adopted: the meeting resumes at this minute.
    Postponed {
        /// The new meeting time in minutes.
        until: u64,
    },
    /// A human seat took a decision (see [`crate::decision`]); what follows in the log is
    /// the decision carried out.
    Decided {
        /// What was asked, with the bot's figures.
        request: Box<Request>,
        /// What the seat's bot would have done.
        bot: Choice,
        /// What the human chose.
        chosen: Choice,
    },
}

/// Receives a replication's reports.
pub trait Tracer {
    /// False for tracers that discard everything, so the reports are never even built.
    const ENABLED: bool;
    /// Takes one report at `time` (minutes).
    fn record(&mut self, time: u64, event: TraceEvent);
    /// The latent values Δ of every member just before ballot `ballot` is drawn (for
    /// `explain`; a trace does not show them, so the default ignores them).
    #[inline]
    fn latent(&mut self, _ballot: u16, _deltas: &[f64]) {}
}

/// Discards every report (the Monte Carlo path).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn record(&mut self, _time: u64, _event: TraceEvent) {}
}

/// Keeps every report in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TraceLog {
    /// (minute, report) in the order they happened.
    pub entries: Vec<(u64, TraceEvent)>,
}

impl Tracer for TraceLog {
    const ENABLED: bool = true;
    fn record(&mut self, time: u64, event: TraceEvent) {
        self.entries.push((time, event));
    }
}
