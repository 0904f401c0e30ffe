//! The command line's one error type, [`Error`], and the one place that shows an error
//! to the user and picks the exit code, [`Error::report`]. Commands return errors and
//! never print them or exit themselves, as `just` does.
//!
//! Exit codes: 0 success (and a reader that closed our standard output early, as
//! ripgrep does); 2 bad input (a scenario with problems, a bad argument, an unreadable or
//! invalid input file, merge parts included, an output path that cannot be written such
//! as a directory); 1 an internal fault (a failed write, a simulation that could not
//! start); 130, 143, 129 after SIGINT, SIGTERM, SIGHUP ([`crate::interrupt`]).

use crate::export::printable_lines;
use crate::montecarlo::RunError;
use crate::scenario::{LoadError, ScenarioError};
use crate::sweep::PlanError;
use crate::workflow::JobError;
use std::io::{IsTerminal, Write};

/// Exit code for bad input or usage.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code for internal faults.
pub const EXIT_INTERNAL: i32 = 1;

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// The arguments could not be parsed (clap renders its own message).
    Arguments(clap::Error),
    /// Arguments that parse but cannot work together or are out of range.
    Usage(String),
    /// A scenario that cannot be read or is not valid.
    Scenario(LoadError),
    /// Some of the scenarios given to `check` are not valid (each is reported).
    Scenarios(Vec<LoadError>),
    /// A sweep grid, or cells of it, that do not make valid scenarios.
    Plan(PlanError),
    /// A job (run, sweep, merge) failed after its arguments were accepted.
    Job(JobError),
    /// Writing a result failed: to the named file, or to standard output.
    Write {
        /// The file, or "standard output".
        target: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A result could not be turned into JSON (a bug, not the user's input).
    Serialise(serde_json::Error),
    /// The reader of standard output went away (`| head`): its choice, not a fault.
    BrokenPipe,
    /// A fault of the program itself, not of the input (exit code 1).
    Internal(String),
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Scenario(e)
    }
}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Self {
        Error::Scenario(LoadError::Invalid(e))
    }
}

impl From<PlanError> for Error {
    fn from(e: PlanError) -> Self {
        Error::Plan(e)
    }
}

impl From<JobError> for Error {
    fn from(e: JobError) -> Self {
        Error::Job(e)
    }
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Self {
        Error::Job(JobError::Run(e))
    }
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Arguments(e) => e.exit_code(),
            Error::Usage(_) | Error::Scenario(_) | Error::Scenarios(_) | Error::Plan(_) => {
                EXIT_BAD_INPUT
            }
            Error::Job(JobError::Refused(_) | JobError::Unreadable { .. }) => EXIT_BAD_INPUT,
            Error::Job(JobError::Io { .. } | JobError::Run(_)) => EXIT_INTERNAL,
            // A path that cannot be written as asked (a directory) is the user's input.
            Error::Write { source, .. } if crate::export::is_refusal(source) => EXIT_BAD_INPUT,
            Error::Write { .. } | Error::Serialise(_) | Error::Internal(_) => EXIT_INTERNAL,
            Error::BrokenPipe => 0,
        }
    }

    /// Shows the error on standard error and returns the exit code. If standard error
    /// itself cannot be written, there is nowhere left to say so: the exit code still
    /// tells.
    pub fn report(&self) -> i32 {
        let color = std::io::stderr().is_terminal();
        // Messages quote paths, ids and the contents of files read back: no control
        // character may reach the terminal (miette's reports escape their own text).
        let safe = |m: String| printable_lines(&m).into_owned();
        let mut text = String::new();
        match self {
            // clap quotes the offending argument as typed.
            Error::Arguments(e) => text = safe(e.render().to_string()),
            Error::Usage(m) => text = safe(format!("error: {m}\n")),
            Error::Scenario(e) => text = load_error(e, color),
            Error::Scenarios(list) => {
                for e in list {
                    text.push_str(&load_error(e, color));
                }
            }
            Error::Plan(PlanError::Grid(m)) => text = safe(format!("error: {m}\n")),
            Error::Plan(PlanError::Cells(bad)) => {
                for (cell, error) in bad {
                    text.push_str(&safe(format!(
                        "error: sweep cell {cell} is not a valid scenario:\n"
                    )));
                    text.push_str(&error.render(color));
                }
                text.push_str(&format!(
                    "error: {} of the sweep's cells are invalid; nothing was run\n",
                    bad.len()
                ));
            }
            Error::Job(e) => text = safe(format!("error: {e}\n")),
            Error::Write { target, source } => {
                text = safe(format!("error: cannot write {target}: {source}\n"))
            }
            Error::Serialise(e) => {
                text = safe(format!("error: cannot serialise the output: {e}\n"))
            }
            Error::Internal(m) => text = safe(format!("error: {m}\n")),
            Error::BrokenPipe => {}
        }
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.flush();
        self.exit_code()
    }
}

fn load_error(e: &LoadError, color: bool) -> String {
    match e {
        LoadError::Unreadable { .. } => printable_lines(&format!("error: {e}\n")).into_owned(),
        LoadError::Invalid(errors) => errors.render(color),
    }
}
