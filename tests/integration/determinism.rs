//! Same seed, same bytes: across thread counts, and between `run` and `trace`.

use crate::support::{councilsim, seed_scenario, stdout};
use councilsim::montecarlo::{self, RecordBatch, RunConfig, Summary};
use councilsim::negotiation::Replication;
use councilsim::trace::{NoTrace, TraceEvent, TraceLog};

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

/// Records counted in a [`RecordBatch`] (and folded in when displaced or flushed) give the
/// summary that folding every replication at once gives, on the seed scenario (many
/// distinct records per ballot, so slots are displaced all the time) and on the General
/// Assembly (193 members: sets of several words), with flushes at odd points.
#[test]
fn batched_records_fold_to_the_summary_of_one_replication_at_a_time() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for (name, n) in [
        ("ukraine-2025-unsc.toml", 3000),
        ("ga-2025-es11-7.toml", 600),
    ] {
        let model = councilsim::scenario::load(&root.join(name).to_string_lossy()).unwrap();
        let mut replication = Replication::new(&model);
        let mut one_by_one = Summary::new(&model);
        let mut batched = Summary::new(&model);
        let mut batch = RecordBatch::new(&model);
        for r in 0..n {
            let outcome = replication.run(11, r, &mut councilsim::trace::NoTrace);
            one_by_one.record(&model, outcome);
            batched.record_batched(&model, outcome, &mut batch);
            if r % 977 == 500 {
                batched.flush(&model, &mut batch);
            }
        }
        assert_ne!(
            one_by_one, batched,
            "{name}: records still in the batch are missing"
        );
        batched.flush(&model, &mut batch);
        assert_eq!(one_by_one, batched, "{name}");
        // A flushed batch is empty: flushing again adds nothing.
        batched.flush(&model, &mut batch);
        assert_eq!(one_by_one, batched, "{name}");
    }
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

/// Different seeds give independent replications, checked by value: E01 has ideal 0 and the
/// text stands at 0, so its Δ on the draft is its act bonus 0.125, exactly its yes threshold;
/// with τ = 0.5 it votes yes with probability σ(0) = ½ and otherwise abstains (its no
/// threshold, 10, is out of reach: P(no) = σ(−20.25) < 10⁻⁸). Under each seed the yes count over N replications is Binomial(N, ½); and replication
/// r of seed 1 and of seed 2 agree with probability ½ if the seeds' streams are independent
/// (a seed that shifted or reused the streams would push this towards 0 or 1). Each count is
/// checked within 4.5 sd (√N/2).
#[test]
fn different_seeds_give_independent_replications() {
    use councilsim::trace::NoTrace;
    let mut members = crate::support::Council::fifteen(0.0);
    members[5] = crate::support::Member::new("E01", false, 0.0)
        .act_bonus(0.125)
        .thresholds(0.125, 10.0)
        .tau(0.5);
    let model = crate::support::Council::new(members, 0.0).model();
    let e01 = model.members.ids.iter().position(|m| m == "E01").unwrap();
    let n = 4000u64;
    let (mut one, mut two) = (Replication::new(&model), Replication::new(&model));
    let (mut yes1, mut yes2, mut same) = (0u64, 0u64, 0u64);
    for r in 0..n {
        let a = one.run(1, r, &mut NoTrace).ballots[0].yes.contains(e01);
        let b = two.run(2, r, &mut NoTrace).ballots[0].yes.contains(e01);
        yes1 += a as u64;
        yes2 += b as u64;
        same += (a == b) as u64;
    }
    let half = n as f64 / 2.0;
    let tolerance = 4.5 * (n as f64).sqrt() / 2.0;
    for (what, count) in [
        ("yes, seed 1", yes1),
        ("yes, seed 2", yes2),
        ("agreeing", same),
    ] {
        assert!(
            (count as f64 - half).abs() < tolerance,
            "{what}: {count} of {n}"
        );
    }
}

/// Untraced runs skip the P(adopt) of texts the penholder could not prefer whatever it is;
/// traced runs compute every one. Both must reach the same outcome on every bundled
/// scenario (where asks are refused, accepted and compromised on).
#[test]
fn untraced_replications_decide_as_traced_ones_on_every_bundled_scenario() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = vec![];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                files.push(inner.unwrap().path());
            }
        } else {
            files.push(path);
        }
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let (mut answers, mut taken) = (0, 0);
    for file in &files {
        let model = councilsim::scenario::load(file.to_str().unwrap()).unwrap();
        let mut traced = Replication::new(&model);
        let mut untraced = Replication::new(&model);
        for r in 0..40 {
            let mut log = TraceLog::default();
            let expected = traced.run(11, r, &mut log).clone();
            for (_, event) in &log.entries {
                if let TraceEvent::Answered { verdict, .. } = event {
                    answers += 1;
                    taken += usize::from(*verdict != councilsim::trace::Verdict::Refused);
                }
            }
            let got = untraced.run(11, r, &mut councilsim::trace::NoTrace);
            assert_eq!(*got, expected, "{} replication {r}", file.display());
        }
    }
    assert!(
        answers > 100 && taken > 10,
        "{answers} asks answered, {taken} taken"
    );
}

