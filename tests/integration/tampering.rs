//! Files read back are data, not truth: a tampered shard part is refused by `merge` with
//! exit 2 naming the file and the field, and a tampered sweep cell is recomputed by
//! `--resume` with a warning naming it. One test per class of tampering.

use crate::support::{councilsim, seed_scenario, stderr, temp_dir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ok(args: &[&str]) -> std::process::Output {
    let out = councilsim(args);
    assert!(out.status.success(), "{args:?}\n{}", stderr(&out));
    out
}

/// Two real parts (`run --shard 0/2` and `1/2`) of the seed scenario, 200 replications.
fn parts(dir: &Path) -> [PathBuf; 2] {
    [0, 1].map(|i| {
        let part = dir.join(format!("part-{i}.json"));
        ok(&[
            "run",
            &seed_scenario(),
            "--replications",
            "200",
            "--shard",
            &format!("{i}/2"),
            "--output",
            part.to_str().unwrap(),
            "--quiet",
        ]);
        part
    })
}

/// Edits the second part with `tamper`, merges both parts (the edited one given first) through the binary and returns
/// stderr after checking that the merge was refused with exit 2, naming the file, and
/// wrote nothing.
fn refused_after(tamper: impl FnOnce(&mut Value)) -> String {
    refused_after_editing(|text| {
        let mut part: Value = serde_json::from_str(&text).unwrap();
        tamper(&mut part);
        serde_json::to_string(&part).unwrap()
    })
}

/// As [`refused_after`], editing the part's text (for numbers beyond `serde_json::Value`).
fn refused_after_editing(edit: impl FnOnce(String) -> String) -> String {
    let dir = temp_dir();
    let [p0, p1] = parts(&dir);
    // The untampered parts merge.
    let good = dir.join("good.json");
    ok(&[
        "merge",
        p0.to_str().unwrap(),
        p1.to_str().unwrap(),
        "--out",
        good.to_str().unwrap(),
    ]);
    std::fs::write(&p1, edit(read(&p1))).unwrap();
    let merged = dir.join("merged.json");
    // The tampered part first: the first part is the one whose scenario is compiled.
    let out = councilsim(&[
        "merge",
        p1.to_str().unwrap(),
        p0.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(p1.to_str().unwrap()), "names the file: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!merged.exists(), "nothing is written");
    err
}

/// The last ballot of the seed scenario is the draft; its index in `ballots`.
fn draft(part: &Value) -> usize {
    part["cells"][0]["ballots"].as_array().unwrap().len() - 1
}

fn ballot(part: &mut Value) -> &mut Value {
    let d = draft(part);
    &mut part["cells"][0]["ballots"][d]
}

/// The index of a member in the scenario's member order (ids sorted).
fn member(id: &str) -> usize {
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    model.member_index(id).unwrap()
}

#[test]
fn an_outcome_count_one_too_high_is_refused() {
    let err = refused_after(|p| {
        let status = &mut ballot(p)["status"][4];
        *status = json!(status.as_u64().unwrap() + 1);
    });
    assert!(err.contains("cells[0].ballots[6].status"), "{err}");
    assert!(err.contains("add up to 101"), "{err}");
}

#[test]
fn a_counter_of_u64_max_is_refused_rather_than_wrapped() {
    let err = refused_after(|p| ballot(p)["votes"][0][0] = json!(u64::MAX));
    assert!(err.contains("cells[0].ballots[6].votes[0]"), "{err}");
    // And moments that would overflow when merged.
    let err = refused_after_editing(|text| {
        let mut part: Value = serde_json::from_str(&text).unwrap();
        part["cells"][0]["events"]["sum"] = json!("SUM");
        serde_json::to_string(&part)
            .unwrap()
            .replace("\"SUM\"", &u128::MAX.to_string())
    });
    assert!(err.contains("cells[0].events.sum"), "{err}");
}

#[test]
fn a_vote_count_beyond_the_replications_is_refused() {
    let chn = member("CHN");
    let err = refused_after(|p| ballot(p)["votes"][chn][2] = json!(1_000_000_000u64));
    assert!(
        err.contains(&format!("cells[0].ballots[6].votes[{chn}] (CHN)")),
        "{err}"
    );
}

#[test]
fn a_tally_beyond_the_body_is_refused() {
    let err = refused_after(|p| {
        let tallies = ballot(p)["tallies"].as_array_mut().unwrap();
        let last = tallies.last_mut().unwrap();
        last[0] = json!([999, 999, 999]);
    });
    assert!(err.contains("tallies[999-999-999]"), "{err}");
    assert!(err.contains("body of 15"), "{err}");
}

#[test]
fn counters_that_disagree_with_one_another_are_refused() {
    // One member's yes turned into a no: its own total is right, the tallies disagree.
    let err = refused_after(|p| {
        let votes = &mut ballot(p)["votes"][0];
        let yes = votes[0].as_u64().unwrap();
        let no = votes[1].as_u64().unwrap();
        if yes > 0 {
            votes[0] = json!(yes - 1);
            votes[1] = json!(no + 1);
        } else {
            votes[1] = json!(no - 1);
            votes[0] = json!(yes + 1);
        }
    });
    assert!(err.contains("cells[0].ballots[6].votes:"), "{err}");
    let err = refused_after(|p| {
        let histogram = &mut ballot(p)["yes_histogram"][10];
        *histogram = json!(histogram.as_u64().unwrap() + 1);
    });
    assert!(err.contains("yes_histogram[10]"), "{err}");
}

#[test]
fn an_edited_scenario_text_is_refused_whatever_the_hash_says() {
    // Text edited, hash kept: the merged output would report the edited name with the old
    // hash.
    let err = refused_after(|p| {
        let text = p["scenario"]["text"].as_str().unwrap().to_string();
        p["scenario"]["text"] = json!(text.replacen("name = \"", "name = \"Edited ", 1));
    });
    assert!(err.contains("scenario.sha256"), "{err}");
    // Text edited into an invalid scenario, hash recomputed: compiled like `check`.
    let err = refused_after(|p| {
        let text = p["scenario"]["text"].as_str().unwrap().to_string();
        let text = text.replacen("[scenario]", "[scenario]\nnmae = 1", 1);
        p["scenario"]["sha256"] = json!(councilsim::scenario::sha256_hex(text.as_bytes()));
        p["scenario"]["text"] = json!(text);
    });
    assert!(
        err.contains("scenario.text: is not a valid scenario"),
        "{err}"
    );
    // A name that is not the text's own.
    let err = refused_after(|p| p["scenario"]["name"] = json!("Something else"));
    assert!(err.contains("scenario.name"), "{err}");
}

#[test]
fn a_member_outside_the_body_in_an_abstention_set_is_refused_not_a_panic() {
    let err = refused_after(|p| {
        let blocs = ballot(p)["abstention_blocs"].as_array_mut().unwrap();
        // Member bit 255: the top bit of the set's last word.
        blocs[0][0][3] = json!(1u64 << 63);
    });
    assert!(
        err.contains("cells[0].ballots[6].abstention_blocs["),
        "{err}"
    );
    assert!(err.contains("member 255"), "{err}");
}

#[test]
fn a_range_or_shard_that_does_not_fit_is_refused() {
    let err = refused_after(|p| p["range"] = json!([100, 201]));
    assert!(err.contains("range"), "{err}");
    let err = refused_after(|p| p["cells"][0]["replications"] = json!(101));
    assert!(err.contains("cells[0].replications"), "{err}");
    let err = refused_after(|p| ballot(p)["tracks_blocs"] = json!(false));
    assert!(err.contains("tracks_blocs"), "{err}");
}

#[test]
fn a_tampered_sweep_part_names_its_cell() {
    let dir = temp_dir();
    let seed = seed_scenario();
    let part = |i: u32| {
        ok(&[
            "sweep",
            &seed,
            "--set",
            "blocs.E5.cohesion=0.2,0.8",
            "--replications",
            "100",
            "--shard",
            &format!("{i}/2"),
            "--out",
            dir.to_str().unwrap(),
            "--quiet",
        ]);
        dir.join(format!("part-{i}-of-2.json"))
    };
    let (p0, p1) = (part(0), part(1));
    let mut value: Value = serde_json::from_str(&read(&p1)).unwrap();
    value["cells"][1]["rounds"]["count"] = json!(7);
    std::fs::write(&p1, value.to_string()).unwrap();
    let out = councilsim(&[
        "merge",
        p0.to_str().unwrap(),
        p1.to_str().unwrap(),
        "--out",
        dir.join("merged").to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cells[1].rounds.count"), "{err}");
}

#[test]
fn resume_recomputes_a_tampered_cell_with_a_warning_and_ends_as_a_clean_sweep() {
    let dir = temp_dir();
    let seed = seed_scenario();
    let args = |out: &Path| -> Vec<String> {
        [
            "sweep",
            &seed,
            "--set",
            "blocs.E5.cohesion=0.1,0.5,0.9",
            "--replications",
            "300",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]
        .map(String::from)
        .to_vec()
    };
    let run = |a: Vec<String>| ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let clean = dir.join("clean");
    run(args(&clean));
    let resumed = dir.join("resumed");
    run(args(&resumed));
    // An honest resume keeps every cell without a word.
    let mut again = args(&resumed);
    again.push("--resume".into());
    assert_eq!(stderr(&run(again.clone())), "");
    // One edited counter: the adoption count of the draft in cell 1.
    let cell = resumed.join("cells").join("cell-1.json");
    let mut value: Value = serde_json::from_str(&read(&cell)).unwrap();
    let d = value["summary"]["ballots"].as_array().unwrap().len() - 1;
    value["summary"]["ballots"][d]["status"][4] = json!(50_000);
    std::fs::write(&cell, value.to_string()).unwrap();
    // And a file that is not a cell at all.
    std::fs::write(resumed.join("cells").join("cell-2.json"), "{").unwrap();
    let err = stderr(&run(again));
    assert!(
        err.contains("cell-1.json") && err.contains("summary.ballots[6].status"),
        "{err}"
    );
    assert!(
        err.contains("cell-2.json") && err.contains("recomputing"),
        "{err}"
    );
    assert!(!err.contains("cell-0.json"), "{err}");
    for file in ["cells.csv", "blocs.csv", "summary.json"] {
        assert_eq!(read(&resumed.join(file)), read(&clean.join(file)), "{file}");
    }
    for i in 0..3 {
        let cell = Path::new("cells").join(format!("cell-{i}.json"));
        assert_eq!(read(&resumed.join(&cell)), read(&clean.join(&cell)));
    }
}
