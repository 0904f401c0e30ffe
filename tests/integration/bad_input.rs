//! Bad input: one clear diagnostic per problem, with file:line:column, exit code 2, no panic.

use crate::support::{councilsim, stderr, stdout, write_scenario};

pub(crate) const BASE: &str = r#"[scenario]
name = "bad input base"

[rules]
preset = "custom"
quota = 2
veto = ["AAA"]

[dimensions.force]
status_quo = 0.0
silent = 0.0

[members.AAA]
name = "A"
permanent = true
blocs = ["B1"]
stance = { ideal = { force = 0.5 }, salience = { force = 1.0 }, act_bonus = 0.2, yes_threshold = 0.1, no_threshold = 0.1, temperature = 0.1 }

[members.BBB]
name = "B"
permanent = false
blocs = ["B1"]
stance = { ideal = { force = 0.7 }, act_bonus = 0.2, temperature = 0.2 }

[members.CCC]
name = "C"
permanent = false
stance = { ideal = { force = 0.1 }, act_bonus = 0.1 }

[blocs.B1]
cohesion = 0.8

[[drafts]]
id = "D1"
penholder = "AAA"

[[drafts.provisions]]
id = "OP1"
text = "Decides to act"
position = { force = 0.6 }

[[drafts.provisions]]
id = "OP2"
text = "Decides to remain seized"

[[amendments]]
id = "AM1"
sponsors = ["BBB"]
action = "replace"
target = "OP1"
text = "Decides to act firmly"
position = { force = 0.9 }
"#;

