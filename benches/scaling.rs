//! How the cost of a replication grows with members, dimensions, amendments and
//! replications, on scenarios generated inside the bench (`councilsim::synthetic`).

use councilsim::montecarlo::{self, RunConfig};
use councilsim::negotiation::Replication;
use councilsim::synthetic::{scenario_toml, Size};
use councilsim::trace::NoTrace;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

const BASE: Size = Size {
    members: 15,
    dimensions: 4,
    amendments: 3,
};

fn bench_sizes(c: &mut Criterion, group_name: &str, sizes: &[(usize, Size)]) {
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(1));
    for &(label, size) in sizes {
        let model = councilsim::scenario::compile("synthetic.toml", &scenario_toml(size)).unwrap();
        let mut replication = Replication::new(&model);
        let mut r = 0u64;
        group.bench_with_input(BenchmarkId::from_parameter(label), &label, |b, _| {
            b.iter(|| {
                r += 1;
                black_box(replication.run(1, r, &mut NoTrace).events)
            })
        });
    }
    group.finish();
}

fn members(c: &mut Criterion) {
    let sizes: Vec<(usize, Size)> = [15, 50, 193, 256]
        .iter()
        .map(|&m| (m, Size { members: m, ..BASE }))
        .collect();
    bench_sizes(c, "scaling_members", &sizes);
}

fn dimensions(c: &mut Criterion) {
    let sizes: Vec<(usize, Size)> = [2, 8, 32]
        .iter()
        .map(|&k| {
            (
                k,
                Size {
                    dimensions: k,
                    ..BASE
                },
            )
        })
        .collect();
    bench_sizes(c, "scaling_dimensions", &sizes);
}

fn amendments(c: &mut Criterion) {
    let sizes: Vec<(usize, Size)> = [0, 5, 20]
        .iter()
        .map(|&a| {
            (
                a,
                Size {
                    amendments: a,
                    ..BASE
                },
            )
        })
        .collect();
    bench_sizes(c, "scaling_amendments", &sizes);
}

/// Whole Monte Carlo runs of the seed scenario on 2 threads: the cost per replication
/// should not change with the count.
fn replications(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/ukraine-2025-unsc.toml"
    );
    let model = councilsim::scenario::load(path).unwrap();
    let mut group = c.benchmark_group("scaling_replications");
    group.sample_size(10);
    for n in [1_000u64, 100_000, 1_000_000] {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let config = RunConfig {
                    replications: n,
                    seed: 1,
                    threads: 2,
                };
                black_box(montecarlo::run(&model, config).unwrap().replications)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, members, dimensions, amendments, replications);
criterion_main!(benches);
