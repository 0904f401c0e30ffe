//! Streaming, exactly mergeable summaries of replication outcomes.
//!
//! Everything here is an integer counter (moments are kept as integer sums of values and
//! squares), so `merge` is exact, associative and commutative: summaries folded on any
//! number of threads, in any chunking, or on several machines, merge to the same bits.
//! Memory depends on the model and on the number of distinct tallies (at most n² per
//! ballot) and draft abstention sets seen (at most 2ⁿ, and in practice a few thousand),
//! never directly on the number of replications.

use super::invariants::BadField;
use crate::memberset::MemberSet;
use crate::model::{Ballot, Model};
use crate::outcome::BallotRecord;
use crate::outcome::{BallotStatus, Outcome};
use crate::procedure;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Maps serialised as lists of pairs, since JSON object keys must be strings.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize + Ord, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

/// Exact running moments of a non-negative integer quantity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Observations.
    pub count: u64,
    /// Σx.
    pub sum: u128,
    /// Σx².
    pub sum_squares: u128,
}

impl Moments {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: u64) {
        self.count += 1;
        self.sum += x as u128;
        self.sum_squares += (x as u128) * (x as u128);
    }

    /// The mean (0 with no observation).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The sample standard deviation (0 with fewer than two observations).
    pub fn std_dev(&self) -> f64 {
        if self.count < 2 {
            return 0.0;
        }
        let n = self.count as f64;
        let mean = self.sum as f64 / n;
        ((self.sum_squares as f64 - n * mean * mean) / (n - 1.0))
            .max(0.0)
            .sqrt()
    }
}

/// Counters for one ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotSummary {
    /// Replications per [`BallotStatus`], in [`BallotStatus::ALL`] order.
    pub status: [u64; 7],
    /// Per member: replications in which its negative vote vetoed the ballot.
    pub vetoed_by: Vec<u64>,
    /// Per member: [yes, no, abstain] counts over the replications in which it was voted.
    pub votes: Vec<[u64; 3]>,
    /// Replications by number of affirmative votes (index = yes count).
    pub yes_histogram: Vec<u64>,
    /// Replications by (yes, no, abstain) tally.
    #[serde(with = "pairs")]
    pub tallies: BTreeMap<(u16, u16, u16), u64>,
    /// Replications by exact set of abstainers (non-empty sets only; drafts only, the
    /// ballots whose abstention blocs are reported).
    #[serde(with = "pairs")]
    pub abstention_blocs: BTreeMap<MemberSet, u64>,
    /// Whether this ballot keeps `abstention_blocs` and `pivotal` (drafts do).
    tracks_blocs: bool,
    /// Per member: replications in which changing its vote alone would have changed
    /// whether the text was adopted (drafts only).
    pub pivotal: Vec<u64>,
}

impl BallotSummary {
    fn new(members: usize, tracks_blocs: bool) -> Self {
        BallotSummary {
            tracks_blocs,
            pivotal: vec![0; if tracks_blocs { members } else { 0 }],
            status: [0; 7],
            vetoed_by: vec![0; members],
            votes: vec![[0; 3]; members],
            yes_histogram: vec![0; members + 1],
            tallies: BTreeMap::new(),
            abstention_blocs: BTreeMap::new(),
        }
    }

    /// Folds in `times` replications that ended with `record` on this ballot (`ballot` of
    /// `model`). Every counter is an integer sum, so adding a record `times` times at once
    /// gives the same counts as adding it once per replication, in any order.
    fn add(&mut self, model: &Model, ballot: Ballot, record: &BallotRecord, times: u64) {
        self.status[record.status as usize] += times;
        if !record.status.voted() {
            return;
        }
        for i in record.vetoed_by.iter() {
            self.vetoed_by[i] += times;
        }
        for i in record.yes.iter() {
            self.votes[i][0] += times;
        }
        for i in record.no.iter() {
            self.votes[i][1] += times;
        }
        for i in record.abstain.iter() {
            self.votes[i][2] += times;
        }
        let (yes, no, abstain) = (record.yes.len(), record.no.len(), record.abstain.len());
        self.yes_histogram[yes] += times;
        *self
            .tallies
            .entry((yes as u16, no as u16, abstain as u16))
            .or_insert(0) += times;
        if self.tracks_blocs {
            if !record.abstain.is_empty() {
                *self.abstention_blocs.entry(record.abstain).or_insert(0) += times;
            }
            count_pivots(model, ballot, record, times, &mut self.pivotal);
        }
    }

    /// Replications with this status.
    pub fn count(&self, status: BallotStatus) -> u64 {
        self.status[status as usize]
    }

    /// Replications in which the ballot was voted.
    pub fn voted(&self) -> u64 {
        self.count(BallotStatus::Adopted)
            + self.count(BallotStatus::Failed)
            + self.count(BallotStatus::Vetoed)
    }

