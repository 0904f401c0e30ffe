//! Random streams: one ChaCha8 stream per replication, and the few draws the model needs.
//!
//! Replication r of seed S always uses `ChaCha8Rng::seed_from_u64(S)` with stream r, set
//! before the first draw. That is what makes `trace --replication r` replay exactly the
//! replication `run` counted, on any thread and in any shard.

use crate::model::Duration;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator of replication `replication` under master seed `seed`.
pub fn replication_rng(seed: u64, replication: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(replication);
    rng
}

/// Where, in replication r's stream, the presence draws begin (in 32-bit words): far beyond
/// anything the rest of the replication reads (2⁶⁶ words), so they never overlap.
const PRESENCE_WORD: u128 = 1 << 66;

/// The generator of replication `replication`'s presence draws (does a member turn up to
/// vote?): the same stream as [`replication_rng`], read from a distant position. Keeping
/// them apart means the number of presence draws (none when every turnout is 1) never
/// shifts the replication's other draws, so common random numbers hold across turnout.
pub fn presence_rng(seed: u64, replication: u64) -> ChaCha8Rng {
    let mut rng = replication_rng(seed, replication);
    rng.set_word_pos(PRESENCE_WORD);
    rng
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
    minutes.round().max(1.0) as u64
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
}
