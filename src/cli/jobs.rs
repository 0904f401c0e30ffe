//! The commands that run the Monte Carlo and write results: `run`, `sweep` (whole or one
//! shard) and `merge`. They turn arguments into jobs; [`crate::workflow`] runs them.

use super::args::{MonteCarloArgs, RunFormat};
use super::error::Error;
use super::output::{emit, render_report};
use crate::export::{self, report};
use crate::model::Model;
use crate::montecarlo::shard::{ScenarioSource, Shard};
use crate::scenario;
use crate::sweep;
use crate::workflow;
use std::path::PathBuf;

/// What `run` was asked to do.
pub struct RunArgs<'a> {
    pub path: &'a str,
    pub mc: MonteCarloArgs,
    pub format: RunFormat,
    pub output: Option<PathBuf>,
    pub replication_log: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub shard: Option<Shard>,
    pub quiet: bool,
}

/// The scenario at `path`, read once: its text and the model compiled from that text.
/// A partial result embeds this text, so its recorded hash is that of what ran.
fn read_once(path: &str) -> Result<(String, Model), Error> {
    let text = scenario::read(path)?;
    let model = scenario::compile(path, &text)?;
    Ok((text, model))
}

/// What a partial result records of the scenario that ran.
fn source_of(path: &str, text: String, model: &Model) -> ScenarioSource {
    ScenarioSource {
        path: path.to_string(),
        name: model.name.clone(),
        sha256: model.sha256.clone(),
        text,
    }
}

/// `councilsim run`: the whole run as a report, or one shard as a partial result.
pub fn run(args: RunArgs<'_>) -> Result<(), Error> {
    let (text, model) = read_once(args.path)?;
    if args.shard.is_some() && args.html.is_some() {
        return Err(Error::Usage(
            "--html writes the report of a whole run; a shard writes a partial result \
             (merge the shards, then run without --shard for the report)"
                .into(),
        ));
    }
    refuse_same_files(
        std::path::Path::new(args.path),
        &[
            ("--output", args.output.as_deref()),
            ("--replication-log", args.replication_log.as_deref()),
            ("--html", args.html.as_deref()),
        ],
    )?;
    for path in [&args.output, &args.html].into_iter().flatten() {
        check_output(path)?;
    }
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
    )?;
    if let Some(shard) = args.shard {
        let part = workflow::partial(
            "run",
            source_of(args.path, text, &model),
            seed,
            replications,
            Vec::new(),
            shard,
            vec![summary],
        );
        let json = serde_json::to_string(&part).map_err(Error::Serialise)?;
        return emit(args.output, &json);
    }
    let report = report::build(&model, &summary, seed);
    // The page first: a reader that closes standard output early (`| head`) must not
    // cost the file.
    if let Some(path) = args.html {
        emit(Some(path), &export::html::run::page(&report))?;
    }
    emit(args.output, &render_report(&report, args.format)?)
}

/// Refuses an output path that cannot be written (a directory, a path in a missing
/// directory) before any replication runs.
pub(super) fn check_output(path: &std::path::Path) -> Result<(), Error> {
    export::check_output(path).map_err(|source| Error::Write {
        target: path.display().to_string(),
        source,
    })
}

/// Refuses two output flags naming the same file (one result would silently replace the
/// other), or any naming the scenario (it would be destroyed).
pub(super) fn refuse_same_files(
    scenario: &std::path::Path,
    named: &[(&str, Option<&std::path::Path>)],
) -> Result<(), Error> {
    for (i, (flag, path)) in named.iter().enumerate() {
        let Some(path) = path else { continue };
        if export::same_file(path, scenario) {
            return Err(Error::Usage(format!(
                "{flag} {} is the scenario file; name another file for the results",
                path.display()
            )));
        }
        for (other_flag, other) in &named[i + 1..] {
            if other.is_some_and(|other| export::same_file(path, other)) {
                return Err(Error::Usage(format!(
                    "{flag} and {other_flag} name the same file ({}); one would replace the other",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

/// What `sweep` was asked to do.
pub struct SweepArgs<'a> {
    pub path: &'a str,
    pub sets: &'a [String],
    pub mc: MonteCarloArgs,
    pub out: PathBuf,
    pub plot: bool,
    pub html: bool,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub quiet: bool,
}

/// `councilsim sweep`: plans the grid's cells, then runs the whole sweep or one shard.
pub fn sweep(args: SweepArgs<'_>) -> Result<(), Error> {
    let (text, model) = read_once(args.path)?;
    let raw = scenario::parse_raw(args.path, &text)?;
    let mut axes = sweep::grid::axes_from_file(args.path, &text, &raw.sweep)?;
    for set in args.sets {
        let axis = sweep::parse_set(set).map_err(Error::Usage)?;
        // A --set replaces a [[sweep]] of the same path.
        axes.retain(|a| a.path != axis.path);
        axes.push(axis);
    }
    let cells = sweep::plan(args.path, &text, &axes)?;
    if args.plot {
        workflow::check_plottable(&axes)?;
    }
    let (replications, seed, threads) = args.mc.resolve(&model);
    if let Some(shard) = args.shard {
        if args.resume {
            return Err(Error::Usage(
                "--resume keeps the cells of a whole sweep; rerun a failed shard instead".into(),
            ));
        }
        if args.html {
            return Err(Error::Usage(
                "--html writes the report of a whole sweep; a shard writes a partial result \
                 (`merge --html` writes it from the shards)"
                    .into(),
            ));
        }
        return Ok(workflow::run_sweep_shard(workflow::SweepShardJob {
            source: source_of(args.path, text, &model),
            axes: &axes,
            cells: &cells,
            out: &args.out,
            seed,
            replications,
            threads,
            shard,
            quiet: args.quiet,
        })?);
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
        html: args.html,
        argv: std::env::args().collect(),
        quiet: args.quiet,
    };
    Ok(workflow::run_sweep(&job)?)
}

/// `councilsim merge`: shards of a run into its report, shards of a sweep into its outputs.
pub fn merge(
    parts: &[String],
    out: &std::path::Path,
    format: RunFormat,
    plot: bool,
    html: bool,
) -> Result<(), Error> {
    let merged = workflow::read_and_merge(parts)?;
    if merged.partial.kind == "sweep" {
        return Ok(workflow::write_merged_sweep(
            out, &merged, parts, plot, html,
        )?);
    }
    if html {
        return Err(Error::Usage(
            "merge --html adds report.html to a merged sweep's directory; these parts are \
             shards of a run, merged into --out as a table or JSON"
                .into(),
        ));
    }
    // A run's part holds exactly one cell, checked with the rest of the part.
    let report = report::build(
        &merged.cells[0].model,
        &merged.partial.cells[0],
        merged.partial.seed,
    );
    emit(Some(out.to_path_buf()), &render_report(&report, format)?)
}
