//! Runs replications in parallel and folds them into one [`Summary`].
//!
//! Replication r always uses stream r of the seed, and summaries merge exactly (integer
//! counters), so the result is the same for any thread count, any order of work and any
//! split of the index range into shards.
//!
//! Two schedules, one result. With no per-replication rows wanted (every benchmark, sweep
//! cell and plain run), each pool thread runs one worker for the whole range: one
//! [`Replication`], one [`RecordBatch`] and one [`Summary`] live across all the chunks it
//! claims from a shared counter, so nothing is set up or flushed per chunk and no thread
//! waits at a barrier until the range is done; progress reaches the calling thread over a
//! channel. When rows are wanted they must leave in index order with bounded memory, so
//! chunks are run in batches whose rows are written in order between batches.

use super::invariants::BadField;
use super::summary::{RecordBatch, Summary};
use crate::model::Model;
use crate::negotiation::Replication;
use crate::outcome::Outcome;
use crate::trace::NoTrace;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// Replications per unit of parallel work when rows are streamed.
const CHUNK: u64 = 256;
/// Chunks per batch: streamed rows advance one batch at a time.
const CHUNKS_PER_BATCH: u64 = 64;
/// Replications a worker claims at a time when no rows are wanted: small, so the threads
/// finish within a fraction of a millisecond of each other.
const CLAIM: u64 = 64;
/// Replications a worker runs between two progress reports (about ten a second per thread:
/// each wakes the calling thread, which shares the cores with the workers).
const REPORT_EVERY: u64 = 16_384;

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
    /// Called on the calling thread, as work completes, with the number of replications
    /// completed since the last call (never 0); the calls add up to the range's length.
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
/// An empty range (or one whose start is past its end) runs nothing.
pub fn run_range(
    model: &Model,
    seed: u64,
    range: Range<u64>,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<Summary, RunError> {
    if range.is_empty() {
        return Ok(Summary::new(model));
    }
    // Called from one of the pool's own threads, the workers could not all start while this
    // thread waits for their reports: the batches need no waiting thread.
    if observer.wants_rows() || pool.current_thread_index().is_some() {
        run_batches(model, seed, range, pool, observer)
    } else {
        run_workers(model, seed, range, pool, observer)
    }
}

/// [`run_range`] with no rows: one worker per pool thread claims [`CLAIM`] replications at
/// a time until the range is spent, folding them into its own summary; the calling thread
/// passes progress to `observer` and merges the workers' summaries.
fn run_workers(
    model: &Model,
    seed: u64,
    range: Range<u64>,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<Summary, RunError> {
    // Claims count chunks, not replications, so the counter stays far from wrapping
    // however close the range ends to `u64::MAX`.
    let chunks = (range.end - range.start).div_ceil(CLAIM);
    let next = AtomicU64::new(0);
    let worker = |done: &mpsc::Sender<u64>| {
        let mut replication = Replication::new(model);
        let mut batch = RecordBatch::new(model);
        let mut summary = Summary::new(model);
        let mut unreported = 0;
        loop {
            let claim = next.fetch_add(1, Ordering::Relaxed);
            if claim >= chunks {
                break;
            }
            let start = range.start + claim * CLAIM;
            let end = range.end.min(start.saturating_add(CLAIM));
            for r in start..end {
                let outcome = replication.run(seed, r, &mut NoTrace);
                summary.record_batched(model, outcome, &mut batch);
            }
            unreported += end - start;
            // A report fails only once the calling thread has stopped listening (its
            // observer panicked): then nothing more is worth running.
            if unreported >= REPORT_EVERY && done.send(std::mem::take(&mut unreported)).is_err() {
                break;
            }
        }
        summary.flush(model, &mut batch);
        if unreported > 0 {
            let _ = done.send(unreported);
        }
        summary
    };
    let (done, reports) = mpsc::channel();
    let summaries = std::thread::scope(|scope| {
        // The workers run on the pool from a helper thread, so this one stays free to pass
        // their reports on. The channel closes when the helper's sender and every worker's
        // clone are gone, which is when all workers have ended (or unwound): the loop below
        // then ends and `join` hands back their summaries or their panic.
        let helper = std::thread::Builder::new()
            .name("councilsim-runner".into())
            .spawn_scoped(scope, move || pool.broadcast(|_| worker(&done.clone())))
            .map_err(|e| RunError::ThreadPool {
                threads: pool.current_num_threads(),
                reason: e.to_string(),
            })?;
        for replications in reports {
            observer.advanced(replications);
        }
        Ok::<_, RunError>(
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    })?;
    let mut total = Summary::new(model);
    for summary in &summaries {
        total.merge(summary)?;
    }
    Ok(total)
}

/// [`run_range`] with rows: batches of [`CHUNKS_PER_BATCH`] chunks run in parallel, and
/// each batch's rows are handed to `observer` in replication order before the next starts.
fn run_batches(
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
        let shared: &dyn Observer = observer;
        let results: Vec<(Summary, String)> = pool.install(|| {
            batch
                .clone()
                .into_par_iter()
                .map_init(
                    || (Replication::new(model), RecordBatch::new(model)),
                    |(replication, batch), c| {
                        let start = range.start + c * CHUNK;
                        let end = start.saturating_add(CHUNK).min(range.end);
                        let mut summary = Summary::new(model);
                        let mut text = String::new();
                        for r in start..end {
                            let outcome = replication.run(seed, r, &mut NoTrace);
                            summary.record_batched(model, outcome, batch);
                            shared.render(r, outcome, &mut text);
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
            observer.rows(text)?;
        }
        observer.advanced(done);
        chunk = batch.end;
    }
    Ok(total)
}
