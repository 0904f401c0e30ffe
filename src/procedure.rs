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
use crate::model::Rules;

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

/// Decides a tallied vote under `rules`.
pub fn decide(rules: &Rules, procedural: bool, yes: &MemberSet, no: &MemberSet) -> Decision {
    let quota = if procedural {
        rules.procedural_quota
    } else {
        rules.quota
    };
    if yes.len() < quota {
        return Decision::FailedForWantOfVotes;
    }
    if !procedural {
        let vetoers = no.intersection(&rules.veto);
        if !vetoers.is_empty() {
            return Decision::Vetoed(vetoers);
        }
    }
    Decision::Adopted
}

/// One sentence naming the rule that decided, for traces.
pub fn explain(rules: &Rules, procedural: bool, yes: usize, decision: &Decision) -> String {
    let quota = if procedural {
        rules.procedural_quota
    } else {
        rules.quota
    };
    let kind = if procedural {
        "procedural: no veto applies (Art. 27(2))"
    } else {
        "substantive (Art. 27(3))"
    };
    match decision {
        Decision::Adopted => format!("adopted: {yes} yes ≥ quota {quota}, no veto; {kind}"),
        Decision::FailedForWantOfVotes => {
            format!("failed for want of votes: {yes} yes < quota {quota}; {kind}")
        }
        Decision::Vetoed(_) => format!(
            "vetoed: {yes} yes ≥ quota {quota}, but a veto holder voted no; {kind}; abstentions are not vetoes"
        ),
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
        if hi < quota {
            hi += 1;
        }
        // Walk down so each member is counted once.
        for k in (lo..=hi).rev() {
            let mass = buf[k];
            if k == quota {
                buf[k] = mass * (p.yes + stay);
            } else {
                buf[k + 1] += mass * p.yes;
                buf[k] = mass * stay;
            }
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

/// P(adopted) of a ballot under `rules`, from independent vote probabilities (one DP pass).
pub fn adoption_probability(
    rules: &Rules,
    procedural: bool,
    probs: &[VoteProbabilities],
    buf: &mut Vec<f64>,
) -> f64 {
    if procedural {
        pass_probability(probs, &MemberSet::EMPTY, rules.procedural_quota, buf)
    } else {
        pass_probability(probs, &rules.veto, rules.quota, buf)
    }
}

/// P(adopted) and P(vetoed) of a ballot under `rules`, from independent vote
/// probabilities. P(vetoed) = P(quota met) − P(adopted).
pub fn adoption_odds(
    rules: &Rules,
    procedural: bool,
    probs: &[VoteProbabilities],
    buf: &mut Vec<f64>,
) -> (f64, f64) {
    if procedural {
        let p = pass_probability(probs, &MemberSet::EMPTY, rules.procedural_quota, buf);
        return (p, 0.0);
    }
    let adopt = pass_probability(probs, &rules.veto, rules.quota, buf);
    let quota_met = pass_probability(probs, &MemberSet::EMPTY, rules.quota, buf);
    (adopt, (quota_met - adopt).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn council() -> Rules {
        Rules {
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
    fn dynamic_program_equals_enumeration_of_all_profiles() {
        let rules = Rules {
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
}
