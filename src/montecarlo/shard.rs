//! Shards: a share of the replications computed on one machine, written as a partial
//! result, and merged exactly with the others.
//!
//! Shard I of N covers replication indices `⌊R·I/N⌋ .. ⌊R·(I+1)/N⌋`. A partial file
//! carries the scenario text itself, so `merge` needs nothing else, and the raw integer
//! counters, so the merge is exact: merged shards equal the unsharded run bit for bit.

use super::invariants::BadField;
use super::summary::Summary;
use crate::scenario::{self, limits, sha256_hex};
use crate::sweep::{self, Axis, Cell};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The format tag of partial files.
pub const PARTIAL_FORMAT: &str = "councilsim-partial/1";

/// Which share of the replications this process computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// From 0 to count − 1.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` (I from 0 to N − 1).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text}: expected I/N, e.g. 0/4"))?;
        let index: u64 = i
            .trim()
            .parse()
            .map_err(|_| format!("--shard {text}: `{i}` is not a whole number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("--shard {text}: `{n}` is not a whole number"))?;
        Shard::new(index, count).map_err(|m| format!("--shard {text}: {m}"))
    }

    fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 || index >= count {
            return Err(format!(
                "shard index {index} is not in 0..{count} (shards are numbered from 0 to N - 1)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard a cluster scheduler assigned, if any: a Slurm job array
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, offset by `SLURM_ARRAY_TASK_MIN`)
    /// or a Kubernetes indexed job (`JOB_COMPLETION_INDEX` with `shards` given).
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        shards: Option<u64>,
    ) -> Result<Option<Shard>, String> {
        let number = |name: &str| -> Result<Option<u64>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}={v} is not a whole number")),
            }
        };
        if let Some(task) = number("SLURM_ARRAY_TASK_ID")? {
            let count = match number("SLURM_ARRAY_TASK_COUNT")? {
                Some(c) => c,
                None => shards.ok_or(
                    "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give --shards N",
                )?,
            };
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = task
                .checked_sub(min)
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
            return Shard::new(index, count).map(Some);
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = shards.ok_or(
                "JOB_COMPLETION_INDEX is set (Kubernetes indexed job): give --shards N, the job's completions",
            )?;
            return Shard::new(index, count).map(Some);
        }
        Ok(None)
    }

    /// The replication indices of this shard out of `replications`.
    pub fn range(&self, replications: u64) -> Range<u64> {
        let at = |i: u64| (replications as u128 * i as u128 / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// The scenario a partial result was computed from, carried in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSource {
    /// The path as given when the shard ran (for messages).
    pub path: String,
    /// `[scenario] name`.
    pub name: String,
    /// SHA-256 of `text`.
    pub sha256: String,
    /// The file's text.
    pub text: String,
}

/// A shard's result: raw counters for each cell over its replication range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// [`PARTIAL_FORMAT`].
    pub format: String,
    /// councilsim version.
    pub version: String,
    /// "run" or "sweep".
    pub kind: String,
    /// The scenario.
    pub scenario: ScenarioSource,
    /// Master seed.
    pub seed: u64,
    /// Replications of the whole run (all shards).
    pub replications: u64,
    /// The sweep grid (empty for a run).
    pub grid: Vec<Axis>,
    /// Which shard this is.
    pub shard: Shard,
    /// The replication indices covered, `[start, end)`.
    pub range: [u64; 2],
    /// One summary per cell (one for a run), in grid order.
    pub cells: Vec<Summary>,
}

impl Partial {
    /// The replications this part covers.
    pub fn covered(&self) -> u64 {
        self.range[1].saturating_sub(self.range[0])
    }

