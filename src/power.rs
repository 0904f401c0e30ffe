//! A-priori voting power: Shapley–Shubik, normalised Banzhaf and absolute (Penrose)
//! Banzhaf indices of every member under a scenario's decision rule.
//!
//! The simple game: every member votes yes or no; a coalition S (the yes voters) wins if
//! the rule carries a substantive question with |S| yes and n − |S| no votes and S holds
//! every veto. Winning then depends only on |S| and on whether S contains all veto
//! holders, so the swings of member i at coalition size s are coefficients of a generating
//! function: x^(v) (1 + x)^(n − 1 − v) with v the veto holders other than i. Binomials
//! come from Pascal's rule (dynamic programming), never from listing the 2ⁿ coalitions:
//! the 193-member General Assembly takes a fraction of a millisecond.

use crate::model::Model;
use crate::procedure;
use serde::Serialize;

/// One member's indices.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberPower {
    /// Member id.
    pub id: String,
    /// Holds a veto.
    pub veto: bool,
    /// Shapley–Shubik index (sums to 1 over members).
    pub shapley_shubik: f64,
    /// Normalised Banzhaf index (sums to 1).
    pub banzhaf: f64,
    /// Absolute (Penrose) Banzhaf index: swings / 2^(n−1), the probability of being
    /// decisive when everyone else votes yes or no with probability ½.
    pub banzhaf_absolute: f64,
}

/// Pascal's triangle up to `n` in f64 (exact to 2^53, then to 16 digits).
fn binomials(n: usize) -> Vec<Vec<f64>> {
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    for m in 0..=n {
        let mut row = vec![1.0; m + 1];
        for k in 1..m {
            row[k] = rows[m - 1][k - 1] + rows[m - 1][k];
        }
        rows.push(row);
    }
    rows
}

