//! From a scenario file to a [`Model`]: read, parse ([`raw`]), check and compile
//! ([`validate`]), reporting every problem with its span ([`diagnostics`]).

pub mod diagnostics;
pub mod limits;
pub mod patch;
pub mod raw;
pub mod validate;

use crate::model::Model;
pub use diagnostics::{Problem, ScenarioError};
pub use patch::PatchValue;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all.
    #[error("cannot read {path}: {reason}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// What the operating system said.
        reason: String,
    },
    /// The file was read but is not a valid scenario.
    #[error("{0}")]
    Invalid(ScenarioError),
}

/// Reads, parses and compiles the scenario at `path`.
pub fn load(path: &str) -> Result<Model, LoadError> {
    let text = read(path)?;
    compile(path, &text).map_err(LoadError::Invalid)
}

/// Reads the text of the scenario at `path`: a regular file (never a FIFO, a device or a
/// directory) of at most [`limits::MAX_FILE_BYTES`], read through
/// [`crate::input::read_text`] so that not one byte more is read. A job that records the
/// scenario it ran (a shard's partial result) reads it once with this and compiles that
/// same text, so the recorded text and hash are those of what ran.
pub fn read(path: &str) -> Result<String, LoadError> {
    crate::input::read_text(
        std::path::Path::new(path),
        limits::MAX_FILE_BYTES,
        "scenarios",
    )
    .map_err(|e| LoadError::Unreadable {
        path: path.to_string(),
        reason: e.reason,
    })
}

/// Parses and compiles scenario `text`; `path` names it in diagnostics.
pub fn compile(path: &str, text: &str) -> Result<Model, ScenarioError> {
    compile_patched(path, text, &[])
}

/// Parses `text`, sets each `(dotted path, value)` of `patches` (a sweep cell), and
/// compiles the result. A patched value keeps the span of the value it replaces, so its
/// problems are shown where it stands in the file. The model's fingerprint is the file's.
pub fn compile_patched(
    path: &str,
    text: &str,
    patches: &[(String, PatchValue)],
) -> Result<Model, ScenarioError> {
    let fail = |problems| ScenarioError {
        path: path.to_string(),
        source: Arc::new(text.to_string()),
        problems,
    };
    let syntax = |e: toml::de::Error| {
        fail(vec![Problem::new(
            e.span().unwrap_or(0..0),
            diagnostics::user_words(e.message().trim()),
            "here",
        )])
    };
    let whole_file = || fail(vec![]);
    // Phase 1: what each path holds, hence the literal to write there.
    let mut literals = Vec::with_capacity(patches.len());
    if !patches.is_empty() {
        let root = toml::de::DeTable::parse(text).map_err(syntax)?;
        for (p, value) in patches {
            let slot = patch::slot(root.get_ref(), p).map_err(|m| {
                let mut e = whole_file();
                e.problems.push(Problem::new(0..0, m, "sweep path"));
                e
            })?;
            let literal = patch::literal(*value, slot, p).map_err(|m| {
                let mut e = whole_file();
                e.problems.push(Problem::new(0..0, m, "sweep value"));
                e
            })?;
            literals.push(format!("v = {literal}"));
        }
    }
    // Phase 2: the patched document, deserialised with its spans.
    let mut root = toml::de::DeTable::parse(text).map_err(syntax)?;
    for ((p, _), literal) in patches.iter().zip(&literals) {
        let value = patch::parse_literal(literal).map_err(|m| {
            let mut e = whole_file();
            e.problems.push(Problem::new(0..0, m, "sweep value"));
            e
        })?;
        // A value that replaces one keeps that one's span; a new key has none in the file.
        let value = toml::Spanned::new(0..0, value.into_inner());
        patch::set(root.get_mut(), p, value).map_err(|m| {
            let mut e = whole_file();
            e.problems.push(Problem::new(0..0, m, "sweep path"));
            e
        })?;
    }
    // An unknown key is dropped and reading goes on, so every typo in a file is reported
    // in one run together with the problems validation finds; any other structural error
    // (a wrong type, a missing key) ends the reading.
    let mut problems = Vec::new();
    let raw = loop {
        match raw::RawScenario::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(raw) => break Some(raw),
            Err(e) => {
                let span = e.span();
                let unknown_key = e.message().starts_with("unknown field");
                problems.push(Problem::new(
                    span.clone().unwrap_or(0..0),
                    diagnostics::user_words(e.message().trim()),
                    if unknown_key {
                        "unknown key: a typo?"
                    } else {
                        "here"
                    },
                ));
                let dropped = unknown_key
                    && problems.len() < 100
                    && span.is_some_and(|span| patch::remove_key_at(root.get_mut(), &span));
                if !dropped {
                    break None;
                }
            }
        }
    };
    if let Some(raw) = raw {
        // A sweep cell changes the rules the record was checked under: only `check` and
        // `backtest` read the record, and they read the file as written.
        let record = if patches.is_empty() {
            validate::Record::Checked
        } else {
            validate::Record::Structure
        };
        match validate::compile_with(&raw, sha256_hex(text.as_bytes()), record) {
            Ok(model) if problems.is_empty() => return Ok(model),
            Ok(_) => {}
            Err(more) => problems.extend(more),
        }
    }
    Err(fail(problems))
}

/// Parses `text` into the raw scenario without compiling it (the sweep reads its
/// `[[sweep]]` tables from here).
pub fn parse_raw(path: &str, text: &str) -> Result<raw::RawScenario, ScenarioError> {
    toml::from_str(text).map_err(|e: toml::de::Error| ScenarioError {
        path: path.to_string(),
        source: Arc::new(text.to_string()),
        problems: vec![Problem::new(
            e.span().unwrap_or(0..0),
            diagnostics::user_words(e.message().trim()),
            "here",
        )],
    })
}

/// Lower-case hex SHA-256, the scenario fingerprint recorded in every output.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_abc_matches_the_standard_vector() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
