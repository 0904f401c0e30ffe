//! The README's examples are the program's real output, so the README cannot drift.
//!
//! Every fenced `text` block of README.md whose first line is `$ councilsim ...` is a
//! command: the test runs it through the real binary (from the crate root, `dir/*.toml`
//! expanded in sorted order as a shell would) and compares its standard output with the rest
//! of the block line by line. A line `...` in the block (indented or not) stands for any number
//! of lines (zero or more), so the README may show an excerpt; everything else must match
//! exactly (trailing spaces aside). The reform
//! comparison table, built by hand from several runs, is checked figure by figure against
//! `run --format json` and `power --format json` of the files it names.
//!
//! Why a hand-written harness and not `trycmd`/`snapbox`: those read commands from `.toml`/
//! `.trycmd` case files or from markdown blocks in their own syntax (`$ ` lines with `...`
//! elisions, which the README already follows), but they add a dependency tree (snapbox,
//! its diff and glob crates) to a crate that keeps its build small on a 2-core machine, and
//! the README also holds a Markdown table that no snapshot tool checks. Fifty lines of
//! matching do the job with nothing new to compile.

use crate::support::stderr;
use std::path::Path;
use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The fenced `text` blocks of `markdown`, each as its lines, with the README line it starts on.
fn text_blocks(markdown: &str) -> Vec<(usize, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match &mut current {
            Some((_, lines)) if line == "```" => {
                let _ = lines;
                blocks.push(current.take().unwrap());
            }
            Some((_, lines)) => lines.push(line.to_string()),
            None if line == "```text" => current = Some((n + 2, Vec::new())),
            None => {}
        }
    }
    blocks
}

/// Splits a `$ councilsim ...` line into arguments, expanding `dir/*.suffix` patterns.
fn arguments(command: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = Vec::new();
    for word in command.split_whitespace().skip(2) {
        match word.split_once("/*") {
            Some((dir, suffix)) => {
                let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(suffix))
                    .map(|name| format!("{dir}/{name}"))
                    .collect();
                files.sort();
                assert!(!files.is_empty(), "{word} matches nothing");
                args.extend(files);
            }
            None => args.push(word.to_string()),
        }
    }
    args
}

/// Whether `actual` matches `expected`, where a `...` line in `expected` stands for any
/// number of lines. Returns the first expected line that could not be placed.
fn matches(expected: &[String], actual: &[&str]) -> Result<(), String> {
    let segments: Vec<&[String]> = expected.split(|l| l.trim() == "...").collect();
    let same = |seg: &[String], at: &[&str]| {
        seg.len() <= at.len()
            && seg
                .iter()
                .zip(at)
                .all(|(e, a)| e.trim_end() == a.trim_end())
    };
    let first_mismatch = |seg: &[String], at: &[&str]| {
        seg.iter()
            .zip(at.iter().chain(std::iter::repeat(&"<end of output>")))
            .find(|(e, a)| e.trim_end() != a.trim_end())
            .map(|(e, a)| format!("expected {e:?}, got {a:?}"))
            .unwrap_or_default()
    };
    if segments.len() == 1 {
        return if same(segments[0], actual) && segments[0].len() == actual.len() {
            Ok(())
        } else {
            Err(first_mismatch(segments[0], actual))
        };
    }
    let (first, rest) = segments.split_first().unwrap();
    let (last, middle) = rest.split_last().unwrap();
    if !same(first, actual) {
        return Err(first_mismatch(first, actual));
    }
    let mut pos = first.len();
    for seg in middle {
        match (pos..=actual.len()).find(|&i| same(seg, &actual[i..])) {
            Some(i) => pos = i + seg.len(),
            None => return Err(format!("not found after line {pos}: {:?}", seg[0])),
        }
    }
    if last.len() > actual.len() - pos || !same(last, &actual[actual.len() - last.len()..]) {
        return Err(format!(
            "the block's last lines {last:?} do not end the output"
        ));
    }
    Ok(())
}

#[test]
fn the_matcher_treats_an_ellipsis_as_any_lines() {
    let lines = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    let actual = ["a", "b", "c", "d"];
    assert!(matches(&lines("a\nb\nc\nd"), &actual).is_ok());
    assert!(matches(&lines("a\n...\nd"), &actual).is_ok());
    assert!(matches(&lines("...\nc\n..."), &actual).is_ok());
    assert!(matches(&lines("a\nb\n..."), &actual).is_ok());
    assert!(matches(&lines("a\n...\n...\nd"), &actual).is_ok());
    assert!(matches(&lines("a\n  ...\nd"), &actual).is_ok());
    assert!(matches(&lines("a\nb\nc"), &actual).is_err());
    assert!(matches(&lines("a\n...\nc"), &actual).is_err());
    assert!(matches(&lines("...\nx\n..."), &actual).is_err());
    assert!(matches(&lines("b\n..."), &actual).is_err());
}

