//! Problems found in a scenario file, with the span that caused each one.
//!
//! Parsing and validation collect [`Problem`]s instead of stopping at the first, so a user
//! fixes a file in one pass. [`ScenarioError`] renders them miette-style: the file, line
//! and column, what was expected, and the offending text underlined.

use crate::export::{printable, printable_lines};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
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
    code: Snippet,
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
    code: Snippet,
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
    let shown = ShownSource::new(&Arc::new(source.to_string()));
    let lines = line_starts(source);
    let path = printable(path).into_owned();
    let mut out = String::new();
    for warning in warnings {
        let at = floor_boundary(source, warning.span.start);
        let line = lines.partition_point(|&l| l <= at);
        let column = source[lines[line - 1]..at].chars().count() + 1;
        let (snippet, span) = shown.snippet(&path, warning.span.clone());
        let report = WarningReport {
            message: format!(
                "{path}:{line}:{column}: warning: {}",
                printable_lines(&warning.message)
            ),
            code: snippet,
            span: span.into(),
            label: printable_lines(&warning.label).into_owned(),
            help: warning
                .help
                .as_deref()
                .map(|h| printable_lines(h).into_owned()),
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
        let before = &self.source[..floor_boundary(&self.source, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    /// The problems as text: one report each, with `file:line:column` and the span
    /// underlined. `color` selects the themed (terminal) rendering. Control characters in
    /// the file, the path or a message are shown escaped (see [`crate::export::printable()`]),
    /// and a long line is shown as an excerpt around its problem.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(200);
        let shown = ShownSource::new(&self.source);
        let lines = line_starts(&self.source);
        let path = printable(&self.path).into_owned();
        let mut out = String::new();
        for problem in &self.problems {
            let at = floor_boundary(&self.source, problem.span.start);
            let line = lines.partition_point(|&l| l <= at);
            let column = self.source[lines[line - 1]..at].chars().count() + 1;
            let (snippet, span) = shown.snippet(&path, problem.span.clone());
            let report = ProblemReport {
                message: format!(
                    "{path}:{line}:{column}: {}",
                    printable_lines(&problem.message)
                ),
                code: snippet,
                span: span.into(),
                label: printable_lines(&problem.label).into_owned(),
                help: problem
                    .help
                    .as_deref()
                    .map(|h| printable_lines(h).into_owned()),
            };
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&report.message);
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{path}: {} problem{} found\n",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        ));
        out
    }
}

/// Lines longer than this (in bytes) are shown as an excerpt around the problem: miette
/// cannot place an underline past column 65 535, and nobody reads a 70 000-column line.
const LONG_LINE: usize = 1000;
/// Bytes of context shown on each side of a problem on a long line.
const EXCERPT_CONTEXT: usize = 80;

/// Most bytes of a file shown for one problem: a span over more is shown from its start.
const MOST_SHOWN: usize = 16 * 1024;
/// What an excerpt of a long line shows for the text it leaves out.
const ELLIPSIS: &str = "...";

/// Offsets at which the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The scenario text as shown in diagnostics: control characters escaped, with the map
/// from offsets in the file to offsets in the shown text. Each problem is shown from a
/// window of a few lines, so that a large file with many problems renders in time linear
/// in its size.
struct ShownSource {
    text: Arc<String>,
    /// Where the lines of `text` start.
    lines: Vec<usize>,
    /// `(offset in the file just after an escaped character, bytes added up to there)`.
    shifts: Vec<(usize, usize)>,
}

impl ShownSource {
    fn new(source: &Arc<String>) -> Self {
        let shown = printable_lines(source);
        if let std::borrow::Cow::Borrowed(_) = shown {
            return ShownSource {
                lines: line_starts(source),
                text: Arc::clone(source),
                shifts: Vec::new(),
            };
        }
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c) in source.char_indices() {
            let escaped = printable_lines(&source[i..i + c.len_utf8()]).len();
            // A `\r` kept before `\n` is escaped alone above; recheck it in context.
            let escaped = if c == '\r' && source[i + 1..].starts_with('\n') {
                1
            } else {
                escaped
            };
            if escaped != c.len_utf8() {
                added += escaped - c.len_utf8();
                shifts.push((i + c.len_utf8(), added));
            }
        }
        ShownSource {
            lines: line_starts(&shown),
            text: Arc::new(shown.into_owned()),
            shifts,
        }
    }

    /// The offset in the shown text of `offset` in the file.
    fn map(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|&(end, _)| end <= offset);
        offset + if i == 0 { 0 } else { self.shifts[i - 1].1 }
    }

    /// The line (from 0) holding `offset` of the shown text.
    fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|&l| l <= offset) - 1
    }

    /// Where line `line` (from 0) ends, before its line feed.
    fn line_end(&self, line: usize) -> usize {
        self.lines
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1)
    }

    /// What to show for a problem at `span` (in the file), and its span in that: the
    /// lines around it, or an excerpt of its line when that or a neighbour is long.
    fn snippet(&self, name: &str, span: Range<usize>) -> (Snippet, Range<usize>) {
        let text = &self.text;
        let start = floor_boundary(text, self.map(span.start));
        let end = floor_boundary(text, self.map(span.end)).max(start);
        let line = self.line_of(start);
        let (line_start, line_end) = (self.lines[line], self.line_end(line));
        let first = line.saturating_sub(1);
        let last = (self.line_of(end) + 1).min(self.lines.len() - 1);
        let long = (first..=(line + 1).min(self.lines.len() - 1))
            .any(|l| self.line_end(l) - self.lines[l] > LONG_LINE);
        if !long {
            let from = self.lines[first];
            let to = floor_boundary(text, self.line_end(last).min(start + MOST_SHOWN)).max(start);
            let snippet = Snippet {
                name: name.to_string(),
                text: Arc::new(text[from..to].to_string()),
                line: first,
                column: 0,
            };
            return (snippet, (start - from)..(end.min(to) - from));
        }
        let mut from = ceil_boundary(text, start.saturating_sub(EXCERPT_CONTEXT).max(line_start));
        // An ellipsis stands only for at least as many characters as it has: the excerpt's
        // column (where it starts, less the ellipsis) must not fall before the line's start.
        if text[line_start..from].chars().count() < ELLIPSIS.len() {
            from = line_start;
        }
        let to = floor_boundary(text, (start + EXCERPT_CONTEXT).min(line_end)).max(start);
        // ASCII, so that miette's byte columns and the file's character columns agree.
        let before = if from > line_start { ELLIPSIS } else { "" };
        let after = if to < line_end { ELLIPSIS } else { "" };
        let excerpt = format!("{before}{}{after}", &text[from..to]);
        let offset = before.len();
        let snippet = Snippet {
            name: name.to_string(),
            text: Arc::new(excerpt),
            line,
            column: text[line_start..from].chars().count() - before.len(),
        };
        let span = (start - from + offset)..(end.min(to) - from + offset);
        (snippet, span)
    }
}

