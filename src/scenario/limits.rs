//! Size limits on scenarios, so that a shared file cannot exhaust the machine.
//!
//! Each limit is checked by the validator and named in its error message.

/// Most delegations in a body (the width of a [`crate::memberset::MemberSet`]).
pub const MAX_MEMBERS: usize = crate::memberset::MAX_MEMBERS;
/// Most policy dimensions.
pub const MAX_DIMENSIONS: usize = 64;
/// Most provisions over all drafts and amendments.
pub const MAX_PROVISIONS: usize = 4096;
/// Most drafts.
pub const MAX_DRAFTS: usize = 64;
/// Most amendments.
pub const MAX_AMENDMENTS: usize = 1024;
/// Most procedural motions.
pub const MAX_MOTIONS: usize = 64;
/// Most blocs.
pub const MAX_BLOCS: usize = 256;
/// Most lobbying relations.
pub const MAX_RELATIONS: usize = 65_536;
/// Most replications in one run.
pub const MAX_REPLICATIONS: u64 = 1_000_000_000_000;
/// Latest meeting day: one year of negotiation.
pub const MAX_VOTE_DAY: f64 = 366.0;
/// Largest scenario file in bytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest magnitude of a dimension's bounds (hence of every position), of a salience, an
/// act bonus, a threshold, a temperature, a motion bias and a lobbying pull.
///
/// Derived so that every Δ the model computes is finite: a gap between two positions is at
/// most 2·10⁶, so with the distance exponent p ≤ 8 one term is at most (2·10⁶)⁸ ≈ 2.6·10⁵⁰;
/// times a salience ≤ 10⁶ over at most [`MAX_DIMENSIONS`] = 64 dimensions, a utility is at
/// most ≈ 1.7·10⁵⁸ in magnitude, a difference of two at most ≈ 3.3·10⁵⁸. Lobbying adds at most
/// [`MAX_RELATIONS`] · 10⁶ ≈ 6.6·10¹⁰, the act bonus, thresholds and motion bias 10⁶ each,
/// and the vote noise τ·ln(u/(1−u)) at most 10⁶ · 38. Every Δ stays below 10⁵⁹, far from
/// f64's 1.8·10³⁰⁸, so no vote is ever decided by an infinity or a NaN.
pub const MAX_MAGNITUDE: f64 = 1e6;
