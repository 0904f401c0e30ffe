//! The Council's voting rules: how a tally becomes a decision, and the exact probability
//! that a text is adopted.
//!
//! Charter Art. 27: a substantive decision needs `quota` affirmative votes and no negative
//! vote of a veto holder; an abstention is not a veto. A procedural decision needs
//! `procedural_quota` affirmative votes and knows no veto. A draft that lacks the quota
//! has "failed for want of votes" even if a permanent member voted against it; only a
//! negative vote on a text that had the quota is counted as a veto, as the UN counts them.

use crate::behaviour::VoteProbabilities;
use crate::memberset::MemberSet;
use crate::model::{Majority, Rules};

/// What a vote decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Enough affirmative votes and no veto.
    Adopted,
    /// Fewer affirmative votes than the quota.
    FailedForWantOfVotes,
    /// The quota was met but these veto holders voted no.
    Vetoed(MemberSet),
}

/// Whether `yes` and `no` affirmative and negative votes carry a question under `rules`
/// (before any veto).
pub fn carried(rules: &Rules, procedural: bool, yes: usize, no: usize) -> bool {
    match (rules.majority, procedural) {
        (Majority::Quota, false) => yes >= rules.quota,
        (Majority::Quota, true) => yes >= rules.procedural_quota,
        // Procedural questions in the Assembly: a simple majority of those present and voting.
        (Majority::PresentAndVoting, _) | (Majority::TwoThirdsPresentAndVoting, true) => yes > no,
        (Majority::TwoThirdsPresentAndVoting, false) => yes > 0 && yes >= 2 * no,
    }
}

/// Decides a tallied vote under `rules`.
pub fn decide(rules: &Rules, procedural: bool, yes: &MemberSet, no: &MemberSet) -> Decision {
    decide_counted(rules, procedural, yes.len(), no.len(), no)
}

/// [`decide`] where the caller already counted the votes: `yes` affirmative votes, and
/// `no` negative ones, who are `noes` (whose veto holders are read from it). The meeting
/// counts them as it records each vote, which costs less than counting a set's bits
/// afterwards.
#[inline]
pub fn decide_counted(
    rules: &Rules,
    procedural: bool,
    yes: usize,
    no: usize,
    noes: &MemberSet,
) -> Decision {
    debug_assert_eq!(no, noes.len());
    if !carried(rules, procedural, yes, no) {
        return Decision::FailedForWantOfVotes;
    }
    if !procedural {
        let vetoers = noes.intersection(&rules.veto);
        if !vetoers.is_empty() {
            return Decision::Vetoed(vetoers);
        }
    }
    Decision::Adopted
}

/// One sentence naming the rule that decided, for traces.
pub fn explain(
    rules: &Rules,
    procedural: bool,
    yes: usize,
    no: usize,
    decision: &Decision,
) -> String {
    let (met, missed) = match (rules.majority, procedural) {
        (Majority::Quota, _) => {
            let quota = if procedural {
                rules.procedural_quota
            } else {
                rules.quota
            };
            (
                format!("{yes} yes ≥ quota {quota}"),
                format!("{yes} yes < quota {quota}"),
            )
        }
        (Majority::PresentAndVoting, _) | (Majority::TwoThirdsPresentAndVoting, true) => (
            format!("{yes} yes > {no} no among members present and voting"),
            format!("{yes} yes ≤ {no} no among members present and voting"),
        ),
        (Majority::TwoThirdsPresentAndVoting, false) => (
            format!("{yes} yes ≥ two thirds of {} present and voting", yes + no),
            format!("{yes} yes < two thirds of {} present and voting", yes + no),
        ),
    };
    let kind = match (rules.majority, procedural) {
        (Majority::Quota, true) => "procedural: no veto applies (Art. 27(2))",
        (Majority::Quota, false) => "substantive (Art. 27(3))",
        (_, true) => "procedural: no veto applies",
        (_, false) => "abstentions and absentees are not counted",
    };
    match decision {
        Decision::Adopted => format!("adopted: {met}, no veto; {kind}"),
        Decision::FailedForWantOfVotes => format!("failed for want of votes: {missed}; {kind}"),
        Decision::Vetoed(_) => {
            format!("vetoed: {met}, but a veto holder voted no; {kind}; abstentions are not vetoes")
        }
    }
}

