//! The engine's building blocks: the event queue and the exact P(adopt) dynamic program.

use councilsim::behaviour::{vote_probabilities, VoteProbabilities};
use councilsim::engine::EventQueue;
use councilsim::memberset::MemberSet;
use councilsim::procedure::pass_probability;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

/// An event payload of the size the simulator schedules (a small `Copy` enum).
#[derive(Clone, Copy)]
struct Payload {
    _kind: u32,
    _draft: u32,
}

/// Steady state at `pending` events: each step pops the earliest event and schedules one
/// later, as a running simulation does. One element = one pop plus one push.
fn queue(c: &mut Criterion) {
    const STEPS: u64 = 10_000;
    let mut group = c.benchmark_group("event_queue");
    group.throughput(Throughput::Elements(STEPS));
    for pending in [16u64, 64, 1024] {
        group.bench_with_input(
            BenchmarkId::from_parameter(pending),
            &pending,
            |b, &pending| {
                let mut q = EventQueue::new();
                for i in 0..pending {
                    q.push(
                        i * 7 % 1000,
                        (i % 5) as u8,
                        Payload {
                            _kind: i as u32,
                            _draft: 0,
                        },
                    );
                }
                let mut step = 0u64;
                b.iter(|| {
                    for _ in 0..STEPS {
                        let (time, event) = q.pop().unwrap();
                        step = step
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        q.push(
                            time + 1 + (step >> 54),
                            (step >> 61) as u8,
                            black_box(event),
                        );
                    }
                });
            },
        );
    }
    group.finish();
}

/// One exact P(adopt) over n members with a 60% quota and five veto holders.
fn adoption_dp(c: &mut Criterion) {
    let mut group = c.benchmark_group("adoption_dp");
    group.throughput(Throughput::Elements(1));
    for n in [15usize, 193, 256] {
        let probs: Vec<VoteProbabilities> = (0..n)
            .map(|i| vote_probabilities((i as f64 / n as f64) - 0.3, 0.1, 0.1, 0.2))
            .collect();
        let veto: MemberSet = (0..5).collect();
        let quota = if n == 15 { 9 } else { n * 3 / 5 + 1 };
        let mut buf = Vec::with_capacity(n + 2);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| pass_probability(black_box(&probs), &veto, quota, &mut buf));
        });
    }
    group.finish();
}

/// A-priori power indices of a whole body (`councilsim power`): generated bodies of 15 and
/// 193 members (`synthetic-N`: the first five hold a veto, a 60% quota; not a real body), and the
/// real General Assembly file (`ga-2025-es11-7`: 193 members, majority of those present and
/// voting).
fn power_indices(c: &mut Criterion) {
    let mut group = c.benchmark_group("power_indices");
    group.throughput(Throughput::Elements(1));
    for n in [15usize, 193] {
        let size = councilsim::synthetic::Size {
            members: n,
            dimensions: 1,
            amendments: 0,
        };
        let model = councilsim::scenario::compile(
            "synthetic.toml",
            &councilsim::synthetic::scenario_toml(size),
        )
        .unwrap();
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("synthetic-{n}")),
            &n,
            |b, _| b.iter(|| councilsim::power::indices(black_box(&model))),
        );
    }
    let ga = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/ga-2025-es11-7.toml");
    let model = councilsim::scenario::load(ga).unwrap();
    group.bench_function(BenchmarkId::from_parameter("ga-2025-es11-7"), |b| {
        b.iter(|| councilsim::power::indices(black_box(&model)))
    });
    group.finish();
}

criterion_group!(benches, queue, adoption_dp, power_indices);
criterion_main!(benches);
