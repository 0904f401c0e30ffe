//! Where a command's results go: standard output or a file named by the user (written
//! atomically), and how summaries become text (table or pretty JSON). Every byte a
//! command prints goes through [`stdout`], so a full disk or a closed pipe is an
//! [`Error`], never a panic.

use super::args::RunFormat;
use super::error::Error;
use crate::export::{self, report, table};
use std::io::Write;
use std::path::PathBuf;

/// Writes `text` to standard output. A reader that went away is [`Error::BrokenPipe`];
/// any other failure (a full disk) is [`Error::Write`].
pub fn stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::BrokenPipe {
                Error::BrokenPipe
            } else {
                Error::Write {
                    target: "standard output".to_string(),
                    source,
                }
            }
        })
}

/// Writes `contents` to `output` atomically, or to standard output without it.
pub fn emit(output: Option<PathBuf>, contents: &str) -> Result<(), Error> {
    match output {
        Some(path) => {
            export::write_atomically(&path, contents.as_bytes()).map_err(|source| Error::Write {
                target: path.display().to_string(),
                source,
            })
        }
        None => stdout(contents),
    }
}

/// Pretty JSON ending in a newline.
pub fn pretty_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    let mut json = serde_json::to_string_pretty(value).map_err(Error::Serialise)?;
    json.push('\n');
    Ok(json)
}

/// A run report as a table or as JSON.
pub fn render_report(report: &report::Report, format: RunFormat) -> Result<String, Error> {
    match format {
        RunFormat::Table => Ok(table::render(report)),
        RunFormat::Json => pretty_json(report),
    }
}