/// Probability mass below which a count is dropped from the dynamic program's window.
/// At most (n + 1)² cells are ever dropped, so the answer moves by less than 1e-15.
const NEGLIGIBLE: f64 = 1e-20;

/// Exact probability that a ballot passes when members vote independently with
/// `probs`, by dynamic programming over members on the number of affirmative votes
/// (never enumerating the 3ⁿ profiles). Every count at or above the quota is merged into
/// one absorbing state, and only the window of counts that still carry probability mass
/// (above 1e-20) is updated, so the cost is O(n · w) with w the spread of the yes count —
/// far below n · quota when most members have made up their minds. The result is exact to
/// within 1e-15. `veto` members' negative votes kill the ballot. `buf` is scratch space,
/// reused to keep the hot loop allocation-free.
pub fn pass_probability(
    probs: &[VoteProbabilities],
    veto: &MemberSet,
    quota: usize,
    buf: &mut Vec<f64>,
) -> f64 {
    let quota = quota.max(1);
    if probs.len() < quota {
        return 0.0;
    }
    buf.clear();
    buf.resize(quota + 1, 0.0);
    buf[0] = 1.0;
    // buf[lo..=hi] holds all the mass; buf[quota] means "quota reached".
    let (mut lo, mut hi) = (0usize, 0usize);
    for (i, p) in probs.iter().enumerate() {
        let stay = if veto.contains(i) {
            p.abstain
        } else {
            p.abstain + p.no
        };
        let yes = p.yes;
        if hi < quota {
            hi += 1;
        }
        // new[k] = old[k]·stay + old[k − 1]·yes; the absorbing count keeps its own mass
        // (× (yes + stay)) and takes the count just below it.
        let window = &mut buf[lo..=hi];
        let mut top = window.len() - 1;
        if hi == quota {
            window[top] *= yes + stay;
            if top > 0 {
                window[top] += window[top - 1] * yes;
                top -= 1;
            } else {
                continue;
            }
        }
        // Walking up with old[k − 1] carried in a register gives the same sums.
        let mut below = 0.0;
        for cell in &mut window[..=top] {
            let old = *cell;
            *cell = old * stay + below * yes;
            below = old;
        }
        while lo < hi && buf[lo] < NEGLIGIBLE {
            buf[lo] = 0.0;
            lo += 1;
        }
        while hi > lo && buf[hi] < NEGLIGIBLE {
            buf[hi] = 0.0;
            hi -= 1;
        }
    }
    buf[quota]
}

/// Exact probability that `yes − no_weight·no` ends above zero (`strict`) or at least
/// zero, with `veto` members' negative votes killing the ballot, by dynamic programming
/// over members on that margin (O(n²)). For two-thirds (`no_weight` 2, not strict) the
/// profiles with nobody voting are excluded: a question needs at least one yes.
/// `buf` holds the current and the next margin distribution side by side.
pub fn margin_probability(
    probs: &[VoteProbabilities],
    veto: &MemberSet,
    no_weight: usize,
    strict: bool,
    buf: &mut Vec<f64>,
) -> f64 {
    let n = probs.len();
    let offset = no_weight * n;
    let width = offset + n + 1;
    buf.clear();
    buf.resize(2 * width, 0.0);
    let (current, next) = buf.split_at_mut(width);
    current[offset] = 1.0;
    let mut nobody_votes = 1.0;
    let (mut lo, mut hi) = (offset, offset);
    for (i, p) in probs.iter().enumerate() {
        let no = if veto.contains(i) { 0.0 } else { p.no };
        nobody_votes *= p.abstain;
        for d in lo..=hi {
            let mass = current[d];
            next[d] += mass * p.abstain;
            next[d + 1] += mass * p.yes;
            next[d - no_weight] += mass * no;
            current[d] = 0.0;
        }
        lo -= no_weight;
        hi += 1;
        current[lo..=hi].copy_from_slice(&next[lo..=hi]);
        next[lo..=hi].fill(0.0);
    }
    let carried: f64 = if strict {
        current[offset + 1..].iter().sum()
    } else {
        current[offset..].iter().sum::<f64>() - nobody_votes
    };
    carried.max(0.0)
}

