//! Same seed, same bytes: across thread counts, and between `run` and `trace`.

use crate::support::{councilsim, seed_scenario, stdout};
use councilsim::montecarlo::{self, RunConfig, Summary};
use councilsim::negotiation::Replication;
use councilsim::trace::{TraceEvent, TraceLog};

#[test]
fn json_is_byte_identical_at_one_and_two_threads() {
    let scenario = seed_scenario();
    let run = |threads: &str| {
        let out = councilsim(&[
            "run",
            &scenario,
            "--replications",
            "3000",
            "--seed",
            "42",
            "--threads",
            threads,
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert!(String::from_utf8_lossy(&one).contains("\"replications\": 3000"));
}

#[test]
fn traced_replications_are_the_replications_run_counts() {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let n = 300;
    let ran = montecarlo::run(
        &model,
        RunConfig {
            replications: n,
            seed: 7,
            threads: 2,
        },
    )
    .unwrap();
    let mut traced = Summary::new(&model);
    let mut replication = Replication::new(&model);
    for r in 0..n {
        let mut log = TraceLog::default();
        let outcome = replication.run(7, r, &mut log).clone();
        // Every vote in the log is the vote in the outcome.
        for (_, event) in &log.entries {
            if let TraceEvent::Voted { ballot, record } = event {
                assert_eq!(outcome.ballots[*ballot as usize], *record);
            }
        }
        traced.record(&model, &outcome);
    }
    assert_eq!(ran, traced);
}

#[test]
fn the_trace_command_replays_replication_r_of_the_run_command() {
    let scenario = seed_scenario();
    let n = 12;
    let out = councilsim(&[
        "run",
        &scenario,
        "--replications",
        &n.to_string(),
        "--seed",
        "5",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let histogram: Vec<u64> = report["drafts"][0]["yes_count_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let mut replayed = vec![0u64; histogram.len()];
    for r in 0..n {
        let out = councilsim(&[
            "trace",
            &scenario,
            "--seed",
            "5",
            "--replication",
            &r.to_string(),
            "--format",
            "jsonl",
        ]);
        assert!(out.status.success());
        let last_draft_vote = stdout(&out)
            .lines()
            .rev()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|e| e["event"] == "voted" && e["kind"] == "draft")
            .expect("the draft is voted");
        let yes = last_draft_vote["result"]["yes"].as_array().unwrap().len();
        replayed[yes] += 1;
    }
    assert_eq!(histogram, replayed);
}

#[test]
fn different_seeds_give_different_replications() {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let a = montecarlo::run(
        &model,
        RunConfig {
            replications: 2000,
            seed: 1,
            threads: 2,
        },
    )
    .unwrap();
    let b = montecarlo::run(
        &model,
        RunConfig {
            replications: 2000,
            seed: 2,
            threads: 2,
        },
    )
    .unwrap();
    assert_ne!(a, b);
}
