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
