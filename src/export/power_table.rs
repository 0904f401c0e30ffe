//! The a-priori voting power of every member as people read it: a plain text table.

use crate::power::MemberPower;
use std::fmt::Write;

/// Renders the power table of the scenario called `name`, one row per member.
pub fn render(name: &str, power: &[MemberPower]) -> String {
    let mut out = format!(
        "{}\nA-priori voting power on substantive questions ({} members)\n{:<8} {:>5} {:>15} {:>12} {:>18}\n",
        name,
        power.len(),
        "member",
        "veto",
        "Shapley-Shubik",
        "Banzhaf",
        "Banzhaf (Penrose)"
    );
    for p in power {
        let _ = writeln!(
            out,
            "{:<8} {:>5} {:>15.6} {:>12.6} {:>18.6}",
            p.id,
            if p.veto { "yes" } else { "" },
            p.shapley_shubik,
            p.banzhaf,
            p.banzhaf_absolute
        );
    }
    // The name comes from the scenario file: no control character may reach the terminal.
    crate::export::printable_lines(&out).into_owned()
}
