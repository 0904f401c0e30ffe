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
use crate::montecarlo::shard::{self, Merged, Partial, ScenarioSource, Shard, PARTIAL_FORMAT};
use crate::montecarlo::{RunError, Summary};
use crate::outcome::Outcome;
use crate::progress::Progress;
use crate::scenario::sha256_hex;
use crate::sweep::output::{self, CellResult};
use crate::sweep::{Axis, Cell};
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

/// Maps a failed read or write of `path` to a job error: a refusal to write the path (a
/// directory, a link to nothing; see [`export::is_refusal`]) is bad input, anything else a
/// fault.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JobError + '_ {
    move |source| {
        if export::is_refusal(&source) {
            JobError::Refused(format!("cannot write {}: {source}", path.display()))
        } else {
            JobError::Io {
                path: path.display().to_string(),
                source,
            }
        }
    }
}

/// Reads a file the job was given or left earlier, through the bounded reader.
fn read_input(path: &Path, limit: u64, what: &str) -> Result<String, JobError> {
    crate::input::read_text(path, limit, what).map_err(|e| JobError::Unreadable {
        path: e.path,
        source: std::io::Error::other(e.reason),
    })
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

/// Reads partial results, checks every part and merges them (see [`shard::merge`]).
pub fn read_and_merge(paths: &[String]) -> Result<Merged, JobError> {
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let path = Path::new(p);
        let text = read_input(path, crate::input::MAX_RESULT_BYTES, "partial results")?;
        files.push((p.clone(), text.into_bytes()));
    }
    shard::merge_bytes(&files).map_err(JobError::Refused)
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
    /// Write `report.html`.
    pub html: bool,
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
    let manifest_path = job.out.join("manifest.json");
    let earlier = prepare_sweep_dir(
        job.out,
        if job.resume {
            DirUse::Resume
        } else {
            DirUse::Fresh
        },
    )?;
    if let (true, Some(earlier)) = (job.resume, &earlier) {
        refuse_if_different(&earlier.identity, &identity)?;
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
    // Saved cells are checked (and the bad ones named) before the progress bar starts.
    let kept: Vec<Option<Summary>> = job
        .cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            if !job.resume {
                return None;
            }
            let path = cells_dir.join(format!("cell-{i}.json"));
            let key = cell_key(&identity, &cell.values);
            saved_cell(&path, &key, &cell.model, job.replications)
        })
        .collect();
    let pool = runner::pool(job.threads)?;
    let mut progress = Progress::new(
        job.quiet,
        job.cells.len() as u64,
        job.replications * job.cells.len() as u64,
    );
    let mut summaries = Vec::with_capacity(job.cells.len());
    for ((i, cell), kept) in job.cells.iter().enumerate().zip(kept) {
        let key = cell_key(&identity, &cell.values);
        let path = cells_dir.join(format!("cell-{i}.json"));
        let summary = match kept {
            Some(summary) => {
                progress.cell_done(job.replications);
                summary
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
        Extras {
            plot: job.plot,
            html: job.html,
        },
    )?;
    manifest.finished = Some(utc_now());
    write_json(&manifest_path, &manifest)
}

/// The summary saved in a cell file by an interrupted run of the same sweep, if there is
/// one and it passes every check; a file that is there but fails one is named in a warning
/// and the cell is recomputed (it is untrusted data, never a reason to stop the sweep).
fn saved_cell(path: &Path, key: &str, model: &Model, replications: u64) -> Option<Summary> {
    if std::fs::symlink_metadata(path).is_err() {
        return None; // not saved yet
    }
    let bytes =
        match crate::input::read_bounded(path, crate::input::MAX_RESULT_BYTES, "sweep cells") {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("warning: {e}; recomputing this cell");
                return None;
            }
        };
    let problem = match serde_json::from_slice::<CellFile>(&bytes) {
        Err(e) => format!("is not a saved sweep cell ({e})"),
        Ok(file) if file.key != key => {
            "was saved by a different sweep or cell (its key differs)".to_string()
        }
        Ok(file) => match file.summary.validate(model, replications) {
            Ok(()) => return Some(file.summary),
            Err(e) => format!("summary.{e}"),
        },
    };
    eprintln!(
        "warning: {}: {problem}; recomputing this cell",
        path.display()
    );
    None
}

