//! Where a command's results go: standard output or a file named by the user (written
//! atomically), and how summaries become text (table or pretty JSON).

use super::args::RunFormat;
use super::{Failure, EXIT_INTERNAL};
use crate::export::{self, report, table};
use std::io::Write;
use std::path::PathBuf;

/// Writes `contents` to `output` atomically, or to standard output without it.
pub fn emit(output: Option<PathBuf>, contents: &str) -> Result<(), Failure> {
    match output {
        Some(path) => export::write_atomically(&path, contents.as_bytes()).map_err(|e| {
            eprintln!("error: cannot write {}: {e}", path.display());
            Failure(EXIT_INTERNAL)
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(contents.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not our fault.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {e}");
                    Err(Failure(EXIT_INTERNAL))
                }
            }
        }
    }
}

/// Pretty JSON ending in a newline.
pub fn pretty_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let mut json = serde_json::to_string_pretty(value).map_err(|e| {
        eprintln!("error: cannot serialise the output: {e}");
        Failure(EXIT_INTERNAL)
    })?;
    json.push('\n');
    Ok(json)
}

/// A run report as a table or as JSON.
pub fn render_report(report: &report::Report, format: RunFormat) -> Result<String, Failure> {
    match format {
        RunFormat::Table => Ok(table::render(report)),
        RunFormat::Json => pretty_json(report),
    }
}
