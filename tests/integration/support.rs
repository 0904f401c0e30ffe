//! Helpers shared by the integration tests: a scenario builder and a runner for the binary.

use councilsim::model::Model;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One delegation of a one-dimensional test council.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: String,
    pub permanent: bool,
    pub ideal: f64,
    pub salience: f64,
    pub act_bonus: f64,
    pub yes: f64,
    pub no: f64,
    pub tau: f64,
    pub flexibility: f64,
    pub motion_bias: f64,
    pub blocs: Vec<String>,
}

impl Member {
    pub fn new(id: &str, permanent: bool, ideal: f64) -> Self {
        Member {
            id: id.to_string(),
            permanent,
            ideal,
            salience: 1.0,
            act_bonus: 0.3,
            yes: 0.1,
            no: 0.1,
            tau: 0.0,
            flexibility: 0.5,
            motion_bias: 0.0,
            blocs: Vec::new(),
        }
    }
    pub fn tau(mut self, tau: f64) -> Self {
        self.tau = tau;
        self
    }
    pub fn act_bonus(mut self, r: f64) -> Self {
        self.act_bonus = r;
        self
    }
    pub fn salience(mut self, s: f64) -> Self {
        self.salience = s;
        self
    }
    pub fn thresholds(mut self, yes: f64, no: f64) -> Self {
        self.yes = yes;
        self.no = no;
        self
    }
    pub fn flexibility(mut self, f: f64) -> Self {
        self.flexibility = f;
        self
    }
    pub fn motion_bias(mut self, m: f64) -> Self {
        self.motion_bias = m;
        self
    }
    pub fn bloc(mut self, b: &str) -> Self {
        self.blocs.push(b.to_string());
        self
    }
}

/// A scenario over one dimension, `force` (status quo and silent text at 0), with one
/// draft whose single provision stands at `draft_position`.
#[derive(Clone, Debug)]
pub struct Council {
    pub members: Vec<Member>,
    pub penholder: String,
    pub draft_position: f64,
    pub consultations: bool,
    pub force_vote: bool,
    /// Extra TOML appended verbatim (amendments, motions, blocs, relations, rules).
    pub extra: String,
    pub negotiation_extra: String,
}

impl Council {
    pub fn new(members: Vec<Member>, draft_position: f64) -> Self {
        Council {
            penholder: members[0].id.clone(),
            members,
            draft_position,
            consultations: false,
            force_vote: true,
            extra: String::new(),
            negotiation_extra: String::new(),
        }
    }

    /// Five permanent members P1..P5 and ten elected E01..E10, all at `ideal`.
    pub fn fifteen(ideal: f64) -> Vec<Member> {
        let mut v: Vec<Member> = (1..=5)
            .map(|i| Member::new(&format!("P{i}"), true, ideal))
            .collect();
        v.extend((1..=10).map(|i| Member::new(&format!("E{i:02}"), false, ideal)));
        v
    }

    pub fn toml(&self) -> String {
        let mut s = String::from(
            "[scenario]\nname = \"test council\"\n\n[dimensions.force]\nlabel = \"how far the Council goes\"\nstatus_quo = 0.0\nsilent = 0.0\n\n",
        );
        for m in &self.members {
            let blocs = m
                .blocs
                .iter()
                .map(|b| format!("\"{b}\""))
                .collect::<Vec<_>>()
                .join(", ");
            s.push_str(&format!(
                "[members.{id}]\nname = \"{id}\"\npermanent = {perm}\nblocs = [{blocs}]\nstance = {{ ideal = {{ force = {ideal} }}, salience = {{ force = {sal} }}, act_bonus = {r}, yes_threshold = {a}, no_threshold = {b}, temperature = {tau}, flexibility = {f}, motion_bias = {m} }}\n\n",
                id = m.id,
                perm = m.permanent,
                ideal = m.ideal,
                sal = m.salience,
                r = m.act_bonus,
                a = m.yes,
                b = m.no,
                tau = m.tau,
                f = m.flexibility,
                m = m.motion_bias,
            ));
        }
        s.push_str(&format!(
            "[[drafts]]\nid = \"D1\"\npenholder = \"{}\"\nforce_vote = {}\n\n[[drafts.provisions]]\nid = \"OP1\"\ntext = \"Decides to act\"\nposition = {{ force = {} }}\n\n",
            self.penholder, self.force_vote, self.draft_position
        ));
        s.push_str(&format!(
            "[negotiation]\nconsultations = {}\nvote_day = 5.0\nround_length = {{ kind = \"uniform\", min = 0.5, max = 1.0 }}\n{}\n\n",
            self.consultations, self.negotiation_extra
        ));
        s.push_str(&self.extra);
        s
    }

    pub fn model(&self) -> Model {
        councilsim::scenario::compile("test.toml", &self.toml())
            .unwrap_or_else(|e| panic!("test scenario invalid:\n{e}\n{}", self.toml()))
    }
}

/// A fresh temporary directory for one test, created exclusively: a directory left by an
/// earlier run whose process id was the same (ids are reused) is skipped, never shared,
/// so no test sees another's files.
pub fn temp_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    loop {
        let dir = std::env::temp_dir().join(format!(
            "councilsim-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return dir,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("cannot create {}: {e}", dir.display()),
        }
    }
}

/// Writes `text` to `name` in a fresh temporary directory and returns its path.
pub fn write_scenario(name: &str, text: &str) -> PathBuf {
    let path = temp_dir().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the real binary with `args`.
pub fn councilsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args(args)
        .output()
        .expect("the councilsim binary runs")
}

/// Every `.toml` under `scenarios/`, recursively, in sorted order.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut out,
    );
    out.sort();
    assert!(out.len() >= 10, "{} scenarios found", out.len());
    out
}

/// The bundled seed scenario.
pub fn seed_scenario() -> String {
    format!(
        "{}/scenarios/ukraine-2025-unsc.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
