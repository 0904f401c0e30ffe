//! The vote model: ordered-logit probabilities and the exact P(adopt) against Monte Carlo.

use crate::support::{Council, Member};
use councilsim::export::report;
use councilsim::montecarlo::{self, RunConfig};
use councilsim::outcome::BallotStatus;

/// A council with no negotiation, blocs or pressure, whose members' Δ spread across the
/// thresholds: ideal points x_i from 0 to 1, the draft at 0.5, status quo 0, so
/// Δ_i = −(x_i − 0.5)² + x_i² + r = x_i − 0.25 + r. The five members furthest from the
/// status quo hold the veto.
fn independent_council(tau: f64, r: f64) -> (Council, Vec<f64>) {
    let mut members = Vec::new();
    let mut deltas = Vec::new();
    for i in 0..15 {
        let x = i as f64 / 14.0;
        members.push(
            Member::new(&format!("M{i:02}"), i >= 10, x)
                .act_bonus(r)
                .tau(tau)
                .thresholds(0.1, 0.2),
        );
        deltas.push(x - 0.25 + r);
    }
    (Council::new(members, 0.5), deltas)
}

/// The ordered-logit formula, written out independently of the library.
fn ordered_logit(delta: f64, a: f64, b: f64, tau: f64) -> (f64, f64, f64) {
    let yes = 1.0 / (1.0 + (-(delta - a) / tau).exp());
    let no = 1.0 / (1.0 + (-(-b - delta) / tau).exp());
    (yes, no, 1.0 - yes - no)
}

#[test]
fn monte_carlo_vote_shares_match_the_ordered_logit_formula() {
    let (council, deltas) = independent_council(0.15, -0.3);
    let model = council.model();
    let n = 20_000;
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: n,
            seed: 11,
            threads: 2,
        },
    )
    .unwrap();
    let report = report::build(&model, &summary, 11);
    let votes = &report.drafts[0].votes;
    for (i, delta) in deltas.iter().enumerate() {
        let (yes, no, abstain) = ordered_logit(*delta, 0.1, 0.2, 0.15);
        let got = &votes[&format!("M{i:02}")];
        for (p, q) in [(yes, got.yes), (no, got.no), (abstain, got.abstain)] {
            let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-4);
            assert!(
                (p - q).abs() < 4.0 * se,
                "member {i}: formula {p:.4}, simulated {q:.4}"
            );
        }
    }
}

#[test]
fn monte_carlo_adoption_agrees_with_the_exact_dynamic_program() {
    let (council, deltas) = independent_council(0.3, 0.0);
    let model = council.model();
    let probs: Vec<_> = deltas
        .iter()
        .map(|&d| {
            let (yes, no, abstain) = ordered_logit(d, 0.1, 0.2, 0.3);
            councilsim::behaviour::VoteProbabilities { yes, no, abstain }
        })
        .collect();
    let (exact, exact_veto) =
        councilsim::procedure::adoption_odds(&model.rules, false, &probs, &mut Vec::new());
    assert!(
        exact > 0.05 && exact < 0.95,
        "the test needs a non-trivial P(adopt), got {exact}"
    );
    let n = 40_000u64;
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: n,
            seed: 5,
            threads: 2,
        },
    )
    .unwrap();
    let draft = summary.ballots.last().unwrap();
    let simulated = draft.count(BallotStatus::Adopted) as f64 / n as f64;
    let se = (exact * (1.0 - exact) / n as f64).sqrt();
    assert!(
        (simulated - exact).abs() < 4.0 * se,
        "exact {exact:.4}, simulated {simulated:.4} (se {se:.4})"
    );
    let vetoed = draft.count(BallotStatus::Vetoed) as f64 / n as f64;
    let se = (exact_veto * (1.0 - exact_veto) / n as f64).sqrt();
    assert!(
        (vetoed - exact_veto).abs() < 4.0 * se,
        "exact veto {exact_veto:.4}, simulated {vetoed:.4}"
    );
}

#[test]
fn zero_temperature_makes_every_replication_identical() {
    let (council, _) = independent_council(0.0, -0.3);
    let model = council.model();
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: 300,
            seed: 3,
            threads: 2,
        },
    )
    .unwrap();
    for ballot in &summary.ballots {
        assert_eq!(ballot.status.iter().filter(|&&c| c > 0).count(), 1);
        assert_eq!(ballot.tallies.len(), 1);
    }
    // Δ_i = x_i − 0.55: yes above 0.1 (x > 0.65), no below −0.2 (x < 0.35).
    let ((yes, no, abstain), count) = summary.ballots[0].modal_tally().unwrap();
    assert_eq!((yes, no, abstain, count), (5, 5, 5, 300));
}

/// Three bloc members: two intend yes (Δ = 1), one abstains (Δ = 0). With cohesion 1 the
/// majority carries the third; with cohesion 0 everyone votes its own way.
#[test]
fn a_cohesive_bloc_carries_its_minority() {
    let tally_with = |cohesion: f64| {
        let mut members = Council::fifteen(0.0);
        for (i, m) in members.iter_mut().enumerate() {
            m.act_bonus = if i == 7 { 0.0 } else { 1.0 };
        }
        members = members
            .into_iter()
            .enumerate()
            .map(|(i, m)| if (5..8).contains(&i) { m.bloc("B") } else { m })
            .collect();
        let mut council = Council::new(members, 0.0);
        council.extra = format!("[blocs.B]\ncohesion = {cohesion}\nrule = \"majority\"\n");
        let model = council.model();
        let summary = montecarlo::run(
            &model,
            RunConfig {
                replications: 50,
                seed: 2,
                threads: 1,
            },
        )
        .unwrap();
        summary.ballots[0].modal_tally().unwrap()
    };
    assert_eq!(tally_with(1.0), ((15, 0, 0), 50));
    assert_eq!(tally_with(0.0), ((14, 0, 1), 50));
}