/// P(adopted) of a ballot under `rules`, from independent vote probabilities (one DP pass).
pub fn adoption_probability(
    rules: &Rules,
    procedural: bool,
    probs: &[VoteProbabilities],
    buf: &mut Vec<f64>,
) -> f64 {
    let veto = if procedural {
        MemberSet::EMPTY
    } else {
        rules.veto
    };
    match (rules.majority, procedural) {
        (Majority::Quota, true) => pass_probability(probs, &veto, rules.procedural_quota, buf),
        (Majority::Quota, false) => pass_probability(probs, &veto, rules.quota, buf),
        (Majority::PresentAndVoting, _) | (Majority::TwoThirdsPresentAndVoting, true) => {
            margin_probability(probs, &veto, 1, true, buf)
        }
        (Majority::TwoThirdsPresentAndVoting, false) => {
            margin_probability(probs, &veto, 2, false, buf)
        }
    }
}

/// P(adopted) and P(vetoed) of a ballot under `rules`, from independent vote
/// probabilities. P(vetoed) = P(carried were there no veto) − P(adopted).
pub fn adoption_odds(
    rules: &Rules,
    procedural: bool,
    probs: &[VoteProbabilities],
    buf: &mut Vec<f64>,
) -> (f64, f64) {
    let adopt = adoption_probability(rules, procedural, probs, buf);
    (
        adopt,
        veto_probability(rules, procedural, probs, adopt, buf),
    )
}

/// P(vetoed) of a ballot whose P(adopted) `adopt` is already known (one DP pass instead of
/// two): P(carried were there no veto) − `adopt`.
pub fn veto_probability(
    rules: &Rules,
    procedural: bool,
    probs: &[VoteProbabilities],
    adopt: f64,
    buf: &mut Vec<f64>,
) -> f64 {
    if procedural || rules.veto.is_empty() {
        return 0.0;
    }
    let without_veto = Rules {
        veto: MemberSet::EMPTY,
        ..rules.clone()
    };
    let carried = adoption_probability(&without_veto, procedural, probs, buf);
    (carried - adopt).max(0.0)
}

/// An upper bound on P(vetoed) that needs no dynamic program: a ballot is vetoed only if
/// some veto holder votes no, so P(vetoed) ≤ 1 − Π over veto holders of (1 − P(no)). It
/// lets a caller that only compares P(vetoed) with a threshold skip both DP passes of
/// [`veto_probability`] when the bound is already below it (rounding moves the bound and
/// the DP's value by far less than 10⁻⁹).
pub fn veto_bound(rules: &Rules, procedural: bool, probs: &[VoteProbabilities]) -> f64 {
    if procedural {
        return 0.0;
    }
    let none = rules
        .veto
        .iter()
        .filter_map(|v| probs.get(v))
        .map(|p| 1.0 - p.no)
        .product::<f64>();
    1.0 - none
}

#[cfg(test)]
mod tests {
    use super::*;

    fn council() -> Rules {
        Rules {
            majority: Majority::Quota,
            quota: 9,
            procedural_quota: 9,
            veto: (0..5).collect(),
        }
    }

    fn set(ids: &[usize]) -> MemberSet {
        ids.iter().copied().collect()
    }

