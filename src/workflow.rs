//! Whole jobs as the commands run them: a Monte Carlo run with progress and a streamed
//! replication log, a shard of a run or sweep written as a partial result, a sweep that
//! survives being killed (`--resume`), and the merge of shards.
//!
//! Every file is written atomically. A sweep keeps each finished cell in
//! `DIR/cells/cell-N.json` as soon as it is done, keyed by a hash of everything that
//! determines it, so a restarted sweep recomputes only what is missing and ends with the
//! same bytes as an uninterrupted one.

use crate::export::{self, plot, replication_log, report};
use crate::model::Model;
use crate::montecarlo::runner::{self, Observer};
use crate::montecarlo::shard::{self, Partial, ScenarioSource, Shard, PARTIAL_FORMAT};
use crate::montecarlo::{RunError, Summary};
use crate::outcome::Outcome;
use crate::progress::Progress;
use crate::scenario::sha256_hex;
use crate::sweep::output::{self, CellResult};
use crate::sweep::{self, Axis, Cell};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Why a job failed after its input was accepted.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// An input file (a partial result) could not be read: bad input, not a fault.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The simulation could not run.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The job's input does not fit together (bad resume, bad partials, no plot).
    #[error("{0}")]
    Refused(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JobError + '_ {
    move |source| JobError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Progress plus an optional per-replication CSV log.
struct RunObserver<'a> {
    progress: &'a mut Progress,
    log: Option<(&'a Model, export::AtomicFile)>,
}

impl Observer for RunObserver<'_> {
    fn advanced(&mut self, replications: u64) {
        self.progress.advance(replications);
    }
    fn wants_rows(&self) -> bool {
        self.log.is_some()
    }
    fn render(&self, index: u64, outcome: &Outcome, out: &mut String) {
        if let Some((model, _)) = &self.log {
            replication_log::row(model, index, outcome, out);
        }
    }
    fn rows(&mut self, rows: &str) -> std::io::Result<()> {
        match &mut self.log {
            Some((_, file)) => file.write_all(rows.as_bytes()),
            None => Ok(()),
        }
    }
}

/// Runs replications `range` of `model`, with progress and, if `log` is given, one CSV
/// row per replication streamed to that file (committed only when the run completes).
pub fn run_replications(
    model: &Model,
    seed: u64,
    range: Range<u64>,
    threads: usize,
    log: Option<&Path>,
    quiet: bool,
) -> Result<Summary, JobError> {
    let pool = runner::pool(threads)?;
    let mut progress = Progress::new(quiet, 1, range.end - range.start);
    let log = match log {
        Some(path) => {
            let mut file = export::AtomicFile::create(path).map_err(io(path))?;
            file.write_all(replication_log::header(model).as_bytes())
                .map_err(io(path))?;
            Some((path, file))
        }
        None => None,
    };
    let log_path = log.as_ref().map(|(p, _)| p.to_path_buf());
    let mut observer = RunObserver {
        progress: &mut progress,
        log: log.map(|(_, f)| (model, f)),
    };
    let summary = runner::run_range(model, seed, range, &pool, &mut observer)?;
    if let (Some((_, file)), Some(path)) = (observer.log.take(), log_path) {
        file.commit().map_err(io(&path))?;
    }
    progress.finish();
    Ok(summary)
}

/// The partial result of a shard.
pub fn partial(
    kind: &str,
    scenario: ScenarioSource,
    seed: u64,
    replications: u64,
    grid: Vec<Axis>,
    shard: Shard,
    cells: Vec<Summary>,
) -> Partial {
    let range = shard.range(replications);
    Partial {
        format: PARTIAL_FORMAT.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        kind: kind.to_string(),
        scenario,
        seed,
        replications,
        grid,
        shard,
        range: [range.start, range.end],
        cells,
    }
}

/// Writes a partial result as JSON.
pub fn write_partial(path: &Path, partial: &Partial) -> Result<(), JobError> {
    let text = serde_json::to_string(partial).map_err(|e| JobError::Refused(e.to_string()))?;
    export::write_atomically(path, text.as_bytes()).map_err(io(path))
}

