//! What every counter of a [`Summary`] must satisfy, so that a summary read back from a file
//! (a shard's part, a sweep's saved cell) is checked before anything reports it.
//!
//! A summary the program folded itself satisfies all of these by construction; a file may
//! have been edited, truncated by hand or made by a different program. Each check follows
//! from how [`Summary::record`] counts one replication, so a broken file is refused with
//! the field it breaks instead of printing a probability of 167 or panicking on a member
//! that does not exist.

use super::summary::{BallotSummary, Moments, Summary};
use crate::model::{Ballot, Model};
use crate::outcome::BallotStatus;
use crate::procedure;
use std::fmt;

/// A counter that breaks an invariant: where it is (a path like
/// `ballots[2].votes[3] (CHN)`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField {
    /// The field's path inside the summary (or the file).
    pub field: String,
    /// What is wrong, in words.
    pub problem: String,
}

impl BadField {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        BadField {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The same problem, with its path put under `parent` (e.g. `cells[3]`).
    pub fn within(self, parent: &str) -> Self {
        BadField {
            field: format!("{parent}.{}", self.field),
            problem: self.problem,
        }
    }
}

impl fmt::Display for BadField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for BadField {}

/// `a · b` as a 256-bit number (high, low), for comparisons that must not overflow.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const LO: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LO);
    let (b1, b0) = (b >> 64, b & LO);
    let low = a0 * b0;
    let mid1 = a1 * b0;
    let mid2 = a0 * b1;
    let high = a1 * b1;
    let (mid, mid_carry) = mid1.overflowing_add(mid2);
    let (lo, lo_carry) = low.overflowing_add(mid << 64);
    let hi = high + (mid >> 64) + (u128::from(mid_carry) << 64) + u128::from(lo_carry);
    (hi, lo)
}

impl Moments {
    /// Checks moments of `count` observations, each from 0 to `max`: Σx ≤ max·n,
    /// Σx ≤ Σx² ≤ max·Σx (integers), and (Σx)² ≤ n·Σx² (Cauchy–Schwarz, so the variance
    /// is never negative).
    pub fn validate(&self, count: u64, max: u64) -> Result<(), BadField> {
        if self.count != count {
            return Err(BadField::new(
                "count",
                format!("is {}, but {count} replications are covered", self.count),
            ));
        }
        if self.sum > u128::from(max) * u128::from(count) {
            return Err(BadField::new(
                "sum",
                format!(
                    "{} is more than {count} observations of at most {max} can add up to",
                    self.sum
                ),
            ));
        }
        let most = self.sum.saturating_mul(u128::from(max));
        if self.sum_squares < self.sum || self.sum_squares > most {
            return Err(BadField::new(
                "sum_squares",
                format!(
                    "{} does not fit the sum {} (whole numbers from 0 to {max} have x ≤ x² ≤ {max}·x)",
                    self.sum_squares, self.sum
                ),
            ));
        }
        if wide_mul(self.sum, self.sum) > wide_mul(u128::from(count), self.sum_squares) {
            return Err(BadField::new(
                "sum_squares",
                format!(
                    "{} is too small for {count} observations summing to {} (the variance would be negative)",
                    self.sum_squares, self.sum
                ),
            ));
        }
        Ok(())
    }

    /// Adds `other`, refusing to wrap around.
    pub fn checked_merge(&mut self, other: &Moments) -> Result<(), BadField> {
        let overflow = |field: &str| BadField::new(field, "the merged total does not fit");
        self.count = self
            .count
            .checked_add(other.count)
            .ok_or_else(|| overflow("count"))?;
        self.sum = self
            .sum
            .checked_add(other.sum)
            .ok_or_else(|| overflow("sum"))?;
        self.sum_squares = self
            .sum_squares
            .checked_add(other.sum_squares)
            .ok_or_else(|| overflow("sum_squares"))?;
        Ok(())
    }
}

