//! The README's scenario example is the shipped tutorial file, and it is valid.

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
fn every_shipped_scenario_is_valid() {
    let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            councilsim::scenario::load(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
            count += 1;
        }
    }
    assert!(count >= 2);
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
