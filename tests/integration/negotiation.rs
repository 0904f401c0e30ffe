//! Negotiation matters: a penholder softens a draft that would be vetoed.

use crate::support::{councilsim, stdout, write_scenario, Council, Member};
use councilsim::montecarlo::{self, RunConfig};
use councilsim::outcome::BallotStatus;

/// P1 holds the pen and wants the text at 0.9; P2 (a veto holder) vetoes anything far
/// from 0 but abstains on a text near 0.4; E01 wants 1.0 and never votes yes, so it keeps
/// asking for a harder text that the penholder must refuse.
fn veto_threatened_council(consultations: bool) -> Council {
    let mut members = Council::fifteen(0.6);
    for m in members.iter_mut() {
        m.tau = 0.05;
        m.act_bonus = 0.5;
    }
    members[0] = Member::new("P1", true, 0.9).act_bonus(0.5).tau(0.05);
    members[1] = Member::new("P2", true, 0.0)
        .salience(2.0)
        .act_bonus(0.3)
        .tau(0.05)
        .flexibility(0.5);
    members[5] = Member::new("E01", false, 1.0)
        .act_bonus(0.0)
        .thresholds(1.5, 1.5)
        .tau(0.05)
        .flexibility(0.0);
    let mut council = Council::new(members, 0.9);
    council.consultations = consultations;
    council
}

fn p_adopted(council: &Council) -> f64 {
    let model = council.model();
    let n = 2000;
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: n,
            seed: 9,
            threads: 2,
        },
    )
    .unwrap();
    summary.ballots[0].count(BallotStatus::Adopted) as f64 / n as f64
}

#[test]
fn the_penholder_softens_a_vetoed_draft_and_adoption_becomes_likely() {
    let without = p_adopted(&veto_threatened_council(false));
    let with = p_adopted(&veto_threatened_council(true));
    assert!(
        without < 0.05,
        "without consultations the veto should stand: {without}"
    );
    assert!(with > 0.8, "consultations should soften the draft: {with}");
}

#[test]
fn the_trace_shows_accepted_and_refused_changes_with_their_expected_value_gain() {
    let path = write_scenario("soften.toml", &veto_threatened_council(true).toml());
    let out = councilsim(&[
        "trace",
        path.to_str().unwrap(),
        "--seed",
        "9",
        "--replication",
        "0",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    let accepted: Vec<&str> = text.lines().filter(|l| l.contains("P1 accepts")).collect();
    let refused: Vec<&str> = text.lines().filter(|l| l.contains("P1 refuses")).collect();
    assert!(!accepted.is_empty(), "no accepted change in:\n{text}");
    assert!(!refused.is_empty(), "no refused change in:\n{text}");
    assert!(
        accepted.iter().all(|l| l.contains("E rises +")),
        "{accepted:?}"
    );
    assert!(
        refused.iter().all(|l| l.contains("E would change")),
        "{refused:?}"
    );
    assert!(
        text.contains("P2 would not vote yes"),
        "the vetoing member should ask:\n{text}"
    );
    assert!(
        text.contains("E01 would not vote yes"),
        "the hawk should ask:\n{text}"
    );
    // The text in blue is softer than the draft as circulated.
    let blue = text.lines().find(|l| l.contains("put in blue")).unwrap();
    let position: f64 = blue
        .rsplit("force ")
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(position < 0.6, "{blue}");
}
