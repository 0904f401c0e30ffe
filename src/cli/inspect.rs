//! The commands that look at a scenario and print to standard output: `check`, `trace`,
//! `power`, `backtest`, `explain`, `brief` and `bench`. None writes a file unless asked with `--output`.

use super::args::{BriefFormat, MonteCarloArgs, RunFormat, TraceFormat};
use super::error::Error;
use super::output::{emit, pretty_json, stdout};
use crate::export::{brief as brief_export, power_table, printable, trace as trace_export};
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
pub fn backtest(
    paths: &[String],
    mc: &MonteCarloArgs,
    noise_scale: Option<f64>,
    format: RunFormat,
    html: Option<PathBuf>,
) -> Result<(), Error> {
    if let Some(page) = &html {
        // Refused before anything runs: a scenario it would destroy, a directory.
        for path in paths {
            super::jobs::refuse_same_files(
                std::path::Path::new(path),
                &[("--html", Some(page.as_path()))],
            )?;
        }
        super::jobs::check_output(page)?;
    }
    let mut checks = Vec::with_capacity(paths.len());
    for path in paths {
        let mut model = scenario::load(path)?;
        if let Some(k) = noise_scale {
            model.scale_noise(k);
        }
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
    // The page first: a reader that closes standard output early (`| head`) must not
    // cost the file.
    if let Some(page) = html {
        emit(Some(page), &crate::export::html::backtest::page(&checks))?;
    }
    emit(None, &text)
}

/// `councilsim explain`: every ballot (or the one named) on the noise-free path, with exact
/// and Monte Carlo odds.
pub fn explain(
    path: &str,
    ballot: Option<&str>,
    replication: u64,
    mc: &MonteCarloArgs,
    format: RunFormat,
) -> Result<(), Error> {
    let model = scenario::load(path)?;
    if let Some(id) = ballot {
        if !model.ballots.iter().any(|&b| model.ballot_id(b) == id) {
            let known: Vec<&str> = model.ballots.iter().map(|&b| model.ballot_id(b)).collect();
            return Err(Error::Usage(format!(
                "{path} has no draft, amendment or motion `{id}`; its ballots are: {}",
                known.join(", ")
            )));
        }
    }
    let (n, seed, threads) = mc.resolve(&model);
    let summary = workflow::run_replications(&model, seed, 0..n, threads, None, true)?;
    let mut explanation = crate::explain::explain(&model, seed, replication, &summary);
    if let Some(id) = ballot {
        explanation.ballots.retain(|b| b.id == id);
    }
    let text = match format {
        RunFormat::Table => crate::export::explain::render(&explanation),
        RunFormat::Json => pretty_json(&explanation)?,
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

/// `councilsim brief`: the private brief of delegation `id` (a member or a participant).
pub fn brief(
    path: &str,
    id: &str,
    format: BriefFormat,
    output: Option<PathBuf>,
) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let Some(seat) = crate::brief::seat_of(&model, id) else {
        return Err(Error::Usage(format!(
            "{path} has no delegation `{id}`; its members and participants are: {}",
            crate::brief::seats(&model).join(", ")
        )));
    };
    let brief = crate::brief::build(&model, seat);
    let text = match format {
        BriefFormat::Text => brief_export::text(&model, &brief),
        BriefFormat::Markdown => brief_export::markdown(&model, &brief),
        BriefFormat::Html => brief_export::page(&model, &brief),
    };
    emit(output, &text)
}

/// Loads the scenario at `path` and checks its `[[sweep]]` tables as `sweep` would (paths
/// that name a member, a key and a value type of this scenario): a file that `check`
/// passes is one `sweep` accepts. Problems of both kinds are reported together.
fn check_one(path: &str) -> Result<crate::model::Model, scenario::LoadError> {
    let text = scenario::read(path)?;
    let compiled = scenario::compile(path, &text);
    let sweeps = scenario::parse_raw(path, &text).ok().and_then(|raw| {
        match crate::sweep::grid::axes_from_file(path, &text, &raw.sweep) {
            Err(problems) => Some(problems),
            // Each axis's extreme values alone on a valid base: a key the scenario does
            // not know, or a value out of its range, fails the cell in `sweep`. Once per
            // axis, and at most two compilations per axis, whatever the grid's size.
            Ok(axes) if compiled.is_ok() => {
                let grid = crate::sweep::grid::cell_count(&axes);
                let mut problems: Vec<scenario::Problem> = Vec::new();
                if let (true, Some(first)) =
                    (grid > crate::sweep::grid::MAX_CELLS, raw.sweep.first())
                {
                    problems.push(scenario::Problem::new(
                        first.path.span(),
                        format!(
                            "the grid has {grid} cells; sweeps are limited to {}",
                            crate::sweep::grid::MAX_CELLS
                        ),
                        "too many cells",
                    ));
                }
                problems.extend(raw.sweep.iter().zip(&axes).filter_map(|(declared, axis)| {
                    extremes(&axis.values).into_iter().find_map(|value| {
                        let patch = [(axis.path.clone(), value)];
                        let error = scenario::compile_patched(path, &text, &patch).err()?;
                        let why: Vec<&str> =
                            error.problems.iter().map(|p| p.message.as_str()).collect();
                        Some(scenario::Problem::new(
                            declared.path.span(),
                            format!(
                                "sweeping `{}` to {} makes an invalid scenario: {}",
                                axis.path,
                                value.shown(),
                                why.join("; ")
                            ),
                            "cannot sweep this",
                        ))
                    })
                }));
                (!problems.is_empty()).then(|| scenario::ScenarioError {
                    path: path.to_string(),
                    source: std::sync::Arc::new(text.clone()),
                    problems,
                })
            }
            Ok(_) => None,
        }
    });
    match (compiled, sweeps) {
        (Ok(model), None) => {
            if !model.warnings.is_empty() {
                // Warnings go to standard error: the file is valid and the check passes.
                eprint!(
                    "{}",
                    scenario::diagnostics::render_warnings(path, &text, &model.warnings, false)
                );
            }
            Ok(model)
        }
        (Ok(_), Some(problems)) => Err(scenario::LoadError::Invalid(problems)),
        (Err(mut error), Some(problems)) => {
            error.problems.extend(problems.problems);
            Err(scenario::LoadError::Invalid(error))
        }
        (Err(error), None) => Err(scenario::LoadError::Invalid(error)),
    }
}

/// The smallest and the largest of `values` (both booleans, if swept): the values the
/// ranges of a scenario's keys reject first.
fn extremes(values: &[scenario::PatchValue]) -> Vec<scenario::PatchValue> {
    let key = |v: &scenario::PatchValue| v.as_f64().unwrap_or(0.0);
    let mut out: Vec<scenario::PatchValue> = Vec::new();
    let numbers = values.iter().filter(|v| v.as_f64().is_some());
    let low = numbers.clone().min_by(|a, b| key(a).total_cmp(&key(b)));
    let high = numbers.max_by(|a, b| key(a).total_cmp(&key(b)));
    let flags = values.iter().filter(|v| v.as_f64().is_none());
    for v in low.into_iter().chain(high).chain(flags) {
        if !out.contains(v) {
            out.push(*v);
        }
    }
    out
}

/// `councilsim check`: validates every file, prints a line for each valid one and
/// reports every problem of the others. A reader that closes standard output early
/// stops the lines, not the checks: an invalid file still makes the exit code 2.
pub fn check(paths: &[String]) -> Result<(), Error> {
    let mut failed = Vec::new();
    let mut reader_gone = false;
    for path in paths {
        match check_one(path) {
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
