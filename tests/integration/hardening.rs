//! Hardening of the scenario checks (issue 8, items 9–18): long lines, counts, magnitudes,
//! sweep values, ids, control characters, sweep paths, withdrawn ballots, and every problem
//! exactly once. Each test goes through the real binary.

use crate::bad_input::BASE;
use crate::support::{councilsim, seed_scenario, stderr, stdout, temp_dir, write_scenario};

/// Checks `text`, expecting exit code 2; returns stderr.
fn rejected(name: &str, text: &str) -> String {
    let path = write_scenario(&format!("{name}.toml"), text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: exit code\n{err}");
    assert!(!err.contains("panicked"), "{name}: panicked\n{err}");
    err
}

fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "base lacks {from:?}");
    BASE.replacen(from, to, 1)
}

fn with_record(record: &str) -> String {
    format!("{BASE}\n[observed]\nballots = [{record}]\n")
}

/// Item 9: a problem past column 65 535 is reported, not a panic in the renderer; the
/// line is shown as an excerpt around the problem.
#[test]
fn a_problem_at_the_end_of_a_very_long_line_is_reported() {
    let long = "x".repeat(70_000);
    let text = edited(
        "text = \"Decides to remain seized\"",
        &format!("text = \"{long}\", bogus = 1"),
    );
    let err = rejected("long-line", &text);
    let line = text[..text.find(&long).unwrap()].matches('\n').count() + 1;
    let column = text.lines().nth(line - 1).unwrap().find("bogus").unwrap() - 2 + 1;
    assert!(
        err.contains(&format!("long-line.toml:{line}:{column}")),
        "{err}"
    );
    assert!(err.contains("1 problem found"), "{err}");
    // An excerpt, not the 70 000 characters.
    assert!(err.len() < 3_000, "{} bytes of diagnostics", err.len());
    assert!(err.contains("...xxx"), "{err}");
}

/// A problem just past the excerpt's context on a long line: the excerpt would elide only
/// one or two characters, fewer than its "..." (found by fuzzing: the renderer subtracted
/// the ellipsis from the elided characters and overflowed). Every such position is reported
/// at its own line and column.
#[test]
fn a_problem_a_few_characters_past_the_excerpts_context_is_reported() {
    for pad in 60..=100 {
        let edit = format!("text = \"{}\", bogus = 1", "x".repeat(pad));
        let text = edited("text = \"Decides to remain seized\"", &edit);
        // The line made long after the problem: a comment after the inline table.
        let at = text.find(&edit).unwrap();
        let end = at + text[at..].find('\n').unwrap();
        let text = format!("{} # {}{}", &text[..end], "y".repeat(1_200), &text[end..]);
        let err = rejected("short-elision", &text);
        let line = text[..at].matches('\n').count() + 1;
        let column = text.lines().nth(line - 1).unwrap().find("bogus").unwrap() - 2 + 1;
        assert!(
            err.contains(&format!("short-elision.toml:{line}:{column}")),
            "pad {pad}: {err}"
        );
    }
}

/// Item 10: tallies are checked in full width: no count above the body, no sum above it.
#[test]
fn a_tally_beyond_the_body_is_refused() {
    for tally in [
        "[9223372036854775807, 9223372036854775807, 2]",
        "[4, 0, 0]",
        "[2, 2, 0]",
        "[-1, 1, 1]",
    ] {
        let text = with_record(&format!(
            "{{ id = \"D1\", result = \"adopted\", tally = {tally} }}"
        ));
        let err = rejected("tally", &text);
        assert!(err.contains("does not fit 3 members"), "{tally}: {err}");
        assert!(err.contains("1 problem found"), "{tally}: {err}");
    }
    // Beyond i64 the TOML reader refuses the number itself.
    let text =
        with_record("{ id = \"D1\", result = \"adopted\", tally = [99999999999999999999, 0, 0] }");
    rejected("tally-i64", &text);
}

