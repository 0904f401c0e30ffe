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
    /// The vote whose discriminant is `code` (0 yes, 1 no, anything else abstain): for
    /// votes computed arithmetically, without a branch per vote.
    #[inline]
    pub fn from_code(code: u8) -> Vote {
        match code {
            0 => Vote::Yes,
            1 => Vote::No,
            _ => Vote::Abstain,
        }
    }

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

/// Where a vote draw decides a member's vote without a logarithm: the two quantiles of
/// [`sampled_vote`] for one (Δ, a, b, τ > 0), each with a guard band of a relative 2ε on
/// both sides. [`VoteQuantiles::vote`] returns the vote `sampled_vote` returns, bit for bit
/// the same decision, for every draw u ≥ 2⁻⁵⁴; only a draw inside a band (about one in
/// 10⁸) is decided by `sampled_vote` itself.
///
/// Why it is exact. Write L(u) = ln(u/(1 − u)) (real numbers). `sampled_vote` computes
/// x = fl(Δ + fl(τ·ln(fl(u/fl(1 − u))))) and says yes if x > a, no if x < −b. With u ≥
/// 2⁻⁵⁴ (as [`crate::engine::rng::open_unit`] draws), |L| ≤ 37.5; the subtraction is
/// exact for u ≥ ½ and both it and the division round by at most 2⁻⁵³; the library's `ln`
/// (glibc: under 1 ulp; the margin below covers 1 000 ulp) then lands within
/// 2.5·10⁻¹⁶ + 37.5·2⁻⁵² ≤ 9·10⁻¹⁵ of L, and the product and the sum add 2⁻⁵³ each, so
/// |x − (Δ + τ·L)| ≤ η with η/τ ≤ 1.8·10⁻¹⁴ + 1.2·10⁻¹⁶·|Δ|/τ.
///
/// P(no) = σ(z) with z = fl(fl(−b − Δ)/τ) = (−b − Δ)/τ + e, |e| ≤ 5·10⁻¹⁶·(|b| + |Δ|)/τ,
/// and the computed σ is within a relative 7·10⁻¹⁶ of σ(z) (one `exp`, a sum, a quotient;
/// where `exp` is subnormal both are far below any u). Since u/(1 − u) is increasing and
/// σ(z)/(1 − σ(z)) = e^z:
/// - u < σ(z)·(1 − ε) gives L(u) < z + ln(1 − ε) ≤ z − ε;
/// - u > σ(z)·(1 + ε) gives L(u) > z + ln(1 + ε) ≥ z + ε/2 (for ε ≤ 1).
///
/// With ε = 10⁻⁹·(1 + (|Δ| + |a| + |b|)/τ) ≥ 2·(|e| + η/τ) (by a factor of 10⁴ and more),
/// the first makes τ·L < −b − Δ − η, so x < −b: a no; the second makes x > −b: not a no.
/// The bands use the computed product p·(1 ∓ 2ε), whose rounding (with σ's)
/// stays inside the factor 2 of 2ε once ε ≥ 10⁻¹⁵. Yes is the same argument on the other
/// side: L(u) = −L(1 − u), and P(yes) = σ(fl(fl(Δ − a)/τ)), so 1 − u < P(yes)·(1 − 2ε)
/// makes x > a and 1 − u > P(yes)·(1 + 2ε) makes x ≤ a (1 − u is exact for u ≥ ½ and
/// rounds by 2⁻⁵³ below, inside the margin). Where a comparison is undecided (u within
/// 2ε of a quantile, ε above 10⁻³, or any NaN), the vote is computed as `sampled_vote`
/// computes it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VoteQuantiles {
    /// 1 − u below this: a yes.
    yes_below: f64,
    /// 1 − u above this: not a yes.
    yes_above: f64,
    /// u below this: a no (if not a yes).
    no_below: f64,
    /// u above this: not a no.
    no_above: f64,
}

impl VoteQuantiles {
    /// The bands for latent value `delta`, thresholds `a`, `b` and temperature `tau > 0`;
    /// every band is NaN (so every draw goes to `sampled_vote`) where ε is not below 10⁻³
    /// or an input is NaN.
    pub fn new(delta: f64, a: f64, b: f64, tau: f64) -> Self {
        let p = vote_probabilities(delta, a, b, tau);
        let eps = 1e-9 * (1.0 + (delta.abs() + a.abs() + b.abs()) / tau);
        if eps.is_nan() || eps >= 1e-3 {
            return VoteQuantiles {
                yes_below: f64::NAN,
                yes_above: f64::NAN,
                no_below: f64::NAN,
                no_above: f64::NAN,
            };
        }
        let (below, above) = (1.0 - 2.0 * eps, 1.0 + 2.0 * eps);
        VoteQuantiles {
            yes_below: p.yes * below,
            yes_above: p.yes * above,
            no_below: p.no * below,
            no_above: p.no * above,
        }
    }

