//! Whole replications: one of each bundled scenario, and Monte Carlo runs of the seed case.

use councilsim::montecarlo::{self, RunConfig};
use councilsim::negotiation::Replication;
use councilsim::trace::NoTrace;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

fn bundled_scenarios() -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// One replication (replications/s); the replication index advances each iteration.
fn one_replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("replication");
    group.throughput(Throughput::Elements(1));
    for path in bundled_scenarios() {
        let model = councilsim::scenario::load(path.to_str().unwrap()).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut replication = Replication::new(&model);
        let mut r = 0u64;
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                r += 1;
                black_box(replication.run(1, r, &mut NoTrace).events)
            })
        });
    }
    group.finish();
}

/// 100 000 replications of the seed scenario at 1 and 2 threads (replications/s).
fn monte_carlo(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/ukraine-2025-unsc.toml"
    );
    let model = councilsim::scenario::load(path).unwrap();
    let replications = 100_000;
    let mut group = c.benchmark_group("montecarlo_seed_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(replications));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    let config = RunConfig {
                        replications,
                        seed: 1,
                        threads,
                    };
                    black_box(montecarlo::run(&model, config).unwrap().replications)
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, one_replication, monte_carlo);
criterion_main!(benches);