/// Reads partial results and merges them (see [`shard::merge`]).
pub fn read_and_merge(paths: &[String]) -> Result<Partial, JobError> {
    let mut parts = Vec::with_capacity(paths.len());
    for p in paths {
        let path = Path::new(p);
        let text = std::fs::read_to_string(path).map_err(|source| JobError::Unreadable {
            path: p.clone(),
            source,
        })?;
        let partial: Partial = serde_json::from_str(&text).map_err(|e| {
            JobError::Refused(format!("{p} is not a councilsim partial result: {e}"))
        })?;
        parts.push((p.clone(), partial));
    }
    shard::merge(parts).map_err(JobError::Refused)
}

/// How a sweep is run; recorded in `manifest.json` and checked by `--resume`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepIdentity {
    /// councilsim version.
    pub version: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per cell.
    pub replications: u64,
    /// The grid.
    pub grid: Vec<Axis>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    identity: SweepIdentity,
    scenario: String,
    scenario_name: String,
    cells: usize,
    argv: Vec<String>,
    threads: usize,
    started: String,
    finished: Option<String>,
    #[serde(default)]
    merged_from: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CellFile {
    key: String,
    summary: Summary,
}

/// What a finished sweep cell depends on, as a hash: the sweep's identity and the cell's
/// values. A cell file is reused only if its key matches.
fn cell_key(identity: &SweepIdentity, values: &[crate::scenario::PatchValue]) -> String {
    let text = serde_json::to_string(&(identity, values)).unwrap_or_default();
    sha256_hex(text.as_bytes())
}

/// UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Options of a whole (unsharded) sweep.
pub struct SweepJob<'a> {
    /// The scenario path as given.
    pub scenario_path: &'a str,
    /// The grid.
    pub axes: &'a [Axis],
    /// The compiled cells.
    pub cells: &'a [Cell],
    /// Output directory.
    pub out: &'a Path,
    /// Master seed.
    pub seed: u64,
    /// Replications per cell.
    pub replications: u64,
    /// Worker threads.
    pub threads: usize,
    /// Keep finished cells from an interrupted run.
    pub resume: bool,
    /// Write `plot.svg`.
    pub plot: bool,
    /// The command line, for the manifest.
    pub argv: Vec<String>,
    /// No progress output.
    pub quiet: bool,
}

fn identity(job: &SweepJob<'_>) -> SweepIdentity {
    SweepIdentity {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_sha256: job
            .cells
            .first()
            .map_or(String::new(), |c| c.model.sha256.clone()),
        seed: job.seed,
        replications: job.replications,
        grid: job.axes.to_vec(),
    }
}

