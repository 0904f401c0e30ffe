//! The command line: `run`, `sweep`, `merge`, `trace`, `backtest`, `power`, `bench` and
//! `check`.
//!
//! Exit codes: 0 success; 2 bad input (a scenario with problems, a bad argument, an
//! unreadable file); 1 an internal fault (such as a failed write).

use crate::export::{self, report, table, trace as trace_export};
use crate::model::Model;
use crate::montecarlo::shard::{ScenarioSource, Shard};
use crate::montecarlo::{self, RunConfig};
use crate::negotiation::Replication;
use crate::scenario::{self, limits, LoadError};
use crate::sweep;
use crate::trace::TraceLog;
use crate::workflow::{self, JobError};
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

/// How many replications, from which seed, on how many threads.
#[derive(Debug, clap::Args)]
struct MonteCarloArgs {
    /// Replications (per cell, per scenario) [default: the scenario's montecarlo.replications].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=limits::MAX_REPLICATIONS))]
    replications: Option<u64>,
    /// Master seed [default: the scenario's montecarlo.seed].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. The result does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

impl MonteCarloArgs {
    /// Replications, seed and threads, with the scenario's defaults filled in.
    fn resolve(&self, model: &Model) -> (u64, u64, usize) {
        (
            self.replications.unwrap_or(model.montecarlo.replications),
            self.seed.unwrap_or(model.montecarlo.seed),
            thread_count(self.threads),
        )
    }
}

/// Which share of the replications to compute.
#[derive(Debug, clap::Args)]
struct Sharding {
    /// Compute shard I of N (I from 0 to N-1) and write a partial result for `merge`.
    /// Without it, a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a
    /// Kubernetes indexed job (JOB_COMPLETION_INDEX with --shards) sets it.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Number of shards when the scheduler gives only the index (Kubernetes).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    shards: Option<u64>,
}

impl Sharding {
    fn resolve(&self) -> Result<Option<Shard>, Failure> {
        let shard = match &self.shard {
            Some(text) => Shard::parse(text).map(Some),
            None => Shard::from_env(|k| std::env::var(k).ok(), self.shards),
        };
        shard.map_err(|m| {
            eprintln!("error: {m}");
            Failure(EXIT_BAD_INPUT)
        })
    }
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
            montecarlo,
            format,
            output,
            replication_log,
            sharding,
            quiet,
        } => sharding.resolve().and_then(|shard| {
            run(RunArgs {
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
            sweep(SweepArgs {
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
        } => merge(&parts, &out, format, plot),
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
        Command::Backtest {
            scenarios,
            montecarlo,
            format,
        } => backtest(&scenarios, &montecarlo, format),
        Command::Power { scenario, format } => power(&scenario, format),
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

struct RunArgs<'a> {
    path: &'a str,
    mc: MonteCarloArgs,
    format: RunFormat,
    output: Option<PathBuf>,
    replication_log: Option<PathBuf>,
    shard: Option<Shard>,
    quiet: bool,
}

fn job_failed(e: JobError) -> Failure {
    eprintln!("error: {e}");
    match e {
        JobError::Refused(_) => Failure(EXIT_BAD_INPUT),
        _ => Failure(EXIT_INTERNAL),
    }
}

/// Pretty JSON ending in a newline.
fn pretty_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let mut json = serde_json::to_string_pretty(value).map_err(|e| {
        eprintln!("error: cannot serialise the output: {e}");
        Failure(EXIT_INTERNAL)
    })?;
    json.push('\n');
    Ok(json)
}

fn render_report(report: &report::Report, format: RunFormat) -> Result<String, Failure> {
    match format {
        RunFormat::Table => Ok(table::render(report)),
        RunFormat::Json => pretty_json(report),
    }
}

fn source_of(path: &str, model: &Model) -> Result<ScenarioSource, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {path}: {e}");
        Failure(EXIT_BAD_INPUT)
    })?;
    Ok(ScenarioSource {
        path: path.to_string(),
        name: model.name.clone(),
        sha256: model.sha256.clone(),
        text,
    })
}

fn run(args: RunArgs<'_>) -> Result<(), Failure> {
    let model = load(args.path)?;
    let (replications, seed, threads) = args.mc.resolve(&model);
    let range = args
        .shard
        .map_or(0..replications, |s| s.range(replications));
    let summary = workflow::run_replications(
        &model,
        seed,
        range,
        threads,
        args.replication_log.as_deref(),
        args.quiet,
    )
    .map_err(job_failed)?;
    if let Some(shard) = args.shard {
        let source = source_of(args.path, &model)?;
        let part = workflow::partial(
            "run",
            source,
            seed,
            replications,
            Vec::new(),
            shard,
            vec![summary],
        );
        let text = serde_json::to_string(&part).map_err(|e| {
            eprintln!("error: {e}");
            Failure(EXIT_INTERNAL)
        })?;
        return emit(args.output, &text);
    }
    let report = report::build(&model, &summary, seed);
    emit(args.output, &render_report(&report, args.format)?)
}

struct SweepArgs<'a> {
    path: &'a str,
    sets: &'a [String],
    mc: MonteCarloArgs,
    out: PathBuf,
    plot: bool,
    resume: bool,
    shard: Option<Shard>,
    quiet: bool,
}

