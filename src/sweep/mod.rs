//! Parameter sweeps: a grid over scenario values, every cell validated before anything
//! runs, every cell on the same replication streams (common random numbers).

pub mod grid;
pub mod output;

pub use grid::{parse_set, Axis};

use crate::model::Model;
use crate::scenario::{self, PatchValue, ScenarioError};

/// One compiled cell of a sweep.
#[derive(Debug)]
pub struct Cell {
    /// The value of each axis in this cell, in axis order.
    pub values: Vec<PatchValue>,
    /// The scenario with those values set.
    pub model: Model,
}

/// Why a sweep could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The grid itself is wrong (grammar, size, a path declared twice).
    #[error("{0}")]
    Grid(String),
    /// Some cells do not make valid scenarios; each error names its cell.
    #[error("{} sweep cell(s) are not valid scenarios", .0.len())]
    Cells(Vec<(String, ScenarioError)>),
}

/// `path=value, …` for messages and file names.
pub fn describe(axes: &[Axis], values: &[PatchValue]) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, v)| format!("{}={}", a.path, v.shown()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compiles every cell of the grid over `text`; reports every invalid cell.
pub fn plan(path: &str, text: &str, axes: &[Axis]) -> Result<Vec<Cell>, PlanError> {
    if axes.is_empty() {
        return Err(PlanError::Grid(
            "nothing to sweep: give --set PATH=VALUES or declare [[sweep]] in the scenario".into(),
        ));
    }
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.path == a.path) {
            return Err(PlanError::Grid(format!("`{}` is swept twice", a.path)));
        }
    }
    if let Ok(root) = toml::de::DeTable::parse(text) {
        for a in axes {
            let checked = scenario::patch::slot(root.get_ref(), &a.path).and_then(|slot| {
                a.values
                    .iter()
                    .try_for_each(|v| scenario::patch::literal(*v, slot, &a.path).map(|_| ()))
            });
            checked.map_err(PlanError::Grid)?;
        }
    }
    let count = grid::cell_count(axes);
    if count > grid::MAX_CELLS {
        return Err(PlanError::Grid(format!(
            "the grid has {count} cells; sweeps are limited to {}",
            grid::MAX_CELLS
        )));
    }
    let mut cells = Vec::with_capacity(count);
    let mut bad = Vec::new();
    for values in grid::cells(axes) {
        let patches: Vec<(String, PatchValue)> = axes
            .iter()
            .zip(&values)
            .map(|(a, v)| (a.path.clone(), *v))
            .collect();
        match scenario::compile_patched(path, text, &patches) {
            Ok(model) => cells.push(Cell { values, model }),
            Err(e) => bad.push((describe(axes, &values), e)),
        }
    }
    if bad.is_empty() {
        Ok(cells)
    } else {
        Err(PlanError::Cells(bad))
    }
}
