//! Golden tests: the seed scenario's published numbers, pinned byte for byte.
//!
//! Every figure councilsim prints depends on the exact sequence of random draws, so a change
//! to the order of draws, a formula or the output format shows up here first. The files under
//! `tests/golden/` are the real binary's output for the commands below; a test fails if one
//! byte differs.
//!
//! A deliberate change regenerates them:
//!
//! ```sh
//! COUNCILSIM_BLESS=1 cargo test golden
//! ```
//!
//! and the commit that changes them says why the bytes changed.

use crate::support::{councilsim, seed_scenario};
use std::path::PathBuf;

/// Runs the binary with `args` and compares its standard output with `tests/golden/<name>`,
/// or rewrites that file when `COUNCILSIM_BLESS` is set.
fn check_golden(name: &str, args: &[&str]) {
    let out = councilsim(args);
    assert!(
        out.status.success(),
        "councilsim {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "golden", name]
        .iter()
        .collect();
    if std::env::var_os("COUNCILSIM_BLESS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `COUNCILSIM_BLESS=1 cargo test golden` to create it",
            path.display()
        )
    });
    if out.stdout != expected {
        let got = String::from_utf8_lossy(&out.stdout);
        let want = String::from_utf8_lossy(&expected);
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "councilsim {args:?} no longer matches {} (first difference at line {}):\n  \
             expected: {:?}\n  got:      {:?}\nIf the change is deliberate, regenerate with \
             `COUNCILSIM_BLESS=1 cargo test golden` and say why in the commit message.",
            path.display(),
            line + 1,
            want.lines().nth(line).unwrap_or("<end of file>"),
            got.lines().nth(line).unwrap_or("<end of output>"),
        );
    }
}

#[test]
fn golden_seed_scenario_json_summary() {
    check_golden(
        "ukraine-2025-unsc.run.json",
        &[
            "run",
            &seed_scenario(),
            "--format",
            "json",
            "--seed",
            "20250224",
            "--replications",
            "2000",
            "--threads",
            "2",
            "--quiet",
        ],
    );
}

#[test]
fn golden_seed_scenario_trace_of_replication_3() {
    check_golden(
        "ukraine-2025-unsc.trace-3.txt",
        &["trace", &seed_scenario(), "--replication", "3"],
    );
}