/// The files a whole sweep writes into its directory, besides `cells/`.
const SWEEP_FILES: [&str; 6] = [
    "manifest.json",
    "cells.csv",
    "blocs.csv",
    "summary.json",
    "plot.svg",
    REPORT_HTML,
];

/// The sweep's HTML report (`sweep --html`).
const REPORT_HTML: &str = "report.html";

/// Whether the regular file at `path` is a sweep report councilsim wrote (see
/// [`export::html::is_own_report`]); one that cannot be read is not.
fn is_own_sweep_report(path: &Path) -> bool {
    crate::input::read_bounded(path, crate::input::MAX_RESULT_BYTES, "sweep reports")
        .is_ok_and(|bytes| export::html::is_own_report(&bytes, export::html::Kind::Sweep))
}

/// The cell index in a file name `cell-N.json`.
fn cell_index(file_name: &str) -> Option<usize> {
    let digits = file_name.strip_prefix("cell-")?.strip_suffix(".json")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Whether `file_name` is a shard's partial result, `part-I-of-N.json`.
fn is_part_name(file_name: &str) -> bool {
    let Some(rest) = file_name
        .strip_prefix("part-")
        .and_then(|r| r.strip_suffix(".json"))
    else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    rest.split_once("-of-")
        .is_some_and(|(i, n)| number(i) && number(n))
}

/// What a command does with a sweep's directory: the same files are written into it
/// either way, so the same files are refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DirUse {
    /// A fresh sweep: the earlier sweep's saved cells are deleted.
    Fresh,
    /// `sweep --resume`: the saved cells are kept.
    Resume,
    /// `merge` of sweep shards: the results are written, `cells/` is neither made nor
    /// touched.
    Merge,
}

