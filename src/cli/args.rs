//! Argument types shared by several commands: how many replications from which seed on
//! how many threads ([`MonteCarloArgs`]), which shard to compute ([`Sharding`]) and the
//! output formats. Each is parsed in one place, so every command reads them alike.

use super::error::Error;
use crate::model::Model;
use crate::montecarlo::shard::Shard;
use crate::scenario::limits;
use clap::ValueEnum;

/// How many replications, from which seed, on how many threads.
#[derive(Debug, clap::Args)]
pub struct MonteCarloArgs {
    /// Replications (per cell, per scenario) [default: the scenario's montecarlo.replications].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_REPLICATIONS))]
    pub replications: Option<u64>,
    /// Master seed [default: the scenario's montecarlo.seed].
    #[arg(long, value_parser = seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. The result does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl MonteCarloArgs {
    /// Replications, seed and threads, with the scenario's defaults filled in.
    pub fn resolve(&self, model: &Model) -> (u64, u64, usize) {
        (
            self.replications.unwrap_or(model.montecarlo.replications),
            self.seed.unwrap_or(model.montecarlo.seed),
            thread_count(self.threads),
        )
    }
}

/// Which share of the replications to compute.
#[derive(Debug, clap::Args)]
pub struct Sharding {
    /// Compute shard I of N (I from 0 to N-1) and write a partial result for `merge`.
    /// Without it, a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a
    /// Kubernetes indexed job (JOB_COMPLETION_INDEX with --shards) sets it.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Number of shards when the scheduler gives only the index (Kubernetes).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shards: Option<u64>,
}

impl Sharding {
    /// The shard from `--shard`, or else from a cluster scheduler's environment.
    pub fn resolve(&self) -> Result<Option<Shard>, Error> {
        let shard = match &self.shard {
            Some(text) => Shard::parse(text).map(Some),
            None => Shard::from_env(|k| std::env::var(k).ok(), self.shards),
        };
        shard.map_err(Error::Usage)
    }
}

/// Output format of a run, a backtest or a power table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// A readable table.
    Table,
    /// The JSON summary contract.
    Json,
}

/// Output format of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Indented text for people.
    Text,
    /// One JSON object per line.
    Jsonl,
}

/// Output format of a delegation's brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BriefFormat {
    /// Plain text for a terminal.
    Text,
    /// Markdown, for a handout.
    Markdown,
    /// A complete, self-contained HTML page.
    Html,
}

/// `--threads`, or all cores.
pub fn thread_count(threads: Option<u64>) -> usize {
    threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |t| t as usize,
    )
}

/// Parses a master seed: an integer from 0 to 2⁶⁴ − 1. Negative numbers reach this parser
/// (rather than being taken for flags, which made clap suggest `-- -1`) so that the
/// message can say what a seed is.
pub fn seed(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("seeds are integers from 0 to 2^64 - 1 ({})", u64::MAX))
}

/// Parses a noise scale: a finite number ≥ 0 that multiplies every temperature.
pub fn noise_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(k) if k.is_finite() && k >= 0.0 => Ok(k),
        _ => Err(format!(
            "`{text}` is not a noise scale: expected a finite number ≥ 0"
        )),
    }
}