/// Whether a ballot of this kind can end with `status` (see `negotiation::meeting`: only
/// amendments are incorporated or lapse, only drafts are withdrawn, and only drafts that
/// do not force the vote; procedural ballots are never vetoed).
fn possible(model: &Model, ballot: Ballot, status: BallotStatus) -> Result<(), &'static str> {
    let procedural = model.ballot_procedural(ballot);
    match (status, ballot) {
        (BallotStatus::Incorporated | BallotStatus::Lapsed, Ballot::Amendment(_)) => Ok(()),
        (BallotStatus::Incorporated | BallotStatus::Lapsed, _) => {
            Err("only amendments are incorporated or lapse")
        }
        (BallotStatus::Withdrawn, Ballot::Draft(d)) if model.drafts[d as usize].force_vote => {
            Err("this draft forces the vote, so it is never withdrawn")
        }
        (BallotStatus::Withdrawn, Ballot::Draft(_)) => Ok(()),
        (BallotStatus::Withdrawn, _) => Err("only drafts are withdrawn"),
        (BallotStatus::Vetoed, _) if procedural => Err("a procedural vote cannot be vetoed"),
        _ => Ok(()),
    }
}

/// Adds counts without wrapping (u128 holds any sum of u64 counts a file can list).
fn total<'a>(counts: impl IntoIterator<Item = &'a u64>) -> u128 {
    counts.into_iter().map(|&c| u128::from(c)).sum()
}

