//! Monte Carlo: many replications folded into a [`Summary`] that merges exactly.

pub mod invariants;
pub mod runner;
pub mod shard;
pub mod summary;

pub use invariants::BadField;
pub use runner::{run, RunConfig, RunError};
pub use summary::{BallotSummary, Moments, RecordBatch, Summary};