    /// The most frequent tally (ties: the smaller tally), if the ballot was ever voted.
    pub fn modal_tally(&self) -> Option<((u16, u16, u16), u64)> {
        let mut best: Option<((u16, u16, u16), u64)> = None;
        for (&tally, &count) in &self.tallies {
            if best.is_none_or(|(_, c)| count > c) {
                best = Some((tally, count));
            }
        }
        best
    }

    /// Abstention sets by count descending, then by set.
    pub fn ranked_abstention_blocs(&self) -> Vec<(MemberSet, u64)> {
        let mut v: Vec<(MemberSet, u64)> = self
            .abstention_blocs
            .iter()
            .map(|(s, c)| (*s, *c))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Whether this ballot keeps `abstention_blocs` and `pivotal` (drafts do).
    pub fn tracks_blocs(&self) -> bool {
        self.tracks_blocs
    }

    /// Adds `other` (the same ballot) into `self`, refusing to wrap around.
    fn merge(&mut self, other: &BallotSummary) -> Result<(), BadField> {
        fn add(field: &str, a: &mut u64, b: u64) -> Result<(), BadField> {
            *a = a
                .checked_add(b)
                .ok_or_else(|| BadField::new(field, "the merged count does not fit in 64 bits"))?;
            Ok(())
        }
        if self.tracks_blocs != other.tracks_blocs
            || self.vetoed_by.len() != other.vetoed_by.len()
            || self.pivotal.len() != other.pivotal.len()
        {
            return Err(BadField::new(
                "tracks_blocs",
                "summaries of different ballots",
            ));
        }
        for (a, b) in self.status.iter_mut().zip(&other.status) {
            add("status", a, *b)?;
        }
        for (a, b) in self.vetoed_by.iter_mut().zip(&other.vetoed_by) {
            add("vetoed_by", a, *b)?;
        }
        for (a, b) in self.votes.iter_mut().zip(&other.votes) {
            for k in 0..3 {
                add("votes", &mut a[k], b[k])?;
            }
        }
        for (a, b) in self.yes_histogram.iter_mut().zip(&other.yes_histogram) {
            add("yes_histogram", a, *b)?;
        }
        for (k, v) in &other.tallies {
            add("tallies", self.tallies.entry(*k).or_insert(0), *v)?;
        }
        for (a, b) in self.pivotal.iter_mut().zip(&other.pivotal) {
            add("pivotal", a, *b)?;
        }
        for (k, v) in &other.abstention_blocs {
            add(
                "abstention_blocs",
                self.abstention_blocs.entry(*k).or_insert(0),
                *v,
            )?;
        }
        Ok(())
    }
}

/// Counters for a whole run (serialisable, so shards on other machines can be merged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Replications folded in.
    pub replications: u64,
    /// One per ballot, in the model's voting order.
    pub ballots: Vec<BallotSummary>,
    /// Negotiation length in minutes.
    pub duration: Moments,
    /// Consultation rounds.
    pub rounds: Moments,
    /// Events processed.
    pub events: Moments,
}

impl Summary {
    /// An empty summary for `model`.
    pub fn new(model: &Model) -> Self {
        Summary {
            replications: 0,
            ballots: model
                .ballots
                .iter()
                .map(|b| BallotSummary::new(model.members.len(), matches!(b, Ballot::Draft(_))))
                .collect(),
            duration: Moments::default(),
            rounds: Moments::default(),
            events: Moments::default(),
        }
    }

    /// Folds one replication of `model` in.
    pub fn record(&mut self, model: &Model, outcome: &Outcome) {
        self.record_run(outcome);
        for ((summary, record), &ballot) in self
            .ballots
            .iter_mut()
            .zip(&outcome.ballots)
            .zip(&model.ballots)
        {
            summary.add(model, ballot, record, 1);
        }
    }

    /// [`Self::record`] with the ballot records counted in `batch` first: each distinct
    /// record is folded in once with its multiplicity when it leaves the batch (see
    /// [`RecordBatch`]). Call [`Self::flush`] before the summary is read or merged.
    pub fn record_batched(&mut self, model: &Model, outcome: &Outcome, batch: &mut RecordBatch) {
        self.record_run(outcome);
        for (b, record) in outcome.ballots.iter().enumerate() {
            if let Some((old, times)) = batch.count(b, record) {
                self.ballots[b].add(model, model.ballots[b], &old, times);
            }
        }
    }

    /// Folds every record still held in `batch` into the summary and empties the batch.
    pub fn flush(&mut self, model: &Model, batch: &mut RecordBatch) {
        for (b, slots) in batch.slots.chunks_mut(RecordBatch::SLOTS).enumerate() {
            for (record, times) in slots {
                if *times > 0 {
                    self.ballots[b].add(model, model.ballots[b], record, *times);
                    *times = 0;
                }
            }
        }
    }

