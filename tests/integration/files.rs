//! Output safety through the real binary: only the named paths are written, devices and
//! FIFOs are never replaced, directories are refused before any work, a sweep deletes
//! nothing it did not write, nothing is left behind on an interrupt, and inputs are
//! bounded regular files. Every child runs under a time limit, so a regression that
//! blocks fails instead of hanging the suite.

use crate::support::{seed_scenario, stderr, stdout, temp_dir, write_scenario};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous: every command here takes well under a second when it behaves.
const LIMIT: Duration = Duration::from_secs(60);

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the councilsim binary runs")
}

/// Waits for `child`, killing it and failing the test after `limit`.
fn finish(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?} (blocked?)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Runs the binary under [`LIMIT`].
fn councilsim(args: &[&str]) -> Output {
    finish(spawn(args), LIMIT, &format!("{args:?}"))
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

#[cfg(unix)]
#[test]
fn devices_are_written_directly_and_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let seed = seed_scenario();
    let run = |output: &str| {
        councilsim(&[
            "run",
            &seed,
            "--replications",
            "50",
            "--quiet",
            "--output",
            output,
        ])
    };
    let out = run("/dev/null");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let null = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device(), "/dev/null was replaced");
    // A full device: the write fails, a fault (exit 1) with a message; the device stays.
    if Path::new("/dev/full").exists() {
        let out = run("/dev/full");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("/dev/full"), "{}", stderr(&out));
        let full = std::fs::symlink_metadata("/dev/full").unwrap();
        assert!(full.file_type().is_char_device(), "/dev/full was replaced");
    }
    // /dev/stdout (a link to the pipe we read) gets the report.
    let out = run("/dev/stdout");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("resolution 2774"), "{}", stdout(&out));
    // Standard output appended to a file (`>> log`): the report is appended, the file is
    // neither replaced nor overwritten from its start.
    let dir = temp_dir();
    let log = dir.join("log.txt");
    for named in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
        if !Path::new(named).exists() {
            continue;
        }
        std::fs::write(&log, "earlier lines\n").unwrap();
        let child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" >> \"$LOG\"")
            .arg(env!("CARGO_BIN_EXE_councilsim"))
            .args([
                "run",
                &seed,
                "--replications",
                "50",
                "--quiet",
                "--output",
                named,
            ])
            .env("LOG", &log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = finish(child, LIMIT, named);
        assert_eq!(out.status.code(), Some(0), "{named}: {}", stderr(&out));
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(
            text.starts_with("earlier lines\n") && text.contains("resolution 2774"),
            "{named}: {text}"
        );
        assert_eq!(names(&dir), ["log.txt"]);
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    let dir = temp_dir();
    let fifo = dir.join("report.fifo");
    mkfifo(&fifo);
    let (sender, received) = std::sync::mpsc::channel();
    let reader_path = fifo.clone();
    std::thread::spawn(move || {
        let _ = sender.send(std::fs::read_to_string(&reader_path));
    });
    let out = councilsim(&[
        "run",
        &seed_scenario(),
        "--replications",
        "50",
        "--quiet",
        "--format",
        "json",
        "--output",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = received
        .recv_timeout(LIMIT)
        .unwrap_or_else(|_| {
            // Unblock the reader before failing.
            let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
            panic!("nothing was written into the FIFO")
        })
        .unwrap();
    assert!(report.contains("\"replications\": 50"), "{report}");
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(names(&dir), ["report.fifo"]);
}

#[test]
fn a_directory_as_an_output_file_is_refused_before_the_job_runs() {
    let dir = temp_dir();
    let target = dir.join("results");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("mine.txt"), "keep").unwrap();
    let seed = seed_scenario();
    let t = target.to_str().unwrap();
    let log = dir.join("log.csv");
    // A billion replications would take hours: the refusal must come first.
    for args in [
        vec!["run", &seed, "--replications", "1000000000", "--output", t],
        vec![
            "run",
            &seed,
            "--replications",
            "1000000000",
            "--replication-log",
            t,
        ],
        vec![
            "run",
            &seed,
            "--replications",
            "1000000000",
            "--replication-log",
            log.to_str().unwrap(),
            "--output",
            t,
        ],
    ] {
        let out = finish(spawn(&args), Duration::from_secs(30), &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{}", stderr(&out));
        assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
        assert_eq!(names(&dir), ["results"], "{args:?}: nothing else written");
        assert_eq!(names(&target), ["mine.txt"]);
    }
    // A path in a missing directory: refused up front too.
    let missing = dir.join("no-such-dir").join("out.json");
    let out = councilsim(&[
        "run",
        &seed,
        "--replications",
        "1000000000",
        "--output",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    // merge --out naming a directory for a run's parts.
    let part = dir.join("part.json");
    let out = councilsim(&[
        "run",
        &seed,
        "--replications",
        "40",
        "--shard",
        "0/1",
        "--quiet",
        "--output",
        part.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = councilsim(&["merge", part.to_str().unwrap(), "--out", t]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(names(&dir), ["part.json", "results"]);
    assert_eq!(names(&target), ["mine.txt"]);
}

#[cfg(unix)]
#[test]
fn an_output_link_replaces_the_file_it_points_to_and_stays_a_link() {
    let dir = temp_dir();
    std::fs::create_dir(dir.join("real")).unwrap();
    let real = dir.join("real").join("report.txt");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("report-link.txt");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let seed = seed_scenario();
    let out = councilsim(&[
        "run",
        &seed,
        "--replications",
        "50",
        "--quiet",
        "--output",
        link.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("resolution 2774"));
    assert_eq!(names(&dir), ["real", "report-link.txt"]);
    assert_eq!(names(&dir.join("real")), ["report.txt"]);
    // A link to nothing: refused, and nothing is created where it points.
    let dangling = dir.join("dangling.txt");
    std::os::unix::fs::symlink(dir.join("elsewhere.txt"), &dangling).unwrap();
    let out = councilsim(&[
        "run",
        &seed,
        "--replications",
        "50",
        "--quiet",
        "--output",
        dangling.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.join("elsewhere.txt").exists());
}

/// Starts a long `run --replication-log` (through `sh` with `ignored` signals set to be
/// ignored, if any), waits for its temporary log file, and returns it with its directory.
#[cfg(unix)]
fn start_a_logged_run(ignored: &str) -> (Child, PathBuf) {
    let dir = temp_dir();
    let log = dir.join("log.csv");
    let output = dir.join("out.json");
    let seed = seed_scenario();
    let args = [
        "run",
        &seed,
        "--replications",
        "1000000000",
        "--threads",
        "1",
        "--quiet",
        "--replication-log",
        log.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    let child = if ignored.is_empty() {
        spawn_with_default_signals(&args)
    } else {
        Command::new("sh")
            .arg("-c")
            .arg(format!("trap '' {ignored}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_councilsim"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let start = Instant::now();
    while names(&dir).is_empty() {
        assert!(start.elapsed() < LIMIT, "no temporary log file appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    let temporary = names(&dir);
    assert!(
        temporary.len() == 1
            && temporary[0].starts_with(".log.csv.")
            && temporary[0].ends_with(".tmp"),
        "{temporary:?}"
    );
    // Let it write some rows.
    std::thread::sleep(Duration::from_millis(300));
    (child, dir)
}

/// Spawns the binary with SIGINT, SIGTERM and SIGHUP at their default dispositions, as a
/// terminal gives them. A test suite started from a script in the background (`&`, `nohup`,
/// as CI may start it) inherits SIGINT ignored, and an ignored signal stays ignored by
/// design (`a_signal_ignored_at_start_stays_ignored`), so without this reset the tests
/// would depend on how the suite was started.
#[cfg(unix)]
fn spawn_with_default_signals(args: &[&str]) -> Child {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_councilsim"));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec only `signal`, which is async-signal-safe, is called.
    unsafe {
        command.pre_exec(|| {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                if libc::signal(signal, libc::SIG_DFL) == libc::SIG_ERR {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    command.spawn().expect("the councilsim binary runs")
}

#[cfg(unix)]
fn send(child: &Child, signal: &str) {
    let pid = child.id().to_string();
    let status = Command::new("kill")
        .args([signal, pid.as_str()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Sends `signal` to a logged run and checks the exit code and that nothing was left or
/// produced.
#[cfg(unix)]
fn interrupt_a_logged_run(child: Child, dir: &Path, signal: &str, code: i32) {
    send(&child, signal);
    let out = finish(child, LIMIT, signal);
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(
        names(dir),
        Vec::<String>::new(),
        "no temporary file and no output remain"
    );
}

#[cfg(unix)]
#[test]
fn sigint_removes_the_temporary_log_and_exits_130() {
    let (child, dir) = start_a_logged_run("");
    interrupt_a_logged_run(child, &dir, "-INT", 130);
}

#[cfg(unix)]
#[test]
fn sigterm_removes_the_temporary_log_and_exits_143() {
    let (child, dir) = start_a_logged_run("");
    interrupt_a_logged_run(child, &dir, "-TERM", 143);
}

#[cfg(unix)]
#[test]
fn sighup_removes_the_temporary_log_and_exits_129() {
    let (child, dir) = start_a_logged_run("");
    interrupt_a_logged_run(child, &dir, "-HUP", 129);
}

/// `nohup` and `&` in a script start a program with signals ignored: they stay ignored.
#[cfg(unix)]
#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    let (mut child, dir) = start_a_logged_run("INT HUP");
    send(&child, "-INT");
    send(&child, "-HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "an ignored signal ended the run"
    );
    interrupt_a_logged_run(child, &dir, "-TERM", 143);
}

#[cfg(unix)]
#[test]
fn endless_and_blocking_inputs_are_refused_at_once() {
    let dir = temp_dir();
    let fifo = dir.join("scenario.toml");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    let d = dir.to_str().unwrap();
    for (args, says) in [
        (vec!["check", "/dev/zero"], "character device"),
        (vec!["check", f], "FIFO"),
        (vec!["check", d], "directory"),
        (vec!["run", f, "--quiet"], "FIFO"),
        (vec!["merge", f, "--out", "/dev/null"], "FIFO"),
        (
            vec!["merge", "/dev/zero", "--out", "/dev/null"],
            "character device",
        ),
    ] {
        let out = finish(spawn(&args), Duration::from_secs(30), &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{}", stderr(&out));
        assert!(
            stderr(&out).contains(says) && stderr(&out).contains("regular file"),
            "{args:?}\n{}",
            stderr(&out)
        );
    }
    assert!(is_fifo(&fifo));
}

#[test]
fn a_scenario_over_the_size_limit_is_refused() {
    let big = "# padding\n".repeat(16 * 1024 * 1024 / 10 + 1);
    let path = write_scenario("big.toml", &big);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("limited to"), "{}", stderr(&out));
}

// ---- sweeps: delete nothing councilsim did not write ----

fn sweep(out: &Path, values: &str) -> Output {
    councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        &format!("blocs.E5.cohesion={values}"),
        "--replications",
        "30",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ])
}

fn assert_refused_naming(out: &Output, named: &[&Path]) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    for path in named {
        assert!(
            stderr(out).contains(&path.display().to_string()),
            "the message names {}:\n{}",
            path.display(),
            stderr(out)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_sweep_never_follows_a_cells_link_out_of_its_directory() {
    let dir = temp_dir();
    let thesis = dir.join("thesis");
    std::fs::create_dir(&thesis).unwrap();
    std::fs::write(thesis.join("chapter1.tex"), "years of work").unwrap();
    let out_dir = dir.join("sweep-out");
    std::fs::create_dir(&out_dir).unwrap();
    std::os::unix::fs::symlink("../thesis", out_dir.join("cells")).unwrap();
    for resume in [false, true] {
        let mut args = vec![
            "sweep".to_string(),
            seed_scenario(),
            "--set".into(),
            "blocs.E5.cohesion=0.5,0.9".into(),
            "--replications".into(),
            "30".into(),
            "--quiet".into(),
            "--out".into(),
            out_dir.to_str().unwrap().into(),
        ];
        if resume {
            args.push("--resume".into());
        }
        let out = councilsim(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_refused_naming(&out, &[&out_dir.join("cells")]);
        assert_eq!(names(&thesis), ["chapter1.tex"]);
        assert_eq!(
            std::fs::read_to_string(thesis.join("chapter1.tex")).unwrap(),
            "years of work"
        );
        assert_eq!(
            names(&out_dir),
            ["cells"],
            "nothing written beside the link"
        );
    }
}

#[test]
fn a_fresh_sweep_deletes_only_its_own_earlier_cells() {
    let dir = temp_dir();
    let out_dir = dir.join("sweep-out");
    let cells = out_dir.join("cells");
    // A first sweep of three cells, then a fresh one of two: the third cell goes.
    let out = sweep(&out_dir, "0.1,0.5,0.9");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(names(&cells), ["cell-0.json", "cell-1.json", "cell-2.json"]);
    let out = sweep(&out_dir, "0.5,0.9");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(names(&cells), ["cell-0.json", "cell-1.json"]);
    // The user's own file in cells/: refused by name, nothing deleted.
    let notes = cells.join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let out = sweep(&out_dir, "0.5,0.9");
    assert_refused_naming(&out, &[&notes]);
    assert_eq!(names(&cells), ["cell-0.json", "cell-1.json", "notes.txt"]);
    std::fs::remove_file(&notes).unwrap();
    // A file with a cell's name that is not a cell (or not one of this sweep's): kept.
    let fake = cells.join("cell-1.json");
    std::fs::write(&fake, "my own data").unwrap();
    let beyond = cells.join("cell-7.json");
    std::fs::copy(cells.join("cell-0.json"), &beyond).unwrap();
    let out = sweep(&out_dir, "0.5,0.9");
    assert_refused_naming(&out, &[&fake, &beyond]);
    assert_eq!(std::fs::read_to_string(&fake).unwrap(), "my own data");
    assert!(beyond.exists());
    std::fs::remove_file(&fake).unwrap();
    std::fs::remove_file(&beyond).unwrap();
    // A file of the user's beside the results.
    let mine = out_dir.join("analysis.R");
    std::fs::write(&mine, "library(ggplot2)").unwrap();
    let out = sweep(&out_dir, "0.5,0.9");
    assert_refused_naming(&out, &[&mine]);
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "library(ggplot2)");
    std::fs::remove_file(&mine).unwrap();
    // The directory is a sweep's again: accepted.
    let out = sweep(&out_dir, "0.5,0.9");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_sweep_refuses_a_directory_that_is_not_a_sweeps() {
    let dir = temp_dir();
    // Results without a manifest, a manifest that is not councilsim's, a file as --out.
    let no_manifest = dir.join("a");
    std::fs::create_dir(&no_manifest).unwrap();
    std::fs::write(no_manifest.join("summary.json"), "{}").unwrap();
    let out = sweep(&no_manifest, "0.5,0.9");
    assert_refused_naming(&out, &[&no_manifest.join("summary.json")]);
    assert_eq!(names(&no_manifest), ["summary.json"]);
    let foreign_manifest = dir.join("b");
    std::fs::create_dir(&foreign_manifest).unwrap();
    std::fs::write(foreign_manifest.join("manifest.json"), "{\"app\": 1}").unwrap();
    let out = sweep(&foreign_manifest, "0.5,0.9");
    assert_refused_naming(&out, &[&foreign_manifest.join("manifest.json")]);
    assert_eq!(
        std::fs::read_to_string(foreign_manifest.join("manifest.json")).unwrap(),
        "{\"app\": 1}"
    );
    let file: PathBuf = dir.join("c");
    std::fs::write(&file, "x").unwrap();
    let out = sweep(&file, "0.5,0.9");
    assert_refused_naming(&out, &[&file]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    // A shard's --out too, before anything runs.
    let out = councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        "blocs.E5.cohesion=0.5,0.9",
        "--replications",
        "1000000000",
        "--shard",
        "0/2",
        "--quiet",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_refused_naming(&out, &[&file]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

// ---- files councilsim names inside the user's directory: merge of sweeps, sweep shards ----

fn sweep_shard(out: &Path, index: usize) -> Output {
    councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        "blocs.E5.cohesion=0.5,0.9",
        "--replications",
        "30",
        "--quiet",
        "--shard",
        &format!("{index}/2"),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `merge --out DIR` of sweep shards writes the same files as a sweep, so it follows the
/// same rule: never through a planted link, never over a file no sweep wrote.
#[cfg(unix)]
#[test]
fn a_merged_sweep_never_writes_through_a_link_or_over_the_users_files() {
    let dir = temp_dir();
    let parts = dir.join("parts");
    for i in 0..2 {
        let out = sweep_shard(&parts, i);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let part_args: Vec<String> = (0..2)
        .map(|i| {
            parts
                .join(format!("part-{i}-of-2.json"))
                .display()
                .to_string()
        })
        .collect();
    let merge = |out_dir: &Path| {
        let mut args = vec!["merge"];
        args.extend(part_args.iter().map(String::as_str));
        args.extend(["--out", out_dir.to_str().unwrap()]);
        councilsim(&args)
    };
    let thesis = dir.join("thesis.csv");
    std::fs::write(&thesis, "years of work").unwrap();
    let res = dir.join("res");
    std::fs::create_dir(&res).unwrap();
    std::os::unix::fs::symlink("../thesis.csv", res.join("cells.csv")).unwrap();
    let out = merge(&res);
    assert_refused_naming(&out, &[&res.join("cells.csv")]);
    assert_eq!(std::fs::read_to_string(&thesis).unwrap(), "years of work");
    assert_eq!(names(&res), ["cells.csv"]);
    std::fs::remove_file(res.join("cells.csv")).unwrap();
    // The user's own file with a result's name.
    std::fs::write(res.join("summary.json"), "my notes").unwrap();
    let out = merge(&res);
    assert_refused_naming(&out, &[&res.join("summary.json")]);
    assert_eq!(
        std::fs::read_to_string(res.join("summary.json")).unwrap(),
        "my notes"
    );
    std::fs::remove_file(res.join("summary.json")).unwrap();
    // An empty directory, the same one again (its own results), the parts' own directory
    // and a new one are all fine; no cells/ is made.
    for out_dir in [&res, &res, &parts, &dir.join("new").join("dir")] {
        let out = merge(out_dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out_dir.join("summary.json").is_file());
        assert!(!out_dir.join("cells").exists());
    }
}

/// A shard's part is a name councilsim picks inside the user's `--out`: a link planted
/// there is refused, not followed.
#[cfg(unix)]
#[test]
fn a_sweep_shard_never_writes_through_a_planted_link() {
    let dir = temp_dir();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let out_dir = dir.join("parts");
    std::fs::create_dir(&out_dir).unwrap();
    let part = out_dir.join("part-0-of-2.json");
    std::os::unix::fs::symlink("../victim.txt", &part).unwrap();
    let out = sweep_shard(&out_dir, 0);
    assert_refused_naming(&out, &[&part]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(names(&out_dir), ["part-0-of-2.json"]);
    let out = sweep_shard(&out_dir, 1);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `run` writes two files at most; naming one file twice (or the scenario) would lose a
/// result or the input without a word. Refused before any work, whatever the spelling.
#[cfg(unix)]
#[test]
fn run_refuses_to_write_one_file_twice_or_over_its_scenario() {
    let dir = temp_dir();
    let scenario = dir.join("s.toml");
    std::fs::copy(seed_scenario(), &scenario).unwrap();
    let original = std::fs::read(&scenario).unwrap();
    std::os::unix::fs::symlink("s.toml", dir.join("link.toml")).unwrap();
    let s = scenario.to_str().unwrap().to_string();
    let at = |name: &str| dir.join(name).display().to_string();
    let spelled_twice = format!(
        "{}/../{}/x.json",
        at(""),
        dir.file_name().unwrap().to_str().unwrap()
    );
    for (flag_a, a, flag_b, b) in [
        (
            "--output",
            at("x.json"),
            "--replication-log",
            spelled_twice.clone(),
        ),
        ("--output", at("s.toml"), "", String::new()),
        ("--replication-log", at("link.toml"), "", String::new()),
    ] {
        let mut args = vec!["run", &s, "--replications", "20", "--quiet", flag_a, &a];
        if !flag_b.is_empty() {
            args.extend([flag_b, b.as_str()]);
        }
        let out = councilsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("same file") || stderr(&out).contains("is the scenario file"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&scenario).unwrap(), original);
        assert!(!dir.join("x.json").exists());
    }
    // Devices are written into, not replaced: naming one twice is fine.
    let out = councilsim(&[
        "run",
        &s,
        "--replications",
        "20",
        "--quiet",
        "--output",
        "/dev/null",
        "--replication-log",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

/// `/dev/stdin` links to whatever the shell redirected into standard input: resolving
/// the link replaced that file (`run s.toml --output /dev/stdin < notes.txt` destroyed
/// notes.txt). Like `/dev/stdout`, it is the open descriptor, which is open for reading.
#[cfg(unix)]
#[test]
fn the_file_behind_dev_stdin_is_never_replaced() {
    let dir = temp_dir();
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "precious").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args([
            "run",
            &seed_scenario(),
            "--replications",
            "20",
            "--quiet",
            "--output",
            "/dev/stdin",
        ])
        .stdin(std::fs::File::open(&notes).unwrap())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(out.status.code(), Some(101), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "precious");
    assert_eq!(names(&dir), ["notes.txt"]);
}
