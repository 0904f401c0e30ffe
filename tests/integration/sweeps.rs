//! Sweeps, shards, merge, resume and the files researchers load.

use crate::support::{councilsim, seed_scenario, stderr, stdout, temp_dir, write_scenario};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tutorial scenario without its own `[[sweep]]` axis, so each test sets its grid.
fn tutorial() -> String {
    let text = read(Path::new(&format!(
        "{}/scenarios/tutorial.toml",
        env!("CARGO_MANIFEST_DIR")
    )));
    let start = text
        .find("[[sweep]]")
        .expect("the tutorial declares a sweep");
    let end = start + text[start..].find("\n\n").unwrap();
    let path = write_scenario(
        "tutorial.toml",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    path.to_str().unwrap().to_string()
}

fn ok(args: &[&str]) -> std::process::Output {
    let out = councilsim(args);
    assert!(out.status.success(), "{args:?}\n{}", stderr(&out));
    out
}

#[test]
fn bad_set_arguments_are_refused_before_anything_runs() {
    let dir = temp_dir();
    let out_dir = dir.join("out");
    let o = out_dir.to_str().unwrap();
    let seed = seed_scenario();
    for (set, says) in [
        (
            "blocs.E5.cohesion",
            "expected PATH=V1,V2,... or PATH=LO..HI:STEPS",
        ),
        (
            "blocs.E5.cohesion=0.5,high",
            "`high` is not a number or a boolean",
        ),
        ("blocs.E5.cohesion=0..1:1", "STEPS must be from 2"),
        (
            "members.USA.name=1,2",
            "holds a string, not a number or a boolean",
        ),
        ("negotiation.consultations=0.5", "is a boolean; 0.5 is not"),
    ] {
        let out = councilsim(&["sweep", &seed, "--set", set, "--out", o, "--quiet"]);
        assert_eq!(out.status.code(), Some(2), "{set}\n{}", stderr(&out));
        assert!(
            stderr(&out).contains(says),
            "{set}: expected {says:?} in\n{}",
            stderr(&out)
        );
        assert!(!out_dir.exists(), "{set}: nothing may be written");
    }
}

#[test]
fn an_invalid_cell_names_its_parameters_and_points_into_the_file() {
    let seed = seed_scenario();
    let dir = temp_dir();
    let out = councilsim(&[
        "sweep",
        &seed,
        "--set",
        "blocs.E5.cohesion=0.5,1.5",
        "--out",
        dir.join("o").to_str().unwrap(),
        "--quiet",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("sweep cell blocs.E5.cohesion=1.5 is not a valid scenario"),
        "{err}"
    );
    assert!(
        err.contains("cohesion must be a number from 0 to 1, found 1.5"),
        "{err}"
    );
    let text = read(Path::new(&seed));
    let line = text[..text.find("cohesion = 0.9").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        err.contains(&format!("ukraine-2025-unsc.toml:{line}:12")),
        "{err}"
    );
    // A path the scenario format does not know is a typo.
    let out = councilsim(&[
        "sweep",
        &seed,
        "--set",
        "negotiation.vote_dya=2,3",
        "--out",
        dir.join("p").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field `vote_dya`"),
        "{}",
        stderr(&out)
    );
}

const DECLARED: &str = r#"
[[sweep]]
path = "members.MID.stance.act_bonus"
range = [0.0, 0.6]
steps = 3

[[sweep]]
path = "negotiation.compromise"
values = [true, false]
"#;

#[test]
fn a_sweep_declared_in_the_file_runs_and_run_ignores_it() {
    let text = format!("{}{DECLARED}", read(Path::new(&tutorial())));
    let path = write_scenario("declared.toml", &text);
    let p = path.to_str().unwrap();
    ok(&["run", p, "--replications", "100", "--quiet"]);
    let dir = temp_dir().join("out");
    ok(&[
        "sweep",
        p,
        "--replications",
        "200",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let cells = read(&dir.join("cells.csv"));
    assert!(
        cells.starts_with("members.MID.stance.act_bonus,negotiation.compromise,draft,"),
        "{cells}"
    );
    assert_eq!(cells.lines().count(), 1 + 6);
    assert!(
        cells
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("0,false,S/TUT/1,200,"),
        "{cells}"
    );
    // A bad declared path is reported at its line and column.
    let bad = text.replace(
        "path = \"members.MID.stance.act_bonus\"",
        "path = \"members.MID.name\"",
    );
    let path = write_scenario("declared-bad.toml", &bad);
    let out = councilsim(&[
        "sweep",
        path.to_str().unwrap(),
        "--out",
        temp_dir().to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    let line = bad[..bad.find("path = \"members.MID.name\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        err.contains(&format!("declared-bad.toml:{line}:8")),
        "{err}"
    );
    assert!(err.contains("holds a string"), "{err}");
}

#[test]
fn cells_differing_only_in_an_inert_parameter_are_identical() {
    // With compromises switched off, flexibility cannot touch a replication; on common
    // random numbers the two cells must agree exactly.
    let text = read(Path::new(&tutorial())).replace("compromise = true ", "compromise = false");
    assert!(text.contains("compromise = false"));
    let path = write_scenario("inert.toml", &text);
    let dir = temp_dir().join("out");
    ok(&[
        "sweep",
        path.to_str().unwrap(),
        "--set",
        "members.MID.stance.flexibility=0.1,0.9",
        "--set",
        "members.FAR.stance.act_bonus=0,0.4",
        "--replications",
        "400",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.join("summary.json"))).unwrap();
    let cells = summary["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    // Cells 0 and 2 differ only in flexibility; so do 1 and 3.
    assert_eq!(cells[0]["summary"], cells[2]["summary"]);
    assert_eq!(cells[1]["summary"], cells[3]["summary"]);
    // The parameter that matters moves the outcome the way the model says: a higher act
    // bonus raises FAR's Δ on the draft, so its P(yes) cannot fall and its P(no) cannot rise
    // (common random numbers: each replication's noise is the same in both cells).
    let far = |c: usize, vote: &str| {
        cells[c]["summary"]["drafts"][0]["votes"]["FAR"][vote]
            .as_f64()
            .unwrap()
    };
    for (low, high) in [(0, 1), (2, 3)] {
        assert!(far(high, "no") < far(low, "no"), "{}", far(low, "no"));
        assert!(far(high, "yes") >= far(low, "yes"));
    }
}

#[test]
fn cells_csv_headers_are_stable() {
    let dir = temp_dir().join("out");
    ok(&[
        "sweep",
        &tutorial(),
        "--set",
        "blocs.WEST.cohesion=0.5,1",
        "--replications",
        "50",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let cells = read(&dir.join("cells.csv"));
    assert_eq!(
        cells.lines().next().unwrap(),
        "blocs.WEST.cohesion,draft,replications,p_adopted,p_adopted_lo,p_adopted_hi,p_vetoed,p_vetoed_lo,p_vetoed_hi,\
p_failed,p_failed_lo,p_failed_hi,p_withdrawn,p_withdrawn_lo,p_withdrawn_hi,p_veto_BIG,mean_yes,ALLY_yes,ALLY_no,\
ALLY_abstain,BIG_yes,BIG_no,BIG_abstain,FAR_yes,FAR_no,FAR_abstain,MID_yes,MID_no,MID_abstain,PEN_yes,PEN_no,\
PEN_abstain,top_abstention_bloc,top_abstention_bloc_p"
    );
    assert_eq!(
        read(&dir.join("blocs.csv")).lines().next().unwrap(),
        "blocs.WEST.cohesion,draft,rank,members,count,p"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
    for key in [
        "identity", "argv", "threads", "started", "finished", "cells",
    ] {
        assert!(!manifest[key].is_null(), "manifest lacks {key}: {manifest}");
    }
    assert_eq!(manifest["identity"]["replications"], 50);
}

#[test]
fn sharded_runs_merge_to_the_single_run_byte_for_byte() {
    let seed = seed_scenario();
    let dir = temp_dir();
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = dir.join(format!("part{i}.json"));
        ok(&[
            "run",
            &seed,
            "--replications",
            "2000",
            "--shard",
            &format!("{i}/3"),
            "--output",
            part.to_str().unwrap(),
            "--quiet",
        ]);
        parts.push(part.to_str().unwrap().to_string());
    }
    let merged = dir.join("merged.json");
    let mut args = vec!["merge"];
    // Order of the parts does not matter.
    args.extend([parts[2].as_str(), parts[0].as_str(), parts[1].as_str()]);
    args.extend(["--out", merged.to_str().unwrap()]);
    ok(&args);
    let single = ok(&[
        "run",
        &seed,
        "--replications",
        "2000",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(read(&merged), stdout(&single));
    // The shard a Slurm array assigns is the same as --shard.
    let slurm = dir.join("slurm.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args([
            "run",
            &seed,
            "--replications",
            "2000",
            "--output",
            slurm.to_str().unwrap(),
            "--quiet",
        ])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(read(&slurm), read(Path::new(&parts[1])));
}

#[test]
fn a_missing_or_doubled_shard_is_refused_by_name() {
    let seed = seed_scenario();
    let dir = temp_dir();
    let part = |i: usize| {
        let p = dir.join(format!("p{i}.json"));
        ok(&[
            "run",
            &seed,
            "--replications",
            "300",
            "--shard",
            &format!("{i}/3"),
            "--output",
            p.to_str().unwrap(),
            "--quiet",
        ]);
        p.to_str().unwrap().to_string()
    };
    let (p0, p1, p2) = (part(0), part(1), part(2));
    let out_file = dir.join("m.json");
    let o = out_file.to_str().unwrap();
    let missing = councilsim(&["merge", &p0, &p2, "--out", o]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("missing shard 1/3 (replications 100..200)"),
        "{}",
        stderr(&missing)
    );
    let doubled = councilsim(&["merge", &p0, &p1, &p1, &p2, "--out", o]);
    assert_eq!(doubled.status.code(), Some(2));
    assert!(
        stderr(&doubled).contains("shard 1/3 is given twice"),
        "{}",
        stderr(&doubled)
    );
    let other = dir.join("other.json");
    ok(&[
        "run",
        &seed,
        "--replications",
        "300",
        "--seed",
        "9",
        "--shard",
        "1/3",
        "--output",
        other.to_str().unwrap(),
        "--quiet",
    ]);
    let mixed = councilsim(&["merge", &p0, other.to_str().unwrap(), &p2, "--out", o]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(
        stderr(&mixed).contains("different runs: seed"),
        "{}",
        stderr(&mixed)
    );
    assert!(!out_file.exists());
}

#[test]
fn a_sharded_sweep_merges_to_the_unsharded_sweep() {
    let dir = temp_dir();
    let args = |out: &Path| -> Vec<String> {
        [
            "sweep",
            &tutorial(),
            "--set",
            "blocs.WEST.cohesion=0.2,0.9",
            "--set",
            "members.MID.stance.act_bonus=0..0.4:3",
            "--replications",
            "600",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]
        .map(String::from)
        .to_vec()
    };
    let whole = dir.join("whole");
    let a = args(&whole);
    ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let shards = dir.join("shards");
    for i in 0..2 {
        let mut a = args(&shards);
        a.extend(["--shard".to_string(), format!("{i}/2")]);
        ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let merged = dir.join("merged");
    ok(&[
        "merge",
        shards.join("part-0-of-2.json").to_str().unwrap(),
        shards.join("part-1-of-2.json").to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    for file in ["cells.csv", "blocs.csv", "summary.json"] {
        assert_eq!(read(&merged.join(file)), read(&whole.join(file)), "{file}");
    }
}

#[test]
fn a_sweep_killed_midway_resumes_to_the_same_output() {
    let dir = temp_dir();
    let seed = seed_scenario();
    let base = |out: &Path| -> Vec<String> {
        [
            "sweep",
            &seed,
            "--set",
            "blocs.E5.cohesion=0..1:6",
            "--replications",
            "1500",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]
        .map(String::from)
        .to_vec()
    };
    let reference = dir.join("reference");
    ok(&base(&reference)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let interrupted = dir.join("interrupted");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(base(&interrupted))
        .spawn()
        .unwrap();
    let first_cell = interrupted.join("cells").join("cell-0.json");
    let start = std::time::Instant::now();
    while !first_cell.exists() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let kept = std::fs::read_dir(interrupted.join("cells"))
        .unwrap()
        .count();
    assert!(kept >= 1, "at least one cell finished before the kill");
    assert!(
        !interrupted.join("cells.csv").exists(),
        "the killed sweep did not finish"
    );
    let mut resume = base(&interrupted);
    resume.push("--resume".into());
    ok(&resume.iter().map(String::as_str).collect::<Vec<_>>());
    for file in ["cells.csv", "blocs.csv", "summary.json"] {
        assert_eq!(
            read(&interrupted.join(file)),
            read(&reference.join(file)),
            "{file}"
        );
    }
    // Different arguments are refused, naming the difference.
    let mut other = base(&interrupted);
    other.extend(["--resume".into(), "--seed".into(), "7".into()]);
    let out = councilsim(&other.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to resume") && stderr(&out).contains("--seed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_plot_is_valid_svg_with_the_expected_series() {
    let dir = temp_dir();
    let one = dir.join("one");
    ok(&[
        "sweep",
        &tutorial(),
        "--set",
        "members.BIG.stance.act_bonus=-1..1:5",
        "--replications",
        "200",
        "--out",
        one.to_str().unwrap(),
        "--plot",
        "--quiet",
    ]);
    let text = read(&one.join("plot.svg"));
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let series: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-series"))
        .collect();
    assert_eq!(series, vec!["adopted", "vetoed", "failed", "withdrawn"]);
    for g in doc
        .descendants()
        .filter(|n| n.attribute("data-series").is_some())
    {
        let line = g
            .children()
            .find(|c| c.tag_name().name() == "polyline")
            .unwrap();
        assert_eq!(
            line.attribute("points").unwrap().split_whitespace().count(),
            5
        );
        assert!(
            g.children().any(|c| c.tag_name().name() == "polygon"),
            "95% band"
        );
    }
    assert!(
        text.contains("members.BIG.stance.act_bonus"),
        "x axis label"
    );
    let two = dir.join("two");
    ok(&[
        "sweep",
        &tutorial(),
        "--set",
        "blocs.WEST.cohesion=0,1",
        "--set",
        "members.MID.stance.act_bonus=0..0.4:3",
        "--replications",
        "100",
        "--out",
        two.to_str().unwrap(),
        "--plot",
        "--quiet",
    ]);
    let text = read(&two.join("plot.svg"));
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("cell"))
            .count(),
        6
    );
    let three = councilsim(&[
        "sweep",
        &tutorial(),
        "--set",
        "blocs.WEST.cohesion=0,1",
        "--set",
        "members.MID.stance.act_bonus=0,1",
        "--set",
        "members.FAR.stance.act_bonus=0,1",
        "--out",
        dir.join("three").to_str().unwrap(),
        "--plot",
    ]);
    assert_eq!(three.status.code(), Some(2));
    assert!(stderr(&three).contains("one or two swept parameters"));
}

#[test]
fn the_replication_log_has_one_row_per_replication_matching_the_summary() {
    let dir = temp_dir();
    let log = dir.join("log.csv");
    let out = ok(&[
        "run",
        &seed_scenario(),
        "--replications",
        "700",
        "--format",
        "json",
        "--replication-log",
        log.to_str().unwrap(),
        "--quiet",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = read(&log);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("replication,S/2025/112:result,S/2025/112:yes,"),
        "{header}"
    );
    assert!(
        header.ends_with(",postpone:result,A1:result,A2:result,A3:result,R1:result,R2:result"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 700);
    for (i, row) in rows.iter().enumerate() {
        assert!(
            row.starts_with(&format!("{i},")),
            "rows are in replication order"
        );
    }
    let adopted = rows
        .iter()
        .filter(|r| r.split(',').nth(1) == Some("adopted"))
        .count();
    assert_eq!(
        adopted as u64,
        report["drafts"][0]["outcomes"]["adopted"]["count"]
            .as_u64()
            .unwrap()
    );
    let e5 = rows
        .iter()
        .filter(|r| r.split(',').nth(6) == Some("DNK FRA GBR GRC SVN"))
        .count() as u64;
    let top = &report["drafts"][0]["abstention_blocs"][0];
    assert_eq!(
        top["members"],
        serde_json::json!(["DNK", "FRA", "GBR", "GRC", "SVN"])
    );
    assert_eq!(e5, top["count"].as_u64().unwrap());
}

/// The replication log of `scenario_text` (600 replications, fixed seed).
fn replication_log(name: &str, scenario_text: &str) -> String {
    let dir = temp_dir();
    let scenario = write_scenario(name, scenario_text);
    let log = dir.join(format!("{name}.csv"));
    let out = councilsim(&[
        "run",
        scenario.to_str().unwrap(),
        "--replications",
        "600",
        "--seed",
        "11",
        "--replication-log",
        log.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    read(&log)
}

#[test]
fn parameters_that_cannot_change_a_replication_leave_every_row_identical() {
    // Issue 8 item 11: five members at turnout 0.9999999999 (absent about once in 10^10
    // draws) used to change half the rows, because presence draws shifted every later vote
    // draw. Presence now has its own stream; a bloc follower draws whatever its cohesion.
    let seed = read(Path::new(&seed_scenario()));
    let baseline = replication_log("turnout-one", &seed);
    let mut nearly = seed.clone();
    for id in ["USA", "RUS", "FRA", "KOR", "SOM"] {
        let at = nearly.find(&format!("[members.{id}]")).unwrap();
        let stance = at + nearly[at..].find("stance = { ").unwrap() + "stance = { ".len();
        nearly.insert_str(stance, "turnout = 0.9999999999, ");
    }
    assert_ne!(nearly, seed);
    let rows = baseline.lines().count();
    assert_eq!(rows, 601);
    assert_eq!(replication_log("turnout-nearly-one", &nearly), baseline);

    let cohesion = seed.replace("cohesion = 0.9", "cohesion = 0.9000000001");
    assert_ne!(cohesion, seed);
    assert_eq!(replication_log("cohesion-nudged", &cohesion), baseline);

    // A turnout that does bite changes rows: the test can fail.
    let absent = nearly.replace("turnout = 0.9999999999", "turnout = 0.5");
    assert_ne!(replication_log("turnout-half", &absent), baseline);
}

#[test]
fn capital_instructions_that_never_fire_leave_every_row_identical() {
    // Issue 8 item 11: at rate 0 no instruction is drawn, at 1e-12 one arrival time is drawn
    // (and falls long after the vote). Instructions have their own part of the stream, so
    // that draw no longer shifts the lobbying and vote draws after it.
    let seed = read(Path::new(&seed_scenario()));
    let rate = "instructions = { rate_per_day = 0.2, size = 0.05 }";
    assert!(seed.contains(rate));
    let off = seed.replace(rate, "instructions = { rate_per_day = 0.0, size = 0.05 }");
    let tiny = seed.replace(rate, "instructions = { rate_per_day = 1e-12, size = 0.05 }");
    let baseline = replication_log("instructions-off", &off);
    assert_eq!(baseline.lines().count(), 601);
    assert_eq!(replication_log("instructions-tiny", &tiny), baseline);

    // Instructions that do arrive move ideal points and change rows: the test can fail.
    let often = seed.replace(rate, "instructions = { rate_per_day = 5.0, size = 0.3 }");
    assert_ne!(replication_log("instructions-often", &often), baseline);
}

/// Five members around one dimension: every member's ideal is the draft's position, so
/// nobody asks for a change and consultations never move the text; votes are noisy (τ = 1),
/// so each row depends on the vote draws. `ROUND` is replaced by the round length in days.
const CONSULTATIONS_THAT_CHANGE_NOTHING: &str = r#"
[scenario]
name = "Rounds without effect"

[rules]
preset = "custom"
majority = "quota"
quota = 3
veto = []

[dimensions.d]
status_quo = 0.0

[templates.t]
ideal = { d = 0.6 }
act_bonus = 0.3
yes_threshold = 0.1
no_threshold = 0.1
temperature = 1.0

[members.A]
permanent = false
template = "t"
[members.B]
permanent = false
template = "t"
[members.C]
permanent = false
template = "t"
[members.D]
permanent = false
template = "t"
[members.E]
permanent = false
template = "t"

[[drafts]]
id = "X"
penholder = "A"

[[drafts.provisions]]
id = "OP1"
text = "Decides"
position = { d = 0.6 }

[negotiation]
consultations = true
vote_day = 4.0
round_length = { kind = "uniform", min = ROUND, max = ROUND }
instructions = { rate_per_day = 0.0, size = 0.05 }
"#;

/// Mean consultation rounds of `scenario_text` (600 replications, seed 11).
fn mean_rounds(name: &str, scenario_text: &str) -> f64 {
    let scenario = write_scenario(name, scenario_text);
    let out = ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--replications",
        "600",
        "--seed",
        "11",
        "--format",
        "json",
        "--quiet",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["negotiation"]["mean_rounds"].as_f64().unwrap()
}

#[test]
fn the_number_of_consultation_rounds_does_not_shift_the_vote_draws() {
    // Round lengths are drawn from the consultations' own part of the stream: a round length
    // that changes how many rounds are held (and so how many lengths are drawn) leaves the
    // vote draws where they were.
    let long = CONSULTATIONS_THAT_CHANGE_NOTHING.replace("ROUND", "1.0");
    let short = CONSULTATIONS_THAT_CHANGE_NOTHING.replace("ROUND", "0.3");
    let (long_rounds, short_rounds) = (
        mean_rounds("rounds-long", &long),
        mean_rounds("rounds-short", &short),
    );
    assert!(
        long_rounds >= 1.0 && short_rounds > long_rounds + 5.0,
        "{long_rounds} {short_rounds}"
    );
    let baseline = replication_log("rounds-long", &long);
    assert_eq!(baseline.lines().count(), 601);
    assert_eq!(replication_log("rounds-short", &short), baseline);
    // Consultations switched off draw no round at all: still the same votes.
    let none = long.replace("consultations = true", "consultations = false");
    assert_eq!(replication_log("rounds-none", &none), baseline);

    // A parameter the votes do depend on changes rows: the test can fail.
    let keener = long.replace("act_bonus = 0.3", "act_bonus = 0.5");
    assert_ne!(replication_log("rounds-keener", &keener), baseline);
}