/// The largest char boundary of `text` at or below `offset`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or above `offset`.
fn ceil_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Source text shown by miette: the whole (escaped) file, or an excerpt of one long line
/// that knows the line and column where it starts.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: Arc<String>,
    /// Line (from 0) of the excerpt's first character in the file.
    line: usize,
    /// Column (from 0) of the excerpt's first character.
    column: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // miette counts columns in bytes; the messages count characters, as editors do.
        let column = if inner.column() == 0 {
            0
        } else {
            let at = floor_boundary(&self.text, span.offset());
            let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
            self.text[line_start..at].chars().count()
        };
        let column = if inner.line() == 0 {
            column + self.column
        } else {
            column
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line,
            column,
            inner.line_count(),
        )))
    }
}

/// `x` as messages show it: plainly when it reads well, in scientific notation when it
/// is very large or very small (`1e300`, not a 301-digit integer).
pub fn number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A message from the TOML reader in the scenario's words: serde names Rust types
/// ("expected struct RawStance", "expected i64"); a scenario has tables, integers, numbers.
pub fn user_words(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("struct ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "struct ".len()..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("a table");
        rest = &after[name_len..];
    }
    out.push_str(rest);
    let words = [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected a borrowed string", "expected a string"),
        (
            "expected an array of length 2",
            "expected an array of 2 values",
        ),
        (
            "expected an array of length 3",
            "expected an array of 3 values",
        ),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: table"),
    ];
    for (rust, user) in words {
        out = out.replace(rust, user);
    }
    // An integer beyond 64 bits: "invalid type: integer `N` as i128" names the Rust type
    // it was read as; it is a number out of range.
    const PRIMITIVES: [&str; 14] = [
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "f32", "f64",
    ];
    for primitive in PRIMITIVES {
        let read_as = format!("` as {primitive}");
        if out.contains(&read_as) {
            out = out
                .replace("invalid type: integer `", "integer `")
                .replace(&read_as, "` is out of range");
        }
    }
    shorten_quoted_numbers(&out)
}

