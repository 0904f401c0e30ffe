//! Random streams: one ChaCha8 stream per replication, cut into one sub-stream per random
//! process, and the few draws the model needs.
//!
//! Replication r of seed S always uses `ChaCha8Rng::seed_from_u64(S)` with stream r, set
//! before the first draw. That is what makes `trace --replication r` replay exactly the
//! replication `run` counted, on any thread and in any shard.
//!
//! Each random process reads its own stretch of stream r, starting at a fixed word position
//! (ChaCha8's word position has 68 bits; the stretches are 2⁶⁴ words apart, far more than a
//! replication ever reads):
//!
//! | process | first word | draws |
//! |---|---|---|
//! | [`Stream::Votes`] | 0 | vote noise and bloc-follower draws at the meeting |
//! | [`Stream::Consultations`] | 2⁶⁴ | round lengths and lobbying contact times |
//! | [`Stream::Instructions`] | 2 · 2⁶⁴ | capital instructions: arrival times, member, dimension, size |
//! | [`Stream::Presence`] | 4 · 2⁶⁴ = 2⁶⁶ | does a member turn up to vote? |
//!
//! So the number of draws one process makes (no instruction at rate 0, one more round
//! when rounds are shorter, no presence draw when every turnout is 1) never shifts another
//! process's draws: replication r of two scenarios that differ in such a parameter still
//! share their vote draws, which is what common random numbers across a sweep need.
//!
//! A simulator draws through one [`ProcessRng`] per process, kept across its replications:
//! keyed once per master seed (the key schedule of `seed_from_u64` is not redone for every
//! replication), then pointed at replication r's stretch by [`ProcessRng::start`], which
//! sets the stream and the word position and computes no block. Its draws are exactly those of
//! [`process_rng`]`(S, r, process)`: the same words of the same stream, in the same order.

use crate::model::Duration;
use core::convert::Infallible;
use rand::{Rng, SeedableRng, TryRng};
use rand_chacha::ChaCha8Rng;

/// The random processes of a replication, each read from its own part of the replication's
/// stream (see the module documentation for the layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Vote noise and bloc-follower draws at the meeting.
    Votes,
    /// Consultation round lengths and lobbying contact times.
    Consultations,
    /// Capital instructions: when, who, on which dimension, by how much.
    Instructions,
    /// Presence at the vote (drawn only when a turnout is below 1).
    Presence,
}

impl Stream {
    /// Where the process's draws begin in the replication's stream, in 32-bit words: a
    /// block boundary (a multiple of 16 words), so that seeking there computes no block.
    pub const fn first_word(self) -> u128 {
        match self {
            Stream::Votes => 0,
            Stream::Consultations => 1 << 64,
            Stream::Instructions => 2 << 64,
            Stream::Presence => 4 << 64,
        }
    }
}

/// The generator of replication `replication` under master seed `seed`, at word 0 (where
/// the vote draws are read).
pub fn replication_rng(seed: u64, replication: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(replication);
    rng
}

/// Moves `rng` (a replication's generator) to the start of `process`'s draws: the same
/// stream, read from [`Stream::first_word`]. Cheap: no block is computed until the first
/// draw.
pub fn seek(rng: &mut ChaCha8Rng, process: Stream) {
    rng.set_word_pos(process.first_word());
}

/// The generator of replication `replication`'s draws for `process`.
pub fn process_rng(seed: u64, replication: u64, process: Stream) -> ChaCha8Rng {
    let mut rng = replication_rng(seed, replication);
    seek(&mut rng, process);
    rng
}

/// The generator of replication `replication`'s presence draws (does a member turn up to
/// vote?): [`Stream::Presence`] of the replication's stream.
pub fn presence_rng(seed: u64, replication: u64) -> ChaCha8Rng {
    process_rng(seed, replication, Stream::Presence)
}

/// 32-bit words a [`ProcessRng`] buffers: one refill of ChaCha8Rng (4 blocks of 16).
const WORDS: usize = 64;

