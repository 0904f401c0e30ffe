//! The command line: `run`, `trace`, `bench` and `check`.
//!
//! Exit codes: 0 success; 2 bad input (a scenario with problems, a bad argument, an
//! unreadable file); 1 an internal fault (such as a failed write).

use crate::export::{self, report, table, trace as trace_export};
use crate::model::Model;
use crate::montecarlo::{self, RunConfig};
use crate::negotiation::Replication;
use crate::scenario::{self, limits, LoadError};
use crate::trace::TraceLog;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
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
        /// Replications [default: the scenario's montecarlo.replications].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_REPLICATIONS))]
        replications: Option<u64>,
        /// Master seed [default: the scenario's montecarlo.seed].
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads [default: all cores]. The result does not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
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
    Bench {
        /// Scenario file (TOML).
        scenario: String,
        /// Replications to time.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_REPLICATIONS))]
        replications: u64,
        /// Master seed [default: the scenario's montecarlo.seed].
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads [default: all cores].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
    },
    /// Validate scenario files and print every problem.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RunFormat {
    /// A readable table.
    Table,
    /// The JSON summary contract.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TraceFormat {
    /// Indented text for people.
    Text,
    /// One JSON object per line.
    Jsonl,
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
struct Failure(i32);

fn execute(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run {
            scenario,
            replications,
            seed,
            threads,
            format,
            output,
        } => run(&scenario, replications, seed, threads, format, output),
        Command::Trace {
            scenario,
            seed,
            replication,
            format,
            output,
        } => trace(&scenario, seed, replication, format, output),
        Command::Bench {
            scenario,
            replications,
            seed,
            threads,
        } => bench(&scenario, replications, seed, threads),
        Command::Check { scenarios } => check(&scenarios),
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
        LoadError::Unreadable { .. } => eprintln!("error: {e}"),
        LoadError::Invalid(errors) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()))
        }
    }
}

fn emit(output: Option<PathBuf>, contents: &str) -> Result<(), Failure> {
    match output {
        Some(path) => export::write_atomically(&path, contents.as_bytes()).map_err(|e| {
            eprintln!("error: cannot write {}: {e}", path.display());
            Failure(EXIT_INTERNAL)
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(contents.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not our fault.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {e}");
                    Err(Failure(EXIT_INTERNAL))
                }
            }
        }
    }
}

fn thread_count(threads: Option<u64>) -> usize {
    threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |t| t as usize,
    )
}

fn bench(
    path: &str,
    replications: u64,
    seed: Option<u64>,
    threads: Option<u64>,
) -> Result<(), Failure> {
    let model = load(path)?;
    let config = RunConfig {
        replications,
        seed: seed.unwrap_or(model.montecarlo.seed),
        threads: thread_count(threads),
    };
    let start = std::time::Instant::now();
    let summary = montecarlo::run(&model, config).map_err(|e| {
        eprintln!("error: {e}");
        Failure(EXIT_INTERNAL)
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let events = summary.events.sum as f64;
    let text = format!(
        "{}
{} replications on {} thread{} in {:.3} s
replications/s: {:.0}
events/s: {:.0} ({:.1} events per replication)
",
        model.name,
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

fn run(
    path: &str,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<u64>,
    format: RunFormat,
    output: Option<PathBuf>,
) -> Result<(), Failure> {
    let model = load(path)?;
    let config = RunConfig {
        replications: replications.unwrap_or(model.montecarlo.replications),
        seed: seed.unwrap_or(model.montecarlo.seed),
        threads: thread_count(threads),
    };
    let summary = montecarlo::run(&model, config).map_err(|e| {
        eprintln!("error: {e}");
        Failure(EXIT_INTERNAL)
    })?;
    let report = report::build(&model, &summary, config.seed);
    let text = match format {
        RunFormat::Table => table::render(&report),
        RunFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report).map_err(|e| {
                eprintln!("error: cannot serialise the report: {e}");
                Failure(EXIT_INTERNAL)
            })?;
            json.push('\n');
            json
        }
    };
    emit(output, &text)
}

fn trace(
    path: &str,
    seed: Option<u64>,
    replication: u64,
    format: TraceFormat,
    output: Option<PathBuf>,
) -> Result<(), Failure> {
    let model = load(path)?;
    let seed = seed.unwrap_or(model.montecarlo.seed);
    let mut log = TraceLog::default();
    Replication::new(&model).run(seed, replication, &mut log);
    let text = match format {
        TraceFormat::Text => trace_export::text(&model, seed, replication, &log),
        TraceFormat::Jsonl => trace_export::jsonl(&model, seed, replication, &log),
    };
    emit(output, &text)
}

fn check(paths: &[String]) -> Result<(), Failure> {
    let mut failed = 0;
    for path in paths {
        match scenario::load(path) {
            Ok(model) => println!(
                "ok: {path} ({}: {} members, {} dimensions, {} drafts, {} amendments, {} motions)",
                model.name,
                model.members.len(),
                model.dim_count(),
                model.drafts.len(),
                model.amendments.len(),
                model.motions.len()
            ),
            Err(e) => {
                report_load_error(&e);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        Err(Failure(EXIT_BAD_INPUT))
    } else {
        Ok(())
    }
}
