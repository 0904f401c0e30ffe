//! The run summary as programs read it: the JSON contract documented in the README.
//!
//! [`Report`] is derived once from a [`Summary`]; the JSON exporter serialises it and the
//! table exporter prints it, so both always say the same thing. It holds no timings: the
//! same seed gives byte-identical JSON for any thread count.

use crate::memberset::MemberSet;
use crate::model::{Ballot, Model};
use crate::montecarlo::{BallotSummary, Summary};
use crate::outcome::BallotStatus;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many abstention sets a ballot reports, most frequent first.
pub const TOP_ABSTENTION_BLOCS: usize = 20;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// councilsim version that produced it.
    pub version: String,
    /// Which scenario.
    pub scenario: ScenarioId,
    /// Master seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u64,
    /// One entry per draft, in order of submission.
    pub drafts: Vec<DraftReport>,
    /// How long negotiations took.
    pub negotiation: NegotiationReport,
    /// States that took part without a vote ("ID (name)"), listed apart from the members;
    /// absent from the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
}

/// Name and fingerprint of the scenario file.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioId {
    /// `[scenario] name`.
    pub name: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// A count, its share of all replications, and the 95% Wilson interval of that share.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Proportion {
    /// Replications.
    pub count: u64,
    /// count / replications.
    pub p: f64,
    /// Wilson score interval.
    pub ci95: [f64; 2],
}

/// A count and its share.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Share {
    /// Replications.
    pub count: u64,
    /// count / replications.
    pub p: f64,
}

/// A tally of votes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Tally {
    /// Affirmative.
    pub yes: u16,
    /// Negative.
    pub no: u16,
    /// Abstentions.
    pub abstain: u16,
}

/// A member's vote shares over the replications in which the ballot was voted.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct VoteShares {
    /// P(yes).
    pub yes: f64,
    /// P(no).
    pub no: f64,
    /// P(abstain).
    pub abstain: f64,
    /// P(absent: did not vote).
    pub absent: f64,
}

/// An exact set of abstainers and how often it formed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AbstentionBloc {
    /// Member ids, sorted.
    pub members: Vec<String>,
    /// Replications.
    pub count: u64,
    /// count / replications.
    pub p: f64,
}

/// The four ways a draft can end.
#[derive(Debug, Clone, Serialize)]
pub struct DraftOutcomes {
    /// Adopted.
    pub adopted: Proportion,
    /// Vetoed by a permanent member.
    pub vetoed: Proportion,
    /// Failed for want of votes.
    pub failed: Proportion,
    /// Withdrawn by the penholder.
    pub withdrawn: Proportion,
}

/// Everything about one draft.
#[derive(Debug, Clone, Serialize)]
pub struct DraftReport {
    /// Draft id.
    pub id: String,
    /// How it ended.
    pub outcomes: DraftOutcomes,
    /// Who vetoed it, how often.
    pub vetoed_by: BTreeMap<String, Share>,
    /// Each member's vote shares.
    pub votes: BTreeMap<String, VoteShares>,
    /// The most frequent tally (null if never voted).
    pub modal_tally: Option<Tally>,
    /// Replications by number of yes votes.
    pub yes_count_histogram: Vec<u64>,
    /// Most frequent exact abstention sets.
    pub abstention_blocs: Vec<AbstentionBloc>,
    /// Each member's empirical pivot frequency: how often changing its vote alone would
    /// have changed whether the draft was adopted (share of all replications).
    pub pivotal: BTreeMap<String, Share>,
    /// Its amendments, in voting order.
    pub amendments: Vec<BallotReport>,
    /// Motions about it, in voting order.
    pub motions: Vec<BallotReport>,
}

/// An amendment or motion.
#[derive(Debug, Clone, Serialize)]
pub struct BallotReport {
    /// Id.
    pub id: String,
    /// Put to the vote.
    pub tabled: Proportion,
    /// Adopted.
    pub adopted: Proportion,
    /// Vetoed.
    pub vetoed: Proportion,
    /// Failed for want of votes.
    pub failed: Proportion,
    /// Written into the text by the penholder in consultations (amendments only).
    pub incorporated: Proportion,
    /// Who vetoed it, how often.
    pub vetoed_by: BTreeMap<String, Share>,
    /// The most frequent tally (null if never voted).
    pub modal_tally: Option<Tally>,
}

/// Negotiation length and rounds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NegotiationReport {
    /// Mean days from first circulation to the end of the meeting.
    pub mean_days: f64,
    /// Their standard deviation.
    pub sd_days: f64,
    /// Mean consultation rounds.
    pub mean_rounds: f64,
}

/// The 95% Wilson score interval for `k` successes in `n` trials.
pub fn wilson_interval(k: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At k = 0 and k = n the bounds are exactly 0 and 1; say so rather than round to 1e-18.
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [lo, hi]
}