impl BallotSummary {
    /// Checks one ballot's counters against `ballot` of `model` over `replications`.
    pub fn validate(
        &self,
        model: &Model,
        ballot: Ballot,
        replications: u64,
    ) -> Result<(), BadField> {
        let n = model.members.len();
        let member = |field: &str, i: usize| format!("{field}[{i}] ({})", model.members.ids[i]);
        let length = |field: &str, found: usize, want: usize| {
            if found == want {
                Ok(())
            } else {
                Err(BadField::new(
                    field,
                    format!("has {found} entries; the scenario needs {want}"),
                ))
            }
        };
        let draft = matches!(ballot, Ballot::Draft(_));
        length("status", self.status.len(), BallotStatus::ALL.len())?;
        length("vetoed_by", self.vetoed_by.len(), n)?;
        length("votes", self.votes.len(), n)?;
        length("yes_histogram", self.yes_histogram.len(), n + 1)?;
        length("pivotal", self.pivotal.len(), if draft { n } else { 0 })?;
        if self.tracks_blocs() != draft {
            return Err(BadField::new(
                "tracks_blocs",
                format!(
                    "is {}, but this ballot is {} draft",
                    self.tracks_blocs(),
                    if draft { "a" } else { "not a" }
                ),
            ));
        }

        // Every replication ends the ballot in exactly one status.
        let statuses = total(&self.status);
        if statuses != u128::from(replications) {
            return Err(BadField::new(
                "status",
                format!(
                    "the counts add up to {statuses}, but {replications} replications are covered"
                ),
            ));
        }
        for (k, (&status, &count)) in BallotStatus::ALL.iter().zip(&self.status).enumerate() {
            if count > 0 {
                possible(model, ballot, status).map_err(|why| {
                    BadField::new(
                        format!("status[{k}] ({})", status.as_str()),
                        format!("is {count}, but {why}"),
                    )
                })?;
            }
        }
        let voted = self.voted();
        let vetoed = self.count(BallotStatus::Vetoed);

        // Each member votes at most once per vote, exactly once if it is never absent.
        for (i, v) in self.votes.iter().enumerate() {
            let cast = total(v);
            let always_present = model.members.turnout[i] >= 1.0;
            if cast > u128::from(voted) || (always_present && cast != u128::from(voted)) {
                return Err(BadField::new(
                    member("votes", i),
                    format!(
                        "records {cast} votes, but the ballot was voted in {voted} replications{}",
                        if always_present {
                            " and this member is never absent"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }

        // Vetoes: only veto holders, only when vetoed, only with a negative vote.
        for (i, &count) in self.vetoed_by.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let why = if !model.rules.veto.contains(i) {
                "this member holds no veto".to_string()
            } else if count > vetoed {
                format!("the ballot was vetoed in only {vetoed} replications")
            } else if count > self.votes[i][1] {
                format!("this member voted no only {} times", self.votes[i][1])
            } else {
                continue;
            };
            return Err(BadField::new(
                member("vetoed_by", i),
                format!("is {count}, but {why}"),
            ));
        }
        if total(&self.vetoed_by) < u128::from(vetoed) {
            return Err(BadField::new(
                "vetoed_by",
                format!("names fewer vetoes than the {vetoed} vetoed replications"),
            ));
        }

        // Tallies: one per voted replication, within the body, matching the members' votes,
        // the histogram of affirmative votes and the statuses.
        let mut per_yes = vec![0u128; n + 1];
        let mut per_abstain = vec![0u128; n + 1];
        let mut sums = [0u128; 3];
        let (mut carried, mut not_carried) = (0u128, 0u128);
        let procedural = model.ballot_procedural(ballot);
        for (&(yes, no, abstain), &count) in &self.tallies {
            let field = || format!("tallies[{yes}-{no}-{abstain}]");
            let (y, o, a) = (usize::from(yes), usize::from(no), usize::from(abstain));
            if y + o + a > n {
                return Err(BadField::new(
                    field(),
                    format!("counts {} votes in a body of {n}", y + o + a),
                ));
            }
            if count == 0 || count > voted {
                return Err(BadField::new(
                    field(),
                    format!("is {count}, not from 1 to the {voted} replications voted"),
                ));
            }
            let c = u128::from(count);
            per_yes[y] += c;
            per_abstain[a] += c;
            for (s, k) in sums.iter_mut().zip([y, o, a]) {
                *s += c * k as u128;
            }
            if procedure::carried(&model.rules, procedural, y, o) {
                carried += c;
            } else {
                not_carried += c;
            }
        }
        if carried + not_carried != u128::from(voted) {
            return Err(BadField::new(
                "tallies",
                format!(
                    "the counts add up to {}, but the ballot was voted in {voted} replications",
                    carried + not_carried
                ),
            ));
        }
        let adopted = self.count(BallotStatus::Adopted);
        if carried != u128::from(adopted) + u128::from(vetoed) {
            return Err(BadField::new(
                "tallies",
                format!(
                    "{carried} tallies carry the vote, but {adopted} adoptions and {vetoed} vetoes are counted"
                ),
            ));
        }
        for (k, name) in ["yes", "no", "abstain"].iter().enumerate() {
            let by_member = self.votes.iter().map(|v| u128::from(v[k])).sum::<u128>();
            if by_member != sums[k] {
                return Err(BadField::new(
                    "votes",
                    format!(
                        "the members' {name} votes add up to {by_member}, but the tallies count {}",
                        sums[k]
                    ),
                ));
            }
        }
        for (k, (&found, &want)) in self.yes_histogram.iter().zip(&per_yes).enumerate() {
            if u128::from(found) != want {
                return Err(BadField::new(
                    format!("yes_histogram[{k}]"),
                    format!("is {found}, but the tallies have {want} with {k} affirmative votes"),
                ));
            }
        }

        // Pivots: at most once per voted replication.
        for (i, &count) in self.pivotal.iter().enumerate() {
            if count > voted {
                return Err(BadField::new(
                    member("pivotal", i),
                    format!("is {count}, but the ballot was voted in {voted} replications"),
                ));
            }
        }

        // Abstention sets (drafts only): non-empty, of members, matching the tallies'
        // numbers of abstentions and each member's abstentions.
        if !draft && !self.abstention_blocs.is_empty() {
            return Err(BadField::new(
                "abstention_blocs",
                "only drafts keep abstention sets",
            ));
        }
        if draft {
            let mut sizes = vec![0u128; n + 1];
            let mut by_member = vec![0u128; n];
            for (set, &count) in &self.abstention_blocs {
                let field = || format!("abstention_blocs[{:?}]", set.iter().collect::<Vec<_>>());
                if let Some(stranger) = set.iter().find(|&i| i >= n) {
                    return Err(BadField::new(
                        field(),
                        format!(
                            "names member {stranger}, but the body has members 0 to {}",
                            n - 1
                        ),
                    ));
                }
                if set.is_empty() || count == 0 || count > voted {
                    return Err(BadField::new(
                        field(),
                        format!(
                            "a set of {} members counted {count} times (sets are non-empty, counted from 1 to the {voted} replications voted)",
                            set.len()
                        ),
                    ));
                }
                sizes[set.len()] += u128::from(count);
                for i in set.iter() {
                    by_member[i] += u128::from(count);
                }
            }
            for (k, (&found, &want)) in sizes.iter().zip(&per_abstain).enumerate().skip(1) {
                if found != want {
                    return Err(BadField::new(
                        "abstention_blocs",
                        format!("{found} sets of {k} abstainers, but the tallies have {want}"),
                    ));
                }
            }
            for (i, (&found, v)) in by_member.iter().zip(&self.votes).enumerate() {
                if found != u128::from(v[2]) {
                    return Err(BadField::new(
                        "abstention_blocs",
                        format!(
                            "the sets hold {} {found} times, but it abstained {} times",
                            model.members.ids[i], v[2]
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Summary {
    /// Checks every counter against `model` for a summary of `replications` replications:
    /// shapes match the model, every ballot's statuses add up to the replications, no count
    /// exceeds what could have happened, members and tallies lie within the body, and the
    /// counters agree with one another. The error names the first field that breaks.
    pub fn validate(&self, model: &Model, replications: u64) -> Result<(), BadField> {
        if self.replications != replications {
            return Err(BadField::new(
                "replications",
                format!("is {}, but {replications} are covered", self.replications),
            ));
        }
        self.duration
            .validate(replications, u64::MAX)
            .map_err(|e| e.within("duration"))?;
        self.rounds
            .validate(replications, u64::from(u32::MAX))
            .map_err(|e| e.within("rounds"))?;
        self.events
            .validate(replications, u64::MAX)
            .map_err(|e| e.within("events"))?;
        if self.ballots.len() != model.ballots.len() {
            return Err(BadField::new(
                "ballots",
                format!(
                    "has {} entries; the scenario has {} ballots",
                    self.ballots.len(),
                    model.ballots.len()
                ),
            ));
        }
        for (k, (summary, &ballot)) in self.ballots.iter().zip(&model.ballots).enumerate() {
            summary
                .validate(model, ballot, replications)
                .map_err(|e| e.within(&format!("ballots[{k}]")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_products_compare_exactly() {
        assert_eq!(wide_mul(3, 5), (0, 15));
        assert_eq!(wide_mul(u128::MAX, 2), (1, u128::MAX - 1));
        assert_eq!(wide_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(wide_mul(1 << 64, 1 << 64), (1, 0));
    }

    #[test]
    fn moments_of_real_observations_pass_and_impossible_ones_do_not() {
        let mut m = Moments::default();
        for x in [0u64, 3, 7, 7, 1] {
            m.add(x);
        }
        assert_eq!(m.validate(5, 7), Ok(()));
        assert_eq!(m.validate(6, 7).unwrap_err().field, "count");
        assert_eq!(m.validate(5, 3).unwrap_err().field, "sum");
        // Values up to 6 cannot have Σx = 18 with Σx² = 108 + 1 > 6·18.
        let too_spread = Moments {
            sum_squares: 109,
            ..m
        };
        assert_eq!(too_spread.validate(5, 6).unwrap_err().field, "sum_squares");
        let negative_variance = Moments {
            sum_squares: 18 * 18 / 5 - 1,
            ..m
        };
        assert_eq!(
            negative_variance.validate(5, 7).unwrap_err().field,
            "sum_squares"
        );
        let mut huge = Moments {
            count: 1,
            sum: u128::MAX,
            sum_squares: u128::MAX,
        };
        assert!(huge.checked_merge(&m).is_err());
    }
}
