//! Reports a researcher can send to a colleague: one self-contained HTML file per run,
//! sweep or backtest, with the summary tables, the plots as inline SVG, and what is needed
//! to reproduce the numbers (scenario name and SHA-256, seed, replications, version).
//!
//! This module is the page builder: [`Page`] assembles a document from headings,
//! paragraphs, fact lists, [`Table`]s and figures, escaping every piece of text on the
//! way in. Everything shown comes from the scenario file (names, ids, texts) and is
//! untrusted: a name like `</title><script>` must print as itself. [`escape`] writes the
//! five XML special characters as entities and, as [`crate::export::printable()`] does for
//! terminals, control characters and bidirectional overrides as visible `\u{..}` escapes
//! (most of them are not even allowed in XML). The pages themselves are built in
//! [`run`], [`sweep`] and [`backtest`] from the same report structures the tables and
//! the JSON are made from, so all say the same thing.
//!
//! The markup is XHTML-compatible (every element closed, attributes quoted, no named
//! entities besides XML's own), so a test — or a colleague's script — can read it with
//! an XML parser. Every number in a table carries its exact value in `data-value`
//! beside the rounded figure shown. No external asset is referenced: no scripts, no
//! stylesheets or fonts to fetch, no images but the inline SVG. The bytes depend only on
//! the results (no timestamps), so the same seed gives the same file.

pub mod backtest;
mod chart;
pub mod run;
pub mod sweep;

use std::fmt::Write;

/// What kind of document a page is, recorded in its `<html>` element so that a sweep
/// recognises its own `report.html` (see [`is_own_report`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `run --html`.
    Run,
    /// `sweep --html` (`DIR/report.html`).
    Sweep,
    /// `backtest --html`.
    Backtest,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Backtest => "backtest",
        }
    }
}

/// The first bytes of every report of `kind`: what [`is_own_report`] checks.
fn preamble(kind: Kind) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\" data-generator=\"councilsim\" data-report=\"{}\">\n",
        kind.as_str()
    )
}

/// Whether `bytes` begin as councilsim's reports of `kind` begin. A sweep deletes an
/// earlier `report.html` only if it passes this check (see `workflow`): a file of the
/// user's that happens to have that name is never taken for one of ours.
pub fn is_own_report(bytes: &[u8], kind: Kind) -> bool {
    bytes.starts_with(preamble(kind).as_bytes())
}

/// `text` made safe as HTML/XML character data or a quoted attribute value: `& < > " '`
/// as entities; control characters, bidirectional marks and the XML non-characters
/// U+FFFE and U+FFFF as visible `\u{..}` escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{200e}'
                        | '\u{200f}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{fffe}'
                        | '\u{ffff}'
                ) =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A share in [0, 1] as the tables print it: a percentage with one decimal.
pub fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// One cell of a [`Table`].
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text, escaped when written.
    Text(String),
    /// An identifier (a member, a draft): text in a monospace face.
    Code(String),
    /// A number: the figure shown, and its exact value for `data-value`.
    Number {
        /// As printed (rounded, with a unit).
        shown: String,
        /// The exact value.
        value: f64,
    },
    /// A count.
    Count(u64),
    /// Nothing to show (a tally never voted).
    Empty,
}

impl Cell {
    /// A share shown as a percentage.
    pub fn share(p: f64) -> Cell {
        Cell::Number {
            shown: percent(p),
            value: p,
        }
    }

    /// A number shown with `decimals` decimals.
    pub fn fixed(value: f64, decimals: usize) -> Cell {
        Cell::Number {
            shown: format!("{value:.decimals$}"),
            value,
        }
    }

    /// Text.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// An identifier.
    pub fn code(s: impl Into<String>) -> Cell {
        Cell::Code(s.into())
    }

    fn numeric(&self) -> bool {
        matches!(self, Cell::Number { .. } | Cell::Count(_))
    }

    fn write(&self, out: &mut String, tag: &str) {
        match self {
            Cell::Text(s) => {
                let _ = write!(out, "<{tag}>{}</{tag}>", escape(s));
            }
            Cell::Code(s) => {
                let _ = write!(out, "<{tag}><code>{}</code></{tag}>", escape(s));
            }
            Cell::Number { shown, value } => {
                let _ = write!(
                    out,
                    "<{tag} class=\"num\" data-value=\"{value}\">{}</{tag}>",
                    escape(shown)
                );
            }
            Cell::Count(n) => {
                let _ = write!(out, "<{tag} class=\"num\" data-value=\"{n}\">{n}</{tag}>");
            }
            Cell::Empty => {
                let _ = write!(out, "<{tag} class=\"empty\">—</{tag}>");
            }
        }
    }
}