    /// Checks what a part says about itself, before anything is compiled: the format and
    /// version, the kind, the scenario's hash against its text, the limits, and that the
    /// range is the one its shard covers.
    pub fn validate_header(&self) -> Result<(), BadField> {
        if self.format != PARTIAL_FORMAT {
            return Err(BadField::new(
                "format",
                format!("is `{}`, not `{PARTIAL_FORMAT}`", self.format),
            ));
        }
        let version = env!("CARGO_PKG_VERSION");
        if self.version != version {
            return Err(BadField::new(
                "version",
                format!(
                    "the part was made by councilsim {}, this is {version}; merge with the version that made the parts",
                    self.version
                ),
            ));
        }
        match (self.kind.as_str(), self.grid.is_empty(), self.cells.len()) {
            ("run", true, 1) | ("sweep", false, _) => {}
            ("run", _, _) => {
                return Err(BadField::new(
                    "cells",
                    "a run's part holds one result and no sweep grid",
                ))
            }
            ("sweep", _, _) => return Err(BadField::new("grid", "a sweep's part needs a grid")),
            (other, _, _) => {
                return Err(BadField::new(
                    "kind",
                    format!("is `{other}`, not `run` or `sweep`"),
                ))
            }
        }
        if self.scenario.text.len() as u64 > limits::MAX_FILE_BYTES {
            return Err(BadField::new(
                "scenario.text",
                format!(
                    "is {} bytes; scenarios are limited to {} bytes",
                    self.scenario.text.len(),
                    limits::MAX_FILE_BYTES
                ),
            ));
        }
        let hash = sha256_hex(self.scenario.text.as_bytes());
        if self.scenario.sha256 != hash {
            return Err(BadField::new(
                "scenario.sha256",
                format!(
                    "is {}, but the scenario text in the part hashes to {hash}: the text or the hash was changed",
                    self.scenario.sha256
                ),
            ));
        }
        if self.replications == 0 || self.replications > limits::MAX_REPLICATIONS {
            return Err(BadField::new(
                "replications",
                format!(
                    "is {}, not from 1 to {}",
                    self.replications,
                    limits::MAX_REPLICATIONS
                ),
            ));
        }
        let Shard { index, count } = self.shard;
        if count == 0 || index >= count {
            return Err(BadField::new(
                "shard",
                format!("{index}/{count} is not a shard (I/N with I from 0 to N - 1)"),
            ));
        }
        let range = self.shard.range(self.replications);
        if self.range != [range.start, range.end] {
            return Err(BadField::new(
                "range",
                format!(
                    "is {}..{}, but shard {index}/{count} of {} replications covers {}..{}",
                    self.range[0], self.range[1], self.replications, range.start, range.end
                ),
            ));
        }
        Ok(())
    }

    /// Compiles the scenario the part carries (each cell of its grid for a sweep), as
    /// `check` would, and checks that it is the scenario the part names.
    pub fn compile(&self) -> Result<Vec<Cell>, BadField> {
        let source = &self.scenario;
        let invalid = |e: String| {
            BadField::new(
                "scenario.text",
                format!("is not a valid scenario:\n{}", e.trim_end()),
            )
        };
        let cells = if self.kind == "run" {
            let model = scenario::compile(&source.path, &source.text)
                .map_err(|e| invalid(e.render(false)))?;
            vec![Cell {
                values: Vec::new(),
                model,
            }]
        } else {
            sweep::plan(&source.path, &source.text, &self.grid).map_err(|e| match e {
                sweep::PlanError::Grid(m) => BadField::new("grid", m),
                sweep::PlanError::Cells(bad) => invalid(
                    bad.iter()
                        .map(|(cell, e)| format!("cell {cell}:\n{}", e.render(false)))
                        .collect(),
                ),
            })?
        };
        if let Some(cell) = cells.first() {
            if cell.model.name != source.name {
                return Err(BadField::new(
                    "scenario.name",
                    format!(
                        "is `{}`, but the scenario text names itself `{}`",
                        source.name, cell.model.name
                    ),
                ));
            }
        }
        if cells.len() != self.cells.len() {
            return Err(BadField::new(
                "cells",
                format!(
                    "has {} results, but the grid makes {} cells",
                    self.cells.len(),
                    cells.len()
                ),
            ));
        }
        Ok(cells)
    }

    /// Checks every counter of every cell against the compiled `cells` (see
    /// [`Summary::validate`]).
    pub fn validate_cells(&self, cells: &[Cell]) -> Result<(), BadField> {
        if cells.len() != self.cells.len() {
            return Err(BadField::new(
                "cells",
                format!("has {} results, not {}", self.cells.len(), cells.len()),
            ));
        }
        for (i, (summary, cell)) in self.cells.iter().zip(cells).enumerate() {
            summary
                .validate(&cell.model, self.covered())
                .map_err(|e| e.within(&format!("cells[{i}]")))?;
        }
        Ok(())
    }

