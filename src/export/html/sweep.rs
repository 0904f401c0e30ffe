//! `sweep --html` (`DIR/report.html`): the grid, the sweep plot of `export::plot` inline,
//! and one row per cell and draft with the outcome shares that `cells.csv` and
//! `summary.json` hold.

use super::run::provenance;
use super::{Cell, Kind, Page, Table};
use crate::export::{plot, report::Report};
use crate::scenario::PatchValue;
use crate::sweep::Axis;

/// What the page shows of a sweep: the grid, each cell's values and its run report.
pub struct SweepResults<'a> {
    /// The grid.
    pub axes: &'a [Axis],
    /// One value per axis, per cell, in grid order.
    pub values: &'a [&'a [PatchValue]],
    /// The run report of each cell, in grid order.
    pub reports: &'a [Report],
    /// Master seed.
    pub seed: u64,
    /// Replications per cell.
    pub replications: u64,
}

/// The page of a sweep.
pub fn page(sweep: &SweepResults<'_>) -> String {
    let (name, sha256) = sweep.reports.first().map_or(("", ""), |r| {
        (r.scenario.name.as_str(), r.scenario.sha256.as_str())
    });
    let mut page = Page::new(Kind::Sweep, name, "councilsim sweep report");
    let mut facts = provenance(
        name,
        sha256,
        sweep.seed,
        ("Replications per cell", sweep.replications),
    );
    facts.push(("cells", "Cells", Cell::Count(sweep.reports.len() as u64)));
    page.facts(&facts);
    page.paragraph(
        "Every cell runs replications 0..N on the same random streams (common random numbers): \
         a difference between two cells is the parameters' effect, not sampling noise.",
    );
    let mut grid = Table::new(
        "grid",
        "The grid (the last parameter varies fastest)",
        &["parameter", "values"],
    );
    for axis in sweep.axes {
        let values: Vec<String> = axis.values.iter().map(PatchValue::shown).collect();
        grid.row(
            axis.path.clone(),
            vec![Cell::code(axis.path.clone()), Cell::text(values.join(", "))],
        );
    }
    page.table(&grid);
    match plot::svg(sweep.axes, sweep.reports) {
        Ok(svg) => {
            let caption = if sweep.axes.len() == 1 {
                "The first draft's outcome shares against the swept parameter, with 95% Wilson \
                 bands (plot.svg)."
            } else {
                "P(adopted) of the first draft over the two swept parameters (plot.svg)."
            };
            page.figure("plot", &svg, caption);
        }
        Err(why) => page.paragraph(&format!("No plot: {why}.")),
    }
    let mut columns: Vec<&str> = sweep.axes.iter().map(|a| a.path.as_str()).collect();
    columns.extend([
        "draft",
        "adopted",
        "95% low",
        "95% high",
        "vetoed",
        "failed",
        "withdrawn",
        "modal tally",
    ]);
    let mut cells = Table::new(
        "cells",
        "Outcome shares per cell and draft (as in cells.csv and summary.json)",
        &columns,
    );
    for (i, (values, report)) in sweep.values.iter().zip(sweep.reports).enumerate() {
        for draft in &report.drafts {
            let o = &draft.outcomes;
            let mut row: Vec<Cell> = values
                .iter()
                .map(|v| match v {
                    PatchValue::Bool(b) => Cell::text(b.to_string()),
                    other => Cell::Number {
                        shown: other.shown(),
                        value: other.as_f64().unwrap_or(f64::NAN),
                    },
                })
                .collect();
            row.extend([
                Cell::code(draft.id.clone()),
                Cell::share(o.adopted.p),
                Cell::share(o.adopted.ci95[0]),
                Cell::share(o.adopted.ci95[1]),
                Cell::share(o.vetoed.p),
                Cell::share(o.failed.p),
                Cell::share(o.withdrawn.p),
                draft.modal_tally.map_or(Cell::Empty, |t| {
                    Cell::code(format!("{}-{}-{}", t.yes, t.no, t.abstain))
                }),
            ]);
            cells.row(format!("{i}/{}", draft.id), row);
        }
    }
    // The first cell column is a swept value, not a row heading, but reads as one.
    page.section("Cells", "cells");
    page.table(&cells);
    page.end_section();
    page.finish()
}