/// Makes `out` ready for a whole sweep (or a merged one), refusing it if it holds anything
/// a sweep did not write, and returns the manifest of the sweep that was there, if any.
///
/// councilsim's own files are recognised strictly: the exact names it writes, as regular
/// files (never a symbolic link); top-level results only beside a valid manifest; shard
/// parts and its own leftover temporary files are left alone. A fresh sweep then deletes
/// the previous sweep's saved cells, each checked by name, index and content, in a real
/// `cells/` directory (a link is never followed) — and nothing else. Its `report.html` goes
/// too, before a fresh sweep or a merge (if the file is a councilsim sweep report: one
/// that is not makes the directory foreign): it describes the earlier results, and is
/// written again at the end if `--html` asks. `--resume` keeps it: the same identity gives
/// the same numbers.
fn prepare_sweep_dir(out: &Path, mode: DirUse) -> Result<Option<Manifest>, JobError> {
    let resume = mode != DirUse::Fresh;
    let cells_dir = out.join("cells");
    match std::fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let made = if mode == DirUse::Merge {
                out
            } else {
                &cells_dir
            };
            std::fs::create_dir_all(made).map_err(io(made))?;
            return Ok(None);
        }
        Err(e) => return Err(io(out)(e)),
        Ok(m) if !m.is_dir() => {
            return Err(JobError::Refused(format!(
                "--out {} is not a directory",
                out.display()
            )))
        }
        Ok(_) => {}
    }
    let mut foreign: Vec<PathBuf> = Vec::new();
    let mut results: Vec<PathBuf> = Vec::new();
    let mut cells: Vec<(usize, PathBuf)> = Vec::new();
    let mut has_manifest = false;
    let mut has_cells_dir = false;
    let mut report: Option<PathBuf> = None;
    for entry in std::fs::read_dir(out).map_err(io(out))? {
        let entry = entry.map_err(io(out))?;
        let path = entry.path();
        // `file_type` of a directory entry does not follow links.
        let kind = entry.file_type().map_err(io(&path))?;
        let name = entry.file_name();
        let name = name.to_str().unwrap_or("");
        if name == "cells" && kind.is_dir() {
            has_cells_dir = true;
            for inner in std::fs::read_dir(&path).map_err(io(&path))? {
                let inner = inner.map_err(io(&path))?;
                let inner_path = inner.path();
                let inner_kind = inner.file_type().map_err(io(&inner_path))?;
                let inner_name = inner.file_name();
                let inner_name = inner_name.to_str().unwrap_or("");
                match cell_index(inner_name) {
                    Some(i) if inner_kind.is_file() => cells.push((i, inner_path)),
                    None if inner_kind.is_file()
                        && export::temporary_target(inner_name)
                            .and_then(cell_index)
                            .is_some() => {}
                    _ => foreign.push(inner_path),
                }
            }
        } else if kind.is_file() && name == "manifest.json" {
            has_manifest = true;
        } else if kind.is_file() && name == REPORT_HTML {
            if is_own_sweep_report(&path) {
                report = Some(path.clone());
                results.push(path);
            } else {
                foreign.push(path);
            }
        } else if kind.is_file() && SWEEP_FILES.contains(&name) {
            results.push(path);
        } else if kind.is_file()
            && (is_part_name(name)
                || export::temporary_target(name)
                    .is_some_and(|t| SWEEP_FILES.contains(&t) || is_part_name(t)))
        {
        } else {
            foreign.push(path);
        }
    }
    let manifest_path = out.join("manifest.json");
    let manifest = if has_manifest {
        let text = read_input(
            &manifest_path,
            crate::input::MAX_MANIFEST_BYTES,
            "sweep manifests",
        )?;
        Some(serde_json::from_str::<Manifest>(&text).map_err(|e| {
            JobError::Refused(format!(
                "{} is not a councilsim sweep manifest ({e}); councilsim writes a sweep only \
                     into a new directory or one of its own sweeps",
                manifest_path.display()
            ))
        })?)
    } else {
        None
    };
    if manifest.is_none() {
        // Results without the manifest every sweep writes first are not a sweep's.
        foreign.extend(results);
    }
    if !resume && !cells.is_empty() {
        // Deleting needs proof: the cell's index exists in the earlier sweep, and the
        // file holds a cell.
        let count = manifest.as_ref().map_or(0, |m| m.cells);
        let mine = |(i, path): &(usize, PathBuf)| {
            *i < count
                && crate::input::read_text(path, crate::input::MAX_RESULT_BYTES, "sweep cells")
                    .ok()
                    .and_then(|t| serde_json::from_str::<CellFile>(&t).ok())
                    .is_some_and(|c| {
                        c.key.len() == 64 && c.key.bytes().all(|b| b.is_ascii_hexdigit())
                    })
        };
        foreign.extend(cells.iter().filter(|c| !mine(c)).map(|(_, p)| p.clone()));
    }
    if !foreign.is_empty() {
        foreign.sort();
        const SHOWN: usize = 10;
        let mut names: Vec<String> = foreign
            .iter()
            .take(SHOWN)
            .map(|p| p.display().to_string())
            .collect();
        if foreign.len() > SHOWN {
            names.push(format!("and {} more", foreign.len() - SHOWN));
        }
        return Err(JobError::Refused(format!(
            "refusing to write a sweep into {}: it holds files that no councilsim sweep wrote \
             (or that were changed since): {}. Choose a new directory, or move them away.",
            out.display(),
            names.join(", ")
        )));
    }
    if !resume {
        // A fresh sweep: forget the earlier sweep's cells (checked above to be its own).
        for (_, path) in &cells {
            std::fs::remove_file(path).map_err(io(path))?;
        }
    }
    if mode != DirUse::Resume {
        // New results: the earlier report (checked above to be a councilsim sweep report)
        // no longer describes what the directory holds.
        if let Some(path) = &report {
            std::fs::remove_file(path).map_err(io(path))?;
        }
    }
    if !has_cells_dir && mode != DirUse::Merge {
        std::fs::create_dir(&cells_dir).map_err(io(&cells_dir))?;
    }
    Ok(manifest)
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
    let file = job.out.join(format!(
        "part-{}-of-{}.json",
        job.shard.index, job.shard.count
    ));
    // Refuse an output that cannot be written before anything runs.
    refuse_unless_directory(job.out)?;
    refuse_unless_own_file(&file)?;
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
    // Again: the run may have taken hours.
    refuse_unless_own_file(&file)?;
    write_partial(&file, &part)
}

