//! The command line: `run`, `sweep`, `merge`, `trace`, `backtest`, `explain`, `power`,
//! `brief`, `bench`, `check`, and the played games' `play`, `replay` and `debrief`. This
//! module holds the clap definitions and the dispatch; `args` the argument types commands
//! share, `jobs` the commands that run the Monte Carlo and write results, `inspect` those
//! that print about a scenario, `play` those of played games, `output` where output goes,
//! and `error` the one error type and the one place that reports it and picks the exit
//! code (0 success; 2 bad input; 1 an internal fault).

mod args;
mod error;
mod inspect;
mod jobs;
mod output;
mod play;

use args::{BriefFormat, MonteCarloArgs, RunFormat, Sharding, TraceFormat};
use clap::{Parser, Subcommand};
pub use error::{Error, EXIT_BAD_INPUT, EXIT_INTERNAL};
use std::path::PathBuf;

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
        /// Also write the report as one self-contained HTML page to this file.
        #[arg(long, value_name = "FILE.html")]
        html: Option<PathBuf>,
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
        /// Also write report.html: the grid, the plot and every cell's outcome shares in one
        /// self-contained HTML page.
        #[arg(long)]
        html: bool,
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
        /// Also write report.html (a sweep).
        #[arg(long)]
        html: bool,
    },
    /// Print the event log of one replication (exactly replication R of `run`).
    Trace {
        /// Scenario file (TOML).
        scenario: String,
        /// Master seed [default: the scenario's montecarlo.seed].
        #[arg(long, value_parser = args::seed, allow_negative_numbers = true)]
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
        /// Multiply every temperature τ by K (on top of the file's `[model] noise_scale`),
        /// to see how robust each reproduction is to more noise.
        #[arg(long, value_name = "K", value_parser = args::noise_scale, allow_negative_numbers = true)]
        noise_scale: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
        /// Also write the comparison as one self-contained HTML page to this file.
        #[arg(long, value_name = "FILE.html")]
        html: Option<PathBuf>,
    },
    /// Explain every ballot: each member's Δ, thresholds, τ and vote probabilities on the
    /// noise-free path, exact P(adopt) and P(vetoed) beside the Monte Carlo, swing members.
    Explain {
        /// Scenario file (TOML).
        scenario: String,
        /// Only this draft, amendment or motion.
        #[arg(long, value_name = "ID")]
        ballot: Option<String>,
        /// The replication whose calendar the noise-free path follows.
        #[arg(long, default_value_t = 0)]
        replication: u64,
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
    /// Play a meeting: humans take the seats named with --as, bots the others.
    Play {
        /// Scenario file (TOML); with --resume, optional (checked against the game's).
        scenario: Option<String>,
        /// The delegations humans play, by id (members or participants).
        #[arg(long = "as", value_name = "ID[,ID...]", value_delimiter = ',')]
        seats: Vec<String>,
        /// Master seed [default: the scenario's montecarlo.seed].
        #[arg(long, value_parser = args::seed, allow_negative_numbers = true)]
        seed: Option<u64>,
        /// Replication index [default: 0]: the game is replication R of `run --seed S`.
        #[arg(long)]
        replication: Option<u64>,
        /// Save the game to this new file, one line per decision as it is taken.
        #[arg(long, value_name = "FILE")]
        game: Option<PathBuf>,
        /// Continue the game saved in FILE.
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
    },
    /// Print a played game's event log, like `trace`, with the human decisions marked.
    Replay {
        /// Game file written by `play --game`.
        game: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Debrief a played game: its outcome, the bots alone, and each human decision's
    /// counterfactual.
    Debrief {
        /// Game file written by `play --game`.
        game: PathBuf,
        /// Bot-only replications to compare with [default: the scenario's montecarlo.replications].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::scenario::limits::MAX_REPLICATIONS))]
        replications: Option<u64>,
        /// Worker threads [default: all cores]. The result does not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = play::DebriefFormat::Text)]
        format: play::DebriefFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// A delegation's private brief: what it wants, how good each draft is for it, its red
    /// lines and what would win its yes, its bloc and who lobbies it.
    Brief {
        /// Scenario file (TOML).
        scenario: String,
        /// The delegation (a member's or a participant's id).
        #[arg(long = "as", value_name = "ID")]
        seat: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = BriefFormat::Text)]
        format: BriefFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Validate scenario files and print every problem.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
}

/// Parses `std::env::args` and runs the command; returns the process exit code. The
/// only place where an error reaches the user: [`Error::report`].
pub fn main() -> i32 {
    crate::interrupt::install();
    match run() {
        Ok(()) => 0,
        Err(e) => e.report(),
    }
}

/// Parses `std::env::args` and runs the command.
pub fn run() -> Result<(), Error> {
    match Cli::try_parse() {
        Ok(cli) => execute(cli),
        // --help and --version are the output asked for, not errors.
        Err(e) if !e.use_stderr() => output::stdout(&e.render().to_string()),
        Err(e) => Err(Error::Arguments(e)),
    }
}

fn execute(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run {
            scenario,
            montecarlo,
            format,
            output,
            replication_log,
            html,
            sharding,
            quiet,
        } => sharding.resolve().and_then(|shard| {
            jobs::run(jobs::RunArgs {
                path: &scenario,
                mc: montecarlo,
                format,
                output,
                replication_log,
                html,
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
            html,
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
                html,
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
            html,
        } => jobs::merge(&parts, &out, format, plot, html),
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
            noise_scale,
            format,
            html,
        } => inspect::backtest(&scenarios, &montecarlo, noise_scale, format, html),
        Command::Explain {
            scenario,
            ballot,
            replication,
            montecarlo,
            format,
        } => inspect::explain(
            &scenario,
            ballot.as_deref(),
            replication,
            &montecarlo,
            format,
        ),
        Command::Power { scenario, format } => inspect::power(&scenario, format),
        Command::Brief {
            scenario,
            seat,
            format,
            output,
        } => inspect::brief(&scenario, &seat, format, output),
        Command::Check { scenarios } => inspect::check(&scenarios),
        Command::Play {
            scenario,
            seats,
            seed,
            replication,
            game,
            resume,
        } => play::play(play::PlayArgs {
            scenario,
            seats,
            seed,
            replication,
            game,
            resume,
        }),
        Command::Replay {
            game,
            format,
            output,
        } => play::replay(&game, format, output),
        Command::Debrief {
            game,
            replications,
            threads,
            format,
            output,
        } => play::debrief(play::DebriefArgs {
            game,
            replications,
            threads,
            format,
            output,
        }),
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