    /// The per-replication figures that are not ballot records: the count and the
    /// moments (Welford's updates are not batched: each value is added as it comes).
    fn record_run(&mut self, outcome: &Outcome) {
        self.replications += 1;
        self.duration.add(outcome.duration);
        self.rounds.add(outcome.rounds as u64);
        self.events.add(outcome.events);
    }

    /// Adds `other` (from the same model) into `self`; exact and order-independent. Counts
    /// never wrap: a total that does not fit is an error naming the field (only summaries
    /// read from files can get there).
    pub fn merge(&mut self, other: &Summary) -> Result<(), BadField> {
        if self.ballots.len() != other.ballots.len() {
            return Err(BadField::new("ballots", "summaries of different scenarios"));
        }
        self.replications = self
            .replications
            .checked_add(other.replications)
            .ok_or_else(|| BadField::new("replications", "the merged count does not fit"))?;
        self.duration
            .checked_merge(&other.duration)
            .map_err(|e| e.within("duration"))?;
        self.rounds
            .checked_merge(&other.rounds)
            .map_err(|e| e.within("rounds"))?;
        self.events
            .checked_merge(&other.events)
            .map_err(|e| e.within("events"))?;
        for (k, (a, b)) in self.ballots.iter_mut().zip(&other.ballots).enumerate() {
            a.merge(b).map_err(|e| e.within(&format!("ballots[{k}]")))?;
        }
        Ok(())
    }
}

/// Identical ballot records counted before they are folded into a [`Summary`].
///
/// Replications often end a ballot with a vote pattern seen before, and folding a record
/// in (per-member counts, the tally and abstention maps, the pivots) costs far more than
/// recognising it. The batch keeps, per ballot, 32 direct-mapped slots of (record, times
/// seen); a record that finds its slot taken by another pushes that one out into the
/// summary with its multiplicity. Every counter a record touches is an integer sum, so the
/// summary after [`Summary::flush`] has exactly the counts (and map keys) that folding one
/// replication at a time gives, whatever went through the batch.
#[derive(Debug, Clone)]
pub struct RecordBatch {
    /// `ballot * SLOTS + slot`: a record and how many replications ended with it (0: empty).
    slots: Vec<(BallotRecord, u64)>,
}

impl RecordBatch {
    /// Slots per ballot (a power of two).
    const SLOTS: usize = 32;

    /// An empty batch for `model`'s ballots (allocates once).
    pub fn new(model: &Model) -> Self {
        RecordBatch {
            slots: vec![(BallotRecord::PENDING, 0); model.ballots.len() * Self::SLOTS],
        }
    }

    /// Counts `record` for ballot `b`; returns the record it displaced, with its count.
    #[inline]
    fn count(&mut self, b: usize, record: &BallotRecord) -> Option<(BallotRecord, u64)> {
        let hash = record.no.mix(record.yes.mix(record.status as u64));
        let slot = &mut self.slots[b * Self::SLOTS + (hash >> 59) as usize];
        if slot.1 > 0 && slot.0 == *record {
            slot.1 += 1;
            return None;
        }
        let old = std::mem::replace(slot, (*record, 1));
        (old.1 > 0).then_some(old)
    }
}

/// Counts, for each member, whether changing its vote alone (to any other vote, or from
/// absence to a vote) would have changed whether the ballot was adopted.
fn count_pivots(
    model: &Model,
    ballot: Ballot,
    record: &BallotRecord,
    times: u64,
    pivotal: &mut [u64],
) {
    let rules = &model.rules;
    let procedural = model.ballot_procedural(ballot);
    let adopted = |yes: usize, no: usize, vetoes: usize| {
        procedure::carried(rules, procedural, yes, no) && (procedural || vetoes == 0)
    };
    let (yes, no) = (record.yes.len(), record.no.len());
    let vetoes = record.no.intersection(&rules.veto).len();
    let now = adopted(yes, no, vetoes);
    for (i, count) in pivotal.iter_mut().enumerate() {
        let veto = usize::from(rules.veto.contains(i));
        let alternatives = if record.yes.contains(i) {
            [(yes - 1, no, vetoes), (yes - 1, no + 1, vetoes + veto)]
        } else if record.no.contains(i) {
            [
                (yes + 1, no - 1, vetoes - veto),
                (yes, no - 1, vetoes - veto),
            ]
        } else {
            [(yes + 1, no, vetoes), (yes, no + 1, vetoes + veto)]
        };
        if alternatives
            .iter()
            .any(|&(y, n, v)| adopted(y, n, v) != now)
        {
            *count += times;
        }
    }
}