/// Runs a whole sweep into `job.out`.
pub fn run_sweep(job: &SweepJob<'_>) -> Result<(), JobError> {
    if job.plot {
        check_plottable(job.axes)?;
    }
    let identity = identity(job);
    let cells_dir = job.out.join("cells");
    std::fs::create_dir_all(&cells_dir).map_err(io(&cells_dir))?;
    let manifest_path = job.out.join("manifest.json");
    if job.resume {
        if let Ok(text) = std::fs::read_to_string(&manifest_path) {
            let earlier: Manifest = serde_json::from_str(&text).map_err(|e| {
                JobError::Refused(format!(
                    "cannot resume: {} is not a councilsim sweep manifest ({e})",
                    manifest_path.display()
                ))
            })?;
            refuse_if_different(&earlier.identity, &identity)?;
        }
    } else {
        // A fresh sweep: forget cells from any earlier run in this directory.
        for entry in std::fs::read_dir(&cells_dir)
            .map_err(io(&cells_dir))?
            .flatten()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let started = utc_now();
    let mut manifest = Manifest {
        identity: identity.clone(),
        scenario: job.scenario_path.to_string(),
        scenario_name: job
            .cells
            .first()
            .map_or(String::new(), |c| c.model.name.clone()),
        cells: job.cells.len(),
        argv: job.argv.clone(),
        threads: job.threads,
        started,
        finished: None,
        merged_from: Vec::new(),
    };
    write_json(&manifest_path, &manifest)?;
    let pool = runner::pool(job.threads)?;
    let mut progress = Progress::new(
        job.quiet,
        job.cells.len() as u64,
        job.replications * job.cells.len() as u64,
    );
    let mut summaries = Vec::with_capacity(job.cells.len());
    for (i, cell) in job.cells.iter().enumerate() {
        let key = cell_key(&identity, &cell.values);
        let path = cells_dir.join(format!("cell-{i}.json"));
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str::<CellFile>(&t).ok())
            .filter(|f| job.resume && f.key == key && f.summary.fits(&cell.model));
        let summary = match kept {
            Some(file) => {
                progress.cell_done(job.replications);
                file.summary
            }
            None => {
                let mut observer = ProgressOnly(&mut progress);
                let summary = runner::run_range(
                    &cell.model,
                    job.seed,
                    0..job.replications,
                    &pool,
                    &mut observer,
                )?;
                write_json(
                    &path,
                    &CellFile {
                        key,
                        summary: summary.clone(),
                    },
                )?;
                progress.cell_done(0);
                summary
            }
        };
        summaries.push(summary);
    }
    progress.finish();
    write_sweep_outputs(
        job.out,
        job.axes,
        job.cells,
        &summaries,
        job.seed,
        job.replications,
        job.plot,
    )?;
    manifest.finished = Some(utc_now());
    write_json(&manifest_path, &manifest)
}

/// Options of one shard of a sweep.
pub struct SweepShardJob<'a> {
    /// The scenario as it was read, embedded in the partial result.
    pub source: ScenarioSource,
    /// The grid.
    pub axes: &'a [Axis],
    /// The compiled cells.
    pub cells: &'a [Cell],
    /// Output directory; the part is written as `part-I-of-N.json` in it.
    pub out: &'a Path,
    /// Master seed.
    pub seed: u64,
    /// Replications per cell of the whole sweep (the shard computes its share).
    pub replications: u64,
    /// Worker threads.
    pub threads: usize,
    /// Which share of the replications to compute.
    pub shard: Shard,
    /// No progress output.
    pub quiet: bool,
}

/// Runs shard `job.shard` of every cell of a sweep and writes the partial result for
/// `merge` into `job.out`.
pub fn run_sweep_shard(job: SweepShardJob<'_>) -> Result<(), JobError> {
    let range = job.shard.range(job.replications);
    let mut summaries = Vec::with_capacity(job.cells.len());
    for cell in job.cells {
        summaries.push(run_replications(
            &cell.model,
            job.seed,
            range.clone(),
            job.threads,
            None,
            job.quiet,
        )?);
    }
    let part = partial(
        "sweep",
        job.source,
        job.seed,
        job.replications,
        job.axes.to_vec(),
        job.shard,
        summaries,
    );
    std::fs::create_dir_all(job.out).map_err(io(job.out))?;
    let file = job.out.join(format!(
        "part-{}-of-{}.json",
        job.shard.index, job.shard.count
    ));
    write_partial(&file, &part)
}

struct ProgressOnly<'a>(&'a mut Progress);

impl Observer for ProgressOnly<'_> {
    fn advanced(&mut self, replications: u64) {
        self.0.advance(replications);
    }
}

fn refuse_if_different(earlier: &SweepIdentity, now: &SweepIdentity) -> Result<(), JobError> {
    let mut differences = Vec::new();
    if earlier.version != now.version {
        differences.push(format!(
            "councilsim version {} then, {} now",
            earlier.version, now.version
        ));
    }
    if earlier.scenario_sha256 != now.scenario_sha256 {
        differences.push("the scenario file has changed (its SHA-256 differs)".to_string());
    }
    if earlier.seed != now.seed {
        differences.push(format!("--seed {} then, {} now", earlier.seed, now.seed));
    }
    if earlier.replications != now.replications {
        differences.push(format!(
            "--replications {} then, {} now",
            earlier.replications, now.replications
        ));
    }
    if earlier.grid != now.grid {
        differences.push("the grid (--set or [[sweep]]) differs".to_string());
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(JobError::Refused(format!(
            "refusing to resume: the interrupted sweep in this directory was run differently: {}. \
             Run it with the same arguments, or without --resume to start over.",
            differences.join("; ")
        )))
    }
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), JobError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| JobError::Refused(e.to_string()))?;
    text.push('\n');
    export::write_atomically(path, text.as_bytes()).map_err(io(path))
}

