//! The commands that look at a scenario and print to standard output: `check`, `trace`,
//! `power`, `backtest` and `bench`. None writes a file unless asked with `--output`.

use super::args::{MonteCarloArgs, RunFormat, TraceFormat};
use super::error::Error;
use super::output::{emit, pretty_json, stdout};
use crate::export::{power_table, printable, trace as trace_export};
use crate::montecarlo::{self, RunConfig};
use crate::negotiation::Replication;
use crate::scenario;
use crate::trace::TraceLog;
use crate::workflow;
use std::path::PathBuf;

/// Replications `bench` times when `--replications` is not given.
pub const BENCH_REPLICATIONS: u64 = 100_000;

/// `councilsim bench`: times a run of the scenario.
pub fn bench(path: &str, mc: &MonteCarloArgs) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let (_, seed, threads) = mc.resolve(&model);
    let replications = mc.replications.unwrap_or(BENCH_REPLICATIONS);
    let config = RunConfig {
        replications,
        seed,
        threads,
    };
    let start = std::time::Instant::now();
    let summary = montecarlo::run(&model, config)?;
    let seconds = start.elapsed().as_secs_f64();
    let events = summary.events.sum as f64;
    let text = format!(
        "{}
{} replications on {} thread{} in {:.3} s
replications/s: {:.0}
events/s: {:.0} ({:.1} events per replication)
",
        printable(&model.name),
        replications,
        config.threads,
        if config.threads == 1 { "" } else { "s" },
        seconds,
        replications as f64 / seconds,
        events / seconds,
        events / replications as f64
    );
    emit(None, &text)
}

/// `councilsim trace`: the event log of one replication.
pub fn trace(
    path: &str,
    seed: Option<u64>,
    replication: u64,
    format: TraceFormat,
    output: Option<PathBuf>,
) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let seed = seed.unwrap_or(model.montecarlo.seed);
    let mut log = TraceLog::default();
    Replication::new(&model).run(seed, replication, &mut log);
    let text = match format {
        TraceFormat::Text => trace_export::text(&model, seed, replication, &log),
        TraceFormat::Jsonl => trace_export::jsonl(&model, seed, replication, &log),
    };
    emit(output, &text)
}

/// `councilsim backtest`: the Monte Carlo against each scenario's `[observed]` record.
pub fn backtest(paths: &[String], mc: &MonteCarloArgs, format: RunFormat) -> Result<(), Error> {
    let mut checks = Vec::with_capacity(paths.len());
    for path in paths {
        let model = scenario::load(path)?;
        if model.observed.is_none() {
            return Err(Error::Usage(format!(
                "{path} has no [observed] table to compare with"
            )));
        }
        let (n, seed, threads) = mc.resolve(&model);
        let summary = workflow::run_replications(&model, seed, 0..n, threads, None, true)?;
        checks.push(crate::backtest::check(path, &model, &summary, seed));
    }
    let text = match format {
        RunFormat::Table => crate::backtest::render(&checks),
        RunFormat::Json => pretty_json(&checks)?,
    };
    emit(None, &text)
}

/// `councilsim power`: a-priori voting power under the scenario's rules.
pub fn power(path: &str, format: RunFormat) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let power = crate::power::indices(&model);
    let text = match format {
        RunFormat::Json => pretty_json(&power)?,
        RunFormat::Table => power_table::render(&model.name, &power),
    };
    emit(None, &text)
}

/// `councilsim check`: validates every file, prints a line for each valid one and
/// reports every problem of the others. A reader that closes standard output early
/// stops the lines, not the checks: an invalid file still makes the exit code 2.
pub fn check(paths: &[String]) -> Result<(), Error> {
    let mut failed = Vec::new();
    let mut reader_gone = false;
    for path in paths {
        match scenario::load(path) {
            Ok(model) if !reader_gone => {
                let line = format!(
                    "ok: {} ({}: {} members, {} dimensions, {} drafts, {} amendments, {} motions)\n",
                    printable(path),
                    printable(&model.name),
                    model.members.len(),
                    model.dim_count(),
                    model.drafts.len(),
                    model.amendments.len(),
                    model.motions.len()
                );
                match stdout(&line) {
                    Err(Error::BrokenPipe) => reader_gone = true,
                    other => other?,
                }
            }
            Ok(_) => {}
            Err(e) => failed.push(e),
        }
    }
    if !failed.is_empty() {
        Err(Error::Scenarios(failed))
    } else if reader_gone {
        Err(Error::BrokenPipe)
    } else {
        Ok(())
    }
}