/// Line and column (from 1) of the first occurrence of `needle` at or after `from`.
fn locate(text: &str, needle: &str, from: usize) -> (usize, usize) {
    let at = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

/// Applies `edit` to the base scenario, checks it, and asserts one diagnostic saying
/// `message` that points at `culprit` (searched for after `after`) in file:line:column form.
fn assert_rejected(name: &str, edit: (&str, &str), message: &str, culprit: &str, after: &str) {
    assert!(BASE.contains(edit.0), "{name}: base lacks {:?}", edit.0);
    let text = BASE.replacen(edit.0, edit.1, 1);
    assert_rejected_text(name, &text, message, culprit, after, 1);
}

fn assert_rejected_text(
    name: &str,
    text: &str,
    message: &str,
    culprit: &str,
    after: &str,
    problems: usize,
) {
    let path = write_scenario(&format!("{name}.toml"), text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: exit code\n{err}");
    assert!(!err.contains("panicked"), "{name}: panicked\n{err}");
    assert!(
        err.contains(message),
        "{name}: expected {message:?} in\n{err}"
    );
    let from = text.find(after).unwrap_or(0);
    let (line, column) = locate(text, culprit, from);
    let location = format!("{}:{line}:{column}", path.display());
    assert!(
        err.contains(&location),
        "{name}: expected {location} in\n{err}"
    );
    let count = format!(
        "{problems} problem{} found",
        if problems == 1 { "" } else { "s" }
    );
    assert!(err.contains(&count), "{name}: expected {count:?} in\n{err}");
    // The offending text is shown and underlined.
    assert!(
        err.contains('─') || err.contains('^'),
        "{name}: no underline in\n{err}"
    );
}

#[test]
fn the_base_scenario_is_valid() {
    let path = write_scenario("base.toml", BASE);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: "));
}

#[test]
fn syntax_error() {
    let text = BASE.replacen("name = \"bad input base\"", "name = \"bad input base", 1);
    let path = write_scenario("syntax.toml", &text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:2:", path.display())), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn wrong_type() {
    assert_rejected(
        "type",
        ("permanent = true", "permanent = \"yes\""),
        "invalid type",
        "\"yes\"",
        "",
    );
}

#[test]
fn unknown_key_is_a_typo_not_a_default() {
    assert_rejected(
        "typo",
        ("salience = { force = 1.0 }", "salinece = { force = 1.0 }"),
        "unknown field `salinece`",
        "salinece",
        "",
    );
}

#[test]
fn unknown_member_id() {
    assert_rejected(
        "member",
        ("sponsors = [\"BBB\"]", "sponsors = [\"XXX\"]"),
        "unknown member `XXX`",
        "\"XXX\"",
        "",
    );
}

#[test]
fn penholder_who_is_not_a_member() {
    assert_rejected(
        "penholder",
        ("penholder = \"AAA\"", "penholder = \"FRA\""),
        "unknown member `FRA` as penholder",
        "\"FRA\"",
        "",
    );
}

#[test]
fn unknown_dimension() {
    assert_rejected(
        "dimension",
        ("position = { force = 0.9 }", "position = { forse = 0.9 }"),
        "unknown dimension `forse`",
        "forse",
        "",
    );
}

#[test]
fn duplicate_member_and_dimension_tables() {
    let text =
        format!("{BASE}\n[members.AAA]\nname = \"again\"\npermanent = false\nstance = {{}}\n");
    let path = write_scenario("dup-member.toml", &text);
    let err = stderr(&councilsim(&["check", path.to_str().unwrap()]));
    assert!(err.contains("duplicate key"), "{err}");
    let (line, _) = locate(&text, "[members.AAA]", BASE.len());
    assert!(err.contains(&format!(":{line}:")), "{err}");
    let text = format!("{BASE}\n[dimensions.force]\nstatus_quo = 0.0\n");
    let path = write_scenario("dup-dim.toml", &text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("duplicate key"), "{}", stderr(&out));
}

#[test]
fn duplicate_provision_id() {
    assert_rejected(
        "dup-provision",
        ("id = \"OP2\"", "id = \"OP1\""),
        "provision `OP1` appears twice",
        "\"OP1\"",
        "Decides to act\"",
    );
}

#[test]
fn duplicate_amendment_id_is_located_at_the_second_declaration() {
    let text = format!("{BASE}\n[[amendments]]\nid = \"AM1\"\nsponsors = [\"CCC\"]\naction = \"delete\"\ntarget = \"OP2\"\n");
    let second = "\n[[amendments]]\nid = \"AM1\"\nsponsors = [\"CCC\"]";
    assert_rejected_text(
        "dup-amendment",
        &text,
        "amendment `AM1` is declared twice",
        "\"AM1\"",
        second,
        1,
    );
}

#[test]
fn negative_salience() {
    assert_rejected(
        "salience",
        ("salience = { force = 1.0 }", "salience = { force = -1.0 }"),
        "salience on `force` must be a number from 0 to 1e6",
        "-1.0",
        "",
    );
}

#[test]
fn negative_temperature() {
    assert_rejected(
        "temperature",
        ("temperature = 0.2", "temperature = -0.5"),
        "temperature must be a number from 0 to 1e6",
        "-0.5",
        "",
    );
}

#[test]
fn probability_outside_zero_one() {
    assert_rejected(
        "cohesion",
        ("cohesion = 0.8", "cohesion = 1.5"),
        "cohesion must be a number from 0 to 1",
        "1.5",
        "",
    );
}

#[test]
fn ideal_point_outside_the_dimensions_range() {
    assert_rejected(
        "ideal",
        ("ideal = { force = 0.1 }", "ideal = { force = 2.0 }"),
        "ideal point on `force` must be a number from 0 to 1, found 2",
        "2.0",
        "",
    );
}

#[test]
fn quota_above_the_membership() {
    assert_rejected(
        "quota",
        ("quota = 2", "quota = 20"),
        "quota must be from 1 to the membership (3)",
        "20",
        "",
    );
}

#[test]
fn amendment_replacing_a_provision_that_does_not_exist() {
    assert_rejected(
        "target",
        ("target = \"OP1\"", "target = \"OP9\""),
        "draft `D1` has no provision `OP9` to replace",
        "\"OP9\"",
        "",
    );
}

#[test]
fn council_with_no_members() {
    let start = BASE.find("[members.AAA]").unwrap();
    let end = BASE.find("[blocs.B1]").unwrap();
    let rest = format!("{}{}", &BASE[..start], &BASE[end..])
        .replace("sponsors = [\"BBB\"]", "sponsors = [\"AAA\"]");
    let text = format!("members = {{}}\n{rest}");
    let path = write_scenario("empty.toml", &text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the body has no members"), "{err}");
    assert!(err.contains(&format!("{}:1:11", path.display())), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn scenario_over_the_member_limit() {
    let mut text = String::from("[scenario]\nname = \"too big\"\n[rules]\npreset = \"custom\"\nquota = 1\n[dimensions.force]\nstatus_quo = 0.0\n");
    for i in 0..257 {
        text.push_str(&format!(
            "[members.M{i:03}]\nname = \"m\"\npermanent = false\nstance = {{}}\n"
        ));
    }
    text.push_str("[[drafts]]\nid = \"D\"\npenholder = \"M256\"\nprovisions = [{ id = \"P\", text = \"t\" }]\n");
    text.push_str("[[relations]]\nfrom = \"M256\"\nto = \"M001\"\npull = 0.1\n");
    text = text.replacen("quota = 1\n", "quota = 1\nveto = [\"M256\"]\n", 1);
    let path = write_scenario("big.toml", &text);
    let out = councilsim(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("257 members exceed the limit of 256"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = BASE
        .replacen("temperature = 0.2", "temperature = -0.5", 1)
        .replacen("cohesion = 0.8", "cohesion = 1.5", 1)
        .replacen("target = \"OP1\"", "target = \"OP9\"", 1);
    assert_rejected_text("many", &text, "temperature must be", "-0.5", "", 3);
    let err = stderr(&councilsim(&[
        "check",
        write_scenario("many2.toml", &text).to_str().unwrap(),
    ]));
    assert!(
        err.contains("cohesion must be") && err.contains("no provision `OP9`"),
        "{err}"
    );
}

#[test]
fn typos_are_all_reported_together_with_semantic_problems() {
    let text = BASE
        .replacen(
            "salience = { force = 1.0 }",
            "salinece = { force = 1.0 }",
            1,
        )
        .replacen("cohesion = 0.8", "cohesion = 1.5\ncohesoin = 0.8", 1)
        .replacen("target = \"OP1\"", "target = \"OP9\"", 1);
    assert_rejected_text(
        "typos",
        &text,
        "unknown field `salinece`",
        "salinece",
        "",
        4,
    );
    let err = stderr(&councilsim(&[
        "check",
        write_scenario("typos2.toml", &text).to_str().unwrap(),
    ]));
    for says in [
        "unknown field `cohesoin`",
        "cohesion must be a number from 0 to 1",
        "no provision `OP9`",
    ] {
        assert!(err.contains(says), "expected {says:?} in\n{err}");
    }
}

#[test]
fn bad_command_line_values_exit_two_with_one_line() {
    let path = write_scenario("ok.toml", BASE);
    let p = path.to_str().unwrap();
    for args in [
        vec!["run", p, "--replications", "0"],
        vec!["run", p, "--threads", "0"],
        vec!["run", p, "--seed", "minus-one"],
        vec!["run", "/nonexistent/scenario.toml"],
        vec!["trace", "/nonexistent/scenario.toml"],
        vec!["check", "/nonexistent/scenario.toml"],
        vec!["frobnicate"],
    ] {
        let out = councilsim(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{err}");
        assert!(err.starts_with("error:"), "{args:?}\n{err}");
        assert!(!err.contains("panicked"), "{args:?}\n{err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn check_reports_good_and_bad_files_and_fails_if_any_is_bad() {
    let good = write_scenario("good.toml", BASE);
    let bad = write_scenario("bad.toml", &BASE.replacen("quota = 2", "quota = 20", 1));
    let out = councilsim(&["check", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains(&format!("ok: {}", good.display())));
    assert!(stderr(&out).contains("quota must be"));
}

#[test]
fn a_failed_run_leaves_an_earlier_output_file_intact() {
    let dir = crate::support::temp_dir();
    let output = dir.join("result.json");
    std::fs::write(&output, "earlier result").unwrap();
    let bad = write_scenario("bad-run.toml", &BASE.replacen("quota = 2", "quota = 20", 1));
    let out = councilsim(&[
        "run",
        bad.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "earlier result");
    let good = write_scenario("good-run.toml", BASE);
    let out = councilsim(&[
        "run",
        good.to_str().unwrap(),
        "--replications",
        "50",
        "--format",
        "json",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    assert_eq!(written["replications"], 50);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// Damaged files of every kind (characters deleted, quotes and signs inserted, numbers
/// replaced) are reported, never a panic.
#[test]
fn mutated_scenarios_never_panic() {
    let tutorial = std::fs::read_to_string(format!(
        "{}/scenarios/tutorial.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let seed = std::fs::read_to_string(crate::support::seed_scenario()).unwrap();
    for text in [tutorial, seed] {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(13).collect();
        for (k, &at) in cuts.iter().enumerate() {
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let mutated = match k % 6 {
                0 => format!("{}{}", &text[..at], &text[end..]),
                1 => format!("{}\"{}", &text[..at], &text[at..]),
                2 => format!("{}-{}", &text[..at], &text[at..]),
                3 => format!("{}9999999999{}", &text[..at], &text[end..]),
                4 => format!("{}\n[x]\n{}", &text[..at], &text[at..]),
                _ => format!("{}0{}", &text[..at], &text[end..]),
            };
            // Any result is fine; a panic fails the test. A file that still compiles must run.
            if let Ok(model) = councilsim::scenario::compile("mutated.toml", &mutated) {
                let config = councilsim::montecarlo::RunConfig {
                    replications: 3,
                    seed: k as u64,
                    threads: 1,
                };
                let summary = councilsim::montecarlo::run(&model, config).unwrap();
                assert_eq!(summary.replications, 3);
            }
        }
    }
}