/// A table: a caption, column headings, and rows whose first cell heads the row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// What the table shows (`data-table`), for scripts and tests.
    pub name: String,
    /// Shown above the table.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Each row: its key (`data-key`, e.g. a member id) and its cells.
    pub rows: Vec<(String, Vec<Cell>)>,
    /// Shown under the table: how to read it.
    pub note: String,
}

impl Table {
    /// An empty table named `name` with `caption` and `columns`.
    pub fn new(name: &str, caption: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            caption: caption.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            note: String::new(),
        }
    }

    /// The same table with `note` under it.
    pub fn with_note(mut self, note: impl Into<String>) -> Table {
        self.note = note.into();
        self
    }

    /// Appends a row keyed `key`.
    pub fn row(&mut self, key: impl Into<String>, cells: Vec<Cell>) {
        self.rows.push((key.into(), cells));
    }

    fn write(&self, out: &mut String) {
        // A column is right-aligned when its cells are numbers.
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|(_, cells)| cells.get(i))
                    .any(Cell::numeric)
            })
            .collect();
        let _ = writeln!(
            out,
            "<div class=\"table\"><table data-table=\"{}\">",
            escape(&self.name)
        );
        if !self.caption.is_empty() {
            let _ = writeln!(out, "<caption>{}</caption>", escape(&self.caption));
        }
        out.push_str("<thead><tr>");
        for (column, &num) in self.columns.iter().zip(&numeric) {
            let class = if num { " class=\"num\"" } else { "" };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(column));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (key, cells) in &self.rows {
            let _ = write!(out, "<tr data-key=\"{}\">", escape(key));
            for (i, cell) in cells.iter().enumerate() {
                cell.write(out, if i == 0 { "th" } else { "td" });
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>");
        if !self.note.is_empty() {
            let _ = write!(out, "\n<p class=\"note\">{}</p>", escape(&self.note));
        }
        out.push_str("</div>\n");
    }
}

/// An HTML document under construction. Text given to its methods is escaped; only
/// [`Page::figure`] takes markup, the SVG this crate draws.
#[derive(Debug)]
pub struct Page {
    kind: Kind,
    title: String,
    body: String,
}

impl Page {
    /// A page of `kind` titled `title` (shown as its heading too), with `subtitle` under it.
    pub fn new(kind: Kind, title: &str, subtitle: &str) -> Page {
        let mut body = String::new();
        let _ = writeln!(
            body,
            "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n</header>",
            escape(subtitle),
            escape(title)
        );
        Page {
            kind,
            title: title.to_string(),
            body,
        }
    }

    /// Opens a section with an `h2` heading; `key` (an untrusted id, escaped) is recorded
    /// in `data-key`.
    pub fn section(&mut self, heading: &str, key: &str) {
        let _ = writeln!(
            self.body,
            "<section data-key=\"{}\">\n<h2>{}</h2>",
            escape(key),
            escape(heading)
        );
    }

    /// Closes the section [`Page::section`] opened.
    pub fn end_section(&mut self) {
        self.body.push_str("</section>\n");
    }