/// serde quotes a float in full (`1e300` as 301 digits): quoted numbers longer than 17
/// characters are written as [`number`] writes them.
fn shorten_quoted_numbers(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let mut out = String::with_capacity(message.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        match part.parse::<f64>() {
            Ok(x) if i % 2 == 1 && part.len() > 17 => out.push_str(&number(x)),
            _ => out.push_str(part),
        }
    }
    out
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str, needle: &str) -> ScenarioError {
        let at = source.find(needle).unwrap();
        ScenarioError {
            path: "f.toml".to_string(),
            source: Arc::new(source.to_string()),
            problems: vec![Problem::new(at..at + needle.len(), "bad", "this")],
        }
    }

    #[test]
    fn spans_after_escaped_characters_still_underline_their_text() {
        // A two-byte C1 control and an ESC before the problem, on its line and above it.
        let source = "a = \"\u{9b}\u{1b}[2J\" # \u{1b}\nb = \u{9b}\"x\" = 1\n";
        let shown = error(source, "\"x\"").render(false);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{9b}'),
            "{shown:?}"
        );
        assert!(shown.contains("f.toml:2:6: bad"), "{shown}");
        // The underline starts under the quoted x, after the escaped character.
        let code = shown.lines().find(|l| l.contains("b = ")).unwrap();
        let mark = shown.lines().find(|l| l.contains('┬')).unwrap();
        let column = |line: &str, c: char| line.chars().position(|x| x == c).unwrap();
        assert_eq!(column(code, '"'), column(mark, '┬') - 1, "{shown}");
    }

    #[test]
    fn integers_beyond_64_bits_are_out_of_range_not_a_rust_type() {
        assert_eq!(
            user_words("invalid type: integer `99999999999999999999` as i128, expected i64"),
            "integer `1e20` is out of range, expected an integer"
        );
    }

    #[test]
    fn a_long_line_is_shown_as_an_excerpt_with_its_true_position() {
        let source = format!("a = \"{}\" b\n", "é".repeat(40_000));
        let shown = error(&source, " b").render(false);
        assert!(shown.contains("f.toml:1:40007: bad"), "{shown}");
        assert!(shown.contains("[f.toml:1:40007]"), "{shown}");
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
    }

    #[test]
    fn numbers_and_rust_types_read_as_users_write_them() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(-1e6), "-1e6");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.0), "0");
        assert_eq!(
            user_words("invalid type: integer `1`, expected struct RawStance"),
            "invalid type: integer `1`, expected a table"
        );
        assert_eq!(
            user_words("invalid type: floating point `2.5`, expected i64"),
            "invalid type: floating point `2.5`, expected an integer"
        );
        let long = format!("invalid type: floating point `{:.1}`, expected i64", 1e300);
        assert_eq!(
            user_words(&long),
            "invalid type: floating point `1e300`, expected an integer"
        );
    }
}
