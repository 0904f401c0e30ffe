//! The commands that run the Monte Carlo and write results: `run`, `sweep` (whole or one
//! shard) and `merge`. They turn arguments into jobs; [`crate::workflow`] runs them.

use super::args::{MonteCarloArgs, RunFormat};
use super::output::{emit, render_report};
use super::{job_failed, load, report_load_error, Failure, EXIT_BAD_INPUT, EXIT_INTERNAL};
use crate::export::{printable_lines, report};
use crate::model::Model;
use crate::montecarlo::shard::{ScenarioSource, Shard};
use crate::scenario::{self, LoadError};
use crate::sweep;
use crate::workflow;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What `run` was asked to do.
pub struct RunArgs<'a> {
    pub path: &'a str,
    pub mc: MonteCarloArgs,
    pub format: RunFormat,
    pub output: Option<PathBuf>,
    pub replication_log: Option<PathBuf>,
    pub shard: Option<Shard>,
    pub quiet: bool,
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

/// `councilsim run`: the whole run as a report, or one shard as a partial result.
pub fn run(args: RunArgs<'_>) -> Result<(), Failure> {
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

/// What `sweep` was asked to do.
pub struct SweepArgs<'a> {
    pub path: &'a str,
    pub sets: &'a [String],
    pub mc: MonteCarloArgs,
    pub out: PathBuf,
    pub plot: bool,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub quiet: bool,
}

/// `councilsim sweep`: plans the grid's cells, then runs the whole sweep or one shard.
pub fn sweep(args: SweepArgs<'_>) -> Result<(), Failure> {
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
            sweep::PlanError::Grid(m) => eprintln!("error: {}", printable_lines(&m)),
            sweep::PlanError::Cells(bad) => {
                let color = std::io::stderr().is_terminal();
                for (cell, error) in &bad {
                    eprintln!(
                        "error: sweep cell {} is not a valid scenario:",
                        printable_lines(cell)
                    );
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
        return workflow::run_sweep_shard(workflow::SweepShardJob {
            source: source_of(args.path, &model)?,
            axes: &axes,
            cells: &cells,
            out: &args.out,
            seed,
            replications,
            threads,
            shard,
            quiet: args.quiet,
        })
        .map_err(job_failed);
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

/// `councilsim merge`: shards of a run into its report, shards of a sweep into its outputs.
pub fn merge(
    parts: &[String],
    out: &std::path::Path,
    format: RunFormat,
    plot: bool,
) -> Result<(), Failure> {
    let merged = workflow::read_and_merge(parts).map_err(job_failed)?;
    if merged.kind == "sweep" {
        return workflow::write_merged_sweep(out, &merged, parts, plot).map_err(job_failed);
    }
    let model = scenario::compile(&merged.scenario.path, &merged.scenario.text).map_err(|e| {
        eprint!("{}", e.render(false));
        Failure(EXIT_BAD_INPUT)
    })?;
    if !merged.cells[0].fits(&model) {
        eprintln!("error: the partial results do not match their own scenario");
        return Err(Failure(EXIT_BAD_INPUT));
    }
    let report = report::build(&model, &merged.cells[0], merged.seed);
    emit(Some(out.to_path_buf()), &render_report(&report, format)?)
}
