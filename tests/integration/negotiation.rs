//! Negotiation matters: a penholder softens a draft that would be vetoed.

use crate::support::{councilsim, stdout, write_scenario, Council, Member};
use councilsim::montecarlo::{self, RunConfig};
use councilsim::negotiation::Replication;
use councilsim::outcome::BallotStatus;
use councilsim::trace::{TraceEvent, TraceLog};

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

// ---------------------------------------------------------------------------------------
// Simultaneous events (mutation testing of src/negotiation/: tests/MUTANTS.md)
// ---------------------------------------------------------------------------------------

/// The kind of a traced event, by the handler that recorded it.
fn minute_kinds(entries: &[(u64, TraceEvent)]) -> Vec<(u64, &'static str)> {
    entries
        .iter()
        .filter_map(|(t, e)| match e {
            TraceEvent::Instruction { .. } => Some((*t, "instruction")),
            TraceEvent::RoundEnded { .. } => Some((*t, "round end")),
            _ => None,
        })
        .collect()
}

#[test]
fn news_from_capitals_lands_before_a_round_closing_in_its_minute_and_stops_before_the_meeting() {
    // Instructions at 10 per member per day over 15 members arrive every 9.6 minutes on
    // average, so some fall on the very minute a consultation round (half a day to a day
    // long) closes. The queue runs simultaneous events by priority, instructions first, so
    // the round's asks see the moved ideal point: in the trace the instruction of that
    // minute comes before the round's end. (The next instruction is scheduled at least a
    // minute later, so it can never follow a round end within the minute.) Were all events
    // of equal priority, the round end (scheduled when the round opened, hours earlier)
    // would run before the instruction (scheduled minutes earlier) every time.
    let mut council = Council::new(Council::fifteen(0.5), 0.5);
    council.consultations = true;
    council.negotiation_extra = "instructions = { rate_per_day = 10.0, size = 0.1 }".into();
    let model = council.model();
    let mut replication = Replication::new(&model);
    let mut coincidences = 0;
    for r in 0..60 {
        let mut log = TraceLog::default();
        replication.run(4, r, &mut log);
        let kinds = minute_kinds(&log.entries);
        // Instructions stop before the meeting (day 5, minute 7200): none can land on it.
        assert!(kinds.iter().all(|&(t, k)| k != "instruction" || t < 7200));
        for (j, &(t, kind)) in kinds.iter().enumerate() {
            if kind != "instruction" {
                continue;
            }
            let same_minute = kinds.iter().filter(|(u, _)| *u == t);
            let first = same_minute.clone().next().unwrap();
            assert_eq!(
                first.1,
                "instruction",
                "replication {r}, minute {t}: {:?}",
                &kinds[j.saturating_sub(2)..]
            );
            coincidences += same_minute.filter(|(_, k)| *k == "round end").count();
        }
    }
    assert!(coincidences >= 10, "only {coincidences} coincidences");
}

#[test]
fn the_outcome_of_the_last_run_is_kept() {
    // `Replication::outcome` is public API that no caller in the crate uses: it must give
    // what the last `run` returned (here, a draft every member votes for: 15-0-0, adopted).
    let model = Council::new(Council::fifteen(0.5), 0.5).model();
    let mut replication = Replication::new(&model);
    let ran = replication.run(1, 0, &mut TraceLog::default()).clone();
    assert_eq!(ran.ballots[0].status, BallotStatus::Adopted);
    assert_eq!(ran.ballots[0].yes.len(), 15);
    assert_eq!(replication.outcome(), &ran);
}

#[test]
fn a_replication_on_a_reused_simulator_is_the_replication_on_a_fresh_one() {
    // Replication r must not depend on what the same simulator ran before it (a shard or a
    // thread runs a different set of replications before r). Members weigh the amendments
    // they sponsor on the text as it stands, and the simulator remembers where each
    // amendment would put the text, per text version. Capital instructions make the text at
    // a given version differ from one replication to the next: a softening moves the text
    // to the asker's ideal point, which instructions have moved. So a position remembered
    // from an earlier replication at the same version is stale; each replication's trace,
    // event for event, must be the one a fresh simulator gives.
    let mut members = Council::fifteen(0.5);
    for (k, m) in members.iter_mut().enumerate() {
        m.ideal = [0.9, 0.1, 0.3, 0.7][k % 4];
        m.act_bonus = 0.0;
        m.flexibility = 0.5;
    }
    members[0].ideal = 1.0;
    let mut council = Council::new(members, 1.0);
    council.consultations = true;
    council.negotiation_extra = "instructions = { rate_per_day = 0.4, size = 0.5 }".into();
    for (k, (sponsors, position)) in [("\"E01\", \"E02\"", 0.2), ("\"E03\", \"P2\"", 0.0)]
        .iter()
        .enumerate()
    {
        council.extra.push_str(&format!(
            "[[amendments]]\nid = \"A{k}\"\nsponsors = [{sponsors}]\naction = \"insert\"\ntext = \"Also decides {k}\"\nposition = {{ force = {position} }}\n\n"
        ));
    }
    let model = council.model();
    let mut reused = Replication::new(&model);
    let mut amendment_asks = 0;
    for r in 0..100 {
        let mut log = TraceLog::default();
        let outcome = reused.run(5, r, &mut log).clone();
        let mut fresh_log = TraceLog::default();
        let fresh = Replication::new(&model).run(5, r, &mut fresh_log).clone();
        assert_eq!(log.entries, fresh_log.entries, "replication {r}");
        assert_eq!(outcome, fresh, "replication {r}");
        amendment_asks += log
            .entries
            .iter()
            .filter(|(_, e)| {
                matches!(
                    e,
                    TraceEvent::Asked {
                        ask: councilsim::trace::Ask::Amendment(_),
                        ..
                    }
                )
            })
            .count();
    }
    assert!(amendment_asks > 20, "{amendment_asks}");
}