/// One random process's generator, reused from replication to replication by a simulator.
///
/// Building a fresh [`process_rng`] for every replication redoes `seed_from_u64`'s key
/// set-up and copies a generator with its 256-byte buffer; replications of one run share
/// their master seed, so this keeps the keyed generator and, per replication, only moves it
/// (stream and word position: no block is computed until the first draw, so a process that
/// draws nothing costs nothing).
///
/// Draws are read from its own copy of the generator's words (four blocks at a time, taken
/// with one `fill_bytes`), so that a `u64` is one load: `ChaCha8Rng::next_u64` assembles
/// it from two `u32` loads and keeps its index inside its buffer. The words, and the order
/// they are used in, are ChaCha8Rng's own (`rand_core`'s `BlockRng`): a `u64` is the next
/// word (low half) and the one after (high half), across a refill too when only one word
/// is left. So the draws are those of [`process_rng`]`(seed, replication, process)`, word
/// for word (the module's unit tests compare them).
#[derive(Clone)]
pub struct ProcessRng {
    /// The words `rng` produced last, little-endian, in stream order.
    words: [u8; 4 * WORDS],
    /// The next word of `words` to use; `WORDS` when every one is used.
    next: usize,
    /// Which stretch of a replication's stream this generator reads.
    process: Stream,
    /// The master seed `rng` is keyed with (`None` before the first [`ProcessRng::start`]).
    seed: Option<u64>,
    /// The generator, just past `words` (its own buffer always used up: seeking and
    /// setting the stream then never recompute a block).
    rng: ChaCha8Rng,
}

// Like ChaCha8Rng's, the Debug output leaves out the buffered words.
impl std::fmt::Debug for ProcessRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessRng")
            .field("process", &self.process)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl ProcessRng {
    /// A generator for `process`, to be [`start`](ProcessRng::start)ed before any draw.
    pub fn new(process: Stream) -> Self {
        ProcessRng {
            words: [0; 4 * WORDS],
            next: WORDS,
            process,
            seed: None,
            rng: ChaCha8Rng::from_seed([0; 32]),
        }
    }

    /// Points the generator at the start of `process`'s draws in replication `replication`
    /// of master seed `seed`, whatever it drew before. Re-keys only when the seed changes.
    pub fn start(&mut self, seed: u64, replication: u64) {
        if self.seed != Some(seed) {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
            self.seed = Some(seed);
        }
        // The stream first: `rng` has no buffered word (see the field), so this only sets
        // the stream, and the seek below refills nothing at a block boundary.
        self.rng.set_stream(replication);
        self.seek(self.process.first_word());
    }

    /// Moves to word `word` of the current stream, as `ChaCha8Rng::set_word_pos` does:
    /// lazily at a block boundary, else computing the block at once and skipping into it.
    fn seek(&mut self, word: u128) {
        self.rng.set_word_pos(word & !15);
        let skip = (word % 16) as usize;
        self.next = WORDS;
        if skip != 0 {
            self.refill();
            self.next = skip;
        }
    }

    /// The next four blocks into `words` (`rng` has none buffered, so it computes them and
    /// hands them over whole, its own buffer used up again).
    fn refill(&mut self) {
        self.rng.fill_bytes(&mut self.words);
    }

    /// Word `i` of `words`.
    #[inline(always)]
    fn word(&self, i: usize) -> u32 {
        u32::from_le_bytes([
            self.words[4 * i],
            self.words[4 * i + 1],
            self.words[4 * i + 2],
            self.words[4 * i + 3],
        ])
    }

    /// Words `i` (low half) and `i + 1` (high half) of `words` (`i < WORDS - 1`).
    #[inline(always)]
    fn pair(&self, i: usize) -> u64 {
        let bytes: [u8; 8] = self.words[4 * i..4 * i + 8]
            .try_into()
            .expect("eight bytes");
        u64::from_le_bytes(bytes)
    }

    /// `next_u64` when fewer than two words are left: `BlockRng::next_u64_from_u32`'s order
    /// (the last word is the low half, the first of the refill the high half).
    #[cold]
    #[inline(never)]
    fn next_u64_refilling(&mut self) -> u64 {
        if self.next == WORDS - 1 {
            let lo = self.word(WORDS - 1);
            self.refill();
            self.next = 1;
            u64::from(lo) | u64::from(self.word(0)) << 32
        } else {
            self.refill();
            self.next = 2;
            self.pair(0)
        }
    }
}

impl TryRng for ProcessRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        if self.next >= WORDS {
            self.refill();
            self.next = 0;
        }
        let value = self.word(self.next);
        self.next += 1;
        Ok(value)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let i = self.next;
        if i < WORDS - 1 {
            self.next = i + 2;
            Ok(self.pair(i))
        } else {
            Ok(self.next_u64_refilling())
        }
    }

    /// Whole words in order, the last one cut short if `dst`'s length is not a multiple
    /// of 4 (its rest is discarded), as `BlockRng::fill_bytes` does.
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let mut chunks = dst.chunks_exact_mut(4);
        for chunk in &mut chunks {
            chunk.copy_from_slice(&self.next_u32().to_le_bytes());
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let n = rest.len();
            rest.copy_from_slice(&self.next_u32().to_le_bytes()[..n]);
        }
        Ok(())
    }
}

