//! Real votes: the historical library backtests exactly, `[observed]` is checked, voting
//! power and pivot frequencies are right, the General Assembly counts present and voting.

use crate::support::{councilsim, seed_scenario, stderr, stdout, write_scenario, Council};
use councilsim::montecarlo::{self, RunConfig};

fn scenario(path: &str) -> String {
    format!("{}/scenarios/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn history() -> Vec<String> {
    let dir = scenario("history");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn the_library_has_the_cases_the_reference_lists() {
    let files = history();
    assert!(files.len() >= 8, "{files:?}");
    for case in [
        "1973", "2011-612", "2014-348", "2014-189", "2022-155", "2022-720", "2720", "2728", "2231",
    ] {
        assert!(
            files.iter().any(|f| f.contains(case)),
            "no scenario for {case}"
        );
    }
    for file in &files {
        let model = councilsim::scenario::load(file).unwrap();
        assert_eq!(model.members.len(), 15, "{file}");
        assert_eq!(model.members.permanent.len(), 5, "{file}");
        let observed = model
            .observed
            .as_ref()
            .unwrap_or_else(|| panic!("{file} has no [observed]"));
        assert!(
            observed.ballots.iter().any(|b| b.votes.is_some()),
            "{file}: member votes on the draft"
        );
    }
}

#[test]
fn every_shipped_scenario_backtests_with_exact_modal_results_and_tallies() {
    let mut args = vec!["backtest".to_string()];
    args.extend(history());
    args.push(seed_scenario());
    args.push(scenario("ga-2025-es11-7.toml"));
    args.extend(["--replications", "1500", "--format", "json"].map(String::from));
    let out = councilsim(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = checks.as_array().unwrap();
    assert_eq!(checks.len(), history().len() + 2);
    for c in checks {
        for b in c["ballots"].as_array().unwrap() {
            let id = format!("{} {}", c["path"], b["id"]);
            assert_eq!(b["result_exact"], true, "{id}: {b}");
            assert_ne!(b["tally_exact"], false, "{id}: {b}");
            if let Some(agreement) = b["agreement"].as_u64() {
                assert_eq!(agreement, b["members"].as_u64().unwrap(), "{id}");
                assert!(b["brier"].as_f64().unwrap() < 0.05, "{id}");
            }
        }
    }
    // The table has a total line.
    let table = stdout(&councilsim(&[
        "backtest",
        &seed_scenario(),
        "--replications",
        "300",
    ]));
    assert!(
        table.contains("total: 1 scenarios · modal result exact 7/7"),
        "{table}"
    );
}

/// A council whose votes are certain (τ = 0: Δ = 0.25 + 0.3 = 0.55 > a for all fifteen, so
/// 15-0-0 in every replication), backtested against a record in which E01 voted no (14-1-0,
/// still adopted). Per member the backtest scores the shares of its N replications
/// (N = all, the draft is always voted): fourteen members voted as recorded every time, E01
/// never. Hence, by hand:
/// - agreement 14 of 15;
/// - Brier = mean over members of Σ_k (p_k − o_k)²: 0 for fourteen, (1 − 0)² + (0 − 1)² = 2
///   for E01, so 2/15;
/// - log likelihood = Σ ln((count_real + ½)/(N + 2)) = 14·ln((N + ½)/(N + 2)) + ln(½/(N + 2)).
#[test]
fn backtest_scores_equal_their_closed_forms() {
    let mut council = Council::new(Council::fifteen(0.5), 0.5);
    let yes: Vec<String> = council
        .members
        .iter()
        .filter(|m| m.id != "E01")
        .map(|m| format!("\"{}\"", m.id))
        .collect();
    council.extra = format!(
        "[observed]\nsource = \"constructed\"\n\n[[observed.ballots]]\nid = \"D1\"\nresult = \"adopted\"\nyes = [{}]\nno = [\"E01\"]\nabstain = []\n",
        yes.join(", ")
    );
    let path = write_scenario("scored.toml", &council.toml());
    let n: f64 = 300.0;
    let out = councilsim(&[
        "backtest",
        path.to_str().unwrap(),
        "--replications",
        "300",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &checks[0]["ballots"][0];
    assert_eq!(b["agreement"].as_u64(), Some(14), "{b}");
    assert_eq!(b["members"].as_u64(), Some(15));
    let brier = b["brier"].as_f64().unwrap();
    assert!((brier - 2.0 / 15.0).abs() < 1e-12, "{brier}");
    let expected = 14.0 * ((n + 0.5) / (n + 2.0)).ln() + (0.5 / (n + 2.0)).ln();
    let ll = b["log_likelihood"].as_f64().unwrap();
    assert!((ll - expected).abs() < 1e-9, "{ll} vs {expected}");
    assert_eq!(b["result_exact"], true);
    assert_eq!(b["tally_exact"], false, "15-0-0 modelled, 14-1-0 recorded");
}

#[test]
fn the_libya_abstention_bloc_is_the_modal_one() {
    let model = councilsim::scenario::load(&scenario("history/libya-2011-res1973.toml")).unwrap();
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: 500,
            seed: 1,
            threads: 2,
        },
    )
    .unwrap();
    let report = councilsim::export::report::build(&model, &summary, 1);
    assert_eq!(
        report.drafts[0].abstention_blocs[0].members,
        vec!["BRA", "CHN", "DEU", "IND", "RUS"]
    );
}

#[test]
fn the_general_assembly_tally_and_its_eighteen_no_votes() {
    let model = councilsim::scenario::load(&scenario("ga-2025-es11-7.toml")).unwrap();
    assert_eq!(model.members.len(), 193);
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: 1000,
            seed: 2025,
            threads: 2,
        },
    )
    .unwrap();
    let draft = &summary.ballots[0];
    assert_eq!(draft.modal_tally().unwrap().0, (93, 18, 65));
    let no: Vec<&str> = (0..193)
        .filter(|&i| draft.votes[i][1] * 2 > draft.voted())
        .map(|i| model.members.ids[i].as_str())
        .collect();
    let reference = "BDI BFA BLR CAF ERI GNQ HTI HUN ISR MHL MLI NER NIC PLW PRK RUS SDN USA";
    assert_eq!(no.join(" "), reference);
    // Abstentions and absentees are not counted: 93 > 18 carries it.
    assert!(draft.count(councilsim::outcome::BallotStatus::Adopted) > 990);
}

#[test]
fn power_prints_the_published_council_values_and_handles_the_assembly() {
    let out = councilsim(&["power", &seed_scenario(), "--format", "json"]);
    assert!(out.status.success());
    let power: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for m in power.as_array().unwrap() {
        let expected = if m["veto"] == true {
            421.0 / 2145.0
        } else {
            4.0 / 2145.0
        };
        assert!(
            (m["shapley_shubik"].as_f64().unwrap() - expected).abs() < 1e-12,
            "{m}"
        );
    }
    let ga = councilsim(&["power", &scenario("ga-2025-es11-7.toml")]);
    assert!(ga.status.success());
    assert!(stdout(&ga).contains("(193 members)"));
    let reform = councilsim(&[
        "power",
        &scenario("reform/g4-25-seats.toml"),
        "--format",
        "json",
    ]);
    let reform: serde_json::Value = serde_json::from_slice(&reform.stdout).unwrap();
    let ss = |id: &str| {
        reform
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()["shapley_shubik"]
            .as_f64()
            .unwrap()
    };
    // A permanent seat without a veto is worth no more than an elected one.
    assert!((ss("DEU") - ss("POL")).abs() < 1e-12);
    assert!(ss("USA") > 10.0 * ss("DEU"));
}

#[test]
fn pivot_frequencies_follow_the_rules() {
    // 9 elected members vote yes (Δ = 1), the rest abstain (Δ = 0): each yes voter is
    // pivotal (one fewer fails), each permanent member is pivotal (a no would veto), the
    // abstaining elected member is not.
    let members = Council::fifteen(0.0)
        .into_iter()
        .enumerate()
        .map(|(i, m)| m.act_bonus(if (5..14).contains(&i) { 1.0 } else { 0.0 }))
        .collect();
    let model = Council::new(members, 0.0).model();
    let summary = montecarlo::run(
        &model,
        RunConfig {
            replications: 10,
            seed: 1,
            threads: 1,
        },
    )
    .unwrap();
    let pivotal = &summary.ballots[0].pivotal;
    for (i, id) in model.members.ids.iter().enumerate() {
        let expected = if id == "E10" { 0 } else { 10 };
        assert_eq!(pivotal[i], expected, "{id}");
    }
}

const OBSERVED_BASE: &str = "[[observed.ballots]]\nid = \"D1\"\nresult = \"adopted\"\n";

fn with_observed(observed: &str) -> String {
    let council = Council::new(
        Council::fifteen(0.0)
            .into_iter()
            .map(|m| m.act_bonus(1.0))
            .collect(),
        0.0,
    );
    format!(
        "{}\n[observed]\nsource = \"test\"\n\n{observed}",
        council.toml()
    )
}

#[test]
fn check_validates_observed_records() {
    let all: Vec<String> = Council::fifteen(0.0)
        .iter()
        .map(|m| format!("\"{}\"", m.id))
        .collect();
    let good = format!("{OBSERVED_BASE}yes = [{}]\n", all.join(", "));
    let path = write_scenario("observed-ok.toml", &with_observed(&good));
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (name, observed, says) in [
        (
            "twice",
            format!("{OBSERVED_BASE}yes = [{}]\nno = [\"P1\"]\n", all.join(", ")),
            "`P1` voted twice",
        ),
        (
            "missing",
            format!("{OBSERVED_BASE}yes = [{}]\n", all[1..].join(", ")),
            "no recorded vote for P1",
        ),
        (
            "tally",
            format!(
                "{OBSERVED_BASE}yes = [{}]\ntally = [14, 0, 1]\n",
                all.join(", ")
            ),
            "disagrees with the listed votes (15-0-0)",
        ),
        (
            "result",
            "[[observed.ballots]]\nid = \"D1\"\nresult = \"failed\"\ntally = [12, 0, 3]\n"
                .to_string(),
            "does not follow from the recorded votes",
        ),
        (
            "veto",
            "[[observed.ballots]]\nid = \"D1\"\nresult = \"vetoed\"\ntally = [12, 1, 2]\n"
                .to_string(),
            "needs `vetoed_by`",
        ),
        (
            "ballot",
            "[[observed.ballots]]\nid = \"D2\"\nresult = \"adopted\"\n".to_string(),
            "`D2` is not a draft, amendment or motion",
        ),
    ] {
        let path = write_scenario(&format!("observed-{name}.toml"), &with_observed(&observed));
        let out = councilsim(&["check", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).contains(says),
            "{name}: expected {says:?} in\n{}",
            stderr(&out)
        );
    }
    // backtest refuses a scenario without a record.
    let bare = write_scenario(
        "bare.toml",
        &Council::new(Council::fifteen(0.0), 0.0).toml(),
    );
    let out = councilsim(&["backtest", bare.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no [observed] table"));
}
