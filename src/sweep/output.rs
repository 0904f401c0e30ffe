//! What a sweep writes: `cells.csv` (tidy, one row per cell and draft), `blocs.csv` (one
//! row per cell, draft and abstention bloc), `summary.json` (the run report of every cell)
//! and `manifest.json` (how the sweep was run).

use super::Axis;
use crate::export::csv;
use crate::export::report::{self, Report};
use crate::model::Model;
use crate::montecarlo::Summary;
use crate::scenario::PatchValue;
use serde::Serialize;

/// A finished cell: its values, its model and its counters.
pub struct CellResult<'a> {
    /// One value per axis.
    pub values: &'a [PatchValue],
    /// The compiled cell.
    pub model: &'a Model,
    /// Its counters.
    pub summary: &'a Summary,
}

fn reports(cells: &[CellResult<'_>], seed: u64) -> Vec<Report> {
    cells
        .iter()
        .map(|c| report::build(c.model, c.summary, seed))
        .collect()
}

/// `cells.csv`: the swept values (columns named by their paths), then per draft the
/// outcome probabilities with their 95% bounds, P(veto) by each veto holder, the mean yes
/// count, each member's vote shares and the most frequent abstention bloc.
pub fn cells_csv(axes: &[Axis], cells: &[CellResult<'_>], seed: u64) -> String {
    let Some(first) = cells.first() else {
        return String::new();
    };
    let model = first.model;
    let veto_holders: Vec<usize> = model.rules.veto.iter().collect();
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    header.extend(["draft", "replications"].map(String::from));
    for outcome in ["adopted", "vetoed", "failed", "withdrawn"] {
        header.push(format!("p_{outcome}"));
        header.push(format!("p_{outcome}_lo"));
        header.push(format!("p_{outcome}_hi"));
    }
    for &i in &veto_holders {
        header.push(format!("p_veto_{}", model.members.ids[i]));
    }
    header.push("mean_yes".into());
    for id in &model.members.ids {
        for vote in ["yes", "no", "abstain"] {
            header.push(format!("{id}_{vote}"));
        }
    }
    header.extend(["top_abstention_bloc", "top_abstention_bloc_p"].map(String::from));
    let mut out = csv::line(&header);
    for (cell, rep) in cells.iter().zip(reports(cells, seed)) {
        for draft in &rep.drafts {
            let mut row: Vec<String> = cell.values.iter().map(|v| v.to_string()).collect();
            row.push(draft.id.clone());
            row.push(rep.replications.to_string());
            for p in [
                &draft.outcomes.adopted,
                &draft.outcomes.vetoed,
                &draft.outcomes.failed,
                &draft.outcomes.withdrawn,
            ] {
                row.extend([p.p, p.ci95[0], p.ci95[1]].map(|x| x.to_string()));
            }
            for &i in &veto_holders {
                let p = draft
                    .vetoed_by
                    .get(&cell.model.members.ids[i])
                    .map_or(0.0, |s| s.p);
                row.push(p.to_string());
            }
            let voted: u64 = draft.yes_count_histogram.iter().sum();
            let yes: u64 = draft
                .yes_count_histogram
                .iter()
                .enumerate()
                .map(|(k, c)| k as u64 * c)
                .sum();
            row.push(if voted == 0 {
                String::new()
            } else {
                (yes as f64 / voted as f64).to_string()
            });
            for id in &cell.model.members.ids {
                let v = &draft.votes[id];
                row.extend([v.yes, v.no, v.abstain].map(|x| x.to_string()));
            }
            match draft.abstention_blocs.first() {
                Some(b) => {
                    row.push(b.members.join(" "));
                    row.push(b.p.to_string());
                }
                None => row.extend([String::new(), "0".into()]),
            }
            out.push_str(&csv::line(&row));
        }
    }
    out
}

/// `blocs.csv`: one row per cell, draft and reported abstention bloc.
pub fn blocs_csv(axes: &[Axis], cells: &[CellResult<'_>], seed: u64) -> String {
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    header.extend(["draft", "rank", "members", "count", "p"].map(String::from));
    let mut out = csv::line(&header);
    for (cell, rep) in cells.iter().zip(reports(cells, seed)) {
        for draft in &rep.drafts {
            for (rank, bloc) in draft.abstention_blocs.iter().enumerate() {
                let mut row: Vec<String> = cell.values.iter().map(|v| v.to_string()).collect();
                row.push(draft.id.clone());
                row.push((rank + 1).to_string());
                row.push(bloc.members.join(" "));
                row.push(bloc.count.to_string());
                row.push(bloc.p.to_string());
                out.push_str(&csv::line(&row));
            }
        }
    }
    out
}

#[derive(Serialize)]
struct SweepSummary<'a> {
    version: &'static str,
    scenario: report::ScenarioId,
    seed: u64,
    replications: u64,
    grid: &'a [Axis],
    cells: Vec<CellSummary>,
}

#[derive(Serialize)]
struct CellSummary {
    parameters: serde_json::Map<String, serde_json::Value>,
    summary: Report,
}

/// `summary.json`: the grid and, for every cell, its parameters and its run report.
pub fn summary_json(
    axes: &[Axis],
    cells: &[CellResult<'_>],
    seed: u64,
    replications: u64,
) -> String {
    let scenario = cells.first().map_or(
        report::ScenarioId {
            name: String::new(),
            sha256: String::new(),
        },
        |c| report::ScenarioId {
            name: c.model.name.clone(),
            sha256: c.model.sha256.clone(),
        },
    );
    let cell_summaries = cells
        .iter()
        .zip(reports(cells, seed))
        .map(|(cell, summary)| CellSummary {
            parameters: axes
                .iter()
                .zip(cell.values)
                .map(|(a, v)| (a.path.clone(), serde_json::to_value(v).unwrap_or_default()))
                .collect(),
            summary,
        })
        .collect();
    let doc = SweepSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario,
        seed,
        replications,
        grid: axes,
        cells: cell_summaries,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