/// The indices of every member of `model`'s body, for substantive questions.
pub fn indices(model: &Model) -> Vec<MemberPower> {
    let n = model.members.len();
    let rules = &model.rules;
    let wins = |size: usize| procedure::carried(rules, false, size, n - size);
    let c = binomials(n);
    let choose = |m: usize, k: isize| -> f64 {
        if k < 0 || k as usize > m {
            0.0
        } else {
            c[m][k as usize]
        }
    };
    let veto_count = rules.veto.len();
    // swings[s] for a member of each class, over coalitions S of the others with |S| = s.
    let swings_of = |is_veto: bool| -> Vec<f64> {
        if is_veto && veto_count == 0 {
            return vec![0.0; n];
        }
        let others_veto = if is_veto { veto_count - 1 } else { veto_count };
        let free = n - 1 - others_veto;
        (0..n)
            .map(|s| {
                // S must hold every other veto holder for S ∪ {i} to win.
                let with_all = choose(free, s as isize - others_veto as isize);
                let decisive = if is_veto {
                    // Without i, S lacks a veto: it loses whatever its size.
                    wins(s + 1)
                } else {
                    wins(s + 1) && !wins(s)
                };
                if decisive {
                    with_all
                } else {
                    0.0
                }
            })
            .collect()
    };
    let classes = [swings_of(false), swings_of(true)];
    let raw: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let swings = &classes[usize::from(rules.veto.contains(i))];
            let total: f64 = swings.iter().sum();
            // Shapley–Shubik weight of a swing at size s: s!(n−s−1)!/n! = 1/(n·C(n−1, s)).
            let ss: f64 = swings
                .iter()
                .enumerate()
                .map(|(s, w)| w / (n as f64 * c[n - 1][s]))
                .sum();
            (ss, total)
        })
        .collect();
    let total_swings: f64 = raw.iter().map(|r| r.1).sum();
    let coalitions = 2f64.powi(n as i32 - 1);
    raw.iter()
        .enumerate()
        .map(|(i, &(ss, swings))| MemberPower {
            id: model.members.ids[i].clone(),
            veto: rules.veto.contains(i),
            shapley_shubik: ss,
            banzhaf: if total_swings > 0.0 {
                swings / total_swings
            } else {
                0.0
            },
            banzhaf_absolute: swings / coalitions,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body of `n` members, the first `vetoes` holding a veto, deciding by `rule`.
    fn body(n: usize, vetoes: usize, rule: &str) -> Model {
        let mut text =
            format!("[scenario]\nname = \"body\"\n[rules]\npreset = \"custom\"\n{rule}\nveto = [");
        text.push_str(
            &(0..vetoes)
                .map(|i| format!("\"M{i:03}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
        text.push_str("]\n[dimensions.x]\nstatus_quo = 0.0\n");
        for i in 0..n {
            text.push_str(&format!(
                "[members.M{i:03}]\npermanent = {}\nstance = {{}}\n",
                i < vetoes
            ));
        }
        text.push_str("[[drafts]]\nid = \"D\"\npenholder = \"M000\"\nprovisions = [{ id = \"P\", text = \"t\" }]\n");
        crate::scenario::compile("body.toml", &text).unwrap()
    }

    /// Shapley–Shubik and Banzhaf by listing every coalition (small bodies only).
    fn brute_force(model: &Model) -> Vec<(f64, f64)> {
        let n = model.members.len();
        let wins = |mask: u32| {
            let size = mask.count_ones() as usize;
            let vetoes_in = model.rules.veto.iter().all(|v| mask & (1 << v) != 0);
            vetoes_in && procedure::carried(&model.rules, false, size, n - size)
        };
        let fact = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
        (0..n)
            .map(|i| {
                let (mut ss, mut swings) = (0.0, 0.0);
                for mask in 0u32..(1 << n) {
                    if mask & (1 << i) != 0 {
                        continue;
                    }
                    if wins(mask | (1 << i)) && !wins(mask) {
                        let s = mask.count_ones() as usize;
                        ss += fact(s) * fact(n - s - 1) / fact(n);
                        swings += 1.0;
                    }
                }
                (ss, swings)
            })
            .collect()
    }

    #[test]
    fn indices_match_enumeration_on_small_bodies() {
        for (n, vetoes, rule) in [
            (7, 2, "quota = 5"),
            (9, 0, "quota = 6"),
            (8, 3, "quota = 4"),
            (9, 1, "majority = \"present-and-voting\""),
            (10, 0, "majority = \"two-thirds-present-and-voting\""),
        ] {
            let model = body(n, vetoes, rule);
            let fast = indices(&model);
            let slow = brute_force(&model);
            let total: f64 = slow.iter().map(|x| x.1).sum();
            for (f, (ss, swings)) in fast.iter().zip(&slow) {
                assert!(
                    (f.shapley_shubik - ss).abs() < 1e-12,
                    "{n} {rule}: {f:?} vs {ss}"
                );
                assert!((f.banzhaf - swings / total).abs() < 1e-12);
                assert!((f.banzhaf_absolute - swings / 2f64.powi(n as i32 - 1)).abs() < 1e-12);
            }
            let sum: f64 = fast.iter().map(|f| f.shapley_shubik).sum();
            assert!((sum - 1.0).abs() < 1e-12, "Shapley-Shubik sums to 1: {sum}");
        }
    }

    #[test]
    fn the_security_council_has_the_published_shapley_shubik_values() {
        let model = body(15, 5, "quota = 9");
        let power = indices(&model);
        for p in &power {
            let expected = if p.veto { 421.0 / 2145.0 } else { 4.0 / 2145.0 };
            assert!((p.shapley_shubik - expected).abs() < 1e-12, "{p:?}");
        }
        // Banzhaf: a permanent member swings in C(10,4..10) = 848 coalitions, an elected
        // member in C(9,3) = 84.
        assert!((power[0].banzhaf_absolute - 848.0 / 16384.0).abs() < 1e-15);
        assert!((power[14].banzhaf_absolute - 84.0 / 16384.0).abs() < 1e-15);
    }

    #[test]
    fn the_general_assembly_is_symmetric() {
        let model = body(193, 0, "majority = \"present-and-voting\"");
        let power = indices(&model);
        for p in &power {
            assert!((p.shapley_shubik - 1.0 / 193.0).abs() < 1e-12);
            assert!((p.banzhaf - 1.0 / 193.0).abs() < 1e-12);
        }
    }
}
