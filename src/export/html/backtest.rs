//! `backtest --html FILE`: each scenario's comparison with the real record and the totals
//! over all of them — the figures of `backtest`'s table and JSON.

use super::run::provenance;
use super::{Cell, Kind, Page, Table};
use crate::backtest::{self, ScenarioCheck};

/// The page of a backtest of `checks`.
pub fn page(checks: &[ScenarioCheck]) -> String {
    let title = match checks {
        [one] => one.name.clone(),
        _ => format!("Backtest of {} scenarios", checks.len()),
    };
    let mut page = Page::new(Kind::Backtest, &title, "councilsim backtest report");
    let t = backtest::totals(checks);
    page.facts(&[
        ("scenarios", "Scenarios", Cell::Count(checks.len() as u64)),
        (
            "results-exact",
            "Modal result exact",
            Cell::text(format!("{}/{}", t.results_exact, t.results)),
        ),
        (
            "tallies-exact",
            "Modal tally exact",
            Cell::text(format!("{}/{}", t.tallies_exact, t.tallies)),
        ),
        (
            "agreement",
            "Member agreement",
            Cell::Number {
                shown: format!("{}/{} ({:.1}%)", t.agree, t.compared, 100.0 * t.agreement()),
                value: t.agreement(),
            },
        ),
        ("mean-brier", "Mean Brier", Cell::fixed(t.mean_brier, 4)),
        (
            "log-likelihood",
            "Log-likelihood",
            Cell::fixed(t.log_likelihood, 2),
        ),
        (
            "version",
            "councilsim",
            Cell::code(env!("CARGO_PKG_VERSION")),
        ),
    ]);
    page.paragraph(
        "Per recorded ballot: whether the most frequent simulated result and tally are the real \
         ones; with recorded member votes, how many members' modal vote is their real vote, the \
         Brier score of the vote probabilities (lower is better) and the log-likelihood of the \
         real votes.",
    );
    for c in checks {
        page.section(&c.name, &c.path);
        let mut facts = provenance(&c.name, &c.sha256, c.seed, ("Replications", c.replications));
        facts.insert(1, ("path", "File", Cell::code(c.path.clone())));
        // The name is the section's heading; the version is the page's, stated above.
        facts.retain(|(key, _, _)| !matches!(*key, "scenario" | "version"));
        page.facts(&facts);
        if !c.source.is_empty() {
            page.paragraph(&format!("Record: {}", c.source));
        }
        let mut table = Table::new(
            "ballots",
            "Recorded ballots, in voting order",
            &[
                "ballot",
                "kind",
                "observed",
                "modal result",
                "share",
                "result",
                "observed tally",
                "modal tally",
                "tally",
                "agreement",
                "Brier",
                "log-lik",
            ],
        );
        for b in &c.ballots {
            table.row(
                b.id.clone(),
                vec![
                    Cell::code(b.id.clone()),
                    Cell::text(b.kind.clone()),
                    Cell::text(backtest::observed(b)),
                    Cell::text(b.modal_result.clone()),
                    Cell::share(b.modal_result_p),
                    Cell::text(if b.result_exact { "exact" } else { "WRONG" }),
                    b.observed_tally.map_or(Cell::Empty, |_| {
                        Cell::code(backtest::tally(&b.observed_tally))
                    }),
                    b.modal_tally
                        .map_or(Cell::Empty, |_| Cell::code(backtest::tally(&b.modal_tally))),
                    match b.tally_exact {
                        Some(true) => Cell::text("exact"),
                        Some(false) => Cell::text("off"),
                        None => Cell::Empty,
                    },
                    b.agreement.map_or(Cell::Empty, |a| Cell::Number {
                        shown: format!("{a}/{}", b.members),
                        value: a as f64,
                    }),
                    b.brier.map_or(Cell::Empty, |x| Cell::fixed(x, 4)),
                    b.log_likelihood.map_or(Cell::Empty, |x| Cell::fixed(x, 2)),
                ],
            );
        }
        page.table(&table);
        page.end_section();
    }
    page.finish()
}