/// Refuses `--plot` for a grid of other than one or two axes, before anything runs.
pub fn check_plottable(axes: &[Axis]) -> Result<(), JobError> {
    if axes.is_empty() || axes.len() > 2 {
        return Err(JobError::Refused(format!(
            "--plot draws against one or two swept parameters; this sweep has {}",
            axes.len()
        )));
    }
    Ok(())
}

/// Writes `cells.csv`, `blocs.csv`, `summary.json` and (if asked) `plot.svg` into `dir`.
pub fn write_sweep_outputs(
    dir: &Path,
    axes: &[Axis],
    cells: &[Cell],
    summaries: &[Summary],
    seed: u64,
    replications: u64,
    plot: bool,
) -> Result<(), JobError> {
    let results: Vec<CellResult<'_>> = cells
        .iter()
        .zip(summaries)
        .map(|(c, s)| CellResult {
            values: &c.values,
            model: &c.model,
            summary: s,
        })
        .collect();
    let files: Vec<(PathBuf, String)> = vec![
        (
            dir.join("cells.csv"),
            output::cells_csv(axes, &results, seed),
        ),
        (
            dir.join("blocs.csv"),
            output::blocs_csv(axes, &results, seed),
        ),
        (
            dir.join("summary.json"),
            output::summary_json(axes, &results, seed, replications),
        ),
    ];
    for (path, text) in &files {
        export::write_atomically(path, text.as_bytes()).map_err(io(path))?;
    }
    if plot {
        let reports: Vec<report::Report> = results
            .iter()
            .map(|c| report::build(c.model, c.summary, seed))
            .collect();
        let svg = plot::svg(axes, &reports).map_err(JobError::Refused)?;
        let path = dir.join("plot.svg");
        export::write_atomically(&path, svg.as_bytes()).map_err(io(&path))?;
    }
    Ok(())
}

/// Writes the outputs of merged sweep shards into `dir`, recompiling the cells from the
/// scenario text the shards carried.
pub fn write_merged_sweep(
    dir: &Path,
    merged: &Partial,
    parts: &[String],
    plot: bool,
) -> Result<(), JobError> {
    let cells = sweep::plan(&merged.scenario.path, &merged.scenario.text, &merged.grid)
        .map_err(|e| JobError::Refused(format!("the shards' scenario no longer compiles: {e}")))?;
    if cells.len() != merged.cells.len()
        || cells
            .iter()
            .zip(&merged.cells)
            .any(|(c, s)| !s.fits(&c.model))
    {
        return Err(JobError::Refused(
            "the partial results do not match their own scenario's cells".into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    if plot {
        check_plottable(&merged.grid)?;
    }
    write_sweep_outputs(
        dir,
        &merged.grid,
        &cells,
        &merged.cells,
        merged.seed,
        merged.replications,
        plot,
    )?;
    let manifest = Manifest {
        identity: SweepIdentity {
            version: merged.version.clone(),
            scenario_sha256: merged.scenario.sha256.clone(),
            seed: merged.seed,
            replications: merged.replications,
            grid: merged.grid.clone(),
        },
        scenario: merged.scenario.path.clone(),
        scenario_name: merged.scenario.name.clone(),
        cells: cells.len(),
        argv: std::env::args().collect(),
        threads: 0,
        started: utc_now(),
        finished: Some(utc_now()),
        merged_from: parts.to_vec(),
    };
    write_json(&dir.join("manifest.json"), &manifest)
}
