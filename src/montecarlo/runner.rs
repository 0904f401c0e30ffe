//! Runs replications in parallel and folds them into one [`Summary`].
//!
//! Work is cut into fixed chunks of replication indices; each chunk is folded on one
//! thread by a reused [`Replication`]; chunk summaries merge exactly. Replication r always
//! uses stream r of the seed, so the result is the same for any thread count.

use super::summary::Summary;
use crate::model::Model;
use crate::negotiation::Replication;
use crate::trace::NoTrace;
use rayon::prelude::*;

/// Replications per unit of parallel work.
const CHUNK: u64 = 256;

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Number of replications (indices `0..replications`).
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (at least 1).
    pub threads: usize,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// What rayon said.
        reason: String,
    },
}

/// Runs `config.replications` replications of `model` and returns their summary.
pub fn run(model: &Model, config: RunConfig) -> Result<Summary, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.max(1))
        .build()
        .map_err(|e| RunError::ThreadPool {
            threads: config.threads,
            reason: e.to_string(),
        })?;
    let chunks = config.replications.div_ceil(CHUNK);
    let summary = pool.install(|| {
        (0..chunks)
            .into_par_iter()
            .fold(
                || (Replication::new(model), Summary::new(model)),
                |(mut replication, mut summary), chunk| {
                    let start = chunk * CHUNK;
                    let end = (start + CHUNK).min(config.replications);
                    for r in start..end {
                        summary.record(replication.run(config.seed, r, &mut NoTrace));
                    }
                    (replication, summary)
                },
            )
            .map(|(_, summary)| summary)
            .reduce(
                || Summary::new(model),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            )
    });
    Ok(summary)
}