fn proportion(count: u64, n: u64) -> Proportion {
    Proportion {
        count,
        p: if n == 0 { 0.0 } else { count as f64 / n as f64 },
        ci95: wilson_interval(count, n),
    }
}

fn shares(model: &Model, counts: &[u64], n: u64) -> BTreeMap<String, Share> {
    counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(i, &count)| {
            let p = count as f64 / n.max(1) as f64;
            (model.members.ids[i].clone(), Share { count, p })
        })
        .collect()
}

fn modal(summary: &BallotSummary) -> Option<Tally> {
    summary
        .modal_tally()
        .map(|((yes, no, abstain), _)| Tally { yes, no, abstain })
}

fn ids(model: &Model, set: &MemberSet) -> Vec<String> {
    model
        .member_ids(set)
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn ballot_report(model: &Model, ballot: Ballot, s: &BallotSummary, n: u64) -> BallotReport {
    let count = |status| s.count(status);
    BallotReport {
        id: model.ballot_id(ballot).to_string(),
        tabled: proportion(s.voted(), n),
        adopted: proportion(count(BallotStatus::Adopted), n),
        vetoed: proportion(count(BallotStatus::Vetoed), n),
        failed: proportion(count(BallotStatus::Failed), n),
        incorporated: proportion(count(BallotStatus::Incorporated), n),
        vetoed_by: shares(model, &s.vetoed_by, n),
        modal_tally: modal(s),
    }
}

/// Derives the report of a run.
pub fn build(model: &Model, summary: &Summary, seed: u64) -> Report {
    let n = summary.replications;
    let mut drafts: Vec<DraftReport> = Vec::with_capacity(model.drafts.len());
    for (b, &ballot) in model.ballots.iter().enumerate() {
        let Ballot::Draft(d) = ballot else { continue };
        let s = &summary.ballots[b];
        let voted = s.voted().max(1) as f64;
        let votes = model
            .members
            .ids
            .iter()
            .zip(&s.votes)
            .map(|(id, v)| {
                (
                    id.clone(),
                    VoteShares {
                        yes: v[0] as f64 / voted,
                        no: v[1] as f64 / voted,
                        abstain: v[2] as f64 / voted,
                        absent: (s.voted() - v[0] - v[1] - v[2]) as f64 / voted,
                    },
                )
            })
            .collect();
        let abstention_blocs = s
            .ranked_abstention_blocs()
            .into_iter()
            .take(TOP_ABSTENTION_BLOCS)
            .map(|(set, count)| AbstentionBloc {
                members: ids(model, &set),
                count,
                p: count as f64 / n.max(1) as f64,
            })
            .collect();
        let related = |keep: fn(Ballot) -> bool| -> Vec<BallotReport> {
            model
                .ballots
                .iter()
                .enumerate()
                .filter(|(_, &other)| keep(other) && model.ballot_draft(other) == d as usize)
                .map(|(i, &other)| ballot_report(model, other, &summary.ballots[i], n))
                .collect()
        };
        drafts.push(DraftReport {
            id: model.drafts[d as usize].id.clone(),
            outcomes: DraftOutcomes {
                adopted: proportion(s.count(BallotStatus::Adopted), n),
                vetoed: proportion(s.count(BallotStatus::Vetoed), n),
                failed: proportion(s.count(BallotStatus::Failed), n),
                withdrawn: proportion(s.count(BallotStatus::Withdrawn), n),
            },
            vetoed_by: shares(model, &s.vetoed_by, n),
            votes,
            modal_tally: modal(s),
            yes_count_histogram: s.yes_histogram.clone(),
            abstention_blocs,
            pivotal: model
                .members
                .ids
                .iter()
                .zip(&s.pivotal)
                .map(|(id, &count)| {
                    let p = count as f64 / n.max(1) as f64;
                    (id.clone(), Share { count, p })
                })
                .collect(),
            amendments: related(|b| matches!(b, Ballot::Amendment(_))),
            motions: related(|b| matches!(b, Ballot::Motion(_))),
        });
    }
    Report {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: ScenarioId {
            name: model.name.clone(),
            sha256: model.sha256.clone(),
        },
        seed,
        replications: n,
        participants: model
            .participants
            .ids
            .iter()
            .zip(&model.participants.names)
            .map(|(id, name)| format!("{id} ({name})"))
            .collect(),
        drafts,
        negotiation: NegotiationReport {
            mean_days: summary.duration.mean() / crate::model::MINUTES_PER_DAY,
            sd_days: summary.duration.std_dev() / crate::model::MINUTES_PER_DAY,
            mean_rounds: summary.rounds.mean(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::wilson_interval;

    #[test]
    fn wilson_interval_matches_a_hand_computed_value() {
        // k = 8, n = 10: centre 0.7167, half-width 0.2266 (z = 1.96).
        let [lo, hi] = wilson_interval(8, 10);
        assert!((lo - 0.4902).abs() < 1e-3, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-3, "{hi}");
        let [lo, hi] = wilson_interval(0, 100);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.03 && hi < 0.04);
    }
}