/// Item 12: magnitudes are bounded so that every Δ is finite; bounds and values are shown
/// in scientific notation.
#[test]
fn magnitudes_that_could_overflow_a_utility_are_refused() {
    let cases = [
        (
            "[dimensions.force]\n",
            "[dimensions.force]\nrange = [-1e300, 1e300]\n",
            "found [-1e300, 1e300]",
        ),
        (
            "salience = { force = 1.0 }",
            "salience = { force = 1e300 }",
            "from 0 to 1e6, found 1e300",
        ),
        (
            "act_bonus = 0.2, yes",
            "act_bonus = -1e300, yes",
            "from -1e6 to 1e6, found -1e300",
        ),
        ("temperature = 0.1", "temperature = 1e7", "found 1e7"),
    ];
    for (from, to, message) in cases {
        let err = rejected("magnitude", &edited(from, to));
        assert!(
            err.contains(message),
            "{to}: expected {message:?} in\n{err}"
        );
        assert!(
            !err.contains("000000000"),
            "{to}: digits spelled out\n{err}"
        );
    }
}

/// Item 12: at the bounds (range ±10⁶, salience 10⁶, exponent 8), votes still follow the
/// utilities: the two members at the draft vote yes, the one at the status quo votes no.
#[test]
fn votes_at_the_largest_magnitudes_follow_the_utilities() {
    let text = r#"[scenario]
name = "extremes"

[rules]
preset = "custom"
quota = 2
veto = []

[model]
distance_exponent = 8.0

[dimensions.force]
range = [-1e6, 1e6]
status_quo = -1e6

[members.AAA]
permanent = false
stance = { ideal = { force = 1e6 }, salience = { force = 1e6 }, act_bonus = 1e6, yes_threshold = 1e6, no_threshold = 1e6, temperature = 1e6 }

[members.BBB]
permanent = false
stance = { ideal = { force = 1e6 }, salience = { force = 1e6 } }

[members.CCC]
permanent = false
stance = { ideal = { force = -1e6 }, salience = { force = 1e6 }, act_bonus = -1e6 }

[[drafts]]
id = "D1"
penholder = "AAA"
force_vote = true

[[drafts.provisions]]
id = "OP1"
text = "Decides"
position = { force = 1e6 }

[[relations]]
from = "CCC"
to = "BBB"
pull = 1e6
"#;
    let path = write_scenario("extremes.toml", text);
    let out = councilsim(&[
        "run",
        path.to_str().unwrap(),
        "--replications",
        "200",
        "--seed",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // AAA's Δ ≈ 1e6·2.56e50 (finite) dwarfs its thresholds and its 1e6 temperature.
    assert!(
        stdout(&out).contains("modal tally 2-1-0"),
        "{}",
        stdout(&out)
    );
}

/// Item 13: sweep values are finite; out-of-range values are refused by the cell checks.
#[test]
fn sweep_ranges_make_only_finite_values() {
    let out_dir = temp_dir().join("sweep-inf");
    for set in [
        "members.USA.stance.act_bonus=0..1e300:3",
        "members.USA.stance.act_bonus=-1.7e308..1.7e308:3",
        "rules.quota=9,1e300",
    ] {
        let out = councilsim(&[
            "sweep",
            &seed_scenario(),
            "--set",
            set,
            "--replications",
            "10",
            "--quiet",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{set}: {err}");
        assert!(!err.contains("inf"), "{set}: {err}");
        assert!(
            err.contains("from -1e6 to 1e6") || err.contains("`1e300`, expected an integer"),
            "{set}: {err}"
        );
        assert!(
            !err.contains("000000000"),
            "{set}: digits spelled out\n{err}"
        );
    }
    let out = councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        "members.USA.stance.act_bonus=0..inf:3",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Item 14: every kind of id is restricted to a safe set, with one diagnostic at its span.
#[test]
fn ids_outside_the_safe_set_are_refused() {
    let cases = [
        ("id = \"D1\"", "id = \"=1+2\"", "draft id `=1+2`"),
        (
            "id = \"OP2\"",
            "id = \"@SUM(A1)\"",
            "provision id `@SUM(A1)`",
        ),
        ("id = \"AM1\"", "id = \"+AM1\"", "amendment id `+AM1`"),
        (
            "[dimensions.force]",
            "[dimensions.\"for ce\"]",
            "dimension id `for ce`",
        ),
        ("[members.CCC]", "[members.\"-CCC\"]", "member id `-CCC`"),
        ("[blocs.B1]", "[blocs.\"B,1\"]", "bloc id `B,1`"),
    ];
    for (from, to, message) in cases {
        let err = rejected("ids", &edited(from, to));
        assert!(
            err.contains(message),
            "{to}: expected {message:?} in\n{err}"
        );
        assert!(err.contains("letters, digits and _ - . / :"), "{err}");
    }
    let text = format!("{BASE}\n[templates.\"=T\"]\nact_bonus = 0.1\n");
    let err = rejected("ids", &text);
    assert!(err.contains("template id `=T`"), "{err}");
    assert!(err.contains("1 problem found"), "{err}");
    // UN symbols and ISO codes fit.
    let text = edited("id = \"D1\"", "id = \"S/2024/123.rev:1\"");
    let path = write_scenario("ids-ok.toml", &text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Item 14: the shipped scenarios all keep to the id rule.
#[test]
fn every_shipped_scenario_keeps_to_the_id_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                paths.push(p.to_str().unwrap().to_string());
            }
        }
    }
    paths.sort();
    assert!(paths.len() >= 10);
    let mut args = vec!["check"];
    args.extend(paths.iter().map(String::as_str));
    let out = councilsim(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Item 15: control characters in names, titles and texts never reach the terminal, in
/// diagnostics, the run table or the trace.
#[test]
fn control_characters_are_escaped_in_human_readable_output() {
    let text = edited("name = \"A\"", "name = \"A\\u001b]0;pwned\\u0007\"")
        .replacen(
            "name = \"bad input base\"",
            "name = \"base\\u001b[2J\\u009b\"",
            1,
        )
        .replacen("text = \"Decides to act\"", "text = \"act\\u001b[2J\"", 1);
    let path = write_scenario("escapes.toml", &text);
    let p = path.to_str().unwrap();
    for args in [
        vec!["run", p, "--replications", "20"],
        vec!["trace", p, "--replication", "0"],
        vec!["power", p],
        vec!["check", p],
    ] {
        let out = councilsim(&args);
        let shown = stdout(&out);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{9b}'),
            "{args:?}"
        );
        assert!(shown.contains("base\\u{1b}[2J\\u{9b}"), "{args:?}: {shown}");
    }
    let recorded = format!(
        "{text}\n[observed]\nsource = \"record\\u001b[2J\"\nballots = [{{ id = \"D1\", result = \"adopted\" }}]\n"
    );
    let path = write_scenario("escapes-record.toml", &recorded);
    let out = councilsim(&["backtest", path.to_str().unwrap(), "--replications", "20"]);
    let shown = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert!(shown.contains("record\\u{1b}[2J"), "{shown}");
    // In a diagnostic: an id holding an escape, and the file line that shows it.
    let bad = text.replacen("id = \"OP2\"", "id = \"OP\\u001b]0;x\\u0007\"", 1);
    let err = rejected("escapes-bad", &bad);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("OP\\u{1b}]0;x\\u{7}"), "{err}");
    // A raw control character in the file itself (TOML refuses it) is shown escaped.
    let raw = format!("{BASE}# \u{1b}]0;t\u{7}\n");
    let err = rejected("escapes-raw", &raw);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

/// Item 16: a sweep path through an undeclared member says so; a swept rule does not make
/// the record a reason to refuse a cell; messages speak of tables and integers, not of
/// Rust types.
#[test]
fn sweep_paths_and_reader_messages_speak_the_users_language() {
    let out_dir = temp_dir().join("sweep-ghost");
    let out = councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        "members.GHOST.stance.act_bonus=1",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`GHOST` is not a member"), "{err}");
    assert!(!err.contains("permanent"), "{err}");

    let out_dir = temp_dir().join("sweep-quota");
    let out = councilsim(&[
        "sweep",
        &seed_scenario(),
        "--set",
        "rules.quota=9,10",
        "--replications",
        "20",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    for (from, to, words) in [
        (
            "stance = { ideal = { force = 0.1 }, act_bonus = 0.1 }",
            "stance = 1",
            "expected a table",
        ),
        ("quota = 2", "quota = 2.5", "expected an integer"),
    ] {
        let err = rejected("words", &edited(from, to));
        assert!(err.contains(words), "{to}: expected {words:?} in\n{err}");
        for rust in ["struct", "Raw", "i64", "f64"] {
            assert!(!err.contains(rust), "{to}: {rust} in\n{err}");
        }
    }
}

/// Item 17: a withdrawn ballot was never voted on.
#[test]
fn a_withdrawn_ballot_has_no_votes() {
    for record in [
        "{ id = \"D1\", result = \"withdrawn\", yes = [\"AAA\", \"BBB\"], no = [\"CCC\"] }",
        "{ id = \"D1\", result = \"withdrawn\", tally = [2, 1, 0] }",
        // Partial votes, a tally beyond the body: still one problem, not also "no
        // recorded vote for CCC" or a tally that disagrees with votes that are not there.
        "{ id = \"D1\", result = \"withdrawn\", yes = [\"AAA\", \"BBB\"], tally = [2, 0, 0] }",
        "{ id = \"D1\", result = \"withdrawn\", yes = [\"AAA\"], tally = [9, 9, 9] }",
    ] {
        let err = rejected("withdrawn", &with_record(record));
        assert!(err.contains("was withdrawn, so it has no votes"), "{err}");
        assert!(err.contains("1 problem found"), "{err}");
    }
    let path = write_scenario(
        "withdrawn-ok.toml",
        &with_record("{ id = \"D1\", result = \"withdrawn\" }"),
    );
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Item 18: an unknown template does not hide the record's problems, and a bad value in a
/// template is reported once however many members use it.
#[test]
fn every_problem_once_in_one_run() {
    let text = with_record(
        "{ id = \"D1\", result = \"adopted\", yes = [\"AAA\", \"BBB\", \"AAA\"], no = [\"CCC\"] }, \
         { id = \"AM1\", result = \"failed\", yes = [\"AAA\", \"BBB\", \"CCC\"] }",
    )
    .replacen(
        "stance = { ideal = { force = 0.1 }, act_bonus = 0.1 }",
        "template = \"NOPE\"",
        1,
    )
    .replacen("[rules]", "[rules]\namendment_order = \"random\"", 1);
    let err = rejected("all-at-once", &text);
    assert!(err.contains("unknown template `NOPE`"), "{err}");
    assert!(err.contains("`AAA` voted twice on `D1`"), "{err}");
    assert!(err.contains("unknown amendment order"), "{err}");
    // Judged under the rules, which compiled, although a member's template did not.
    assert!(err.contains("result `failed` does not follow"), "{err}");
    assert!(err.contains("4 problems found"), "{err}");

    let text = format!(
        "{}\n[templates.T]\nideal = {{ force = 0.5 }}\ntemperature = -1\n",
        edited(
            "stance = { ideal = { force = 0.7 }, act_bonus = 0.2, temperature = 0.2 }",
            "template = \"T\"",
        )
        .replacen(
            "stance = { ideal = { force = 0.1 }, act_bonus = 0.1 }",
            "template = \"T\"",
            1,
        )
    );
    let err = rejected("template-once", &text);
    assert_eq!(err.matches("temperature must be").count(), 1, "{err}");
    assert!(err.contains("1 problem found"), "{err}");
    // A template nobody uses is checked too.
    let text = format!("{BASE}\n[templates.UNUSED]\nturnout = 2.0\n");
    let err = rejected("template-unused", &text);
    assert!(err.contains("turnout must be"), "{err}");
}

/// `check` passes only what `sweep` accepts: a `[[sweep]]` naming a member the scenario
/// lacks, a key it does not know or a value out of range is reported (once per axis, at
/// the sweep's path), as `sweep` would refuse it.
#[test]
fn check_reports_the_sweeps_that_sweep_would_refuse() {
    let sweep = |path: &str, values: &str| {
        format!("[[sweep]]\npath = \"{path}\"\nvalues = [{values}]\n\n{BASE}")
    };
    for (name, text, says) in [
        (
            "sweep-ghost",
            sweep("members.GHOST.stance.act_bonus", "1"),
            "`GHOST` is not a member",
        ),
        (
            "sweep-unknown-key",
            sweep("bogus", "1, 2"),
            "unknown field `bogus`",
        ),
        (
            "sweep-out-of-range",
            sweep("members.AAA.stance.act_bonus", "1, 2e6, 3e6"),
            "to 3e6 makes an invalid scenario: act_bonus must be a number from -1e6 to 1e6",
        ),
        (
            "sweep-too-many-cells",
            sweep(
                "members.AAA.stance.act_bonus",
                &(0..10_001)
                    .map(|i| format!("{}", i as f64 / 1e5))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            "the grid has 10001 cells; sweeps are limited to 10000",
        ),
    ] {
        let err = rejected(name, &text);
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains(&format!("{name}.toml:2:8")), "{name}: {err}");
        assert!(err.contains("1 problem found"), "{name}: {err}");
        // And `sweep` refuses the same file.
        let path = write_scenario(&format!("{name}.toml"), &text);
        let out_dir = temp_dir().join("out");
        let out = councilsim(&[
            "sweep",
            path.to_str().unwrap(),
            "--replications",
            "5",
            "--quiet",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
    }
    // A valid sweep still passes.
    let path = write_scenario(
        "sweep-valid.toml",
        &sweep("members.AAA.stance.act_bonus", "0.1, 0.5"),
    );
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: "), "{}", stdout(&out));
}

/// Drafts, amendments and motions are all ballots, named by id in the record and the
/// replication log: an amendment or a motion with a draft's id made the record `D1`
/// match the motion (backtest compared the wrong ballot) and the log carry two
/// `D1:result` columns. Refused, once, where the second id stands.
#[test]
fn ballots_of_different_kinds_need_ids_of_their_own() {
    let motion = "[[motions]]\nid = \"D1\"\nkind = \"postpone\"\nmovers = [\"AAA\"]\n\n";
    for (name, text, says) in [
        (
            "amendment-with-a-drafts-id",
            edited("id = \"AM1\"", "id = \"D1\""),
            "amendment `D1` has the id of a draft",
        ),
        (
            "motion-with-a-drafts-id",
            edited("[[amendments]]", &format!("{motion}[[amendments]]")),
            "motion `D1` has the id of a draft",
        ),
        (
            "motion-with-an-amendments-id",
            edited(
                "[[amendments]]",
                &format!("{}[[amendments]]", motion.replace("D1", "AM1")),
            ),
            "motion `AM1` has the id of an amendment",
        ),
    ] {
        let err = rejected(name, &text);
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains("1 problem found"), "{name}: {err}");
    }
}

/// An integer beyond 64 bits was "invalid type: integer `1e20` as i128, expected an
/// integer": a Rust type name, and a contradiction. It is a number out of range.
#[test]
fn integers_beyond_64_bits_are_out_of_range_in_the_users_words() {
    for (name, text) in [
        (
            "huge-quota",
            edited("quota = 2", "quota = 99999999999999999999"),
        ),
        (
            "huge-seed",
            format!("{BASE}\n[montecarlo]\nseed = 99999999999999999999\n"),
        ),
    ] {
        let err = rejected(name, &text);
        assert!(
            err.contains("integer `1e20` is out of range, expected an integer"),
            "{name}: {err}"
        );
        for rust in ["i128", "i64", "u64", "as "] {
            assert!(!err.contains(rust), "{name}: {rust} in {err}");
        }
    }
}

/// clap quotes a bad argument as typed; a file name or a value from a script can carry a
/// terminal escape sequence, which reached the terminal raw. Exit code 2 still.
#[test]
fn argument_errors_escape_control_characters() {
    let evil = "\u{1b}]0;pwn\u{7}\u{1b}[2J";
    for args in [
        vec!["run", "s.toml", "--seed", evil],
        vec!["run", "s.toml", "--format", evil],
        vec![evil],
    ] {
        let out = councilsim(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
        assert!(err.contains("\\u{1b}]0;pwn"), "{err}");
    }
}