    /// A subheading within a section.
    pub fn subheading(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(text));
    }

    /// A paragraph of text.
    pub fn paragraph(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", escape(text));
    }

    /// A list of (term, value) facts, each value keyed `data-fact` by its term's `key`.
    pub fn facts(&mut self, facts: &[(&str, &str, Cell)]) {
        self.body.push_str("<dl class=\"facts\">\n");
        for (key, term, value) in facts {
            let _ = write!(
                self.body,
                "<div data-fact=\"{}\"><dt>{}</dt>",
                escape(key),
                escape(term)
            );
            value.write(&mut self.body, "dd");
            self.body.push_str("</div>\n");
        }
        self.body.push_str("</dl>\n");
    }

    /// A table.
    pub fn table(&mut self, table: &Table) {
        table.write(&mut self.body);
    }

    /// A figure: `svg` is markup drawn by this crate (its text already escaped by its
    /// drawer), `caption` is text.
    pub fn figure(&mut self, name: &str, svg: &str, caption: &str) {
        let _ = writeln!(
            self.body,
            "<figure data-figure=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            escape(name),
            svg.trim_end(),
            escape(caption)
        );
    }

    /// The finished document.
    pub fn finish(self) -> String {
        let mut out = preamble(self.kind);
        let _ = write!(
            out,
            "<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<meta name=\"generator\" content=\"councilsim {}\"/>\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            env!("CARGO_PKG_VERSION"),
            escape(&self.title)
        );
        out.push_str(&self.body);
        let _ = write!(
            out,
            "<footer>Written by councilsim {}. The same scenario file (check its SHA-256), seed and \
             replications give the same numbers on any machine and any number of threads.</footer>\n\
             </main>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        out
    }
}

/// The page's only style sheet: system fonts (nothing to download), numbers right-aligned
/// in tabular figures, and a print layout that keeps tables and figures whole.
const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --rule: #d8dce3; --band: #f5f7fa; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 28px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
.kicker { margin: 0; color: var(--accent); font-size: 13px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; }
h1 { margin: 4px 0 0; font-size: 28px; line-height: 1.2; font-weight: 650; overflow-wrap: anywhere; }
h2 { margin: 36px 0 10px; font-size: 20px; font-weight: 650; border-bottom: 1px solid var(--rule); padding-bottom: 4px; overflow-wrap: anywhere; }
h3 { margin: 22px 0 6px; font-size: 15px; font-weight: 650; color: var(--muted); }
p { margin: 8px 0; max-width: 72ch; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px 24px; margin: 0 0 8px; }
dl.facts div { border-left: 3px solid var(--rule); padding-left: 10px; min-width: 0; }
dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
dd { margin: 2px 0 0; font-weight: 600; overflow-wrap: anywhere; }
dd.num { font-variant-numeric: tabular-nums; text-align: left; }
div.table { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 4px; }
th, td { padding: 4px 12px 4px 0; text-align: left; vertical-align: baseline; border-bottom: 1px solid var(--rule); }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--ink); white-space: nowrap; }
tbody th { font-weight: 600; }
tbody tr:nth-child(even) { background: var(--band); }
.num { text-align: right; white-space: nowrap; }
.empty { color: var(--muted); text-align: right; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
td code, th code { white-space: nowrap; overflow-wrap: normal; }
figure { margin: 16px 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 72ch; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@media print {
  body { font-size: 10pt; }
  table { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  header { border-bottom-color: #000000; }
  h2 { break-after: avoid; page-break-after: avoid; }
  div.table { overflow: visible; }
  table, figure, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  figure svg { border: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_terminal_controls_are_escaped() {
        assert_eq!(
            escape("</title><script>alert('x')&\"</script>"),
            "&lt;/title&gt;&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;"
        );
        assert_eq!(
            escape("a\u{1b}[2J\u{202e}b\u{0}\u{ffff}"),
            "a\\u{1b}[2J\\u{202e}b\\u{0}\\u{ffff}"
        );
        assert_eq!(escape("Côte d’Ivoire — 2025"), "Côte d’Ivoire — 2025");
    }

    #[test]
    fn a_page_is_well_formed_and_recognised_as_its_kind() {
        let mut page = Page::new(Kind::Sweep, "<b>&", "sub");
        let mut table = Table::new("t", "cap", &["member", "p"]);
        table.row("<X>", vec![Cell::code("<X>"), Cell::share(0.25)]);
        table.row("Y", vec![Cell::code("Y"), Cell::Empty]);
        page.section("s", "k\"");
        page.table(&table);
        page.end_section();
        let text = page.finish();
        assert!(is_own_report(text.as_bytes(), Kind::Sweep));
        assert!(!is_own_report(text.as_bytes(), Kind::Run));
        assert!(!is_own_report(b"<!DOCTYPE html>\n<html>", Kind::Sweep));
        assert!(text.contains("<td class=\"num\" data-value=\"0.25\">25.0%</td>"));
        assert!(text.contains("<th scope=\"col\" class=\"num\">p</th>"));
        assert!(text.contains("<title>&lt;b&gt;&amp;</title>"));
    }
}
