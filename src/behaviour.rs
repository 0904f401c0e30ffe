//! How a delegation values a text and chooses its vote.
//!
//! Utility: `U_i(T) = −Σ_d s_id·|x_id − T_d|^p`. The latent value of a vote is Δ (for a
//! draft, `U_i(T) − U_i(Q) + r_i + pressure`); the vote is an ordered logit on Δ + ε with
//! ε ~ Logistic(0, τ_i): yes above the yes threshold a_i, no below −b_i, abstain between.
//! These functions are pure so the formulas can be tested against the README by hand.

/// A member's vote on one ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vote {
    /// Affirmative.
    Yes,
    /// Negative (a veto when cast by a veto holder on a substantive question that has the quota).
    No,
    /// Abstention: never a veto (Charter practice since 1946).
    Abstain,
}

impl Vote {
    /// Lower-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
        }
    }
}

/// The ordered-logit probabilities of the three votes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VoteProbabilities {
    /// P(yes) = σ((Δ − a)/τ).
    pub yes: f64,
    /// P(no) = σ((−b − Δ)/τ).
    pub no: f64,
    /// P(abstain) = 1 − P(yes) − P(no).
    pub abstain: f64,
}

/// `|gap|^p`, with the quadratic default computed without `powf`.
#[inline]
pub fn distance_term(gap: f64, p: f64) -> f64 {
    if p == 2.0 {
        gap * gap
    } else {
        gap.abs().powf(p)
    }
}

/// Utility of a text position for one member: `−Σ_d s_d·|x_d − T_d|^p`.
#[inline]
pub fn utility(ideal: &[f64], salience: &[f64], position: &[f64], p: f64) -> f64 {
    let mut loss = 0.0;
    // The quadratic case is decided once, not per dimension (the same sums either way).
    if p == 2.0 {
        for ((x, s), t) in ideal.iter().zip(salience).zip(position) {
            let gap = x - t;
            loss += s * (gap * gap);
        }
    } else {
        for ((x, s), t) in ideal.iter().zip(salience).zip(position) {
            loss += s * distance_term(x - t, p);
        }
    }
    -loss
}

/// The logistic function σ(z) = 1 / (1 + e^(−z)), computed without overflow.
#[inline]
pub fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Exact vote probabilities for latent value `delta`, thresholds `a` (yes) and `b` (no) and
/// temperature `tau`. With `tau == 0` the vote is certain; exactly at a threshold it is an
/// abstention.
#[inline]
pub fn vote_probabilities(delta: f64, a: f64, b: f64, tau: f64) -> VoteProbabilities {
    let (yes, no) = if tau > 0.0 {
        (logistic((delta - a) / tau), logistic((-b - delta) / tau))
    } else {
        (
            if delta > a { 1.0 } else { 0.0 },
            if delta < -b { 1.0 } else { 0.0 },
        )
    };
    VoteProbabilities {
        yes,
        no,
        abstain: (1.0 - yes - no).max(0.0),
    }
}

/// The vote a member intends without noise (what it tells others in consultations).
#[inline]
pub fn intended_vote(delta: f64, a: f64, b: f64) -> Vote {
    if delta > a {
        Vote::Yes
    } else if delta < -b {
        Vote::No
    } else {
        Vote::Abstain
    }
}

