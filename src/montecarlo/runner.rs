//! Runs replications in parallel and folds them into one [`Summary`].
//!
//! Work is cut into fixed chunks of replication indices; each chunk is folded on one
//! thread by a reused [`Replication`]; chunk summaries merge exactly. Replication r always
//! uses stream r of the seed, so the result is the same for any thread count and any split
//! of the index range into shards. Chunks are taken in batches so that progress can be
//! reported and per-replication rows streamed in index order with bounded memory.

use super::invariants::BadField;
use super::summary::{RecordBatch, Summary};
use crate::model::Model;
use crate::negotiation::Replication;
use crate::outcome::Outcome;
use crate::trace::NoTrace;
use rayon::prelude::*;
use std::ops::Range;

/// Replications per unit of parallel work.
const CHUNK: u64 = 256;
/// Chunks per batch: progress and streamed rows advance one batch at a time.
const CHUNKS_PER_BATCH: u64 = 64;

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

/// Why a run could not complete.
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
    /// A per-replication row could not be written.
    #[error("cannot write the replication log: {0}")]
    Log(#[from] std::io::Error),
    /// A counter would have wrapped around (more replications than 64 bits count).
    #[error("a counter overflowed: {0}")]
    Overflow(#[from] BadField),
}

/// Receives the run's progress and, if it asks for them, rows rendered per replication.
pub trait Observer: Sync {
    /// Called after each batch with the number of replications it completed.
    fn advanced(&mut self, _replications: u64) {}

    /// Whether [`Observer::render`] should be called for every replication.
    fn wants_rows(&self) -> bool {
        false
    }

    /// Appends replication `index`'s row to `out` (called on worker threads).
    fn render(&self, _index: u64, _outcome: &Outcome, _out: &mut String) {}

    /// Receives the rows of one batch, in replication order.
    fn rows(&mut self, _rows: &str) -> std::io::Result<()> {
        Ok(())
    }
}

/// An observer that wants nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quietly;

impl Observer for Quietly {}

/// A thread pool for `threads` workers.
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, RunError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| RunError::ThreadPool {
            threads,
            reason: e.to_string(),
        })
}

/// Runs `config.replications` replications of `model` and returns their summary.
pub fn run(model: &Model, config: RunConfig) -> Result<Summary, RunError> {
    let pool = pool(config.threads)?;
    run_range(
        model,
        config.seed,
        0..config.replications,
        &pool,
        &mut Quietly,
    )
}

/// Runs replications `range` of `model` under `seed` on `pool`, reporting to `observer`.
pub fn run_range(
    model: &Model,
    seed: u64,
    range: Range<u64>,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<Summary, RunError> {
    let mut total = Summary::new(model);
    let chunks = (range.end - range.start).div_ceil(CHUNK);
    let mut chunk = 0;
    while chunk < chunks {
        let batch = chunk..(chunk + CHUNKS_PER_BATCH).min(chunks);
        let rows = observer.wants_rows();
        let shared: &dyn Observer = observer;
        let results: Vec<(Summary, String)> = pool.install(|| {
            batch
                .clone()
                .into_par_iter()
                .map_init(
                    || (Replication::new(model), RecordBatch::new(model)),
                    |(replication, batch), c| {
                        let start = range.start + c * CHUNK;
                        let end = (start + CHUNK).min(range.end);
                        let mut summary = Summary::new(model);
                        let mut text = String::new();
                        for r in start..end {
                            let outcome = replication.run(seed, r, &mut NoTrace);
                            summary.record_batched(model, outcome, batch);
                            if rows {
                                shared.render(r, outcome, &mut text);
                            }
                        }
                        summary.flush(model, batch);
                        (summary, text)
                    },
                )
                .collect()
        });
        let mut done = 0;
        for (summary, text) in &results {
            done += summary.replications;
            total.merge(summary)?;
            if rows {
                observer.rows(text)?;
            }
        }
        observer.advanced(done);
        chunk = batch.end;
    }
    Ok(total)
}
