//! Per-thread memos of what each member's latent value determines, keyed exactly on it.
//!
//! The penholder's expectation needs every member's ordered-logit probabilities (two
//! exponentials each) for every text it weighs. Most of those latent values repeat bit for
//! bit: every replication starts from the same text, ideal points and pressure, members
//! that no capital instruction has moved value each candidate text exactly as before, and
//! the same amendments are weighed round after round. The probabilities are a pure function
//! of (member, Δ) within one model, so a hit returns exactly the bits a fresh computation
//! would: results do not depend on what the memo holds, and it lives across the
//! replications of a thread. The same holds for the vote quantiles (see
//! [`crate::behaviour::VoteQuantiles`]), remembered per ballot and member from a Δ's second
//! sighting on ([`DeltaMemo::get_on_repeat`]): there what the memo holds decides whether the
//! quantiles or the logarithm decide a vote, and the two agree by construction.

use crate::behaviour::VoteProbabilities;

/// Marks an empty slot; never a key, since NaN latent values bypass the memo.
const EMPTY: u64 = f64::NAN.to_bits();

#[derive(Debug, Clone, Copy)]
struct Slot<V> {
    key: u64,
    /// Whether `probs` holds the value for `key` (else `key` was only seen once, by
    /// [`DeltaMemo::get_on_repeat`]).
    ready: bool,
    probs: V,
}

/// Values by (row, exact Δ); a row is a member (or a member on one ballot). Each row has
/// `SLOTS` slots (a power of two), direct-mapped on a hash of Δ's bits.
#[derive(Debug)]
pub(crate) struct DeltaMemo<V, const SLOTS: usize> {
    slots: Vec<Slot<V>>,
    /// Per row, the key and value it returned last (`EMPTY`: none yet). Most lookups ask
    /// for the value a row gave last time (a member's Δ on an unmoved text), and these
    /// entries lie side by side, a row's in a few bytes, where 32 slots span 1.25–1.5 KB:
    /// a lookup that finds its answer here touches no slot (fewer cache misses).
    last: Vec<(u64, V)>,
}

/// Vote probabilities by (member, exact Δ), with 32 slots per member: the penholder weighs
/// many candidate texts in a replication and the same ones again in the next, so a
/// member's probabilities at many Δ are worth keeping.
pub(crate) type ProbabilityMemo = DeltaMemo<VoteProbabilities, 32>;

/// Vote quantiles by (ballot, member, exact Δ), with one slot per row besides its last
/// value. On a ballot a member's Δ is mostly the one it had on the unmoved text (its last
/// value) or one carrying this replication's own lobbying and instructions, seen once:
/// 32 slots per row held a repeat for only 13% of the lookups and spread the rows over
/// 1.5 KB each, and one slot ran the seed scenario 2.9% faster, and no scenario slower
/// (measured).
pub(crate) type QuantileMemo = DeltaMemo<crate::behaviour::VoteQuantiles, 1>;

impl<V: Copy + Default, const SLOTS: usize> DeltaMemo<V, SLOTS> {
    /// An empty memo for `members` rows (allocates once).
    pub(crate) fn new(members: usize) -> Self {
        DeltaMemo {
            slots: vec![
                Slot {
                    key: EMPTY,
                    ready: false,
                    probs: V::default(),
                };
                members * SLOTS
            ],
            last: vec![(EMPTY, V::default()); members],
        }
    }

    /// Row `i`'s value at latent value `delta`: remembered, or `compute`d and
    /// remembered. `compute` must be a pure function of `(i, delta)`.
    #[inline]
    pub(crate) fn get(&mut self, i: usize, delta: f64, compute: impl FnOnce() -> V) -> V {
        if delta.is_nan() {
            return compute();
        }
        let key = delta.to_bits();
        if self.last[i].0 == key {
            return self.last[i].1;
        }
        let hash = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as usize;
        let slot = &mut self.slots[i * SLOTS + (hash & (SLOTS - 1))];
        if slot.key != key || !slot.ready {
            *slot = Slot {
                key,
                ready: true,
                probs: compute(),
            };
        }
        self.last[i] = (key, slot.probs);
        slot.probs
    }