/// The vote for latent value `delta` given a uniform draw `u` in (0, 1): the noise is the
/// logistic quantile ε = τ·ln(u / (1 − u)), so P(yes) and P(no) are exactly those of
/// [`vote_probabilities`].
#[inline]
pub fn sampled_vote(delta: f64, a: f64, b: f64, tau: f64, u: f64) -> Vote {
    let noise = if tau > 0.0 {
        tau * (u / (1.0 - u)).ln()
    } else {
        0.0
    };
    intended_vote(delta + noise, a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_follow_the_ordered_logit_formula() {
        let (delta, a, b, tau) = (0.3, 0.1, 0.4, 0.25);
        let p = vote_probabilities(delta, a, b, tau);
        let yes = 1.0 / (1.0 + (-(delta - a) / tau).exp());
        let no = 1.0 / (1.0 + (-(-b - delta) / tau).exp());
        assert!((p.yes - yes).abs() < 1e-15);
        assert!((p.no - no).abs() < 1e-15);
        assert!((p.yes + p.no + p.abstain - 1.0).abs() < 1e-15);
        assert!(p.yes > p.abstain && p.abstain > p.no);
    }

    /// σ(1000) = 1/(1 + e^−1000) is 1 in f64 and σ(−1000) = e^−1000/(1 + e^−1000) is 0; σ(0)
    /// is ½ exactly. Writing σ(z) as e^z/(1 + e^z) for z ≥ 0 would give ∞/∞ = NaN there: a
    /// member with a margin of 1 and τ = 0.001 (z = 1000) would have no probabilities at all.
    #[test]
    fn logistic_saturates_without_overflow_on_either_side() {
        assert_eq!(logistic(1000.0), 1.0);
        assert_eq!(logistic(-1000.0), 0.0);
        assert_eq!(logistic(0.0), 0.5);
        let p = vote_probabilities(1.0, 0.0, 0.0, 0.001);
        assert_eq!((p.yes, p.no, p.abstain), (1.0, 0.0, 0.0));
    }

    #[test]
    fn zero_temperature_is_deterministic_and_abstains_at_a_threshold() {
        assert_eq!(vote_probabilities(0.5, 0.2, 0.2, 0.0).yes, 1.0);
        assert_eq!(vote_probabilities(-0.5, 0.2, 0.2, 0.0).no, 1.0);
        assert_eq!(vote_probabilities(0.2, 0.2, 0.2, 0.0).abstain, 1.0);
        assert_eq!(vote_probabilities(-0.2, 0.2, 0.2, 0.0).abstain, 1.0);
        for u in [1e-9, 0.3, 0.5, 0.999_999] {
            assert_eq!(sampled_vote(0.5, 0.2, 0.2, 0.0, u), Vote::Yes);
            assert_eq!(sampled_vote(0.2, 0.2, 0.2, 0.0, u), Vote::Abstain);
            // Exactly at −b too the vote is an abstention, not a no (for a veto holder: not
            // a veto); just below it, a no.
            assert_eq!(sampled_vote(-0.2, 0.2, 0.2, 0.0, u), Vote::Abstain);
            assert_eq!(sampled_vote(-0.25, 0.2, 0.2, 0.0, u), Vote::No);
        }
        assert_eq!(intended_vote(-0.2, 0.3, 0.2), Vote::Abstain);
        assert_eq!(intended_vote(-0.2 - 1e-12, 0.3, 0.2), Vote::No);
    }

    #[test]
    fn sampled_votes_switch_exactly_at_the_probability_quantiles() {
        let (delta, a, b, tau) = (0.1, 0.2, 0.3, 0.5);
        let p = vote_probabilities(delta, a, b, tau);
        // ε > a − Δ  ⇔  u > 1 − P(yes);  ε < −b − Δ  ⇔  u < P(no).
        assert_eq!(sampled_vote(delta, a, b, tau, p.no - 1e-9), Vote::No);
        assert_eq!(sampled_vote(delta, a, b, tau, p.no + 1e-9), Vote::Abstain);
        assert_eq!(
            sampled_vote(delta, a, b, tau, 1.0 - p.yes - 1e-9),
            Vote::Abstain
        );
        assert_eq!(
            sampled_vote(delta, a, b, tau, 1.0 - p.yes + 1e-9),
            Vote::Yes
        );
    }

    #[test]
    fn utility_is_weighted_distance_to_the_power_p() {
        let u2 = utility(&[0.0, 1.0], &[2.0, 0.5], &[0.5, 0.0], 2.0);
        assert!((u2 - -(2.0 * 0.25 + 0.5 * 1.0)).abs() < 1e-15);
        let u1 = utility(&[0.0, 1.0], &[2.0, 0.5], &[0.5, 0.0], 1.0);
        assert!((u1 - -(2.0 * 0.5 + 0.5 * 1.0)).abs() < 1e-15);
    }
}