/// A uniform draw in the open interval (0, 1), from 53 random bits.
#[inline]
pub fn open_unit<R: Rng>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index in `0..n` (n > 0), by Lemire's multiply-shift (bias below 2⁻³²
/// for the sizes used here).
#[inline]
pub fn index<R: Rng>(rng: &mut R, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// A duration in whole minutes (at least one), drawn from `dist` (given in minutes).
pub fn duration<R: Rng>(rng: &mut R, dist: Duration) -> u64 {
    let u = open_unit(rng);
    let minutes = match dist {
        Duration::Fixed(v) => v,
        Duration::Uniform(lo, hi) => lo + (hi - lo) * u,
        Duration::Triangular(lo, mode, hi) => {
            if hi <= lo {
                lo
            } else {
                let cut = (mode - lo) / (hi - lo);
                if u < cut {
                    lo + ((hi - lo) * (mode - lo) * u).sqrt()
                } else {
                    hi - ((hi - lo) * (hi - mode) * (1.0 - u)).sqrt()
                }
            }
        }
        Duration::Exponential(mean) => -mean * u.ln(),
    };
    crate::model::round_half_away(minutes).max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| replication_rng(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            replication_rng(7, 3).next_u64(),
            replication_rng(7, 4).next_u64()
        );
        assert_ne!(
            replication_rng(7, 3).next_u64(),
            replication_rng(8, 3).next_u64()
        );
    }

    #[test]
    fn presence_draws_are_apart_from_the_main_stream() {
        let mut main = replication_rng(7, 3);
        let mut presence = presence_rng(7, 3);
        let first: Vec<u64> = (0..64).map(|_| main.next_u64()).collect();
        let other: Vec<u64> = (0..64).map(|_| presence.next_u64()).collect();
        assert!(first.iter().all(|x| !other.contains(x)));
        assert_eq!(presence_rng(7, 3).next_u64(), other[0]);
        assert_ne!(presence_rng(7, 4).next_u64(), other[0]);
    }

    #[test]
    fn every_process_reads_its_own_part_of_the_stream() {
        let processes = [
            Stream::Votes,
            Stream::Consultations,
            Stream::Instructions,
            Stream::Presence,
        ];
        let draws: Vec<Vec<u64>> = processes
            .iter()
            .map(|&p| {
                let mut rng = process_rng(7, 3, p);
                (0..64).map(|_| rng.next_u64()).collect()
            })
            .collect();
        for (a, x) in draws.iter().enumerate() {
            for y in &draws[a + 1..] {
                assert!(x.iter().all(|v| !y.contains(v)));
            }
        }
        // Votes are the replication's stream from word 0; any process is reproducible
        // and depends on the replication.
        assert_eq!(replication_rng(7, 3).next_u64(), draws[0][0]);
        assert_eq!(
            process_rng(7, 3, Stream::Instructions).next_u64(),
            draws[2][0]
        );
        assert_ne!(
            process_rng(7, 4, Stream::Instructions).next_u64(),
            draws[2][0]
        );
        // Seeking a generator that has already drawn lands where a fresh one starts.
        let mut used = replication_rng(7, 3);
        used.next_u64();
        seek(&mut used, Stream::Consultations);
        assert_eq!(used.next_u64(), draws[1][0]);
        // Word positions have 68 bits: every start is distinct within them.
        assert!(processes.iter().all(|p| p.first_word() < 1 << 68));
    }

    #[test]
    fn draws_stay_in_range() {
        let mut rng = replication_rng(1, 0);
        for _ in 0..10_000 {
            let u = open_unit(&mut rng);
            assert!(u > 0.0 && u < 1.0);
            assert!(index(&mut rng, 15) < 15);
            let d = duration(&mut rng, Duration::Triangular(60.0, 100.0, 200.0));
            assert!((60..=200).contains(&d));
        }
    }

    const PROCESSES: [Stream; 4] = [
        Stream::Votes,
        Stream::Consultations,
        Stream::Instructions,
        Stream::Presence,
    ];

    #[test]
    fn process_starts_are_block_boundaries() {
        assert!(PROCESSES.iter().all(|p| p.first_word() % 16 == 0));
    }

    /// A reused [`ProcessRng`], restarted after any number of draws, under a changing or
    /// repeated seed, draws exactly what a fresh [`process_rng`] draws, through every draw
    /// function and across buffer refills.
    #[test]
    fn a_restarted_process_rng_draws_what_a_fresh_one_draws() {
        let mut reused = PROCESSES.map(ProcessRng::new);
        let mut count = 0;
        for (k, &(seed, replication)) in [
            (7, 3),
            (7, 4),
            (7, 3),
            (8, 3),
            (8, 0),
            (0, 0),
            (7, u64::MAX),
            (u64::MAX, 12),
        ]
        .iter()
        .enumerate()
        {
            for (p, rng) in PROCESSES.iter().zip(reused.iter_mut()) {
                rng.start(seed, replication);
                let mut fresh = process_rng(seed, replication, *p);
                // From 0 to a few hundred draws: some restarts happen mid-buffer.
                let draws = (k * 37 + 11 * p.first_word().count_ones() as usize) % 300;
                for i in 0..draws {
                    match i % 5 {
                        0 | 1 => assert_eq!(rng.next_u64(), fresh.next_u64()),
                        2 => assert_eq!(open_unit(rng).to_bits(), open_unit(&mut fresh).to_bits()),
                        3 => assert_eq!(index(rng, 15), index(&mut fresh, 15)),
                        _ => assert_eq!(
                            duration(rng, Duration::Triangular(60.0, 100.0, 200.0)),
                            duration(&mut fresh, Duration::Triangular(60.0, 100.0, 200.0))
                        ),
                    }
                    count += 1;
                }
            }
        }
        assert!(count > 1000);
    }

    /// Word for word what `ChaCha8Rng` gives from the same seed, stream and word position
    /// (odd ones, ones just before a refill, block boundaries), over tens of thousands of
    /// `u64` draws that cross many refills, alone and mixed with every other draw.
    #[test]
    fn a_process_rng_draws_chacha8rngs_words_in_chacha8rngs_order() {
        let mut u64_draws = 0;
        for &(seed, stream) in &[(7, 3), (0, 0), (u64::MAX, 1 << 40), (12345, u64::MAX)] {
            for &word in &[
                0u128,
                1,
                2,
                15,
                16,
                17,
                62,
                63,
                64,
                65,
                127,
                1 << 64,
                (4 << 64) + 13,
                (1 << 68) - 1,
            ] {
                let mut ours = ProcessRng::new(Stream::Votes);
                ours.start(seed, stream);
                ours.seek(word);
                let mut theirs = replication_rng(seed, stream);
                theirs.set_word_pos(word);
                // u64 draws only: from an odd word every one straddles two buffered words,
                // and one in 32 straddles a refill.
                for _ in 0..3000 {
                    assert_eq!(ours.next_u64(), theirs.next_u64());
                    u64_draws += 1;
                }
                // Mixed: a u32 now and then shifts the parity of the u64s that follow.
                for i in 0..3000u32 {
                    match i.wrapping_mul(2_654_435_761) % 7 {
                        0 => assert_eq!(ours.next_u32(), theirs.next_u32()),
                        1 => assert_eq!(
                            open_unit(&mut ours).to_bits(),
                            open_unit(&mut theirs).to_bits()
                        ),
                        2 => assert_eq!(index(&mut ours, 15), index(&mut theirs, 15)),
                        3 => assert_eq!(
                            duration(&mut ours, Duration::Exponential(30.0)),
                            duration(&mut theirs, Duration::Exponential(30.0))
                        ),
                        4 => {
                            let n = (i % 300) as usize;
                            let (mut a, mut b) = (vec![0u8; n], vec![0u8; n]);
                            ours.fill_bytes(&mut a);
                            theirs.fill_bytes(&mut b);
                            assert_eq!(a, b);
                        }
                        _ => {
                            assert_eq!(ours.next_u64(), theirs.next_u64());
                            u64_draws += 1;
                        }
                    }
                }
            }
        }
        assert!(u64_draws > 10_000);
    }

    /// Starting, and seeking to a block boundary, compute no block: a process that draws
    /// nothing costs nothing.
    #[test]
    fn starting_computes_no_block() {
        let mut rng = ProcessRng::new(Stream::Consultations);
        rng.start(7, 3);
        assert_eq!(rng.next, WORDS);
        rng.next_u64();
        rng.start(7, 4);
        assert_eq!(rng.next, WORDS);
        rng.seek(16);
        assert_eq!(rng.next, WORDS);
        rng.seek(17);
        assert_eq!(rng.next, 1);
    }
}