    /// Every check of a part read on its own: header, scenario, counters. Returns the
    /// compiled cells the counters were checked against.
    pub fn validate(&self) -> Result<Vec<Cell>, BadField> {
        self.validate_header()?;
        let cells = self.compile()?;
        self.validate_cells(&cells)?;
        Ok(cells)
    }
}

/// Parses a part file's bytes (`name` is the file, for messages) without trusting them yet.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Partial, String> {
    serde_json::from_slice(bytes)
        .map_err(|e| format!("{name} is not a councilsim partial result: {e}"))
}

/// Parses, checks and merges part files given as `(name, bytes)`: what `merge` does once
/// the files are read, so the fuzz target exercises exactly this.
pub fn merge_bytes(files: &[(String, Vec<u8>)]) -> Result<Merged, String> {
    let parts = files
        .iter()
        .map(|(name, bytes)| parse(name, bytes).map(|p| (name.clone(), p)))
        .collect::<Result<Vec<_>, _>>()?;
    merge(parts)
}

/// Merged parts, with the scenario cells they were checked against.
#[derive(Debug)]
pub struct Merged {
    /// The whole run or sweep, as one partial result covering every replication.
    pub partial: Partial,
    /// The compiled cells (one for a run), in grid order.
    pub cells: Vec<Cell>,
}

