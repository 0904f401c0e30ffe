//! The seed scenario tells what happened on 24 February 2025.

use crate::support::{councilsim, seed_scenario, stdout};
use councilsim::export::report::{self, BallotReport, Report};
use councilsim::montecarlo::{self, RunConfig};

fn seed_report() -> Report {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: 4000,
            seed: model.montecarlo.seed,
            threads: 2,
        },
    )
    .unwrap();
    report::build(&model, &summary, model.montecarlo.seed)
}

/// The most frequent result of a motion or amendment.
fn modal_result(b: &BallotReport) -> &'static str {
    let results = [
        ("adopted", b.adopted.p),
        ("vetoed", b.vetoed.p),
        ("failed", b.failed.p),
    ];
    results.iter().max_by(|x, y| x.1.total_cmp(&y.1)).unwrap().0
}

fn ballot<'a>(list: &'a [BallotReport], id: &str) -> &'a BallotReport {
    list.iter()
        .find(|b| b.id == id)
        .unwrap_or_else(|| panic!("no ballot {id}"))
}

#[test]
fn the_modal_outcome_is_what_happened() {
    let report = seed_report();
    let draft = &report.drafts[0];
    assert_eq!(draft.id, "S/2025/112");
    assert_eq!(modal_result(ballot(&draft.motions, "postpone")), "failed");
    assert_eq!(modal_result(ballot(&draft.amendments, "A1")), "failed");
    for vetoed in ["A2", "A3"] {
        let b = ballot(&draft.amendments, vetoed);
        assert_eq!(modal_result(b), "vetoed", "{vetoed}");
        let (by, share) = b
            .vetoed_by
            .iter()
            .max_by(|x, y| x.1.count.cmp(&y.1.count))
            .unwrap();
        assert_eq!(by, "RUS");
        assert_eq!(share.count, b.vetoed.count, "only Russia vetoes {vetoed}");
    }
    for failed in ["R1", "R2"] {
        assert_eq!(
            modal_result(ballot(&draft.amendments, failed)),
            "failed",
            "{failed}"
        );
    }
    assert!(draft.outcomes.adopted.p > 0.5);
    let tally = draft.modal_tally.unwrap();
    assert_eq!((tally.yes, tally.no, tally.abstain), (10, 0, 5));
    let top = &draft.abstention_blocs[0];
    assert_eq!(top.members, vec!["DNK", "FRA", "GBR", "GRC", "SVN"]);
    // The voting order is the one of the day: the motion, E5's three, Russia's two.
    let order: Vec<&str> = draft.amendments.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(order, vec!["A1", "A2", "A3", "R1", "R2"]);
}

#[test]
fn the_noise_is_real_so_the_summary_measures_robustness() {
    let report = seed_report();
    let draft = &report.drafts[0];
    assert!(
        draft.outcomes.adopted.p < 1.0,
        "no replication departs from the record"
    );
    assert!(draft.abstention_blocs.len() > 1);
    assert!(draft.yes_count_histogram.iter().filter(|&&c| c > 0).count() > 1);
}

#[test]
fn the_readme_command_runs_and_prints_the_table() {
    let out = councilsim(&["run", &seed_scenario(), "--replications", "500"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Draft S/2025/112"));
    assert!(text.contains("modal tally 10-0-5"));
    assert!(text.contains("DNK FRA GBR GRC SVN"));
}
