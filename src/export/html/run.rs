//! `run --html FILE`: the run report ([`Report`]) as a page — the figures of the text
//! table (`export::table`) and the JSON, with the yes-count distribution drawn.

use super::{chart, Cell, Kind, Page, Table};
use crate::export::report::{BallotReport, DraftReport, Proportion, Report, Share, Tally};
use std::collections::BTreeMap;

/// The facts that identify a result: what a colleague needs to reproduce it.
pub(super) fn provenance<'a>(
    name: &'a str,
    sha256: &'a str,
    seed: u64,
    replications: (&'a str, u64),
) -> Vec<(&'a str, &'a str, Cell)> {
    vec![
        ("scenario", "Scenario", Cell::text(name)),
        ("sha256", "Scenario SHA-256", Cell::code(sha256)),
        ("seed", "Seed", Cell::Count(seed)),
        ("replications", replications.0, Cell::Count(replications.1)),
        (
            "version",
            "councilsim",
            Cell::code(env!("CARGO_PKG_VERSION")),
        ),
    ]
}

fn tally(t: &Option<Tally>) -> Cell {
    t.map_or(Cell::Empty, |t| {
        Cell::code(format!("{}-{}-{}", t.yes, t.no, t.abstain))
    })
}

fn vetoers(v: &BTreeMap<String, Share>) -> Cell {
    if v.is_empty() {
        return Cell::Empty;
    }
    let list: Vec<String> = v
        .iter()
        .map(|(id, s)| {
            if s.p < 0.0005 {
                format!("{id} <0.1%")
            } else {
                format!("{id} {:.1}%", 100.0 * s.p)
            }
        })
        .collect();
    Cell::text(list.join(", "))
}

fn outcome_row(table: &mut Table, name: &str, p: &Proportion) {
    table.row(
        name,
        vec![
            Cell::text(name),
            Cell::share(p.p),
            Cell::share(p.ci95[0]),
            Cell::share(p.ci95[1]),
            Cell::Count(p.count),
        ],
    );
}

fn ballots(draft: &DraftReport) -> Table {
    let mut table = Table::new(
        "ballots",
        "Ballots before the draft, in voting order",
        &[
            "ballot",
            "kind",
            "tabled",
            "adopted",
            "vetoed",
            "failed",
            "written into the text",
            "modal tally",
            "vetoed by",
        ],
    );
    let rows = draft
        .motions
        .iter()
        .map(|b| ("motion", b))
        .chain(draft.amendments.iter().map(|b| ("amendment", b)));
    for (kind, b) in rows {
        let BallotReport {
            id,
            tabled,
            adopted,
            vetoed,
            failed,
            incorporated,
            vetoed_by,
            modal_tally,
        } = b;
        table.row(
            id.clone(),
            vec![
                Cell::code(id.clone()),
                Cell::text(kind),
                Cell::share(tabled.p),
                Cell::share(adopted.p),
                Cell::share(vetoed.p),
                Cell::share(failed.p),
                Cell::share(incorporated.p),
                tally(modal_tally),
                vetoers(vetoed_by),
            ],
        );
    }
    table
}

fn votes(draft: &DraftReport) -> Table {
    let absence = draft.votes.values().any(|v| v.absent > 0.0);
    let mut columns = vec!["member", "yes", "no", "abstain"];
    if absence {
        columns.push("absent");
    }
    columns.push("pivotal");
    let mut table = Table::new("votes", "Votes on the draft", &columns).with_note(
        "Yes, no, abstain and absent: shares of the replications in which the draft was voted. \
         Pivotal: how often the member's vote alone decided whether the draft was adopted \
         (share of all replications).",
    );
    for (id, v) in &draft.votes {
        let mut cells = vec![
            Cell::code(id.clone()),
            Cell::share(v.yes),
            Cell::share(v.no),
            Cell::share(v.abstain),
        ];
        if absence {
            cells.push(Cell::share(v.absent));
        }
        cells.push(Cell::share(draft.pivotal.get(id).map_or(0.0, |s| s.p)));
        table.row(id.clone(), cells);
    }
    table
}

fn draft_section(page: &mut Page, draft: &DraftReport, replications: u64) {
    page.section(&format!("Draft {}", draft.id), &draft.id);
    let o = &draft.outcomes;
    let mut outcomes = Table::new(
        "outcomes",
        "How the draft ended (95% Wilson intervals)",
        &["outcome", "share", "95% low", "95% high", "replications"],
    );
    outcome_row(&mut outcomes, "adopted", &o.adopted);
    outcome_row(&mut outcomes, "vetoed", &o.vetoed);
    outcome_row(&mut outcomes, "failed", &o.failed);
    outcome_row(&mut outcomes, "withdrawn", &o.withdrawn);
    page.table(&outcomes);
    let mut facts = vec![(
        "modal-tally",
        "Modal tally (yes-no-abstain)",
        tally(&draft.modal_tally),
    )];
    if !draft.vetoed_by.is_empty() {
        facts.push(("vetoed-by", "Vetoed by", vetoers(&draft.vetoed_by)));
    }
    page.facts(&facts);
    if !draft.motions.is_empty() || !draft.amendments.is_empty() {
        page.table(&ballots(draft));
    }
    if draft.yes_count_histogram.iter().any(|&c| c > 0) {
        page.figure(
            "yes-histogram",
            &chart::yes_histogram(&draft.yes_count_histogram, replications),
            &format!(
                "Draft {}: replications by number of yes votes (as a share of all {replications} \
                 replications; a draft withdrawn before the vote has no tally).",
                draft.id
            ),
        );
        let mut histogram =
            Table::new("yes-histogram", "Yes votes", &["yes votes", "replications"]);
        for (yes, &count) in draft.yes_count_histogram.iter().enumerate() {
            if count > 0 {
                histogram.row(
                    yes.to_string(),
                    vec![Cell::Count(yes as u64), Cell::Count(count)],
                );
            }
        }
        page.table(&histogram);
    }
    page.table(&votes(draft));
    if !draft.abstention_blocs.is_empty() {
        let mut blocs = Table::new(
            "abstention-blocs",
            "Most frequent abstention blocs (exact sets of abstainers)",
            &["rank", "share", "replications", "members"],
        );
        for (rank, bloc) in draft.abstention_blocs.iter().enumerate() {
            blocs.row(
                (rank + 1).to_string(),
                vec![
                    Cell::Count(rank as u64 + 1),
                    Cell::share(bloc.p),
                    Cell::Count(bloc.count),
                    Cell::code(bloc.members.join(" ")),
                ],
            );
        }
        page.table(&blocs);
    }
    page.end_section();
}

/// The page of a run.
pub fn page(report: &Report) -> String {
    let mut page = Page::new(Kind::Run, &report.scenario.name, "councilsim run report");
    let mut facts = provenance(
        &report.scenario.name,
        &report.scenario.sha256,
        report.seed,
        ("Replications", report.replications),
    );
    let n = &report.negotiation;
    facts.push((
        "mean-days",
        "Negotiation, mean days",
        Cell::fixed(n.mean_days, 2),
    ));
    facts.push((
        "sd-days",
        "Negotiation, sd of days",
        Cell::fixed(n.sd_days, 2),
    ));
    facts.push((
        "mean-rounds",
        "Consultation rounds, mean",
        Cell::fixed(n.mean_rounds, 1),
    ));
    page.facts(&facts);
    if !report.participants.is_empty() {
        page.paragraph(&format!(
            "Participants without a vote (never in a tally): {}",
            report.participants.join(", ")
        ));
    }
    for draft in &report.drafts {
        draft_section(&mut page, draft, report.replications);
    }
    page.finish()
}