    /// Row `i`'s value at `delta` if `delta` was seen before in its slot (computing and
    /// remembering it on its second sighting) or is the one the row returned last; `None`
    /// the first time, when the slot only notes `delta`. For a value that only pays when reused: the vote quantiles take two
    /// exponentials where one vote drawn directly takes one logarithm, and many latent
    /// values on a ballot occur once (they carry a replication's own lobbying and
    /// instructions). `compute` must be a pure function of `(i, delta)`.
    #[inline]
    pub(crate) fn get_on_repeat(
        &mut self,
        i: usize,
        delta: f64,
        compute: impl FnOnce() -> V,
    ) -> Option<V> {
        if delta.is_nan() {
            return None;
        }
        let key = delta.to_bits();
        if self.last[i].0 == key {
            return Some(self.last[i].1);
        }
        let hash = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as usize;
        let slot = &mut self.slots[i * SLOTS + (hash & (SLOTS - 1))];
        if slot.key != key {
            slot.key = key;
            slot.ready = false;
            return None;
        }
        if !slot.ready {
            slot.probs = compute();
            slot.ready = true;
        }
        self.last[i] = (key, slot.probs);
        Some(slot.probs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::vote_probabilities;

    /// Whatever a row's slots hold (many values through 32 slots or through one), every
    /// value returned is the computed one, and values are remembered.
    fn remembered_values_are_the_computed_ones<const SLOTS: usize>() {
        let mut memo = DeltaMemo::<VoteProbabilities, SLOTS>::new(2);
        let mut fresh = 0;
        for round in 0..3 {
            for k in 0..200 {
                let delta = (k as f64 * 0.37).sin();
                for i in 0..2 {
                    let tau = 0.1 + i as f64 * 0.2;
                    let p = memo.get(i, delta, || {
                        fresh += 1;
                        vote_probabilities(delta, 0.2, 0.3, tau)
                    });
                    assert_eq!(p, vote_probabilities(delta, 0.2, 0.3, tau));
                    let q =
                        memo.get_on_repeat(i, delta, || vote_probabilities(delta, 0.2, 0.3, tau));
                    assert_eq!(q, Some(p), "the value just returned is the row's last");
                }
            }
            if round == 0 {
                assert_eq!(fresh, 400);
            }
        }
        // 200 distinct values cannot all stay in the slots, but some do with 32.
        assert!(fresh <= 1200);
        if SLOTS > 1 {
            assert!(fresh < 1200);
        }
        let nan = memo.get(0, f64::NAN, || vote_probabilities(f64::NAN, 0.2, 0.3, 0.1));
        assert!(nan.yes.is_nan());
    }

    #[test]
    fn a_remembered_value_is_the_computed_one_bit_for_bit() {
        remembered_values_are_the_computed_ones::<32>();
        remembered_values_are_the_computed_ones::<1>();
    }

    /// With one slot, two Δ taking turns on a row evict each other: each lookup is a first
    /// sighting again (nothing is returned, nothing computed), and a repeat right after is
    /// computed once and then read from the row's last value, even once another Δ has
    /// taken the slot.
    #[test]
    fn one_slot_keeps_only_the_latest_delta() {
        let mut memo = QuantileMemo::new(1);
        let fresh = std::cell::Cell::new(0);
        let mut look = |delta: f64| {
            memo.get_on_repeat(0, delta, || {
                fresh.set(fresh.get() + 1);
                crate::behaviour::VoteQuantiles::new(delta, 0.2, 0.3, 0.1)
            })
        };
        for _ in 0..3 {
            assert_eq!(look(0.5), None);
            assert_eq!(look(0.25), None);
        }
        assert_eq!(fresh.get(), 0);
        let expected = Some(crate::behaviour::VoteQuantiles::new(0.25, 0.2, 0.3, 0.1));
        assert_eq!(look(0.25), expected);
        assert_eq!(look(0.25), expected);
        assert_eq!(fresh.get(), 1);
        // Another Δ takes the slot; 0.25 is still the row's last value, read without
        // computing.
        assert_eq!(look(0.5), None);
        assert_eq!(look(0.25), expected);
        assert_eq!(fresh.get(), 1);
    }

    #[test]
    fn a_rows_last_value_is_its_own_and_is_dropped_when_its_delta_changes() {
        // Two rows asked for the same Δ in turn, and a row whose Δ moves: a value read back
        // from the wrong row's entry, or a stale one for the row's previous Δ, would differ.
        let mut memo = ProbabilityMemo::new(2);
        let value = |row: usize, delta: f64| vote_probabilities(delta, 0.1 * row as f64, 0.3, 0.1);
        for _ in 0..3 {
            for (row, delta) in [(0, 0.5), (1, 0.5), (0, 0.5), (1, 0.25), (1, 0.5), (0, 0.25)] {
                assert_eq!(
                    memo.get(row, delta, || value(row, delta)),
                    value(row, delta)
                );
                let repeat = memo.get_on_repeat(row, delta, || value(row, delta));
                assert_eq!(repeat, Some(value(row, delta)), "row {row}, Δ {delta}");
            }
        }
    }

    /// The first sighting of a Δ gives nothing and computes nothing; the second computes
    /// and the third only reads, each returning the computed value. A value seen once by
    /// `get_on_repeat` is not a hit for `get`, and a value `get` stored is one for
    /// `get_on_repeat`.
    #[test]
    fn a_value_is_computed_on_its_second_sighting_only() {
        let mut memo = ProbabilityMemo::new(1);
        let fresh = std::cell::Cell::new(0);
        let look = |memo: &mut ProbabilityMemo, delta: f64| {
            memo.get_on_repeat(0, delta, || {
                fresh.set(fresh.get() + 1);
                vote_probabilities(delta, 0.2, 0.3, 0.1)
            })
        };
        assert_eq!(look(&mut memo, 0.5), None);
        assert_eq!(
            look(&mut memo, 0.5),
            Some(vote_probabilities(0.5, 0.2, 0.3, 0.1))
        );
        assert_eq!(
            look(&mut memo, 0.5),
            Some(vote_probabilities(0.5, 0.2, 0.3, 0.1))
        );
        assert_eq!(look(&mut memo, f64::NAN), None);
        assert_eq!(look(&mut memo, 0.25), None);
        assert_eq!(fresh.get(), 1);
        let p = memo.get(0, 0.25, || vote_probabilities(0.25, 0.2, 0.3, 0.1));
        assert_eq!(p, vote_probabilities(0.25, 0.2, 0.3, 0.1));
        let q = memo.get_on_repeat(0, 0.75, || unreachable!("first sighting"));
        assert_eq!(q, None);
        assert_eq!(
            memo.get(0, 0.75, || vote_probabilities(0.75, 0.2, 0.3, 0.1)),
            vote_probabilities(0.75, 0.2, 0.3, 0.1)
        );
        assert_eq!(
            memo.get_on_repeat(0, 0.75, || unreachable!("stored by get")),
            Some(vote_probabilities(0.75, 0.2, 0.3, 0.1))
        );
    }
}
