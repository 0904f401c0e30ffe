//! Problems found in a scenario file, with the span that caused each one.
//!
//! Parsing and validation collect [`Problem`]s instead of stopping at the first, so a user
//! fixes a file in one pass. [`ScenarioError`] renders them miette-style: the file, line
//! and column, what was expected, and the offending text underlined.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use std::ops::Range;
use std::sync::Arc;

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What is wrong and what was expected.
    pub message: String,
    /// Byte range of the offending text in the file.
    pub span: Range<usize>,
    /// Short text shown under the underline.
    pub label: String,
    /// How to fix it, when that is not obvious from the message.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one scenario file, with the text needed to show them.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    /// The path as the user gave it.
    pub path: String,
    /// The file's text.
    pub source: Arc<String>,
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct ProblemReport {
    message: String,
    #[source_code]
    code: NamedSource<Arc<String>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// The same report as [`ProblemReport`], shown as a warning: the file is valid.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(severity(Warning))]
struct WarningReport {
    message: String,
    #[source_code]
    code: NamedSource<Arc<String>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// Renders `warnings` about the valid scenario `path` (text `source`): each with
/// `file:line:column` and its span underlined, like a problem, but they do not fail a check.
pub fn render_warnings(path: &str, source: &str, warnings: &[Problem], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(200);
    let located = ScenarioError {
        path: path.to_string(),
        source: Arc::new(source.to_string()),
        problems: Vec::new(),
    };
    let mut out = String::new();
    for warning in warnings {
        let (line, column) = located.line_column(warning.span.start);
        let report = WarningReport {
            message: format!("{path}:{line}:{column}: warning: {}", warning.message),
            code: NamedSource::new(path, Arc::clone(&located.source)),
            span: warning.span.clone().into(),
            label: warning.label.clone(),
            help: warning.help.clone(),
        };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&report.message);
        }
        out.push('\n');
    }
    out
}

impl ScenarioError {
    /// Line and column (both from 1) of a byte offset, for messages and tests.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let before = &self.source[..offset.min(self.source.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    /// The problems as text: one report each, with `file:line:column` and the span
    /// underlined. `color` selects the themed (terminal) rendering.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(200);
        let mut out = String::new();
        for problem in &self.problems {
            let (line, column) = self.line_column(problem.span.start);
            let report = ProblemReport {
                message: format!("{}:{line}:{column}: {}", self.path, problem.message),
                code: NamedSource::new(&self.path, Arc::clone(&self.source)),
                span: problem.span.clone().into(),
                label: problem.label.clone(),
                help: problem.help.clone(),
            };
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&report.message);
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{}: {} problem{} found\n",
            self.path,
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        ));
        out
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for ScenarioError {}