#[test]
fn a_replication_does_not_depend_on_which_replications_its_thread_ran_before() {
    // A thread (or a shard) reuses one simulator for whichever replications it is given, and
    // the simulator keeps memos across them: vote probabilities and vote quantiles by exact
    // Δ (the quantiles only from a Δ's second sighting, so whether they or the logarithm
    // decide a vote depends on what ran before), amendments' positions on the circulated
    // text. Run every shipped scenario's first replications forwards, backwards and
    // interleaved with another seed's on one simulator each, untraced (the fast path, where
    // the memos are used most): each replication's outcome must be the fresh simulator's.
    for path in crate::support::shipped_scenarios() {
        let model = councilsim::scenario::load(path.to_str().unwrap()).unwrap();
        let fresh: Vec<_> = (0..60)
            .map(|r| Replication::new(&model).run(11, r, &mut NoTrace).clone())
            .collect();
        let mut forwards = Replication::new(&model);
        let mut backwards = Replication::new(&model);
        let mut interleaved = Replication::new(&model);
        for r in 0..60u64 {
            assert_eq!(forwards.run(11, r, &mut NoTrace), &fresh[r as usize]);
            let back = 59 - r;
            assert_eq!(
                backwards.run(11, back, &mut NoTrace),
                &fresh[back as usize],
                "{} replication {back}",
                path.display()
            );
            interleaved.run(12, r, &mut NoTrace);
            assert_eq!(interleaved.run(11, r, &mut NoTrace), &fresh[r as usize]);
        }
    }
}

/// Counts progress and, if asked, keeps each replication's index in the order rows came.
struct Counting {
    rows: bool,
    advanced: u64,
    reports: u64,
    indices: Vec<u64>,
}

impl montecarlo::runner::Observer for Counting {
    fn advanced(&mut self, replications: u64) {
        self.advanced += replications;
        self.reports += 1;
    }
    fn wants_rows(&self) -> bool {
        self.rows
    }
    fn render(&self, index: u64, _: &councilsim::outcome::Outcome, out: &mut String) {
        out.push_str(&format!("{index}\n"));
    }
    fn rows(&mut self, rows: &str) -> std::io::Result<()> {
        self.indices
            .extend(rows.lines().map(|l| l.parse::<u64>().unwrap()));
        Ok(())
    }
}

/// Runs `range` through the runner with a [`Counting`] observer (asking for rows or not).
fn counted_run(
    model: &councilsim::model::Model,
    seed: u64,
    range: std::ops::Range<u64>,
    pool: &rayon::ThreadPool,
    rows: bool,
) -> (Summary, Counting) {
    let mut observer = Counting {
        rows,
        advanced: 0,
        reports: 0,
        indices: Vec::new(),
    };
    let summary = montecarlo::runner::run_range(model, seed, range, pool, &mut observer).unwrap();
    (summary, observer)
}

/// The runner has two schedules: workers that claim work from a shared counter and keep one
/// summary each (no rows wanted), and batches whose rows leave in order. On a range that
/// starts and ends off any chunk boundary, at 1 to 3 threads, both give the summary of
/// one replication at a time, report progress adding up to the range, and the rows come
/// once each in index order.
#[test]
fn both_run_schedules_give_the_summary_of_one_replication_at_a_time() {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let (seed, range) = (11, 1_000..42_345);
    let mut expected = Summary::new(&model);
    let mut replication = Replication::new(&model);
    for r in range.clone() {
        expected.record(&model, replication.run(seed, r, &mut NoTrace));
    }
    for threads in 1..=3 {
        let pool = montecarlo::runner::pool(threads).unwrap();
        for rows in [false, true] {
            let (summary, observer) = counted_run(&model, seed, range.clone(), &pool, rows);
            assert!(summary == expected, "{threads} threads, rows {rows}");
            assert_eq!(observer.advanced, range.end - range.start);
            assert!(
                observer.reports >= 2,
                "progress came {} times",
                observer.reports
            );
            if rows {
                assert!(observer.indices.iter().copied().eq(range.clone()));
            } else {
                assert!(observer.indices.is_empty());
            }
        }
    }
}

/// Edge ranges on both schedules: an empty or reversed range runs nothing and reports
/// nothing; a range ending at `u64::MAX` runs every replication in it, including a last
/// chunk shorter than the others.
#[test]
fn edge_ranges_run_exactly_their_replications() {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let pool = montecarlo::runner::pool(2).unwrap();
    #[allow(clippy::reversed_empty_ranges)]
    let cases = [
        (5..5, 0),
        (10..5, 0),
        (u64::MAX - 300..u64::MAX, 300),
        (u64::MAX - 1..u64::MAX, 1),
    ];
    for (range, length) in cases {
        for rows in [false, true] {
            let (summary, observer) = counted_run(&model, 3, range.clone(), &pool, rows);
            assert_eq!(summary.replications, length, "{range:?}, rows {rows}");
            assert_eq!(observer.advanced, length, "{range:?}, rows {rows}");
            if length == 0 {
                assert_eq!(observer.reports, 0, "{range:?}, rows {rows}");
            }
            if rows {
                assert!(observer.indices.iter().copied().eq(range.clone()));
            }
        }
    }
}

/// A run started from one of its own pool's threads (a library caller inside
/// `pool.install`) completes: the workers' schedule would wait there for a worker that can
/// never start, so the runner takes the batches instead.
#[test]
fn a_run_started_on_its_own_pool_completes() {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let pool = montecarlo::runner::pool(2).unwrap();
        let inside = pool.install(|| {
            let mut quietly = montecarlo::runner::Quietly;
            montecarlo::runner::run_range(&model, 1, 0..1_000, &pool, &mut quietly)
                .unwrap()
                .replications
        });
        let _ = sender.send(inside);
    });
    let replications = receiver
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the run did not complete within two minutes");
    assert_eq!(replications, 1_000);
}
