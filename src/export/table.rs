//! The run summary as people read it: plain text tables.

use super::report::{BallotReport, Proportion, Report, Tally};
use std::fmt::Write;

fn pct(p: &Proportion) -> String {
    format!(
        "{:>6.1}%  [{:>5.1}, {:>5.1}]",
        100.0 * p.p,
        100.0 * p.ci95[0],
        100.0 * p.ci95[1]
    )
}

fn tally(t: &Option<Tally>) -> String {
    t.map_or_else(
        || "—".to_string(),
        |t| format!("{}-{}-{}", t.yes, t.no, t.abstain),
    )
}

fn vetoers(v: &std::collections::BTreeMap<String, super::report::Share>) -> String {
    if v.is_empty() {
        return String::new();
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
    format!("  vetoed by {}", list.join(", "))
}

fn ballot_line(out: &mut String, kind: &str, b: &BallotReport) {
    let _ = writeln!(
        out,
        "  {kind:<9} {:<14} tabled {:>5.1}%  adopted {:>5.1}%  vetoed {:>5.1}%  failed {:>5.1}%  modal {}{}",
        b.id,
        100.0 * b.tabled.p,
        100.0 * b.adopted.p,
        100.0 * b.vetoed.p,
        100.0 * b.failed.p,
        tally(&b.modal_tally),
        vetoers(&b.vetoed_by)
    );
    if b.incorporated.count > 0 {
        let _ = writeln!(
            out,
            "            {:<14} written into the text in consultations: {:.1}%",
            "",
            100.0 * b.incorporated.p
        );
    }
}

/// Renders the report as a readable table.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.scenario.name);
    let _ = writeln!(
        out,
        "councilsim {} · seed {} · {} replications · scenario sha256 {}",
        report.version,
        report.seed,
        report.replications,
        &report.scenario.sha256[..12.min(report.scenario.sha256.len())]
    );
    let _ = writeln!(
        out,
        "negotiation: {:.2} days on average (sd {:.2}), {:.1} consultation rounds",
        report.negotiation.mean_days, report.negotiation.sd_days, report.negotiation.mean_rounds
    );
    for draft in &report.drafts {
        let _ = writeln!(out, "\nDraft {}", draft.id);
        let o = &draft.outcomes;
        let _ = writeln!(out, "  outcome       share    95% interval");
        let _ = writeln!(out, "  adopted     {}", pct(&o.adopted));
        let _ = writeln!(
            out,
            "  vetoed      {}{}",
            pct(&o.vetoed),
            vetoers(&draft.vetoed_by)
        );
        let _ = writeln!(out, "  failed      {}  (for want of votes)", pct(&o.failed));
        let _ = writeln!(out, "  withdrawn   {}", pct(&o.withdrawn));
        let _ = writeln!(out, "  modal tally {}", tally(&draft.modal_tally));
        if !draft.motions.is_empty() || !draft.amendments.is_empty() {
            let _ = writeln!(out, "\n  Ballots before the draft, in voting order");
            for m in &draft.motions {
                ballot_line(&mut out, "motion", m);
            }
            for a in &draft.amendments {
                ballot_line(&mut out, "amendment", a);
            }
        }
        let absence = draft.votes.values().any(|v| v.absent > 0.0);
        let _ = writeln!(
            out,
            "\n  Votes on the draft   yes      no       abstain{}  pivotal",
            if absence { "  absent" } else { "" }
        );
        for (id, v) in &draft.votes {
            let absent = if absence {
                format!("  {:>6.1}%", 100.0 * v.absent)
            } else {
                String::new()
            };
            let pivotal = draft.pivotal.get(id).map_or(0.0, |s| s.p);
            let _ = writeln!(
                out,
                "  {id:<18} {:>6.1}%  {:>6.1}%  {:>6.1}%{absent}  {:>6.1}%",
                100.0 * v.yes,
                100.0 * v.no,
                100.0 * v.abstain,
                100.0 * pivotal
            );
        }
        let _ = writeln!(out, "\n  Yes votes  replications");
        for (yes, count) in draft.yes_count_histogram.iter().enumerate() {
            if *count > 0 {
                let _ = writeln!(out, "  {yes:>9}  {count}");
            }
        }
        if !draft.abstention_blocs.is_empty() {
            let _ = writeln!(out, "\n  Most frequent abstention blocs");
            for bloc in draft.abstention_blocs.iter().take(5) {
                let _ = writeln!(
                    out,
                    "  {:>6.1}%  {:>8}  {}",
                    100.0 * bloc.p,
                    bloc.count,
                    bloc.members.join(" ")
                );
            }
        }
    }
    // Names, titles and texts come from the scenario file: no control character may
    // reach the terminal.
    crate::export::printable_lines(&out).into_owned()
}
