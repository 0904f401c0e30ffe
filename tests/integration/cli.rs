//! The command line's error path through the real binary: which exit code each kind of
//! failure gets, and that output errors (a full disk, a closed pipe) never panic.

use crate::support::{councilsim, stderr, temp_dir};
use std::process::{Command, Stdio};

fn tutorial() -> String {
    format!("{}/scenarios/tutorial.toml", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn an_unreadable_merge_part_is_bad_input() {
    let out_file = temp_dir().join("merged.json");
    let out = councilsim(&[
        "merge",
        "/nonexistent/part.json",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot read /nonexistent/part.json"),
        "the message names the file: {err}"
    );
    assert!(!out_file.exists(), "nothing is written");
}

#[test]
fn a_full_disk_on_standard_output_is_a_fault_with_a_message() {
    for args in [
        vec!["check".to_string(), tutorial()],
        vec!["power".to_string(), tutorial()],
        vec!["trace".to_string(), tutorial()],
        vec!["--help".to_string()],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists on Linux");
        let out = Command::new(env!("CARGO_BIN_EXE_councilsim"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.contains("cannot write standard output"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    // More output than a pipe holds (64 KiB on Linux), so some write fails whenever the
    // reader closes its end: 600 lines of about 150 bytes.
    let path = tutorial();
    let mut args = vec!["check".to_string()];
    args.extend(std::iter::repeat_n(path, 600));
    let mut child = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    // As ripgrep does: a reader that went away is not a failure (exit 0, no message).
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "no message on a closed pipe: {err}");
}

#[test]
fn a_negative_seed_is_refused_with_what_a_seed_is() {
    let path = tutorial();
    for args in [
        vec!["run", "--seed", "-1", &path],
        vec!["run", "--seed=-1", &path],
        vec!["trace", "--seed", "-1", &path],
        vec!["bench", "--seed", "18446744073709551616", &path],
        vec!["backtest", "--seed", "x", &path],
    ] {
        let out = councilsim(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("seeds are integers from 0 to 2^64 - 1 (18446744073709551615)"),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("-- -1"),
            "no suggestion that fails too: {err}"
        );
    }
    // The largest seed is a seed.
    let out = councilsim(&["trace", "--seed", "18446744073709551615", &path]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_shard_records_the_hash_of_the_text_it_embeds_and_ran() {
    let path = tutorial();
    let out = councilsim(&[
        "run",
        &path,
        "--replications",
        "20",
        "--shard",
        "0/2",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let part: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = part["scenario"]["text"].as_str().unwrap();
    assert_eq!(text, std::fs::read_to_string(&path).unwrap());
    assert_eq!(
        part["scenario"]["sha256"].as_str().unwrap(),
        councilsim::scenario::sha256_hex(text.as_bytes())
    );
}

#[test]
fn a_closed_pipe_does_not_hide_an_invalid_scenario() {
    let bad = crate::support::write_scenario("bad.toml", "[scenario]\nname = 3\n");
    let mut args = vec!["check".to_string()];
    args.extend(std::iter::repeat_n(tutorial(), 600));
    args.push(bad.to_str().unwrap().to_string());
    let mut child = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.toml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
