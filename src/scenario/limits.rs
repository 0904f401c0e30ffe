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
