//! What one replication produced: for every ballot, what happened and who voted how.
//!
//! An [`Outcome`] has one [`BallotRecord`] per entry of [`crate::model::Model::ballots`],
//! in voting order, so the summary can fold it without looking anything up.

use crate::memberset::MemberSet;

/// What became of one ballot in one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BallotStatus {
    /// Not put to the vote: its sponsors or movers no longer wanted it.
    NotTabled,
    /// An amendment the penholder wrote into the text during consultations.
    Incorporated,
    /// An amendment whose target provision was gone by the time of the vote.
    Lapsed,
    /// A draft its penholder withdrew (rule 35).
    Withdrawn,
    /// Voted and adopted.
    Adopted,
    /// Voted and failed for want of votes.
    Failed,
    /// Voted, had the quota, and a veto holder voted no.
    Vetoed,
}

impl BallotStatus {
    /// Every status, in the order counters are kept.
    pub const ALL: [BallotStatus; 7] = [
        BallotStatus::NotTabled,
        BallotStatus::Incorporated,
        BallotStatus::Lapsed,
        BallotStatus::Withdrawn,
        BallotStatus::Adopted,
        BallotStatus::Failed,
        BallotStatus::Vetoed,
    ];

    /// Whether a vote took place.
    pub fn voted(self) -> bool {
        matches!(
            self,
            BallotStatus::Adopted | BallotStatus::Failed | BallotStatus::Vetoed
        )
    }

    /// Lower-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            BallotStatus::NotTabled => "not tabled",
            BallotStatus::Incorporated => "incorporated",
            BallotStatus::Lapsed => "lapsed",
            BallotStatus::Withdrawn => "withdrawn",
            BallotStatus::Adopted => "adopted",
            BallotStatus::Failed => "failed",
            BallotStatus::Vetoed => "vetoed",
        }
    }
}

/// One ballot's result and votes. Members in none of the three sets did not vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BallotRecord {
    /// What happened.
    pub status: BallotStatus,
    /// Affirmative votes.
    pub yes: MemberSet,
    /// Negative votes.
    pub no: MemberSet,
    /// Abstentions.
    pub abstain: MemberSet,
    /// Veto holders whose negative vote defeated it (empty unless vetoed).
    pub vetoed_by: MemberSet,
}

impl BallotRecord {
    /// A ballot that has not (yet) been voted.
    pub const PENDING: BallotRecord = BallotRecord {
        status: BallotStatus::NotTabled,
        yes: MemberSet::EMPTY,
        no: MemberSet::EMPTY,
        abstain: MemberSet::EMPTY,
        vetoed_by: MemberSet::EMPTY,
    };
}

/// Everything a replication reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// One record per ballot, in the model's voting order.
    pub ballots: Vec<BallotRecord>,
    /// Minutes from the first circulation to the end of the meeting.
    pub duration: u64,
    /// Consultation rounds held, over all drafts.
    pub rounds: u32,
    /// Events processed.
    pub events: u64,
}
