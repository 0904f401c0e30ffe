//! `run --html`, `sweep --html` and `backtest --html`: one self-contained page each, read
//! back with an XML parser and held against the JSON of the same result.

use crate::support::{councilsim, seed_scenario, stderr, temp_dir, write_scenario};
use roxmltree::{Document, Node, ParsingOptions};
use serde_json::Value;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ok(args: &[&str]) -> std::process::Output {
    let out = councilsim(args);
    assert!(out.status.success(), "{args:?}\n{}", stderr(&out));
    out
}

fn refused<S: AsRef<str>>(args: &[S], because: &str) {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let out = councilsim(&args);
    assert_eq!(out.status.code(), Some(2), "{args:?}\n{}", stderr(&out));
    assert!(
        stderr(&out).contains(because),
        "{args:?}: expected {because:?} in\n{}",
        stderr(&out)
    );
}

/// The page as XML: well-formed, or the test fails here.
fn parse(text: &str) -> Document<'_> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("the page is not well-formed: {e}"))
}

fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn element<'a, 'i>(scope: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    scope
        .descendants()
        .find(|n| n.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

fn with_attribute<'a, 'i>(scope: Node<'a, 'i>, attribute: &str, value: &str) -> Node<'a, 'i> {
    scope
        .descendants()
        .find(|n| n.attribute(attribute) == Some(value))
        .unwrap_or_else(|| panic!("no element with {attribute}={value:?}"))
}

/// The value shown for the fact `key`.
fn fact(scope: Node<'_, '_>, key: &str) -> String {
    text(element(with_attribute(scope, "data-fact", key), "dd"))
}

/// The cells (row heading first) of the row `key` of the table `name` in `scope`.
fn row<'a, 'i>(scope: Node<'a, 'i>, table: &str, key: &str) -> Vec<Node<'a, 'i>> {
    let table = with_attribute(scope, "data-table", table);
    let tr = with_attribute(table, "data-key", key);
    tr.children().filter(|c| c.is_element()).collect()
}

/// The table's column headings.
fn columns(scope: Node<'_, '_>, table: &str) -> Vec<String> {
    let table = with_attribute(scope, "data-table", table);
    element(table, "thead")
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .map(text)
        .collect()
}

/// The `data-value` of a number cell, read as the JSON's numbers are read: serde_json's
/// (fast, not always correctly rounded) parser gives the same text the same value, so
/// comparing the two compares the digits both files hold.
fn value(cell: Node<'_, '_>) -> f64 {
    let digits = cell
        .attribute("data-value")
        .expect("a number cell has data-value");
    serde_json::from_str(digits).unwrap_or_else(|e| panic!("{digits}: {e}"))
}

/// A share cell's value, after checking that the figure shown is that value rounded as
/// the text table rounds it.
fn share(cell: Node<'_, '_>) -> f64 {
    let exact: f64 = cell.attribute("data-value").unwrap().parse().unwrap();
    assert_eq!(text(cell), format!("{:.1}%", 100.0 * exact));
    value(cell)
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// No script, no stylesheet, font or image to fetch: every `src`/`href`-like attribute
/// and the style sheet are checked.
fn assert_self_contained(page: &str) {
    let doc = parse(page);
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !matches!(
                name,
                "script" | "link" | "img" | "iframe" | "object" | "embed" | "image" | "use"
            ),
            "<{name}> in the page"
        );
        for a in node.attributes() {
            let value = a.value().to_ascii_lowercase();
            assert!(
                !matches!(
                    a.name(),
                    "src" | "href" | "srcset" | "action" | "data" | "poster"
                ),
                "<{name} {}={value:?}>",
                a.name()
            );
            assert!(
                !value.contains("http:") && !value.contains("https:") && !value.starts_with("//"),
                "<{name} {}={value:?}>",
                a.name()
            );
            assert!(!a.name().starts_with("on"), "event handler on <{name}>");
        }
    }
    let style = text(element(doc.root_element(), "style")).to_ascii_lowercase();
    for bad in ["url(", "@import", "@font-face", "http"] {
        assert!(!style.contains(bad), "{bad} in the style sheet");
    }
    assert!(
        !page.to_ascii_lowercase().contains("<script"),
        "a script in the page"
    );
}

#[test]
fn run_html_shows_the_numbers_of_the_json() {
    let dir = temp_dir();
    let (json_path, page_path) = (dir.join("run.json"), dir.join("run.html"));
    let scenario = seed_scenario();
    ok(&[
        "run",
        &scenario,
        "--replications",
        "400",
        "--seed",
        "7",
        "--format",
        "json",
        "--output",
        json_path.to_str().unwrap(),
        "--html",
        page_path.to_str().unwrap(),
        "--quiet",
    ]);
    let json: Value = serde_json::from_str(&read(&json_path)).unwrap();
    let page = read(&page_path);
    assert_self_contained(&page);
    let doc = parse(&page);
    let root = doc.root_element();
    assert_eq!(root.attribute("data-report"), Some("run"));
    let name = json["scenario"]["name"].as_str().unwrap();
    assert_eq!(text(element(root, "title")), name);
    assert_eq!(text(element(root, "h1")), name);
    assert_eq!(
        fact(root, "sha256"),
        json["scenario"]["sha256"].as_str().unwrap()
    );
    assert_eq!(fact(root, "seed"), "7");
    assert_eq!(fact(root, "replications"), "400");
    assert_eq!(fact(root, "version"), json["version"].as_str().unwrap());
    assert_eq!(
        fact(root, "mean-days"),
        format!("{:.2}", number(&json["negotiation"]["mean_days"]))
    );
    let drafts = json["drafts"].as_array().unwrap();
    let sections: Vec<Node> = root
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .collect();
    assert_eq!(sections.len(), drafts.len());
    for (section, draft) in sections.iter().zip(drafts) {
        assert_eq!(section.attribute("data-key"), draft["id"].as_str());
        for outcome in ["adopted", "vetoed", "failed", "withdrawn"] {
            let cells = row(*section, "outcomes", outcome);
            let expected = &draft["outcomes"][outcome];
            assert_eq!(text(cells[0]), outcome);
            assert_eq!(share(cells[1]), number(&expected["p"]), "{outcome}");
            assert_eq!(share(cells[2]), number(&expected["ci95"][0]));
            assert_eq!(share(cells[3]), number(&expected["ci95"][1]));
            assert_eq!(text(cells[4]), expected["count"].to_string());
        }
        let tally = &draft["modal_tally"];
        assert_eq!(
            fact(*section, "modal-tally"),
            format!("{}-{}-{}", tally["yes"], tally["no"], tally["abstain"])
        );
        // Every member's vote shares and pivot frequency.
        let members = draft["votes"].as_object().unwrap();
        assert_eq!(
            columns(*section, "votes"),
            ["member", "yes", "no", "abstain", "pivotal"]
        );
        for (id, votes) in members {
            let cells = row(*section, "votes", id);
            assert_eq!(text(cells[0]), *id);
            for (cell, key) in cells[1..4].iter().zip(["yes", "no", "abstain"]) {
                assert_eq!(share(*cell), number(&votes[key]), "{id} {key}");
            }
            assert_eq!(share(cells[4]), number(&draft["pivotal"][id]["p"]));
        }
        // Amendments and motions, by id.
        for ballot in draft["amendments"]
            .as_array()
            .unwrap()
            .iter()
            .chain(draft["motions"].as_array().unwrap())
        {
            let cells = row(*section, "ballots", ballot["id"].as_str().unwrap());
            assert_eq!(share(cells[2]), number(&ballot["tabled"]["p"]));
            assert_eq!(share(cells[4]), number(&ballot["vetoed"]["p"]));
        }
        // The chart's bars and the table under it are the histogram.
        let histogram: Vec<u64> = draft["yes_count_histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        let figure = with_attribute(*section, "data-figure", "yes-histogram");
        let bars: Vec<u64> = figure
            .descendants()
            .filter_map(|n| n.attribute("data-count"))
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(bars, histogram);
        for (yes, &count) in histogram.iter().enumerate().filter(|(_, &c)| c > 0) {
            let cells = row(*section, "yes-histogram", &yes.to_string());
            assert_eq!(text(cells[1]), count.to_string());
        }
        let blocs = draft["abstention_blocs"].as_array().unwrap();
        for (rank, bloc) in blocs.iter().enumerate() {
            let cells = row(*section, "abstention-blocs", &(rank + 1).to_string());
            assert_eq!(share(cells[1]), number(&bloc["p"]));
            let members: Vec<&str> = bloc["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap())
                .collect();
            assert_eq!(text(cells[3]), members.join(" "));
        }
    }
    // Same seed, same bytes: nothing in the page depends on the time or the thread count.
    let again = dir.join("again.html");
    ok(&[
        "run",
        &scenario,
        "--replications",
        "400",
        "--seed",
        "7",
        "--threads",
        "1",
        "--html",
        again.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(read(&again), page);
}

/// A scenario whose name and record try to end the title and start a script, and carry
/// terminal controls and a bidirectional override.
const HOSTILE: &str = "</title><script>alert('x')</script> & \"quoted\" \u{1b}[2J \u{202e}";

fn hostile_scenario() -> String {
    let text = read(Path::new(&seed_scenario()));
    let toml_string = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\u{1b}', "\\u001b")
            .replace('\u{202e}', "\\u202e")
    };
    let mut out = String::new();
    let mut named = false;
    for line in text.lines() {
        if !named && line.starts_with("name = ") {
            out.push_str(&format!("name = \"{}\"\n", toml_string(HOSTILE)));
            named = true;
        } else if line.starts_with("source = ") {
            out.push_str(&format!("source = \"{}\"\n", toml_string(HOSTILE)));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(named);
    write_scenario("hostile.toml", &out)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn names_from_the_scenario_are_escaped_in_every_page() {
    let scenario = hostile_scenario();
    let dir = temp_dir();
    let shown = HOSTILE
        .replace('\u{1b}', "\\u{1b}")
        .replace('\u{202e}', "\\u{202e}");
    let run = dir.join("run.html");
    ok(&[
        "run",
        &scenario,
        "--replications",
        "50",
        "--html",
        run.to_str().unwrap(),
        "--quiet",
    ]);
    let sweep = dir.join("sweep");
    ok(&[
        "sweep",
        &scenario,
        "--set",
        "members.RUS.stance.act_bonus=-1,0",
        "--replications",
        "50",
        "--out",
        sweep.to_str().unwrap(),
        "--html",
        "--quiet",
    ]);
    let backtest = dir.join("backtest.html");
    ok(&[
        "backtest",
        &scenario,
        "--replications",
        "50",
        "--html",
        backtest.to_str().unwrap(),
    ]);
    for path in [run, sweep.join("report.html"), backtest] {
        let page = read(&path);
        assert_self_contained(&page);
        let doc = parse(&page);
        let root = doc.root_element();
        // The name is text, whole, with the controls written out: no element came of it.
        assert_eq!(
            root.descendants()
                .filter(|n| n.has_tag_name("title"))
                .count(),
            1
        );
        assert!(
            root.descendants()
                .any(|n| n.is_element() && text(n) == shown),
            "{}: the name is not shown as text",
            path.display()
        );
        assert!(!page.contains('\u{1b}') && !page.contains('\u{202e}'));
    }
    // The sweep plot inlined in the page (and plot.svg) carries the name in its title.
    let page = read(&sweep.join("report.html"));
    let doc = parse(&page);
    let figure = with_attribute(doc.root_element(), "data-figure", "plot");
    assert!(text(figure).contains(&shown));
    // The backtest's record line too.
    assert!(read(&dir.join("backtest.html")).contains(&format!(
        "Record: {}",
        shown
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    )));
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
    write_scenario(
        "tutorial.toml",
        &format!("{}{}", &text[..start], &text[end..]),
    )
    .to_str()
    .unwrap()
    .to_string()
}

fn sweep(scenario: &str, out: &Path, replications: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sweep",
        scenario,
        "--set",
        "members.BIG.stance.act_bonus=-1..1:3",
        "--replications",
        replications,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    councilsim(&args)
}

/// Checks `DIR/report.html` against `DIR/summary.json`, cell by cell.
fn assert_sweep_report_is_the_summary(out: &Path) {
    let summary: Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let page = read(&out.join("report.html"));
    assert_self_contained(&page);
    let doc = parse(&page);
    let root = doc.root_element();
    assert_eq!(root.attribute("data-report"), Some("sweep"));
    assert_eq!(
        fact(root, "sha256"),
        summary["scenario"]["sha256"].as_str().unwrap()
    );
    assert_eq!(fact(root, "seed"), summary["seed"].to_string());
    assert_eq!(
        fact(root, "replications"),
        summary["replications"].to_string()
    );
    assert_eq!(fact(root, "version"), summary["version"].as_str().unwrap());
    let cells = summary["cells"].as_array().unwrap();
    assert_eq!(fact(root, "cells"), cells.len().to_string());
    let axes = summary["grid"].as_array().unwrap();
    let mut rows = 0;
    for (i, cell) in cells.iter().enumerate() {
        for draft in cell["summary"]["drafts"].as_array().unwrap() {
            let key = format!("{i}/{}", draft["id"].as_str().unwrap());
            let cells = row(root, "cells", &key);
            for (a, axis) in axes.iter().enumerate() {
                let path = axis["path"].as_str().unwrap();
                assert_eq!(value(cells[a]), number(&cell["parameters"][path]));
            }
            let at = axes.len();
            assert_eq!(text(cells[at]), draft["id"].as_str().unwrap());
            let o = &draft["outcomes"];
            assert_eq!(share(cells[at + 1]), number(&o["adopted"]["p"]), "{key}");
            assert_eq!(share(cells[at + 2]), number(&o["adopted"]["ci95"][0]));
            assert_eq!(share(cells[at + 3]), number(&o["adopted"]["ci95"][1]));
            assert_eq!(share(cells[at + 4]), number(&o["vetoed"]["p"]));
            assert_eq!(share(cells[at + 5]), number(&o["failed"]["p"]));
            assert_eq!(share(cells[at + 6]), number(&o["withdrawn"]["p"]));
            rows += 1;
        }
    }
    let table = with_attribute(root, "data-table", "cells");
    assert_eq!(
        element(table, "tbody")
            .children()
            .filter(|n| n.has_tag_name("tr"))
            .count(),
        rows
    );
}

#[test]
fn sweep_html_is_the_summary_with_the_plot_inline() {
    let scenario = tutorial();
    let out = temp_dir().join("sweep");
    let done = sweep(&scenario, &out, "200", &["--html"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_sweep_report_is_the_summary(&out);
    // The plot is the one `--plot` draws, inline: without --plot no plot.svg is written.
    assert!(!out.join("plot.svg").exists());
    let page = read(&out.join("report.html"));
    let doc = parse(&page);
    let figure = with_attribute(doc.root_element(), "data-figure", "plot");
    let series: Vec<&str> = figure
        .descendants()
        .filter_map(|n| n.attribute("data-series"))
        .collect();
    assert_eq!(series, ["adopted", "vetoed", "failed", "withdrawn"]);
    // With --plot, plot.svg is the very figure of the page.
    let plotted = temp_dir().join("plotted");
    let done = sweep(&scenario, &plotted, "200", &["--html", "--plot"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let svg = read(&plotted.join("plot.svg"));
    assert!(read(&plotted.join("report.html")).contains(svg.trim_end()));
    // Three swept parameters: no plot, said so; the table is still there.
    let three = temp_dir().join("three");
    let done = councilsim(&[
        "sweep",
        &scenario,
        "--set",
        "members.BIG.stance.act_bonus=0,1",
        "--set",
        "members.MID.stance.act_bonus=0,1",
        "--set",
        "members.FAR.stance.act_bonus=0,1",
        "--replications",
        "50",
        "--out",
        three.to_str().unwrap(),
        "--html",
        "--quiet",
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_sweep_report_is_the_summary(&three);
    let page = read(&three.join("report.html"));
    assert!(page.contains("No plot: --plot draws against one or two swept parameters"));
    assert!(!page.contains("data-figure"));
}

#[test]
fn a_sweep_rerun_keeps_or_replaces_its_report_and_never_a_foreign_one() {
    let scenario = tutorial();
    let out = temp_dir().join("sweep");
    let report = out.join("report.html");
    let done = sweep(&scenario, &out, "100", &["--html"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let first = read(&report);
    // --resume with the same arguments: the same numbers, so the same bytes.
    let done = sweep(&scenario, &out, "100", &["--html", "--resume"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(read(&report), first);
    // Kept by --resume without --html: it still describes what the directory holds.
    let done = sweep(&scenario, &out, "100", &["--resume"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(read(&report), first);
    // A fresh sweep with other replications: replaced, and it matches the new summary.
    let done = sweep(&scenario, &out, "150", &["--html"]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_ne!(read(&report), first);
    assert_sweep_report_is_the_summary(&out);
    // A fresh sweep without --html: the earlier report is gone (it would describe other
    // numbers than summary.json), and everything else is the sweep's.
    let done = sweep(&scenario, &out, "100", &[]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(!report.exists());
    // A report.html that councilsim did not write is the user's: the sweep refuses the
    // directory and leaves the file as it was, with --html or without.
    std::fs::write(&report, "<html>my notes</html>").unwrap();
    for extra in [&["--html"][..], &[]] {
        let done = sweep(&scenario, &out, "100", extra);
        assert_eq!(done.status.code(), Some(2), "{}", stderr(&done));
        assert!(stderr(&done).contains("report.html"), "{}", stderr(&done));
        assert_eq!(read(&report), "<html>my notes</html>");
    }
    // Nor is a link named report.html followed or removed.
    #[cfg(unix)]
    {
        std::fs::remove_file(&report).unwrap();
        let target = temp_dir().join("elsewhere.html");
        std::fs::write(&target, first.as_bytes()).unwrap();
        std::os::unix::fs::symlink(&target, &report).unwrap();
        let done = sweep(&scenario, &out, "100", &["--html"]);
        assert_eq!(done.status.code(), Some(2), "{}", stderr(&done));
        assert_eq!(read(&target), first);
        assert!(std::fs::symlink_metadata(&report)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[test]
fn merged_shards_give_the_report_of_the_whole_sweep_and_replace_the_earlier_one() {
    let scenario = tutorial();
    let dir = temp_dir();
    let whole = dir.join("whole");
    let done = sweep(&scenario, &whole, "60", &["--html"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let out = dir.join("merged");
    let done = sweep(&scenario, &out, "100", &["--html"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let parts = dir.join("parts");
    for i in 0..2 {
        let shard = format!("{i}/2");
        let done = sweep(&scenario, &parts, "60", &["--shard", &shard]);
        assert!(done.status.success(), "{}", stderr(&done));
    }
    let part = |i: usize| parts.join(format!("part-{i}-of-2.json"));
    let merge = |extra: &[&str]| {
        let mut args = vec![
            "merge".to_string(),
            part(0).display().to_string(),
            part(1).display().to_string(),
            "--out".to_string(),
            out.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&args);
    };
    // Without --html: the earlier sweep's report no longer describes the directory.
    merge(&[]);
    assert!(!out.join("report.html").exists());
    assert!(out.join("summary.json").exists());
    // With it: the very page of the unsharded sweep.
    merge(&["--html"]);
    assert_eq!(
        read(&out.join("report.html")),
        read(&whole.join("report.html"))
    );
    // Shards of a run have no sweep directory to put a report in: refused, nothing written.
    let run_parts: Vec<String> = (0..2)
        .map(|i| {
            let path = dir.join(format!("run-{i}.json"));
            ok(&[
                "run",
                &scenario,
                "--replications",
                "20",
                "--shard",
                &format!("{i}/2"),
                "--output",
                path.to_str().unwrap(),
                "--quiet",
            ]);
            path.display().to_string()
        })
        .collect();
    let merged_run = dir.join("run.json");
    refused(
        &[
            "merge",
            &run_parts[0],
            &run_parts[1],
            "--out",
            merged_run.to_str().unwrap(),
            "--html",
        ],
        "merge --html adds report.html to a merged sweep",
    );
    assert!(!merged_run.exists());
}

#[test]
fn backtest_html_shows_the_numbers_of_the_json() {
    let dir = temp_dir();
    let scenarios = [
        seed_scenario(),
        format!(
            "{}/scenarios/history/annexation-2022-s2022-720.toml",
            env!("CARGO_MANIFEST_DIR")
        ),
    ];
    let page_path = dir.join("backtest.html");
    let mut args = vec!["backtest"];
    args.extend(scenarios.iter().map(String::as_str));
    args.extend(["--replications", "200", "--format", "json"]);
    let json: Value = serde_json::from_slice(&ok(&args).stdout).unwrap();
    args.extend(["--html", page_path.to_str().unwrap()]);
    let out = ok(&args);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), json);
    let page = read(&page_path);
    assert_self_contained(&page);
    let doc = parse(&page);
    let root = doc.root_element();
    assert_eq!(root.attribute("data-report"), Some("backtest"));
    assert_eq!(fact(root, "scenarios"), "2");
    let checks = json.as_array().unwrap();
    let (mut exact, mut results) = (0, 0);
    for (check, path) in checks.iter().zip(&scenarios) {
        let section = with_attribute(root, "data-key", path);
        assert_eq!(
            text(element(section, "h2")),
            check["name"].as_str().unwrap()
        );
        assert_eq!(fact(section, "path"), *path);
        assert_eq!(fact(section, "seed"), check["seed"].to_string());
        assert_eq!(fact(section, "replications"), "200");
        // The hash is the scenario's, as `run` reports it.
        let run: Value = serde_json::from_slice(
            &ok(&[
                "run",
                path,
                "--replications",
                "1",
                "--format",
                "json",
                "--quiet",
            ])
            .stdout,
        )
        .unwrap();
        assert_eq!(
            fact(section, "sha256"),
            run["scenario"]["sha256"].as_str().unwrap()
        );
        for ballot in check["ballots"].as_array().unwrap() {
            let cells = row(section, "ballots", ballot["id"].as_str().unwrap());
            assert_eq!(text(cells[3]), ballot["modal_result"].as_str().unwrap());
            assert_eq!(share(cells[4]), number(&ballot["modal_result_p"]));
            let result_exact = ballot["result_exact"].as_bool().unwrap();
            assert_eq!(text(cells[5]), if result_exact { "exact" } else { "WRONG" });
            if let Some(brier) = ballot["brier"].as_f64() {
                assert_eq!(value(cells[10]), brier);
                assert_eq!(text(cells[10]), format!("{brier:.4}"));
            }
            results += 1;
            exact += usize::from(result_exact);
        }
    }
    assert_eq!(fact(root, "results-exact"), format!("{exact}/{results}"));
}

#[test]
fn an_html_path_that_clashes_with_another_file_is_refused() {
    let dir = temp_dir();
    let scenario = write_scenario("s.toml", &read(Path::new(&seed_scenario())));
    let scenario = scenario.to_str().unwrap();
    let original = read(Path::new(scenario));
    let same = dir.join("same");
    let same = same.to_str().unwrap();
    let run = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["run", scenario, "--replications", "10", "--quiet"]
            .map(String::from)
            .to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    refused(&run(&["--html", scenario]), "--html");
    refused(
        &run(&["--output", same, "--html", same]),
        "name the same file",
    );
    refused(
        &run(&["--replication-log", same, "--html", same]),
        "name the same file",
    );
    refused(&run(&["--html", dir.to_str().unwrap()]), "cannot write");
    refused(
        &run(&["--html", dir.join("missing/r.html").to_str().unwrap()]),
        "cannot write",
    );
    refused(&run(&["--shard", "0/2", "--html", same]), "--html");
    refused(
        &[
            "backtest",
            &seed_scenario(),
            scenario,
            "--replications",
            "10",
            "--html",
            scenario,
        ],
        "is the scenario file",
    );
    refused(
        &[
            "backtest",
            scenario,
            "--replications",
            "10",
            "--html",
            dir.to_str().unwrap(),
        ],
        "cannot write",
    );
    refused(
        &[
            "sweep",
            scenario,
            "--set",
            "members.RUS.stance.act_bonus=0,1",
            "--replications",
            "10",
            "--out",
            dir.join("sw").to_str().unwrap(),
            "--shard",
            "0/2",
            "--html",
        ],
        "--html",
    );
    // Nothing was written and the scenario is intact.
    assert_eq!(read(Path::new(scenario)), original);
    assert!(!Path::new(same).exists());
    assert!(!dir.join("sw").exists());
}
