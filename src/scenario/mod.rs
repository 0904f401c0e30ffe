//! From a scenario file to a [`Model`]: read, parse ([`raw`]), check and compile
//! ([`validate`]), reporting every problem with its span ([`diagnostics`]).

pub mod diagnostics;
pub mod limits;
pub mod raw;
pub mod validate;

use crate::model::Model;
pub use diagnostics::{Problem, ScenarioError};
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
    let unreadable = |reason: String| LoadError::Unreadable {
        path: path.to_string(),
        reason,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > limits::MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "the file is {size} bytes; scenarios are limited to {} bytes",
            limits::MAX_FILE_BYTES
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(format!("not UTF-8: {e}")))?;
    compile(path, &text).map_err(LoadError::Invalid)
}

/// Parses and compiles scenario `text`; `path` names it in diagnostics.
pub fn compile(path: &str, text: &str) -> Result<Model, ScenarioError> {
    let fail = |problems| ScenarioError {
        path: path.to_string(),
        source: Arc::new(text.to_string()),
        problems,
    };
    let raw: raw::RawScenario = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        fail(vec![Problem::new(
            span,
            e.message().trim().to_string(),
            "here",
        )])
    })?;
    let sha256 = sha256_hex(text.as_bytes());
    validate::compile(&raw, sha256).map_err(fail)
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