    /// The vote for draw `u`: `sampled_vote(delta, a, b, tau, u)`, where `self` was made
    /// by [`VoteQuantiles::new`] from the same `delta`, `a`, `b`, `tau`.
    #[inline]
    pub fn vote(&self, delta: f64, a: f64, b: f64, tau: f64, u: f64) -> Vote {
        self.decide(u)
            .unwrap_or_else(|| sampled_vote(delta, a, b, tau, u))
    }

    /// The vote for draw `u` if `u` is outside both guard bands.
    ///
    /// A nearly certain yes (as most members of a large body cast) is decided by one branch,
    /// which the processor predicts right. Any other vote is as random as its draw, so its
    /// four comparisons are combined without branching: a branch per comparison would be
    /// mispredicted about as often as the less likely vote comes up. Only the guard bands
    /// (about one draw in 10⁸) then take a branch.
    #[inline]
    pub fn decide(&self, u: f64) -> Option<Vote> {
        let v = 1.0 - u;
        if self.yes_below > NEARLY_CERTAIN && v < self.yes_below {
            return Some(Vote::Yes);
        }
        let yes = v < self.yes_below;
        let not_yes = v > self.yes_above;
        let no = u < self.no_below;
        let not_no = u > self.no_above;
        // A yes, or surely not a yes and surely a no or not one (the bands are ordered, and
        // every comparison with a NaN band is false: undecided).
        if !(yes | (not_yes & (no | not_no))) {
            return None;
        }
        Some(Vote::from_code(u8::from(!yes) + u8::from(!(yes | no))))
    }
}

/// A vote probability above which [`VoteQuantiles::decide`] tests for that vote first.
const NEARLY_CERTAIN: f64 = 0.9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_votes_code_is_its_discriminant() {
        for vote in [Vote::Yes, Vote::No, Vote::Abstain] {
            assert_eq!(Vote::from_code(vote as u8), vote);
        }
        assert_eq!(Vote::from_code(3), Vote::Abstain);
    }

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

    /// The quantile shortcut returns `sampled_vote`'s vote on millions of draws: random
    /// latent values, thresholds and temperatures (down to 10⁻⁶ and up to 10), uniform draws,
    /// draws at the extremes of the open unit interval, and draws placed right at either
    /// quantile (within a few ulp to a relative 10⁻⁶ on both sides), where the shortcut must
    /// hand over to the logarithm.
    #[test]
    fn votes_by_quantiles_are_the_sampled_votes() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
        let unit = |rng: &mut rand_chacha::ChaCha8Rng| {
            ((rng.random::<u64>() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
        };
        let (mut checked, mut shortcut, mut uniform_undecided) = (0u64, 0u64, 0u64);
        for case in 0..200_000 {
            let scale = [1e-3, 0.1, 1.0, 30.0][case % 4];
            let delta = (rng.random::<f64>() - 0.5) * 2.0 * scale;
            let a = rng.random::<f64>() * scale;
            let b = rng.random::<f64>() * scale;
            let tau = [1e-6, 0.01, 0.1, 0.3, 1.0, 10.0][case % 6] * (0.5 + rng.random::<f64>());
            let p = vote_probabilities(delta, a, b, tau);
            let quantiles = VoteQuantiles::new(delta, a, b, tau);
            let mut draws = vec![
                unit(&mut rng),
                unit(&mut rng),
                0.5 / (1u64 << 53) as f64,
                1.0 - 0.5 / (1u64 << 53) as f64,
                0.5,
            ];
            for q in [p.no, 1.0 - p.yes] {
                for rel in [0.0, 1e-16, 1e-14, 1e-12, 1e-10, 1e-9, 2e-9, 1e-8, 1e-6] {
                    for side in [-1.0, 1.0] {
                        let u = q * (1.0 + side * rel);
                        if u > 0.0 && u < 1.0 {
                            draws.push(u);
                            // The neighbours on the draw grid, too.
                            draws.push(f64::from_bits(u.to_bits() + 1));
                            draws.push(f64::from_bits(u.to_bits() - 1));
                        }
                    }
                }
            }
            for (k, u) in draws.into_iter().enumerate() {
                if !(u > 0.0 && u < 1.0) {
                    continue;
                }
                let exact = sampled_vote(delta, a, b, tau, u);
                assert_eq!(
                    quantiles.vote(delta, a, b, tau, u),
                    exact,
                    "delta {delta:e} a {a:e} b {b:e} tau {tau:e} u {u:e}"
                );
                checked += 1;
                if quantiles.decide(u).is_some() {
                    shortcut += 1;
                } else if k < 2 {
                    // A uniform draw inside a band (probability about 10⁻⁸).
                    uniform_undecided += 1;
                }
            }
        }
        assert!(checked > 10_000_000, "{checked}");
        // ε reaches 10⁻³ only at τ = 10⁻⁶ with latent values of 1 000 τ and more; there the
        // logarithm decides. Elsewhere a uniform draw is almost never within a band.
        assert!(uniform_undecided < 40_000, "{uniform_undecided}");
        // Most draws here are placed at a quantile on purpose; still, the shortcut decides a
        // good part of them (all but those within 2ε).
        assert!(shortcut * 5 > checked, "{shortcut} of {checked}");
    }
}
