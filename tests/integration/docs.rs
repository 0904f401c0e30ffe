//! The README's scenario example is the shipped tutorial file, and it is valid.

use crate::support::shipped_scenarios;

#[test]
fn the_readme_example_is_the_tutorial_file_and_it_compiles() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let marker = "```toml\n# A fully commented scenario";
    let start = readme.find(marker).expect("the tutorial block") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let tutorial = std::fs::read_to_string(format!("{root}/scenarios/tutorial.toml")).unwrap();
    assert_eq!(&readme[start..end], tutorial);
    councilsim::scenario::compile("tutorial.toml", &tutorial).unwrap();
}

#[test]
fn every_shipped_scenario_is_checked_by_the_binary_and_runs() {
    let files = shipped_scenarios();
    // Today: the seed case, the tutorial, the General Assembly, nine historical votes and two
    // reforms.
    assert!(files.len() >= 14, "{files:?}");
    let mut args = vec!["check".to_string()];
    args.extend(files.iter().map(|p| p.to_str().unwrap().to_string()));
    let out = crate::support::councilsim(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    for file in &files {
        let model =
            councilsim::scenario::load(file.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
        let n = 200;
        let summary = councilsim::montecarlo::run(
            &model,
            councilsim::montecarlo::RunConfig {
                replications: n,
                seed: 1,
                threads: 2,
            },
        )
        .unwrap();
        assert_eq!(summary.replications, n, "{}", file.display());
        // Every replication reaches the meeting and settles each draft: voted or withdrawn,
        // never left pending (which the summary would count as not tabled).
        for (b, ballot) in summary.ballots.iter().enumerate() {
            if let councilsim::model::Ballot::Draft(_) = model.ballots[b] {
                use councilsim::outcome::BallotStatus;
                let settled = ballot.voted() + ballot.count(BallotStatus::Withdrawn);
                assert_eq!(settled, n, "{} ballot {b}", file.display());
            }
        }
        assert!(summary.duration.mean() > 0.0, "{}", file.display());
    }
}

/// The cluster recipes the README shows are the files in `deploy/` that `.ci/slurm-e2e`
/// submits to a real Slurm cluster, byte for byte, so the two cannot drift apart.
#[test]
fn the_readme_cluster_recipes_are_the_files_in_deploy() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let mut checked = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(format!("{root}/deploy"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let lang = match path.extension().and_then(|e| e.to_str()) {
                Some("sh" | "sbatch") => "sh",
                Some("yaml") => "yaml",
                _ => panic!("{}: no README language for this file", path.display()),
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let block = format!("```{lang}\n{text}```\n");
            assert!(
                readme.contains(&block),
                "README.md does not show {} as it is:\n{block}",
                path.display()
            );
            checked.push(path);
        }
    }
    assert!(checked.len() >= 8, "{checked:?}");
}
