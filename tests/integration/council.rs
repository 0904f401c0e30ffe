//! The richer Council of issue 10: the 1946 Council, rival drafts, conditional tabling,
//! meetings on several days, co-penholders, non-member participants, per-ballot stances,
//! integer dimensions and `explain`.

use crate::support::{councilsim, stderr, write_scenario, Council, Member};

/// Five permanent members and six elected ones: the Council of 1946–1965.
fn eleven() -> Vec<Member> {
    let mut v: Vec<Member> = (1..=5)
        .map(|i| Member::new(&format!("P{i}"), true, 0.5))
        .collect();
    v.extend((1..=6).map(|i| Member::new(&format!("E{i:02}"), false, 0.5)));
    v
}

#[test]
fn the_1946_council_has_quota_7_and_the_textbook_power_indices() {
    let mut council = Council::new(eleven(), 0.5);
    council.extra = "[rules]\npreset = \"security-council-1946\"\n".into();
    let model = council.model();
    assert_eq!(model.rules.quota, 7);
    assert_eq!(model.rules.veto.len(), 5);
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    // Shapley–Shubik: a permanent member 76/385, an elected one 1/462 (Shapley and Shubik
    // 1954 computed these for the Council of the time).
    for m in councilsim::power::indices(&model) {
        let expected = if m.veto { 76.0 / 385.0 } else { 1.0 / 462.0 };
        assert!(
            (m.shapley_shubik - expected).abs() < 1e-12,
            "{}: {} vs {expected}",
            m.id,
            m.shapley_shubik
        );
    }
}

#[test]
fn a_preset_quota_that_does_not_fit_the_membership_warns_but_passes_the_check() {
    let mut council = Council::new(eleven(), 0.5);
    council.extra = "[rules]\npreset = \"security-council\"\n".into();
    let model = council.model();
    assert_eq!(model.rules.quota, 9, "the preset's quota is kept");
    assert_eq!(model.warnings.len(), 1);
    let path = write_scenario("eleven.toml", &council.toml());
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: the security-council preset's quota of 9 is meant for 15 members, but this body has 11"), "{err}");
    assert!(err.contains("security-council-1946"), "{err}");
    // The 15-member Council and the 1946 preset on 11 members say nothing.
    council.extra = "[rules]\npreset = \"security-council-1946\"\n".into();
    let path = write_scenario("eleven-1946.toml", &council.toml());
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(Council::new(Council::fifteen(0.5), 0.5)
        .model()
        .warnings
        .is_empty());
}

use councilsim::model::Model;
use councilsim::negotiation::Replication;
use councilsim::outcome::BallotStatus;
use councilsim::trace::{NoTrace, TraceLog};

/// Fifteen members on one dimension `force` (status quo 0): P1..P5 permanent, E01..E10
/// elected, each `[members.ID]` given by `member(id)` as the inside of its stance table.
fn council(member: impl Fn(&str) -> String, rest: &str) -> String {
    let mut s =
        String::from("[scenario]\nname = \"t\"\n\n[dimensions.force]\nstatus_quo = 0.0\n\n");
    let ids: Vec<String> = (1..=5)
        .map(|i| format!("P{i}"))
        .chain((1..=10).map(|i| format!("E{i:02}")))
        .collect();
    for id in &ids {
        s.push_str(&format!(
            "[members.{id}]\npermanent = {}\nstance = {{ {} }}\n\n",
            id.starts_with('P'),
            member(id)
        ));
    }
    s.push_str(rest);
    s
}