/// Refuses a path the program names inside the user's directory (a shard's part) if it
/// exists as anything but a regular file: the user named the directory, not where a
/// planted link points, so a link is not followed (a device or FIFO is not written).
fn refuse_unless_own_file(path: &Path) -> Result<(), JobError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => Err(JobError::Refused(format!(
            "refusing to write {}: it is {}, not a file councilsim wrote; move it away",
            path.display(),
            if m.file_type().is_symlink() {
                "a symbolic link"
            } else if m.is_dir() {
                "a directory"
            } else {
                "not a regular file"
            }
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(path)(e)),
    }
}

/// Refuses an `--out` directory that exists as something else (a file, a device).
fn refuse_unless_directory(dir: &Path) -> Result<(), JobError> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(JobError::Refused(format!(
            "--out {} is not a directory",
            dir.display()
        )));
    }
    Ok(())
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

/// The files a sweep writes only when asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// `plot.svg` (`--plot`).
    pub plot: bool,
    /// `report.html` (`--html`).
    pub html: bool,
}

/// Writes `cells.csv`, `blocs.csv`, `summary.json` and the `extras` asked for into `dir`.
pub fn write_sweep_outputs(
    dir: &Path,
    axes: &[Axis],
    cells: &[Cell],
    summaries: &[Summary],
    seed: u64,
    replications: u64,
    extras: Extras,
) -> Result<(), JobError> {
    let Extras { plot, html } = extras;
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
    if plot || html {
        let reports: Vec<report::Report> = results
            .iter()
            .map(|c| report::build(c.model, c.summary, seed))
            .collect();
        if plot {
            let svg = plot::svg(axes, &reports).map_err(JobError::Refused)?;
            let path = dir.join("plot.svg");
            export::write_atomically(&path, svg.as_bytes()).map_err(io(&path))?;
        }
        if html {
            let values: Vec<&[crate::scenario::PatchValue]> =
                cells.iter().map(|c| c.values.as_slice()).collect();
            let page = export::html::sweep::page(&export::html::sweep::SweepResults {
                axes,
                values: &values,
                reports: &reports,
                seed,
                replications,
            });
            let path = dir.join(REPORT_HTML);
            export::write_atomically(&path, page.as_bytes()).map_err(io(&path))?;
        }
    }
    Ok(())
}

/// Writes the outputs of merged sweep shards into `dir`, from the cells compiled (and
/// checked) from the scenario text the shards carried.
pub fn write_merged_sweep(
    dir: &Path,
    merged: &Merged,
    parts: &[String],
    plot: bool,
    html: bool,
) -> Result<(), JobError> {
    let Merged {
        partial: merged,
        cells,
    } = merged;
    if plot {
        check_plottable(&merged.grid)?;
    }
    // The same files as a whole sweep's, so the same rule: never through a planted link,
    // never over a file that no sweep wrote.
    prepare_sweep_dir(dir, DirUse::Merge)?;
    write_sweep_outputs(
        dir,
        &merged.grid,
        cells,
        &merged.cells,
        merged.seed,
        merged.replications,
        Extras { plot, html },
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
