//! Scenarios of any size, generated deterministically, for benchmarks and scaling tests.
//!
//! Real scenarios have 15 members and a handful of amendments; to see how the cost grows
//! with members, dimensions and amendments, the benches need bodies of 256 members or 20
//! amendments that nobody would write by hand. Positions come from a fixed hash of the
//! indices, so the same sizes always give the same file.

use std::fmt::Write;

/// The size of a generated scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Members (the first five hold a veto).
    pub members: usize,
    /// Policy dimensions.
    pub dimensions: usize,
    /// Amendments to the single draft.
    pub amendments: usize,
}

/// A number in [0, 1) from two indices (splitmix64), so generated stances look varied but
/// never depend on a random generator.
fn unit(a: usize, b: usize) -> f64 {
    let mut z = (a as u64) << 32 ^ (b as u64) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The TOML text of a body of the given size: a draft with one provision per dimension,
/// `amendments` amendments by elected members, one bloc, a few lobbying relations, four
/// days of consultations with capital instructions, and noise on every member.
pub fn scenario_toml(size: Size) -> String {
    let n = size.members.max(1);
    let k = size.dimensions.max(1);
    let quota = n * 3 / 5 + 1;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[scenario]\nname = \"synthetic: {n} members, {k} dimensions, {} amendments\"\n",
        size.amendments
    );
    let vetoes: Vec<String> = (0..n.min(5)).map(|i| format!("\"M{i:03}\"")).collect();
    let _ = writeln!(
        s,
        "[rules]\npreset = \"custom\"\nquota = {quota}\nveto = [{}]\n",
        vetoes.join(", ")
    );
    for d in 0..k {
        let _ = writeln!(s, "[dimensions.d{d:02}]\nstatus_quo = 0.2\nsilent = 0.2\n");
    }
    for i in 0..n {
        let ideal: Vec<String> = (0..k)
            .map(|d| format!("d{d:02} = {:.3}", unit(i, d)))
            .collect();
        let bloc = if (5..10).contains(&i) { "\"B\"" } else { "" };
        let _ = writeln!(
            s,
            "[members.M{i:03}]\nname = \"member {i}\"\npermanent = {}\nblocs = [{bloc}]\nstance = {{ ideal = {{ {} }}, act_bonus = {:.3}, yes_threshold = 0.05, no_threshold = 0.1, temperature = 0.1, flexibility = 0.5 }}\n",
            i < 5,
            ideal.join(", "),
            0.2 + 0.3 * unit(i, 999)
        );
    }
    // Members 5 to 9 (those there are) form the bloc.
    if n > 5 {
        s.push_str("[blocs.B]\ncohesion = 0.8\n\n");
    }
    for r in 0..3.min(n - 1) {
        let _ = writeln!(
            s,
            "[[relations]]\nfrom = \"M000\"\nto = \"M{:03}\"\npull = 0.1\n",
            r + 1
        );
    }
    s.push_str("[[drafts]]\nid = \"D1\"\npenholder = \"M000\"\nforce_vote = true\n\n");
    for d in 0..k {
        let _ = writeln!(
            s,
            "[[drafts.provisions]]\nid = \"OP{d}\"\ntext = \"operative paragraph {d}\"\nposition = {{ d{d:02} = {:.3} }}\n",
            unit(1000 + d, 7)
        );
    }
    for a in 0..size.amendments {
        let sponsor = 5 + a % n.saturating_sub(5).max(1);
        let d = a % k;
        let (action, target) = if a % 2 == 0 {
            ("replace", format!("target = \"OP{d}\"\n"))
        } else {
            ("insert", String::new())
        };
        let _ = writeln!(
            s,
            "[[amendments]]\nid = \"AM{a}\"\nsponsors = [\"M{:03}\"]\naction = \"{action}\"\n{target}text = \"amendment {a}\"\nposition = {{ d{d:02} = {:.3} }}\ntabling = \"always\"\n",
            sponsor.min(n - 1),
            unit(2000 + a, 3)
        );
    }
    s.push_str("[negotiation]\nvote_day = 4.0\nround_length = { kind = \"uniform\", min = 0.5, max = 1.5 }\ninstructions = { rate_per_day = 0.1, size = 0.05 }\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_scenarios_are_valid_at_every_benchmarked_size() {
        for (members, dimensions, amendments) in [
            (15, 4, 3),
            (256, 32, 20),
            (193, 2, 0),
            (10, 1, 5),
            (7, 1, 2),
            (1, 1, 0),
        ] {
            let size = Size {
                members,
                dimensions,
                amendments,
            };
            let model = crate::scenario::compile("synthetic.toml", &scenario_toml(size))
                .unwrap_or_else(|e| panic!("{size:?}: {e}"));
            assert_eq!(model.members.len(), members);
            assert_eq!(model.dim_count(), dimensions);
            assert_eq!(model.amendments.len(), amendments);
        }
    }
}