fn compile(text: &str) -> Model {
    councilsim::scenario::compile("t.toml", text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The status of every ballot, by id, in one noise-free replication.
fn statuses(model: &Model) -> Vec<(String, BallotStatus)> {
    let mut r = Replication::new(model);
    let outcome = r.run(1, 0, &mut NoTrace);
    model
        .ballots
        .iter()
        .zip(&outcome.ballots)
        .map(|(&b, rec)| (model.ballot_id(b).to_string(), rec.status))
        .collect()
}

fn draft(id: &str, pen: &str, at: f64, extra: &str) -> String {
    format!(
        "[[drafts]]\nid = \"{id}\"\npenholder = {pen}\nforce_vote = true\n{extra}\n[[drafts.provisions]]\nid = \"OP1\"\ntext = \"t\"\nposition = {{ force = {at} }}\n\n"
    )
}

const QUIET: &str = "[negotiation]\nconsultations = false\n\n";

#[test]
fn an_adopted_draft_becomes_the_status_quo_of_a_rival_draft() {
    // Both drafts beat the status quo 0 for everyone (ideal 0.5); the second (0.4) is no
    // better than the first (0.5). Alone, each is adopted; after the first, the second
    // is measured against it and fails.
    let everyone =
        |_: &str| "ideal = { force = 0.5 }, yes_threshold = 0.05, no_threshold = 0.05".to_string();
    let first = draft("A", "\"E01\"", 0.5, "");
    let second = draft("B", "\"E02\"", 0.4, "");
    let alone = compile(&council(everyone, &format!("{second}{QUIET}")));
    assert_eq!(statuses(&alone), [("B".into(), BallotStatus::Adopted)]);
    let both = compile(&council(everyone, &format!("{first}{second}{QUIET}")));
    assert_eq!(
        statuses(&both),
        [
            ("A".into(), BallotStatus::Adopted),
            ("B".into(), BallotStatus::Failed)
        ]
    );
    // The trace says when the status quo moves.
    let mut log = TraceLog::default();
    Replication::new(&both).run(1, 0, &mut log);
    let text = councilsim::export::trace::text(&both, 1, 0, &log);
    assert!(
        text.contains("the status quo moves to A's text on what it speaks to: now force 0.50"),
        "{text}"
    );
}

/// The status quo moves only where the adopted text speaks. Two dimensions: `force` (status
/// quo 0) and `scope` (status quo 0.6, silent 0.2: a text without a provision on scope sits at
/// 0.2). Everyone wants (0.5, 0.6), salience 1, r = 0, thresholds 0.05, τ = 0.
/// A = OP1 at force 0.5 only, so A stands at (0.5, 0.2): U(A) = −0.4² = −0.16 against
/// U(Q) = −0.5² = −0.25, Δ = 0.09: adopted. A moves the status quo on force to 0.5 and leaves
/// scope at 0.6. B = (0.5, 0.6) then equals the status quo: Δ = 0, an abstention for all,
/// failed. Had the status quo taken A's silent scope 0.2 too, B would gain 0.16 and pass;
/// alone (status quo (0, 0.6)) it gains 0.25 and passes.
#[test]
fn an_adopted_draft_moves_the_status_quo_only_on_what_it_speaks_to() {
    let everyone = |_: &str| {
        "ideal = { force = 0.5, scope = 0.6 }, salience = { force = 1.0, scope = 1.0 }, act_bonus = 0.0, temperature = 0.0, yes_threshold = 0.05, no_threshold = 0.05".to_string()
    };
    let scope = "[dimensions.scope]\nstatus_quo = 0.6\nsilent = 0.2\n\n";
    let first = draft("A", "\"E01\"", 0.5, "");
    let second = "[[drafts]]\nid = \"B\"\npenholder = \"E02\"\nforce_vote = true\n\n[[drafts.provisions]]\nid = \"OP1\"\ntext = \"t\"\nposition = { force = 0.5, scope = 0.6 }\n\n";
    let alone = compile(&council(everyone, &format!("{scope}{second}{QUIET}")));
    assert_eq!(statuses(&alone), [("B".into(), BallotStatus::Adopted)]);
    let both = compile(&council(
        everyone,
        &format!("{scope}{first}{second}{QUIET}"),
    ));
    assert_eq!(
        statuses(&both),
        [
            ("A".into(), BallotStatus::Adopted),
            ("B".into(), BallotStatus::Failed)
        ]
    );
}

#[test]
fn a_draft_tabled_if_another_is_vetoed_is_put_only_then() {
    let stances = |p1_ideal: f64| {
        move |id: &str| {
            let ideal = if id == "P1" { p1_ideal } else { 0.5 };
            format!("ideal = {{ force = {ideal} }}, yes_threshold = 0.05, no_threshold = 0.05")
        }
    };
    let drafts = format!(
        "{}{}{QUIET}",
        draft("A", "\"E01\"", 0.5, ""),
        draft("B", "\"P1\"", 0.1, "tabled_if = { vetoed = \"A\" }")
    );
    // P1 wants nothing done: it vetoes A, so B is put.
    let vetoed = compile(&council(stances(0.0), &drafts));
    let got = statuses(&vetoed);
    assert_eq!(got[0].1, BallotStatus::Vetoed);
    assert_ne!(got[1].1, BallotStatus::NotTabled);
    // P1 agrees: A is adopted and B is never put.
    let adopted = compile(&council(stances(0.5), &drafts));
    assert_eq!(
        statuses(&adopted),
        [
            ("A".into(), BallotStatus::Adopted),
            ("B".into(), BallotStatus::NotTabled)
        ]
    );
    // The condition must name an earlier ballot.
    let backwards = council(
        stances(0.5),
        &format!(
            "{}{}{QUIET}",
            draft("A", "\"E01\"", 0.5, "tabled_if = { failed = \"B\" }"),
            draft("B", "\"P1\"", 0.1, "")
        ),
    );
    let e = councilsim::scenario::compile("t.toml", &backwards).unwrap_err();
    assert!(
        e.to_string().contains("comes later in the order of voting"),
        "{e}"
    );
}

#[test]
fn drafts_are_voted_by_meeting_then_circulation_then_file_order() {
    let everyone =
        |_: &str| "ideal = { force = 0.5 }, yes_threshold = 0.05, no_threshold = 0.05".to_string();
    let text = council(
        everyone,
        &format!(
            "{}{}{}[negotiation]\nconsultations = true\nvote_day = 2.0\n",
            draft("LATE", "\"E01\"", 0.5, "vote_day = 3.0"),
            draft("SECOND", "\"E02\"", 0.5, "circulated_day = 0.5"),
            draft("FIRST", "\"E03\"", 0.5, "circulated_day = 0.25"),
        ),
    );
    let model = compile(&text);
    let order: Vec<&str> = model.ballots.iter().map(|&b| model.ballot_id(b)).collect();
    assert_eq!(order, ["FIRST", "SECOND", "LATE"]);
    assert_eq!(model.meetings.len(), 2);
    assert_eq!(model.meetings[1].at, 3 * 1440);
    // Consultations on the later draft go on after the first meeting, until its own.
    let mut log = TraceLog::default();
    Replication::new(&model).run(1, 0, &mut log);
    let trace = councilsim::export::trace::text(&model, 1, 0, &log);
    let first_vote = trace.find("on draft FIRST").unwrap();
    let late_round = trace.rfind("on LATE closes").expect("a round on LATE");
    assert!(late_round > first_vote, "{trace}");
    assert!(
        trace.contains("day 3 00:00  vote 3 on draft LATE"),
        "{trace}"
    );
}

/// The text of replication 0's trace.
fn trace(model: &Model) -> String {
    let mut log = TraceLog::default();
    Replication::new(model).run(1, 0, &mut log);
    councilsim::export::trace::text(model, 1, 0, &log)
}

#[test]
fn co_penholders_make_a_change_only_if_every_one_gains_unless_one_leads() {
    // E03 asks to move the text from 0.5 to its ideal 0.2. E02 (ideal 0.2) gains from the
    // move, E01 (ideal 1.0) loses; the text is adopted either way.
    let stance = |id: &str| {
        let ideal = match id {
            "E01" => 1.0,
            "E02" | "E03" => 0.2,
            _ => 0.5,
        };
        // E03 alone values action at nothing, so it would not vote yes and asks.
        let bonus = if id == "E03" { 0.0 } else { 0.5 };
        format!("ideal = {{ force = {ideal} }}, act_bonus = {bonus}, yes_threshold = 0.05, no_threshold = 0.05")
    };
    let scenario = |pen: &str, extra: &str| {
        compile(&council(
            stance,
            &format!(
                "{}[negotiation]\nvote_day = 2.0\ncompromise = false\n",
                draft("D", pen, 0.5, extra)
            ),
        ))
    };
    let alone = trace(&scenario("\"E02\"", ""));
    assert!(
        alone.contains("D is put in blue; it stands at force 0.20"),
        "{alone}"
    );
    let joint = scenario("[\"E01\", \"E02\"]", "");
    assert!(joint.drafts[0].joint);
    let joint = trace(&joint);
    assert!(
        joint.contains("D is put in blue; it stands at force 0.50"),
        "{joint}"
    );
    assert!(joint.contains("refuse"), "{joint}");
    let led = trace(&scenario("[\"E01\", \"E02\"]", "lead = \"E02\""));
    assert!(
        led.contains("D is put in blue; it stands at force 0.20"),
        "{led}"
    );
    // A lead must be one of the penholders.
    let bad = council(
        stance,
        &draft("D", "[\"E01\", \"E02\"]", 0.5, "lead = \"E05\""),
    );
    let e = councilsim::scenario::compile("t.toml", &bad).unwrap_err();
    assert!(
        e.to_string()
            .contains("lead `E05` is not one of the draft's penholders"),
        "{e}"
    );
}

#[test]
fn a_dimension_that_counts_things_has_whole_positions_after_every_change() {
    // Crossings from 0 to 4; the text offers 4, the asker wants 1 and gives up 60% in a
    // compromise: 4 + 0.4·(1 − 4) = 2.8 would be offered on a continuous dimension.
    let text = |integer: bool| {
        let s = council(
            |id: &str| {
                let ideal = if id == "E03" { 1.0 } else { 3.0 };
                let flex = if id == "E03" { 0.6 } else { 0.5 };
                format!("ideal = {{ crossings = {ideal} }}, act_bonus = 3.0, yes_threshold = 0.05, no_threshold = 0.05, flexibility = {flex}")
            },
            "[[drafts]]\nid = \"D\"\npenholder = \"E01\"\nforce_vote = true\n[[drafts.provisions]]\nid = \"OP1\"\ntext = \"t\"\nposition = { crossings = 4 }\n\n[negotiation]\nvote_day = 2.0\n",
        );
        s.replace(
            "[dimensions.force]\nstatus_quo = 0.0\n",
            &format!("[dimensions.crossings]\nrange = [0.0, 4.0]\nstatus_quo = 0.0\ninteger = {integer}\n"),
        )
    };
    let continuous = trace(&compile(&text(false)));
    assert!(continuous.contains("crossings 2.80"), "{continuous}");
    let counted = trace(&compile(&text(true)));
    assert!(!counted.contains(".80"), "{counted}");
    assert!(counted.contains("compromise"), "{counted}");
    assert!(
        counted.contains("D is put in blue; it stands at crossings 3.00"),
        "{counted}"
    );
    // Provisions on such a dimension must be whole.
    let bad = text(true).replace(
        "position = { crossings = 4 }",
        "position = { crossings = 0.8 }",
    );
    let e = councilsim::scenario::compile("t.toml", &bad).unwrap_err();
    assert!(
        e.to_string().contains("must be a whole number, found 0.8"),
        "{e}"
    );
}

/// Replication 0's vote of `id` on ballot `ballot`: "yes", "no", "abstain" or "absent".
fn vote_of(model: &Model, ballot: &str, id: &str) -> &'static str {
    let mut r = Replication::new(model);
    let outcome = r.run(1, 0, &mut NoTrace).clone();
    let b = model
        .ballots
        .iter()
        .position(|&b| model.ballot_id(b) == ballot)
        .unwrap();
    let i = model.member_index(id).unwrap();
    let rec = &outcome.ballots[b];
    if rec.yes.contains(i) {
        "yes"
    } else if rec.no.contains(i) {
        "no"
    } else if rec.abstain.contains(i) {
        "abstain"
    } else {
        "absent"
    }
}

#[test]
fn a_stance_on_one_ballot_leaves_the_others_alone() {
    let everyone = |_: &str| {
        "ideal = { force = 0.5 }, act_bonus = 0.3, yes_threshold = 0.05, no_threshold = 0.05"
            .to_string()
    };
    let overrides = "[members.E01.on.\"B\"]\nact_bonus = -0.5\n\n[members.E02.on.\"A\"]\nturnout = 0.0\n\n[members.E03.on.\"B\"]\nyes_threshold = 1.0\n\n";
    let base = council(
        everyone,
        &format!(
            "{}{}{QUIET}",
            draft("A", "\"E09\"", 0.5, ""),
            draft("B", "\"E10\"", 0.5, "")
        ),
    );
    // Members are tables keyed by id: the overrides go after the member's own table.
    let text = base.replace("[members.E04]", &format!("{overrides}[members.E04]"));
    let model = compile(&text);
    assert!(model.any_absence);
    assert_eq!(vote_of(&model, "A", "E01"), "yes");
    assert_eq!(vote_of(&model, "B", "E01"), "no");
    assert_eq!(vote_of(&model, "A", "E02"), "absent");
    assert_eq!(vote_of(&model, "B", "E02"), "yes");
    assert_eq!(vote_of(&model, "A", "E03"), "yes");
    assert_eq!(vote_of(&model, "B", "E03"), "abstain");
    // The same stance without overrides votes yes on both.
    let plain = compile(&base);
    for b in ["A", "B"] {
        for m in ["E01", "E02", "E03"] {
            assert_eq!(vote_of(&plain, b, m), "yes", "{b} {m}");
        }
    }
    // A key that does not apply, and an unknown ballot, are errors.
    let bad = base.replace(
        "[members.E04]",
        "[members.E01.on.\"A\"]\nmotion_bias = 0.2\n\n[members.E02.on.\"Z\"]\nturnout = 0.5\n\n[members.E04]",
    );
    let e = councilsim::scenario::compile("t.toml", &bad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`motion_bias` applies to motions, not to a draft"),
        "{e}"
    );
    assert!(e.contains("unknown draft, amendment or motion `Z`"), "{e}");
}

#[test]
fn a_member_holding_out_for_another_text_measures_a_draft_against_it() {
    // P1 vetoes A (0.5); B (0.3) is put because A was vetoed. Against the status quo (0) B
    // is worth +0.21 to a member at 0.5; against A it is worth −0.04: an abstention.
    let stance = |id: &str| {
        let ideal = if id == "P1" { 0.0 } else { 0.5 };
        format!("ideal = {{ force = {ideal} }}, yes_threshold = 0.05, no_threshold = 0.05")
    };
    let base = council(
        stance,
        &format!(
            "{}{}{QUIET}",
            draft("A", "\"E09\"", 0.5, ""),
            draft("B", "\"E10\"", 0.3, "tabled_if = { vetoed = \"A\" }")
        ),
    );
    let plain = compile(&base);
    assert_eq!(vote_of(&plain, "A", "P1"), "no");
    assert_eq!(vote_of(&plain, "B", "E01"), "yes");
    let held = compile(&base.replace(
        "[members.E04]",
        "[members.E01.on.\"B\"]\nreference = \"A\"\n\n[members.E04]",
    ));
    assert_eq!(vote_of(&held, "B", "E01"), "abstain");
    assert_eq!(vote_of(&held, "B", "E02"), "yes");
    let e = councilsim::scenario::compile(
        "t.toml",
        &base.replace(
            "[members.E04]",
            "[members.E01.on.\"B\"]\nreference = \"B\"\n\n[members.E04]",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a draft cannot be its own reference"), "{e}");
}

/// C(n, k) as a float.
fn choose(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |c, j| c * (n - j) as f64 / (j + 1) as f64)
}

#[test]
fn explain_gives_the_ordered_logit_and_the_exact_odds_by_hand() {
    // Fifteen identical members (ideal 0.5, r = 0, a = b = 0.1, τ = 0.2) on a draft at 0.45:
    // Δ = −0.0025 + 0.25 = 0.2475 for everyone.
    let everyone = |_: &str| {
        "ideal = { force = 0.5 }, yes_threshold = 0.1, no_threshold = 0.1, temperature = 0.2"
            .to_string()
    };
    let text = council(
        everyone,
        &format!("{}{QUIET}", draft("D", "\"E01\"", 0.45, "")),
    );
    let path = write_scenario("explain.toml", &text);
    let out = councilsim(&[
        "explain",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--replications",
        "4000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ballot = &v["ballots"][0];
    let sigma = |z: f64| 1.0 / (1.0 + (-z).exp());
    let delta: f64 = -0.05f64.powi(2) + 0.25;
    let (p, q) = (sigma((delta - 0.1) / 0.2), sigma((-0.1 - delta) / 0.2));
    let r = 1.0 - p - q;
    for m in ballot["members"].as_array().unwrap() {
        assert!((m["delta"].as_f64().unwrap() - delta).abs() < 1e-12);
        assert!((m["p_yes"].as_f64().unwrap() - p).abs() < 1e-12);
        assert!((m["p_no"].as_f64().unwrap() - q).abs() < 1e-12);
        assert!((m["p_abstain"].as_f64().unwrap() - r).abs() < 1e-12);
        let z = (delta - 0.1) / 0.2;
        assert!((m["distance_in_tau"].as_f64().unwrap() - z).abs() < 1e-12);
    }
    // P(adopt): at least 9 yes and no permanent member votes no. Permanent members vote yes
    // (p) or abstain (r) in the adopting profiles; elected ones yes (p) or not (1 − p).
    let mut adopt = 0.0;
    for k1 in 0..=5u32 {
        for k2 in 0..=10u32 {
            if k1 + k2 >= 9 {
                adopt += choose(5, k1)
                    * p.powi(k1 as i32)
                    * r.powi(5 - k1 as i32)
                    * choose(10, k2)
                    * p.powi(k2 as i32)
                    * (1.0 - p).powi(10 - k2 as i32);
            }
        }
    }
    let carried: f64 = (9..=15u32)
        .map(|k| choose(15, k) * p.powi(k as i32) * (1.0 - p).powi(15 - k as i32))
        .sum();
    let got_adopt = ballot["p_adopt"].as_f64().unwrap();
    let got_veto = ballot["p_vetoed"].as_f64().unwrap();
    assert!((got_adopt - adopt).abs() < 1e-12, "{got_adopt} vs {adopt}");
    assert!((got_veto - (carried - adopt)).abs() < 1e-12, "{got_veto}");
    // The Monte Carlo share agrees within sampling error (no blocs here).
    let mc = ballot["mc_adopted"].as_f64().unwrap();
    assert!(
        (mc - adopt).abs() < 4.0 * (adopt * (1.0 - adopt) / 4000.0).sqrt() + 1e-9,
        "{mc} vs {adopt}"
    );
    assert_eq!(ballot["path_status"], "adopted");
    assert!(v["path"].as_str().unwrap().contains("temperature set to 0"));
    // The table names the path and --ballot rejects an unknown id.
    let table = councilsim(&[
        "explain",
        path.to_str().unwrap(),
        "--replications",
        "100",
        "--ballot",
        "D",
    ]);
    assert!(
        stdout_of(&table).contains("draft D — in the path: adopted"),
        "{}",
        stdout_of(&table)
    );
    let bad = councilsim(&["explain", path.to_str().unwrap(), "--ballot", "NOPE"]);
    assert_eq!(bad.status.code(), Some(2));
}

fn stdout_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_richer_history_cases_use_the_new_features_with_ordinary_values() {
    use councilsim::model::Reference;
    let load = |name: &str| {
        councilsim::scenario::load(&format!(
            "{}/scenarios/history/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let gaza = load("gaza-2018-s2018-516-520.toml");
    let syria = load("syria-2020-s2020-654-658.toml");
    let res2504 = load("syria-2020-res2504.toml");
    for model in [&gaza, &syria, &res2504] {
        for st in &model.stances {
            assert!(st.yes <= 1.5 && st.no <= 1.5, "{}: {st:?}", model.name);
        }
    }
    let kwt = gaza.member_index("KWT").unwrap();
    assert_eq!(gaza.draft_stance(1, kwt).reference, Reference::Draft(0));
    assert_eq!(syria.meetings.len(), 2);
    assert!(syria.conditions.iter().flatten().count() == 1);
    assert!(syria.dims.iter().all(|d| d.integer));
    assert!(syria.drafts[0].joint && res2504.drafts[0].joint);
    let gbr = res2504.member_index("GBR").unwrap();
    let Reference::Position(r) = res2504.draft_stance(0, gbr).reference else {
        panic!("GBR holds out for a position");
    };
    // Dimensions are indexed in id order: consent, crossings, months; consent is not named
    // and takes the status quo.
    assert_eq!(res2504.reference_position(r as usize), &[0.5, 4.0, 12.0]);
    // Positions given as a reference are checked like text positions.
    let text = std::fs::read_to_string(format!(
        "{}/scenarios/history/syria-2020-res2504.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace(
        "reference = { crossings = 4, months = 12 }",
        "reference = { crossings = 3.5, months = 12 }",
    );
    let e = councilsim::scenario::compile("t.toml", &text)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("reference position on `crossings` must be a whole number"),
        "{e}"
    );
}

#[test]
fn the_noise_scale_multiplies_every_temperature_and_can_be_swept() {
    let tutorial = std::fs::read_to_string(format!(
        "{}/scenarios/tutorial.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let plain = compile(&tutorial);
    let patched = councilsim::scenario::compile_patched(
        "tutorial.toml",
        &tutorial,
        &[(
            "model.noise_scale".to_string(),
            councilsim::scenario::PatchValue::Float(2.5),
        )],
    )
    .unwrap();
    assert!(plain.stances.iter().any(|s| s.tau > 0.0));
    for (a, b) in plain.stances.iter().zip(&patched.stances) {
        assert!((b.tau - 2.5 * a.tau).abs() < 1e-15);
    }
    let bad = councilsim(&[
        "backtest",
        &format!(
            "{}/scenarios/history/iran-2015-res2231.toml",
            env!("CARGO_MANIFEST_DIR")
        ),
        "--noise-scale",
        "-1",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a noise scale"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn participants_lobby_ask_and_sponsor_but_are_never_counted() {
    // Members at 0.5; Ukraine, invited without a vote, wants 0.9. The text is at 0.5.
    let everyone = |_: &str| {
        "ideal = { force = 0.5 }, act_bonus = 0.3, yes_threshold = 0.05, no_threshold = 0.05, temperature = 0.05".to_string()
    };
    let rest = format!(
        "{}[participants.UKR]\nname = \"Ukraine\"\nstance = {{ ideal = {{ force = 0.9 }}, act_bonus = -0.6, yes_threshold = 0.1, no_threshold = 0.05 }}\n\n\
         [[relations]]\nfrom = \"UKR\"\nto = \"E05\"\npull = 0.2\n\n\
         [[amendments]]\nid = \"AM\"\nsponsors = [\"UKR\", \"E02\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"stronger\"\nposition = {{ force = 0.9 }}\ntabling = \"always\"\n\n\
         [negotiation]\nvote_day = 2.0\ncompromise = false\n",
        draft("D", "\"E01\"", 0.5, "")
    );
    let text = council(everyone, &rest);
    let model = compile(&text);
    assert_eq!(model.members.len(), 15);
    assert_eq!(model.participants.ids, ["UKR"]);
    assert_eq!(model.amendments[0].sponsors.len(), 1);
    assert_eq!(model.amendments[0].participant_sponsors.len(), 1);
    let t = trace(&model);
    assert!(
        t.contains("UKR would not vote yes") && t.contains("asks for its amendment AM"),
        "{t}"
    );
    assert!(t.contains("UKR lobbies E05"), "{t}");
    // Never in a tally: every recorded vote is a member's, in every replication.
    let mut r = Replication::new(&model);
    for rep in 0..200 {
        let outcome = r.run(7, rep, &mut NoTrace);
        for rec in &outcome.ballots {
            let counted = rec.yes.len() + rec.no.len() + rec.abstain.len();
            assert!(counted <= 15);
            for set in [&rec.yes, &rec.no, &rec.abstain] {
                assert!(set.iter().all(|i| i < 15));
            }
        }
    }
    // Reports list them apart.
    let path = write_scenario("participants.toml", &text);
    let out = councilsim(&["run", path.to_str().unwrap(), "--replications", "200"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout_of(&out).contains("participants without a vote (never in a tally): UKR (Ukraine)")
    );
    // A participant has no seat, and cannot put an amendment to the vote alone (rule 38).
    let seat = text.replace(
        "name = \"Ukraine\"",
        "name = \"Ukraine\"\npermanent = false",
    );
    let e = councilsim::scenario::compile("t.toml", &seat)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `permanent`"), "{e}");
    let alone = text.replace("sponsors = [\"UKR\", \"E02\"]", "sponsors = [\"UKR\"]");
    let e = councilsim::scenario::compile("t.toml", &alone)
        .unwrap_err()
        .to_string();
    assert!(e.contains("rule 38"), "{e}");
}
