//! Played games through the real binary (issue 9): `play` driven by piped standard input,
//! `replay` and `debrief` of the game files it writes, `--resume`, and bad input.

use crate::support::{councilsim, seed_scenario, stderr, stdout, temp_dir};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs the binary with `args`, feeding `input` on standard input (from a thread, so a
/// child that writes much before reading everything cannot deadlock the test).
fn with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the councilsim binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The game may end before all the input is read: a closed pipe is fine.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn tutorial() -> String {
    format!("{}/scenarios/tutorial.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Plays `scenario` as `seats` with `input`, saving to a new file in a fresh directory.
fn play(scenario: &str, seats: &str, extra: &[&str], input: &[u8]) -> (PathBuf, Output) {
    let game = temp_dir().join("game.jsonl");
    let mut args = vec![
        "play",
        scenario,
        "--as",
        seats,
        "--game",
        game.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = with_input(&args, input);
    (game, out)
}

/// `n` empty lines: take every suggestion.
fn empties(n: usize) -> Vec<u8> {
    vec![b'\n'; n]
}

fn lines_of(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}\nstdout tail: {}",
        out.status.code(),
        stderr(out),
        tail(&stdout(out))
    );
    stdout(out)
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// A trace or replay in JSON Lines without the header and without the human decision
/// markers: the events of the replication itself.
fn events(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["event"] != "decided")
        .collect()
}

fn voted(jsonl: &str) -> Vec<Value> {
    events(jsonl)
        .into_iter()
        .filter(|v| v["event"] == "voted")
        .collect()
}

/// The vote lines of a text trace (the tally and the yes/no/abstain lines).
fn vote_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut take = 0;
    for line in text.lines() {
        if line.contains("  vote ") && line.contains(" on ") {
            take = 5;
        }
        if take > 0 {
            out.push(line.to_string());
            take -= 1;
        }
    }
    out
}

#[test]
fn a_game_of_suggestions_is_the_bot_only_replication() {
    let seed = seed_scenario();
    let tutorial = tutorial();
    for (scenario, seats, replication) in [
        (seed.as_str(), "USA,FRA,RUS,DNK", "3"),
        (seed.as_str(), "GBR,CHN,KOR", "7"),
        (tutorial.as_str(), "PEN,FAR,BIG,OBS", "1"),
    ] {
        let (game, out) = play(
            scenario,
            seats,
            &["--replication", replication],
            &empties(3000),
        );
        let text = ok(&out);
        assert!(text.contains("The game is over."), "{}", tail(&text));
        let decisions = lines_of(&game).len() - 1;
        assert!(decisions > 0, "{scenario} {seats}: no decision was asked");
        let replay = ok(&councilsim(&[
            "replay",
            game.to_str().unwrap(),
            "--format",
            "jsonl",
        ]));
        let trace = ok(&councilsim(&[
            "trace",
            scenario,
            "--replication",
            replication,
            "--format",
            "jsonl",
        ]));
        assert!(!voted(&trace).is_empty());
        assert_eq!(voted(&replay), voted(&trace), "{scenario} as {seats}");
        // Not only the votes: every event of the replication, apart from the markers.
        assert_eq!(events(&replay), events(&trace), "{scenario} as {seats}");
        let decided = replay
            .lines()
            .filter(|l| l.contains("\"event\":\"decided\""))
            .count();
        assert_eq!(decided, decisions, "one marker per human decision");
        // The text replay shows the same votes as the text trace.
        let replay_text = ok(&councilsim(&["replay", game.to_str().unwrap()]));
        let trace_text = ok(&councilsim(&[
            "trace",
            scenario,
            "--replication",
            replication,
        ]));
        assert_eq!(vote_lines(&replay_text), vote_lines(&trace_text));
        // And every decision agreed with its bot.
        let debrief = json_of(&councilsim(&[
            "debrief",
            game.to_str().unwrap(),
            "--replications",
            "50",
            "--format",
            "json",
        ]));
        for d in debrief["decisions"].as_array().unwrap() {
            assert_eq!(d["chosen"], d["bot"], "{d}");
            assert_eq!(d["pivotal"], false, "{d}");
        }
    }
}

/// Index (0-based) of the decision line whose kind and subject match, in a game file.
fn decision_index(game: &Path, seat: &str, kind: &str, ballot: &str) -> usize {
    lines_of(game)[1..]
        .iter()
        .position(|l| l["seat"] == seat && l["kind"] == kind && l["ballot"] == ballot)
        .unwrap_or_else(|| panic!("no {kind} of {seat} on {ballot}"))
}

/// Input that takes every suggestion but answers decision `k` with `answer`.
fn script(k: usize, answer: &str, total: usize) -> Vec<u8> {
    let mut input = empties(k);
    input.extend_from_slice(answer.as_bytes());
    input.push(b'\n');
    input.extend(empties(total));
    input
}

/// The game in which FRA votes no on the seed draft and takes every other suggestion,
/// with the index of that vote among the game's decisions.
fn fra_votes_no() -> (PathBuf, usize, String) {
    let seed = seed_scenario();
    let (probe, out) = play(&seed, "FRA", &[], &empties(3000));
    ok(&out);
    let k = decision_index(&probe, "FRA", "vote", "S/2025/112");
    let (game, out) = play(&seed, "FRA", &[], &script(k, "no", 3000));
    (game, k, ok(&out))
}

#[test]
fn fra_voting_no_vetoes_the_seed_draft_and_the_debrief_calls_it_pivotal() {
    let (game, k, transcript) = fra_votes_no();
    // The prompt showed the text in words, the choices with the bot's marked, its reason,
    // and the bots' decisions as they happened, in the trace's words.
    for expected in [
        "PP1  Mourning the tragic loss of life throughout the Russian Federation-Ukraine conflict",
        "FRA, your vote on draft S/2025/112 (vote 7):",
        "  3  abstain   ← your bot's choice",
        "your bot would abstain: -b -0.600 ≤ Δ -0.195 ≤ a 0.300",
        "USA refuses: E would change",
        "[human] FRA votes no on draft S/2025/112; its bot would vote abstain",
    ] {
        assert!(
            transcript.contains(expected),
            "{expected:?} not in\n{}",
            tail(&transcript)
        );
    }
    assert!(
        transcript.contains("draft S/2025/112: vetoed 10-1-4 (vetoed by FRA)"),
        "{}",
        tail(&transcript)
    );
    let g = game.to_str().unwrap();
    let debrief = json_of(&councilsim(&[
        "debrief",
        g,
        "--replications",
        "300",
        "--format",
        "json",
    ]));
    let draft = &debrief["game"]["drafts"][0];
    assert_eq!(draft["id"], "S/2025/112");
    assert_eq!(draft["result"], "vetoed");
    assert_eq!(draft["vetoed_by"], serde_json::json!(["FRA"]));
    assert_eq!(
        draft["tally"],
        serde_json::json!({"yes": 10, "no": 1, "abstain": 4})
    );
    assert_eq!(draft["amendments"].as_array().unwrap().len(), 5);
    assert_eq!(draft["motions"].as_array().unwrap().len(), 1);
    let decisions = debrief["decisions"].as_array().unwrap();
    let vote = &decisions[k];
    assert_eq!(vote["seat"], "FRA");
    assert_eq!(vote["kind"], "vote");
    assert_eq!(vote["ballot"], "S/2025/112");
    assert_eq!(vote["chosen"], "no");
    assert_eq!(vote["bot"], "abstain");
    assert_eq!(vote["pivotal"], true);
    assert_eq!(vote["counterfactual"]["drafts"][0]["result"], "adopted");
    assert_eq!(
        vote["counterfactual"]["drafts"][0]["tally"],
        serde_json::json!({"yes": 10, "no": 0, "abstain": 5})
    );
    for (i, d) in decisions.iter().enumerate().filter(|(i, _)| *i != k) {
        assert_eq!(d["pivotal"], false, "decision {i}: {d}");
        assert_eq!(d["chosen"], d["bot"], "decision {i}: {d}");
    }
    let n = decisions.len() as u64;
    assert_eq!(
        debrief["agreement"]["FRA"],
        serde_json::json!({"decisions": n, "agreed": n - 1})
    );
    // `bots` is exactly `run --seed S --replications N`'s JSON.
    let run = json_of(&councilsim(&[
        "run",
        &seed_scenario(),
        "--seed",
        "20250224",
        "--replications",
        "300",
        "--format",
        "json",
        "--quiet",
    ]));
    assert_eq!(debrief["bots"], run);
    // The contract's keys, and no others.
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&debrief), ["agreement", "bots", "decisions", "game"]);
    assert_eq!(
        keys(vote),
        [
            "ballot",
            "bot",
            "chosen",
            "counterfactual",
            "kind",
            "minute",
            "pivotal",
            "seat"
        ]
    );
    assert_eq!(
        keys(draft),
        [
            "amendments",
            "id",
            "motions",
            "result",
            "tally",
            "vetoed_by"
        ]
    );
    // The text says it in words.
    let text = ok(&councilsim(&["debrief", g, "--replications", "300"]));
    assert!(text.contains("PIVOTAL"), "{text}");
    assert!(
        text.contains("draft S/2025/112 adopted 10-0-5 instead of vetoed 10-1-4 (vetoed by FRA)"),
        "{text}"
    );
    assert!(text.contains("bots alone: vetoed in"), "{text}");
    // The same debrief on any number of threads.
    let one = councilsim(&[
        "debrief",
        g,
        "--replications",
        "300",
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    let two = councilsim(&[
        "debrief",
        g,
        "--replications",
        "300",
        "--format",
        "json",
        "--threads",
        "2",
    ]);
    assert_eq!(ok(&one), ok(&two));
}

#[test]
fn a_replay_is_byte_identical_run_to_run() {
    let (game, _, _) = fra_votes_no();
    let g = game.to_str().unwrap();
    for format in ["text", "jsonl"] {
        let a = councilsim(&["replay", g, "--format", format]);
        let b = councilsim(&["replay", g, "--format", format]);
        assert_eq!(a.stdout, b.stdout);
        assert!(!a.stdout.is_empty());
    }
    let text = ok(&councilsim(&["replay", g]));
    assert!(text.contains("vetoed"), "{text}");
}

#[test]
fn a_resumed_game_is_the_uninterrupted_game() {
    let seed = seed_scenario();
    let (probe, out) = play(&seed, "FRA,USA", &[], &empties(3000));
    ok(&out);
    let total = lines_of(&probe).len() - 1;
    let k = decision_index(&probe, "FRA", "vote", "S/2025/112");
    let full = script(k, "no", 3000);
    let (whole, out) = play(&seed, "FRA,USA", &[], &full);
    ok(&out);
    // Byte offset of the end of the first `n` answer lines.
    let after = |n: usize| {
        full.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .nth(n.wrapping_sub(1))
            .map_or(0, |(i, _)| i + 1)
    };
    for cut in [0, 1, k, k + 1, total - 1] {
        // The input ends after `cut` answers: the game is saved and says how to go on.
        let (game, out) = play(&seed, "FRA,USA", &[], &full[..after(cut)]);
        let text = ok(&out);
        assert!(text.contains("--resume"), "{}", tail(&text));
        assert_eq!(lines_of(&game).len() - 1, cut);
        let g = game.to_str().unwrap();
        let out = with_input(&["play", "--resume", g], &full[after(cut)..]);
        ok(&out);
        assert_eq!(
            std::fs::read(&game).unwrap(),
            std::fs::read(&whole).unwrap(),
            "cut after {cut}"
        );
        assert_eq!(
            councilsim(&["replay", g]).stdout,
            councilsim(&["replay", whole.to_str().unwrap()]).stdout
        );
    }
    // Resuming a finished game changes nothing.
    let before = std::fs::read(&whole).unwrap();
    let out = with_input(&["play", "--resume", whole.to_str().unwrap()], b"no\n");
    assert!(ok(&out).contains("is over"));
    assert_eq!(std::fs::read(&whole).unwrap(), before);
}

#[test]
fn garbage_on_standard_input_is_asked_again_never_a_panic() {
    let mut input = Vec::new();
    for line in [
        "maybe",
        "0",
        "-1",
        "99999999999999999999999999",
        "1e9",
        "yes please",
        "\u{1b}[31mred",
        "NaN",
        "inf",
    ] {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(&[0xff, 0xfe, 0x00, b'\n']);
    input.extend(std::iter::repeat_n(b'7', 100_000));
    input.push(b'\n');
    input.extend(empties(3000));
    let (game, out) = play(&seed_scenario(), "FRA", &[], &input);
    let text = ok(&out);
    assert!(text.contains("is not a choice here"), "{}", tail(&text));
    assert!(text.contains("The game is over."), "{}", tail(&text));
    assert!(
        !text.contains('\u{1b}'),
        "a control character reached the terminal"
    );
    // Nothing invalid was recorded: the game is a game of suggestions.
    let (clean, _) = play(&seed_scenario(), "FRA", &[], &empties(3000));
    let strip = |p: &Path| std::fs::read(p).unwrap();
    assert_eq!(strip(&game), strip(&clean));
}

#[test]
fn a_move_asks_for_its_target_and_checks_its_range() {
    // FRA's first question is an ask in consultations: option 2 onwards are its
    // amendments, then one move per dimension. Pick the last option (a move on the last
    // dimension), give a target out of range, garbage, then a valid one.
    let (probe, out) = play(&seed_scenario(), "FRA", &[], &empties(3000));
    ok(&out);
    let first = &lines_of(&probe)[1];
    assert_eq!(first["kind"], "ask", "{first}");
    let transcript = stdout(&out);
    let options = transcript
        .split("[1-")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap();
    let mut input = format!("{options}\n7\nabc\n0.55\n").into_bytes();
    input.extend(empties(3000));
    let (game, out) = play(&seed_scenario(), "FRA", &[], &input);
    let text = ok(&out);
    assert!(text.contains("is outside"), "{}", tail(&text));
    assert!(text.contains("is not a position"), "{}", tail(&text));
    let first = &lines_of(&game)[1];
    assert_eq!(first["choice"]["to"], 0.55, "{first}");
    // The game file replays.
    ok(&councilsim(&["replay", game.to_str().unwrap()]));
}

#[test]
fn an_unknown_seat_is_refused_with_the_valid_ids() {
    let out = councilsim(&["play", &seed_scenario(), "--as", "FRA,XYZ"]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("XYZ") && e.contains("FRA") && e.contains("USA"),
        "{e}"
    );
    let out = councilsim(&["play", &seed_scenario()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = councilsim(&["play", &seed_scenario(), "--as", "FRA,FRA"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn an_existing_game_file_is_never_replaced() {
    let dir = temp_dir();
    let game = dir.join("mine.jsonl");
    std::fs::write(&game, "precious\n").unwrap();
    let out = with_input(
        &[
            "play",
            &seed_scenario(),
            "--as",
            "FRA",
            "--game",
            game.to_str().unwrap(),
        ],
        &empties(10),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&game).unwrap(), "precious\n");
}

/// A finished game of FRA in a fresh file, and its lines.
fn finished_game() -> (PathBuf, Vec<String>) {
    let (game, out) = play(&seed_scenario(), "FRA", &[], &empties(3000));
    ok(&out);
    let lines = std::fs::read_to_string(&game)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    (game, lines)
}

/// Writes `lines` to a new game file and returns its path.
fn write_game(lines: &[String]) -> PathBuf {
    let path = temp_dir().join("edited.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Every command that reads a game file refuses it with exit code 2 and `expected` in the
/// message (which names the file).
fn refused(path: &Path, expected: &str) {
    let p = path.to_str().unwrap();
    for args in [
        vec!["replay", p],
        vec!["debrief", p, "--replications", "10"],
        vec!["play", "--resume", p],
    ] {
        let out = with_input(&args, b"\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains(expected), "{args:?}: {e}");
        assert!(e.contains("edited.jsonl"), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
}

fn edit_header(lines: &[String], f: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut header: Value = serde_json::from_str(&lines[0]).unwrap();
    f(&mut header);
    let mut out = lines.to_vec();
    out[0] = header.to_string();
    out
}

#[test]
fn a_game_file_of_another_scenario_or_version_is_refused() {
    let (game, lines) = finished_game();
    // Resumed against another scenario file.
    let out = councilsim(&["play", &tutorial(), "--resume", game.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("game.jsonl") && e.contains("another scenario"),
        "{e}"
    );
    // The embedded text edited: its hash no longer matches.
    let edited = edit_header(&lines, |h| {
        let text = h["scenario"]
            .as_str()
            .unwrap()
            .replace("act_bonus = 1.0", "act_bonus = 0.9");
        h["scenario"] = Value::String(text);
    });
    refused(
        &write_game(&edited),
        "edited.jsonl:1: the scenario text does not match",
    );
    // Another file format, another councilsim version.
    let edited = edit_header(&lines, |h| h["format"] = "councilsim-game/2".into());
    refused(
        &write_game(&edited),
        "edited.jsonl:1: is a game file of format `councilsim-game/2`",
    );
    let edited = edit_header(&lines, |h| h["version"] = "0.0.9".into());
    refused(
        &write_game(&edited),
        "edited.jsonl:1: the game was played with councilsim 0.0.9",
    );
    // An unknown field, a seat that is not a delegation.
    let edited = edit_header(&lines, |h| h["extra"] = 1.into());
    refused(&write_game(&edited), "edited.jsonl:1:");
    let edited = edit_header(&lines, |h| h["seats"] = serde_json::json!(["XYZ"]));
    refused(
        &write_game(&edited),
        "edited.jsonl:1: seats: no delegation `XYZ`",
    );
    // Not a game file at all; empty; cut off mid-line.
    refused(&write_game(&["{}".to_string()]), "edited.jsonl:1:");
    let empty = temp_dir().join("edited.jsonl");
    std::fs::write(&empty, "").unwrap();
    refused(&empty, "edited.jsonl: is empty");
    let cut = temp_dir().join("edited.jsonl");
    let all = std::fs::read(&game).unwrap();
    std::fs::write(&cut, &all[..all.len() - 5]).unwrap();
    refused(&cut, "cut off");
}

#[test]
fn a_tampered_decision_line_is_refused_naming_its_line() {
    let (_, lines) = finished_game();
    let tamper = |k: usize, f: &dyn Fn(&mut Value)| {
        let mut out = lines.clone();
        let mut line: Value = serde_json::from_str(&out[k]).unwrap();
        f(&mut line);
        out[k] = line.to_string();
        write_game(&out)
    };
    let last = lines.len() - 1;
    refused(
        &tamper(2, &|l| {
            l["minute"] = (l["minute"].as_u64().unwrap() + 1).into()
        }),
        "edited.jsonl:3: records minute",
    );
    refused(
        &tamper(last, &|l| l["choice"] = "maybe".into()),
        &format!("edited.jsonl:{}: choice \"maybe\"", last + 1),
    );
    refused(
        &tamper(1, &|l| l["seat"] = "USA".into()),
        "edited.jsonl:2: seat `USA` is not one of the game's seats",
    );
    refused(
        &tamper(last, &|l| l["kind"] = "withdraw".into()),
        &format!("edited.jsonl:{}:", last + 1),
    );
    refused(
        &tamper(last, &|l| l["ballot"] = "A1".into()),
        &format!("edited.jsonl:{}:", last + 1),
    );
    // A decision line too many: the game was over.
    let mut extra = lines.clone();
    extra.push(lines[last].clone());
    refused(&write_game(&extra), &format!("edited.jsonl:{}:", last + 2));
    // Garbage in place of a line.
    let mut garbage = lines.clone();
    garbage[1] = "not json".to_string();
    refused(&write_game(&garbage), "edited.jsonl:2: not a decision line");
}

#[test]
fn an_unfinished_game_is_not_debriefed_and_replays_so_far() {
    let (game, out) = play(&seed_scenario(), "FRA", &[], &empties(2));
    ok(&out);
    let g = game.to_str().unwrap();
    let out = councilsim(&["debrief", g]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    let out = councilsim(&["replay", g]);
    ok(&out);
    assert!(stderr(&out).contains("not over"), "{}", stderr(&out));
}
