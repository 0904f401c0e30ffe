//! A fixed-size set of members, the unit in which votes are recorded.
//!
//! Votes are stored as bitsets rather than lists so that an [`crate::outcome::Outcome`] is
//! `Copy`-sized, comparing two abstention blocs is four word comparisons, and the hot loop
//! never allocates. The size is fixed at [`MAX_MEMBERS`], the limit the scenario validator
//! enforces.

/// The largest body a scenario may describe. 256 covers the General Assembly (193) with room
/// for reform proposals, and keeps a set at four machine words.
pub const MAX_MEMBERS: usize = 256;

const WORDS: usize = MAX_MEMBERS / 64;

/// A set of member indices (`0..MAX_MEMBERS`), ordered so it can key a `BTreeMap`
/// deterministically.
#[derive(
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Debug,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct MemberSet([u64; WORDS]);

impl MemberSet {
    /// The empty set.
    pub const EMPTY: MemberSet = MemberSet([0; WORDS]);

    /// A hash of the set's bits for direct-mapped caches (not a `Hash`: no hasher state,
    /// a few instructions per word).
    #[inline]
    pub fn mix(&self, seed: u64) -> u64 {
        self.0.iter().fold(seed, |h, &w| {
            (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
        })
    }

    /// Adds member `i`.
    #[inline]
    pub fn insert(&mut self, i: usize) {
        self.0[i >> 6] |= 1 << (i & 63);
    }

    /// Whether member `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.0[i >> 6] & (1 << (i & 63)) != 0
    }

    /// Number of members in the set.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set has no member.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// Members in both sets.
    #[inline]
    pub fn intersection(&self, other: &MemberSet) -> MemberSet {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a &= *b;
        }
        out
    }

    /// Member indices in increasing order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            words: &self.0,
            word: 0,
            bits: self.0[0],
        }
    }
}

/// The members of a [`MemberSet`] in increasing order: one word at a time, each member
/// by its lowest set bit (a hand-written loop; bloc votes and summaries walk sets in the
/// hot loop, where a chain of iterator adapters cost several times as much).
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    words: &'a [u64; WORDS],
    /// The word `bits` came from.
    word: usize,
    /// The members of that word not yet returned.
    bits: u64,
}

impl Iterator for Iter<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.word += 1;
            if self.word >= WORDS {
                return None;
            }
            self.bits = self.words[self.word];
        }
        let b = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.word * 64 + b)
    }
}

impl FromIterator<usize> for MemberSet {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut set = MemberSet::EMPTY;
        for i in iter {
            set.insert(i);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_contains_iterate_across_words() {
        let set: MemberSet = [0, 63, 64, 200, 255].into_iter().collect();
        assert_eq!(set.len(), 5);
        assert!(set.contains(64) && set.contains(255) && !set.contains(65));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 63, 64, 200, 255]);
        let other: MemberSet = [63, 200, 7].into_iter().collect();
        assert_eq!(
            set.intersection(&other).iter().collect::<Vec<_>>(),
            vec![63, 200]
        );
        assert!(MemberSet::EMPTY.is_empty());
        assert_eq!(MemberSet::EMPTY.iter().next(), None);
        let last: MemberSet = [255].into_iter().collect();
        assert_eq!(last.iter().collect::<Vec<_>>(), vec![255]);
        let mut done = last.iter();
        assert_eq!(
            (done.next(), done.next(), done.next()),
            (Some(255), None, None)
        );
    }
}