#[test]
fn every_readme_command_block_is_the_binarys_output() {
    let text = readme();
    let blocks: Vec<_> = text_blocks(&text)
        .into_iter()
        .filter(|(_, lines)| {
            lines
                .first()
                .is_some_and(|l| l.starts_with("$ councilsim "))
        })
        .collect();
    // The run table, the trace excerpt and the backtest table.
    assert!(blocks.len() >= 3, "{} command blocks", blocks.len());
    for (line, lines) in &blocks {
        let args = arguments(&lines[0]);
        let out = Command::new(env!("CARGO_BIN_EXE_councilsim"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(out.status.success(), "README.md:{line}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let actual: Vec<&str> = stdout.lines().collect();
        if let Err(e) = matches(&lines[1..], &actual) {
            panic!(
                "README.md:{line}: `{}` no longer prints what the README shows: {e}\n\
                 full output:\n{stdout}",
                lines[0]
            );
        }
    }
}

/// Percentages in a table cell, with the number of decimals each was written with.
fn percentages(cell: &str) -> Vec<(f64, usize)> {
    cell.split_whitespace()
        .filter_map(|w| w.trim_end_matches(',').strip_suffix('%'))
        .map(|p| {
            let decimals = p.split_once('.').map_or(0, |(_, d)| d.len());
            (p.parse::<f64>().unwrap(), decimals)
        })
        .collect()
}

/// Asserts that `written` (rounded to `decimals`) is `actual` (a share in [0, 1]).
fn same_percentage(what: &str, (written, decimals): (f64, usize), actual: f64) {
    let half_unit = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
    assert!(
        (written - 100.0 * actual).abs() <= half_unit,
        "{what}: README says {written}%, the program {:.3}%",
        100.0 * actual
    );
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_readme_reform_table_is_what_run_and_power_say() {
    let text = readme();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.starts_with("| body | quota | vetoes |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in rows {
        let file = row[0]
            .split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("no file in {:?}", row[0]));
        let path = format!("scenarios/{file}");
        let run = json(&["run", &path, "--format", "json", "--quiet"]);
        let draft = &run["drafts"][0];
        // Draft: "adopted 99.5%, 10-0-5".
        let p = percentages(row[3]);
        same_percentage(
            &format!("{file} draft"),
            p[0],
            draft["outcomes"]["adopted"]["p"].as_f64().unwrap(),
        );
        let tally = &draft["modal_tally"];
        let modal = format!("{}-{}-{}", tally["yes"], tally["no"], tally["abstain"]);
        assert!(
            row[3].ends_with(&modal),
            "{file}: README {:?}, modal tally {modal}",
            row[3]
        );
        // Amendments: "vetoed by RUS 75%" or "adopted 12.5%".
        for (cell, id) in [(row[4], "A2"), (row[5], "A3")] {
            let amendment = draft["amendments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == id)
                .unwrap();
            let p = percentages(cell)[0];
            let share = if let Some(by) = cell.strip_prefix("vetoed by ") {
                let member = by.split_whitespace().next().unwrap();
                amendment["vetoed_by"][member]["p"].as_f64().unwrap()
            } else {
                assert!(cell.starts_with("adopted"), "{cell}");
                amendment["adopted"]["p"].as_f64().unwrap()
            };
            same_percentage(&format!("{file} {id}"), p, share);
        }
        // Shapley–Shubik: "0.1963 / 0.0019" (veto holder / other member) or "— / 0.0667".
        let power = json(&["power", &path, "--format", "json"]);
        let members = power.as_array().unwrap();
        let index = |veto: bool| {
            members
                .iter()
                .find(|m| m["veto"] == veto)
                .map_or("—".to_string(), |m| {
                    format!("{:.4}", m["shapley_shubik"].as_f64().unwrap())
                })
        };
        assert_eq!(
            row[6],
            format!("{} / {}", index(true), index(false)),
            "{file}"
        );
        // "9 of 15": the body's size; "P5" or "none": who holds a veto.
        assert!(
            row[1].ends_with(&format!(" of {}", members.len())),
            "{file}: {:?}",
            row[1]
        );
        let vetoes = members.iter().filter(|m| m["veto"] == true).count();
        assert_eq!(row[2] == "none", vetoes == 0, "{file}: {:?}", row[2]);
    }
}