    #[test]
    fn abstention_of_a_permanent_member_is_not_a_veto() {
        let yes = set(&[5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        let no = MemberSet::EMPTY;
        assert_eq!(decide(&council(), false, &yes, &no), Decision::Adopted);
    }

    #[test]
    fn eight_yes_fail_and_nine_pass() {
        let eight = set(&[5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(
            decide(&council(), false, &eight, &MemberSet::EMPTY),
            Decision::FailedForWantOfVotes
        );
        let nine = set(&[5, 6, 7, 8, 9, 10, 11, 12, 13]);
        assert_eq!(
            decide(&council(), false, &nine, &MemberSet::EMPTY),
            Decision::Adopted
        );
    }

    #[test]
    fn a_permanent_no_vetoes_a_substantive_question_but_not_a_procedural_one() {
        let yes = set(&[0, 1, 5, 6, 7, 8, 9, 10, 11, 12]);
        let no = set(&[2]);
        assert_eq!(
            decide(&council(), false, &yes, &no),
            Decision::Vetoed(set(&[2]))
        );
        assert_eq!(decide(&council(), true, &yes, &no), Decision::Adopted);
    }

    #[test]
    fn a_permanent_no_on_a_text_without_the_quota_is_not_counted_as_a_veto() {
        let yes = set(&[5, 6, 7, 8, 9, 10]);
        let no = set(&[2]);
        assert_eq!(
            decide(&council(), false, &yes, &no),
            Decision::FailedForWantOfVotes
        );
    }

    /// Enumerates all 3ⁿ vote profiles: the reference the DP must match.
    fn brute_force(rules: &Rules, probs: &[VoteProbabilities]) -> (f64, f64) {
        let n = probs.len();
        let (mut adopt, mut veto) = (0.0, 0.0);
        for code in 0..3usize.pow(n as u32) {
            let (mut c, mut p) = (code, 1.0);
            let (mut yes, mut no) = (MemberSet::EMPTY, MemberSet::EMPTY);
            for (i, pr) in probs.iter().enumerate() {
                match c % 3 {
                    0 => {
                        yes.insert(i);
                        p *= pr.yes
                    }
                    1 => {
                        no.insert(i);
                        p *= pr.no
                    }
                    _ => p *= pr.abstain,
                }
                c /= 3;
            }
            match decide(rules, false, &yes, &no) {
                Decision::Adopted => adopt += p,
                Decision::Vetoed(_) => veto += p,
                Decision::FailedForWantOfVotes => {}
            }
        }
        (adopt, veto)
    }

    #[test]
    fn margin_programs_equal_enumeration_for_assembly_majorities() {
        let probs: Vec<VoteProbabilities> = (0..7)
            .map(|i| crate::behaviour::vote_probabilities(i as f64 * 0.25 - 0.7, 0.1, 0.1, 0.5))
            .collect();
        for majority in [
            Majority::PresentAndVoting,
            Majority::TwoThirdsPresentAndVoting,
        ] {
            for veto in [MemberSet::EMPTY, set(&[2])] {
                let rules = Rules {
                    majority,
                    quota: 1,
                    procedural_quota: 1,
                    veto,
                };
                let exact = adoption_probability(&rules, false, &probs, &mut Vec::new());
                let (brute, _) = brute_force(&rules, &probs);
                assert!(
                    (exact - brute).abs() < 1e-12,
                    "{majority:?}: {exact} vs {brute}"
                );
                assert!(exact > 0.01 && exact < 0.99);
            }
        }
    }

    #[test]
    fn dynamic_program_equals_enumeration_of_all_profiles() {
        let rules = Rules {
            majority: Majority::Quota,
            quota: 4,
            procedural_quota: 4,
            veto: set(&[0, 1]),
        };
        let probs: Vec<VoteProbabilities> = (0..7)
            .map(|i| {
                let delta = i as f64 * 0.3 - 0.8;
                crate::behaviour::vote_probabilities(delta, 0.1, 0.2, 0.4)
            })
            .collect();
        let mut buf = Vec::new();
        let (adopt, veto) = adoption_odds(&rules, false, &probs, &mut buf);
        let (adopt_bf, veto_bf) = brute_force(&rules, &probs);
        assert!((adopt - adopt_bf).abs() < 1e-12, "{adopt} vs {adopt_bf}");
        assert!((veto - veto_bf).abs() < 1e-12, "{veto} vs {veto_bf}");
        assert!(adopt > 0.01 && veto > 0.01);
    }

    #[test]
    fn a_one_member_body_carries_a_margin_vote_exactly_when_it_votes_yes() {
        // With one member, "more yes than no" and "at least twice as many yes as no, someone
        // voting" both hold only on the profile where it votes yes: P = P(yes) = 0.3. (The
        // margin programme's buffer must hold margins −no_weight..=+1 for n = 1.)
        let probs = [VoteProbabilities {
            yes: 0.3,
            no: 0.5,
            abstain: 0.2,
        }];
        let mut buf = Vec::new();
        for (no_weight, strict) in [(1, true), (2, false)] {
            let p = margin_probability(&probs, &MemberSet::EMPTY, no_weight, strict, &mut buf);
            assert!((p - 0.3).abs() < 1e-15, "no_weight {no_weight}: {p}");
        }
    }

    /// Unanimity (the quota equals the membership): the ballot passes only if every member
    /// votes yes, so P(pass) is the product of the yes probabilities (by hand: 0.9 × 0.8 ×
    /// 0.5 = 0.36), and one veto holder's no changes nothing more. A body smaller than the
    /// quota can never pass. (Mutation testing found the `len < quota` guard untested at
    /// `len == quota`, where returning 0 would be wrong.)
    #[test]
    fn unanimity_passes_with_the_product_of_the_yes_probabilities() {
        let p = |yes: f64, no: f64| VoteProbabilities {
            yes,
            no,
            abstain: 1.0 - yes - no,
        };
        let probs = [p(0.9, 0.05), p(0.8, 0.1), p(0.5, 0.25)];
        let mut buf = Vec::new();
        let pass = pass_probability(&probs, &set(&[0]), 3, &mut buf);
        assert!((pass - 0.36).abs() < 1e-15, "{pass}");
        assert_eq!(
            pass_probability(&probs[..2], &MemberSet::EMPTY, 3, &mut buf),
            0.0
        );
    }

    /// The bound the meeting uses to skip the withdrawal DP: never below the exact P(vetoed)
    /// on random Councils (some with P(vetoed) above ½, where a bound that undercut it would
    /// keep a draft the penholder withdraws), by hand on one veto holder (P(no) = 0.6 ⇒ 0.6),
    /// and 0 for procedural questions.
    #[test]
    fn veto_bound_is_never_below_the_exact_veto_probability() {
        let rules = council();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut unit = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut buf = Vec::new();
        let mut above_half = 0;
        for _ in 0..5_000 {
            let probs: Vec<VoteProbabilities> = (0..15)
                .map(|_| {
                    let yes = unit();
                    let no = (1.0 - yes) * unit() * unit();
                    VoteProbabilities {
                        yes,
                        no,
                        abstain: 1.0 - yes - no,
                    }
                })
                .collect();
            let (_, veto) = adoption_odds(&rules, false, &probs, &mut buf);
            let bound = veto_bound(&rules, false, &probs);
            assert!(veto <= bound + 1e-12, "P(vetoed) {veto} > bound {bound}");
            above_half += usize::from(veto >= 0.5);
            assert_eq!(veto_bound(&rules, true, &probs), 0.0);
        }
        assert!(above_half > 0, "no draw tested the withdrawal side");
        let mut probs = vec![
            VoteProbabilities {
                yes: 1.0,
                no: 0.0,
                abstain: 0.0,
            };
            15
        ];
        probs[2] = VoteProbabilities {
            yes: 0.0,
            no: 0.6,
            abstain: 0.4,
        };
        assert!((veto_bound(&rules, false, &probs) - 0.6).abs() < 1e-15);
        let (_, veto) = adoption_odds(&rules, false, &probs, &mut buf);
        assert!((veto - 0.6).abs() < 1e-15, "{veto}");
    }
}