/// Merges partial results (with the files they came from, for messages). Every part is
/// checked before it is used (see [`Partial::validate`]); every part must come from the
/// same scenario, version, seed, grid and replication count, and every replication index
/// must be covered exactly once. Errors name the file and, for a bad part, the field.
pub fn merge(mut parts: Vec<(String, Partial)>) -> Result<Merged, String> {
    let Some((first_file, first)) = parts.first().cloned() else {
        return Err("no partial results to merge".into());
    };
    let bad = |file: &str, e: BadField| format!("{file}: {e}");
    for (file, p) in &parts {
        p.validate_header().map_err(|e| bad(file, e))?;
    }
    let cells = first.compile().map_err(|e| bad(&first_file, e))?;
    for (file, p) in &parts {
        let differs = |what: &str, a: String, b: String| {
            Err(format!(
                "{file} and {first_file} come from different runs: {what} {a} vs {b}"
            ))
        };
        if p.kind != first.kind {
            return differs("kind", p.kind.clone(), first.kind.clone());
        }
        if p.scenario.sha256 != first.scenario.sha256 {
            return differs(
                "scenario sha256",
                p.scenario.sha256.clone(),
                first.scenario.sha256.clone(),
            );
        }
        if p.scenario.name != first.scenario.name {
            return differs(
                "scenario name",
                p.scenario.name.clone(),
                first.scenario.name.clone(),
            );
        }
        if p.seed != first.seed {
            return differs("seed", p.seed.to_string(), first.seed.to_string());
        }
        if p.replications != first.replications {
            return differs(
                "replications",
                p.replications.to_string(),
                first.replications.to_string(),
            );
        }
        if p.grid != first.grid {
            return differs(
                "sweep grid",
                format!("{:?}", p.grid),
                format!("{:?}", first.grid),
            );
        }
        // Same hash and checked hashes: the same text, so the same compiled cells.
        p.validate_cells(&cells).map_err(|e| bad(file, e))?;
    }
    // Shards of one split: name the missing or doubled ones.
    let count = first.shard.count;
    if parts.iter().all(|(_, p)| p.shard.count == count) {
        for (i, (file, p)) in parts.iter().enumerate() {
            if let Some((other, _)) = parts[..i].iter().find(|(_, q)| q.shard == p.shard) {
                return Err(format!(
                    "shard {}/{count} is given twice: {other} and {file}",
                    p.shard.index
                ));
            }
        }
        if parts.len() as u64 != count {
            let missing: Vec<String> = (0..count)
                .filter(|i| !parts.iter().any(|(_, p)| p.shard.index == *i))
                .take(10)
                .map(|i| {
                    let r = Shard { index: i, count }.range(first.replications);
                    format!("shard {i}/{count} (replications {}..{})", r.start, r.end)
                })
                .collect();
            let more = count - parts.len() as u64;
            return Err(format!(
                "missing {}{}",
                missing.join(", "),
                if more > 10 {
                    format!(" and {} more", more - 10)
                } else {
                    String::new()
                }
            ));
        }
    }
    parts.sort_by_key(|(_, p)| (p.range[0], p.range[1]));
    let name = |p: &Partial| format!("shard {}/{}", p.shard.index, p.shard.count);
    let mut covered = 0u64;
    let mut previous: Option<&(String, Partial)> = None;
    for part in &parts {
        let (file, p) = part;
        let [start, end] = p.range;
        if start > covered {
            return Err(format!(
                "replications {covered}..{start} are missing: no part covers them (is a shard before {} in {file} missing?)",
                name(p)
            ));
        }
        if start < covered {
            let Some((other_file, other)) = previous else {
                return Err(format!("{file}: range starts before 0"));
            };
            return Err(format!(
                "replications {start}..{} are covered twice: {} in {file} and {} in {other_file}",
                covered.min(end),
                name(p),
                name(other)
            ));
        }
        covered = end;
        previous = Some(part);
    }
    if covered != first.replications {
        return Err(format!(
            "replications {covered}..{} are missing: no part covers them (is the last shard missing?)",
            first.replications
        ));
    }
    let mut merged = first;
    merged.range = [0, merged.replications];
    merged.shard = Shard { index: 0, count: 1 };
    for (cell, summary) in merged.cells.iter_mut().enumerate() {
        let mut total = parts[0].1.cells[cell].clone();
        for (file, p) in &parts[1..] {
            total
                .merge(&p.cells[cell])
                .map_err(|e| bad(file, e.within(&format!("cells[{cell}]"))))?;
        }
        *summary = total;
    }
    // Sums of valid parts are valid; checked once more because the report trusts them.
    for (i, (summary, cell)) in merged.cells.iter().zip(&cells).enumerate() {
        summary
            .validate(&cell.model, merged.replications)
            .map_err(|e| format!("the merged result: {}", e.within(&format!("cells[{i}]"))))?;
    }
    Ok(Merged {
        partial: merged,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_replications() {
        for (r, n) in [(10u64, 3u64), (7, 7), (5, 8), (1_000_003, 4)] {
            let mut next = 0;
            for i in 0..n {
                let range = Shard { index: i, count: n }.range(r);
                assert_eq!(range.start, next);
                next = range.end;
            }
            assert_eq!(next, r);
        }
    }

    #[test]
    fn shard_arguments_and_environments_parse() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").unwrap_err().contains("not in 0..4"));
        assert!(Shard::parse("x/4").is_err() && Shard::parse("3").is_err());
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ]);
        assert_eq!(
            Shard::from_env(slurm, None),
            Ok(Some(Shard { index: 2, count: 4 }))
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::from_env(k8s, Some(3)),
            Ok(Some(Shard { index: 1, count: 3 }))
        );
        assert!(Shard::from_env(k8s, None).unwrap_err().contains("--shards"));
        assert_eq!(Shard::from_env(env(&[]), None), Ok(None));
    }

    /// `sbatch --array=4-7`: Slurm sets MIN=4, COUNT=4 and IDs 4..7, which must be shards
    /// 0..3 of 4 — each once — not shard 4 and beyond of a split that does not exist.
    #[test]
    fn an_array_that_starts_above_zero_is_the_whole_split() {
        let task = |id: u64| {
            move |k: &str| match k {
                "SLURM_ARRAY_TASK_ID" => Some(id.to_string()),
                "SLURM_ARRAY_TASK_COUNT" | "SLURM_ARRAY_TASK_MIN" => Some("4".to_string()),
                _ => None,
            }
        };
        let shards: Vec<_> = (4..=7).map(|id| Shard::from_env(task(id), None)).collect();
        let expected: Vec<_> = (0..4)
            .map(|index| Ok(Some(Shard { index, count: 4 })))
            .collect();
        assert_eq!(shards, expected);
        let below = Shard::from_env(task(3), None).unwrap_err();
        assert!(below.contains("below SLURM_ARRAY_TASK_MIN"), "{below}");
        let beyond = Shard::from_env(task(8), None).unwrap_err();
        assert!(beyond.contains("not in 0..4"), "{beyond}");
    }
}
