//! Part-file bytes → what `merge` does once it has read the files: parse, check every part
//! (hash, scenario, counters), merge with checked arithmetic, and build the outputs (the
//! report for a run; the CSV, JSON and plot for a sweep), all in memory. Several parts are
//! separated by a 0xFF byte, which never occurs in UTF-8 JSON.
#![no_main]

use councilsim::export::{plot, report, table};
use councilsim::montecarlo::shard;
use councilsim::sweep::output::{self, CellResult};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .enumerate()
        .map(|(i, bytes)| (format!("part-{i}.json"), bytes.to_vec()))
        .collect();
    let Ok(merged) = shard::merge_bytes(&files) else {
        return;
    };
    let partial = &merged.partial;
    let results: Vec<CellResult<'_>> = merged
        .cells
        .iter()
        .zip(&partial.cells)
        .map(|(cell, summary)| CellResult {
            values: &cell.values,
            model: &cell.model,
            summary,
        })
        .collect();
    let reports: Vec<report::Report> = results
        .iter()
        .map(|c| report::build(c.model, c.summary, partial.seed))
        .collect();
    for r in &reports {
        let _ = table::render(r);
        let _ = serde_json::to_string(r).expect("a report serialises");
    }
    if partial.kind == "sweep" {
        let _ = output::cells_csv(&partial.grid, &results, partial.seed);
        let _ = output::blocs_csv(&partial.grid, &results, partial.seed);
        let _ = output::summary_json(&partial.grid, &results, partial.seed, partial.replications);
        if (1..=2).contains(&partial.grid.len()) {
            let _ = plot::svg(&partial.grid, &reports);
        }
    }
});
