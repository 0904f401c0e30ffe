//! The command line: `run`, `sweep`, `merge`, `trace`, `backtest`, `power`, `bench` and
//! `check`. This module holds the clap definitions and the dispatch; [`args`] the argument
//! types commands share, [`jobs`] the commands that run the Monte Carlo and write results,
//! [`inspect`] those that print about a scenario, [`output`] where output goes.
//!
//! Exit codes: 0 success; 2 bad input (a scenario with problems, a bad argument, an
//! unreadable file); 1 an internal fault (such as a failed write).

mod args;
mod inspect;
mod jobs;
mod output;

use crate::export::printable_lines;
use crate::model::Model;
use crate::scenario::{self, LoadError};
use crate::workflow::JobError;
use args::{MonteCarloArgs, RunFormat, Sharding, TraceFormat};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Exit code for bad input or usage.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code for internal faults.
pub const EXIT_INTERNAL: i32 = 1;

/// Simulate UN Security Council negotiations and votes.
#[derive(Debug, Parser)]
#[command(name = "councilsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run Monte Carlo replications and summarise the outcomes.
    Run {
        /// Scenario file (TOML).
        scenario: String,
        #[command(flatten)]
        montecarlo: MonteCarloArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Also write one CSV row per replication to this file.
        #[arg(long, value_name = "FILE.csv")]
        replication_log: Option<PathBuf>,
        #[command(flatten)]
        sharding: Sharding,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
    },
    /// Run a parameter sweep: a grid of scenario values, on common random numbers.
    Sweep {
        /// Scenario file (TOML).
        scenario: String,
        /// A swept value: PATH=V1,V2,... or PATH=LO..HI:STEPS (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUES")]
        sets: Vec<String>,
        #[command(flatten)]
        montecarlo: MonteCarloArgs,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Also draw plot.svg (against one or two swept parameters).
        #[arg(long)]
        plot: bool,
        /// Keep the cells an interrupted sweep with the same arguments finished.
        #[arg(long)]
        resume: bool,
        #[command(flatten)]
        sharding: Sharding,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
    },
    /// Merge the partial results of shards into the result of the whole run.
    Merge {
        /// Partial result files written by `run --shard` or `sweep --shard`.
        #[arg(required = true)]
        parts: Vec<String>,
        /// Output file (a run) or directory (a sweep).
        #[arg(long)]
        out: PathBuf,
        /// Output format for a run.
        #[arg(long, value_enum, default_value_t = RunFormat::Json)]
        format: RunFormat,
        /// Also draw plot.svg (a sweep).
        #[arg(long)]
        plot: bool,
    },
    /// Print the event log of one replication (exactly replication R of `run`).
    Trace {
        /// Scenario file (TOML).
        scenario: String,
        /// Master seed [default: the scenario's montecarlo.seed].
        #[arg(long)]
        seed: Option<u64>,
        /// Replication index.
        #[arg(long, default_value_t = 0)]
        replication: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Measure replications/s and events/s on your own scenario (no criterion needed).
    #[command(mut_arg("replications", |a| a
        .help("Replications to time")
        .default_value("100000")))]
    Bench {
        /// Scenario file (TOML).
        scenario: String,
        #[command(flatten)]
        montecarlo: MonteCarloArgs,
    },
    /// Compare the Monte Carlo with the real record in each scenario's `[observed]` table.
    Backtest {
        /// Scenario files (TOML) with an `[observed]` table.
        #[arg(required = true)]
        scenarios: Vec<String>,
        #[command(flatten)]
        montecarlo: MonteCarloArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
    },
    /// Print the a-priori voting power of every member under the scenario's rules.
    Power {
        /// Scenario file (TOML).
        scenario: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
    },
    /// Validate scenario files and print every problem.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
}

/// Parses `std::env::args` and runs the command; returns the process exit code.
pub fn main() -> i32 {
    match Cli::try_parse() {
        Ok(cli) => execute(cli),
        Err(e) => {
            let _ = e.print();
            e.exit_code()
        }
    }
}

/// A failure already reported to the user, carrying the exit code.
pub struct Failure(i32);

fn execute(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run {
            scenario,
            montecarlo,
            format,
            output,
            replication_log,
            sharding,
            quiet,
        } => sharding.resolve().and_then(|shard| {
            jobs::run(jobs::RunArgs {
                path: &scenario,
                mc: montecarlo,
                format,
                output,
                replication_log,
                shard,
                quiet,
            })
        }),
        Command::Sweep {
            scenario,
            sets,
            montecarlo,
            out,
            plot,
            resume,
            sharding,
            quiet,
        } => sharding.resolve().and_then(|shard| {
            jobs::sweep(jobs::SweepArgs {
                path: &scenario,
                sets: &sets,
                mc: montecarlo,
                out,
                plot,
                resume,
                shard,
                quiet,
            })
        }),
        Command::Merge {
            parts,
            out,
            format,
            plot,
        } => jobs::merge(&parts, &out, format, plot),
        Command::Trace {
            scenario,
            seed,
            replication,
            format,
            output,
        } => inspect::trace(&scenario, seed, replication, format, output),
        Command::Bench {
            scenario,
            montecarlo,
        } => inspect::bench(&scenario, &montecarlo),
        Command::Backtest {
            scenarios,
            montecarlo,
            format,
        } => inspect::backtest(&scenarios, &montecarlo, format),
        Command::Power { scenario, format } => inspect::power(&scenario, format),
        Command::Check { scenarios } => inspect::check(&scenarios),
    };
    match result {
        Ok(()) => 0,
        Err(Failure(code)) => code,
    }
}

fn load(path: &str) -> Result<Model, Failure> {
    scenario::load(path).map_err(|e| {
        report_load_error(&e);
        Failure(EXIT_BAD_INPUT)
    })
}

fn report_load_error(e: &LoadError) {
    match e {
        LoadError::Unreadable { .. } => eprintln!("error: {}", printable_lines(&e.to_string())),
        LoadError::Invalid(errors) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()))
        }
    }
}

fn job_failed(e: JobError) -> Failure {
    // Messages quote paths and the contents of files read back: escape control characters.
    eprintln!("error: {}", printable_lines(&e.to_string()));
    match e {
        JobError::Refused(_) => Failure(EXIT_BAD_INPUT),
        _ => Failure(EXIT_INTERNAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_times_its_own_default_number_of_replications() {
        let cli = Cli::try_parse_from(["councilsim", "bench", "s.toml"]).unwrap();
        match cli.command {
            Command::Bench { montecarlo, .. } => {
                assert_eq!(montecarlo.replications, Some(inspect::BENCH_REPLICATIONS));
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