fn sweep(args: SweepArgs<'_>) -> Result<(), Failure> {
    let model = load(args.path)?;
    let text = std::fs::read_to_string(args.path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", args.path);
        Failure(EXIT_BAD_INPUT)
    })?;
    let raw = scenario::parse_raw(args.path, &text).map_err(|e| {
        report_load_error(&LoadError::Invalid(e));
        Failure(EXIT_BAD_INPUT)
    })?;
    let mut axes = sweep::grid::axes_from_file(args.path, &text, &raw.sweep).map_err(|e| {
        report_load_error(&LoadError::Invalid(e));
        Failure(EXIT_BAD_INPUT)
    })?;
    for set in args.sets {
        let axis = sweep::parse_set(set).map_err(|m| {
            eprintln!("error: {m}");
            Failure(EXIT_BAD_INPUT)
        })?;
        // A --set replaces a [[sweep]] of the same path.
        axes.retain(|a| a.path != axis.path);
        axes.push(axis);
    }
    let cells = sweep::plan(args.path, &text, &axes).map_err(|e| {
        match e {
            sweep::PlanError::Grid(m) => eprintln!("error: {m}"),
            sweep::PlanError::Cells(bad) => {
                let color = std::io::stderr().is_terminal();
                for (cell, error) in &bad {
                    eprintln!("error: sweep cell {cell} is not a valid scenario:");
                    eprint!("{}", error.render(color));
                }
                eprintln!(
                    "error: {} of the sweep's cells are invalid; nothing was run",
                    bad.len()
                );
            }
        }
        Failure(EXIT_BAD_INPUT)
    })?;
    if args.plot {
        workflow::check_plottable(&axes).map_err(job_failed)?;
    }
    let (replications, seed, threads) = args.mc.resolve(&model);
    if let Some(shard) = args.shard {
        if args.resume {
            eprintln!(
                "error: --resume keeps the cells of a whole sweep; rerun a failed shard instead"
            );
            return Err(Failure(EXIT_BAD_INPUT));
        }
        let range = shard.range(replications);
        let mut summaries = Vec::with_capacity(cells.len());
        for cell in &cells {
            let s = workflow::run_replications(
                &cell.model,
                seed,
                range.clone(),
                threads,
                None,
                args.quiet,
            )
            .map_err(job_failed)?;
            summaries.push(s);
        }
        let source = source_of(args.path, &model)?;
        let part = workflow::partial("sweep", source, seed, replications, axes, shard, summaries);
        std::fs::create_dir_all(&args.out).map_err(|e| {
            eprintln!("error: cannot create {}: {e}", args.out.display());
            Failure(EXIT_INTERNAL)
        })?;
        let file = args
            .out
            .join(format!("part-{}-of-{}.json", shard.index, shard.count));
        return workflow::write_partial(&file, &part).map_err(job_failed);
    }
    let job = workflow::SweepJob {
        scenario_path: args.path,
        axes: &axes,
        cells: &cells,
        out: &args.out,
        seed,
        replications,
        threads,
        resume: args.resume,
        plot: args.plot,
        argv: std::env::args().collect(),
        quiet: args.quiet,
    };
    workflow::run_sweep(&job).map_err(job_failed)
}

fn merge(
    parts: &[String],
    out: &std::path::Path,
    format: RunFormat,
    plot: bool,
) -> Result<(), Failure> {
    let merged = workflow::read_and_merge(parts).map_err(job_failed)?;
    if merged.partial.kind == "sweep" {
        return workflow::write_merged_sweep(out, &merged, parts, plot).map_err(job_failed);
    }
    // A run's part holds exactly one cell (checked with the rest of the part).
    let report = report::build(
        &merged.cells[0].model,
        &merged.partial.cells[0],
        merged.partial.seed,
    );
    emit(Some(out.to_path_buf()), &render_report(&report, format)?)
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

fn backtest(paths: &[String], mc: &MonteCarloArgs, format: RunFormat) -> Result<(), Failure> {
    let mut checks = Vec::with_capacity(paths.len());
    for path in paths {
        let model = load(path)?;
        if model.observed.is_none() {
            eprintln!("error: {path} has no [observed] table to compare with");
            return Err(Failure(EXIT_BAD_INPUT));
        }
        let (n, seed, threads) = mc.resolve(&model);
        let summary = workflow::run_replications(&model, seed, 0..n, threads, None, true)
            .map_err(job_failed)?;
        checks.push(crate::backtest::check(path, &model, &summary, seed));
    }
    let text = match format {
        RunFormat::Table => crate::backtest::render(&checks),
        RunFormat::Json => pretty_json(&checks)?,
    };
    emit(None, &text)
}

fn power(path: &str, format: RunFormat) -> Result<(), Failure> {
    let model = load(path)?;
    let power = crate::power::indices(&model);
    let text = match format {
        RunFormat::Json => pretty_json(&power)?,
        RunFormat::Table => {
            let mut out = format!(
                "{}\nA-priori voting power on substantive questions ({} members)\n{:<8} {:>5} {:>15} {:>12} {:>18}\n",
                model.name,
                power.len(),
                "member",
                "veto",
                "Shapley-Shubik",
                "Banzhaf",
                "Banzhaf (Penrose)"
            );
            for p in &power {
                out.push_str(&format!(
                    "{:<8} {:>5} {:>15.6} {:>12.6} {:>18.6}\n",
                    p.id,
                    if p.veto { "yes" } else { "" },
                    p.shapley_shubik,
                    p.banzhaf,
                    p.banzhaf_absolute
                ));
            }
            out
        }
    };
    emit(None, &text)
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
