//! `explain` as a readable table (the JSON form is the serialised [`Explanation`]).

use crate::explain::Explanation;
use std::fmt::Write;

/// The explanation as text: per ballot the exact and Monte Carlo odds, the swing members and
/// one line per member.
pub fn render(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — explain", e.scenario);
    let _ = writeln!(out, "path: {}", e.path);
    let _ = writeln!(
        out,
        "Monte Carlo: {} replications of seed {} (blocs included; the exact odds leave them out)",
        e.replications, e.seed
    );
    for b in &e.ballots {
        let _ = writeln!(
            out,
            "\n{} {} — in the path: {}",
            b.kind, b.id, b.path_status
        );
        match (b.p_adopt, b.p_vetoed) {
            (Some(a), Some(v)) => {
                let _ = writeln!(
                    out,
                    "  exact P(adopt) {a:.4}  P(vetoed) {v:.4}   Monte Carlo: adopted {:.4}  vetoed {:.4}",
                    b.mc_adopted, b.mc_vetoed
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "  not put to the vote in this path   Monte Carlo: adopted {:.4}  vetoed {:.4}",
                    b.mc_adopted, b.mc_vetoed
                );
                continue;
            }
        }
        let swing = if b.swing.is_empty() {
            "none (every τ is 0)".to_string()
        } else {
            b.swing.join(", ")
        };
        let _ = writeln!(
            out,
            "  swing (closest to a threshold in units of τ): {swing}"
        );
        let _ = writeln!(
            out,
            "  {:<8} {:>8} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>9}",
            "member", "Δ", "a", "b", "τ", "P(yes)", "P(no)", "P(abs)", "absent", "dist/τ"
        );
        for m in &b.members {
            let z = m
                .distance_in_tau
                .map_or_else(|| "—".to_string(), |z| format!("{z:.2}"));
            let _ = writeln!(
                out,
                "  {:<8} {:>8.4} {:>6.3} {:>6.3} {:>6.3} {:>7.4} {:>7.4} {:>7.4} {:>7.4} {:>9}",
                m.id,
                m.delta,
                m.yes_threshold,
                m.no_threshold,
                m.temperature,
                m.p_yes,
                m.p_no,
                m.p_abstain,
                m.p_absent,
                z
            );
        }
    }
    out
}
