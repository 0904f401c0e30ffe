//! A delegation's brief ([`crate::brief::Brief`]) as text for a terminal, Markdown for a
//! handout, or HTML for the classroom page.
//!
//! The three share one layout: the brief becomes a list of `Block`s (headings,
//! paragraphs, lists, figure tables), and each format writes the blocks with its own
//! escaping. Every string that can come from a scenario file (names, labels, provision
//! texts, ids) is escaped for the format: control characters written out for the terminal,
//! Markdown punctuation backslash-escaped, HTML special characters as entities — a
//! scenario named `<script>…` shows as text everywhere.

use super::html::escape;
use super::printable::printable;
use crate::brief::{num, signed, Brief, DraftView, Role};
use crate::model::Model;
use std::fmt::Write;

/// One piece of the layout.
enum Block {
    /// Title of the whole brief.
    Title(String),
    /// A section heading.
    Section(String),
    /// A heading inside a section.
    Sub(String),
    /// A paragraph.
    Para(String),
    /// A bulleted list.
    List(Vec<String>),
    /// Figures as name/value pairs.
    Figures(Vec<(String, String)>),
}

fn layout(brief: &Brief) -> Vec<Block> {
    let mut out = Vec::new();
    out.push(Block::Title(format!(
        "Private brief: {} ({})",
        brief.name, brief.id
    )));
    out.push(Block::Para(format!("Scenario: {}", brief.scenario)));

    out.push(Block::Section("Your role".to_string()));
    for w in &brief.role_words {
        out.push(Block::Para(w.clone()));
    }

    out.push(Block::Section(
        "What you want (what you care about most first)".to_string(),
    ));
    out.push(Block::List(
        brief.wants.iter().map(|w| w.words.clone()).collect(),
    ));
    out.push(Block::Para(brief.how_delta_works.clone()));

    for draft in &brief.drafts {
        draft_blocks(brief, draft, &mut out);
    }

    if brief.role == Role::Member {
        out.push(Block::Section("Your bloc".to_string()));
        if brief.blocs.is_empty() {
            out.push(Block::Para(
                "You belong to no bloc: you always cast your own vote.".to_string(),
            ));
        } else {
            out.push(Block::List(
                brief.blocs.iter().map(|b| b.words.clone()).collect(),
            ));
        }
    }

    out.push(Block::Section("Lobbying".to_string()));
    if brief.lobbied_by.is_empty() {
        out.push(Block::Para("Nobody lobbies you.".to_string()));
    } else {
        out.push(Block::List(
            brief.lobbied_by.iter().map(|l| l.words.clone()).collect(),
        ));
    }
    if brief.lobbies.is_empty() {
        out.push(Block::Para("You lobby nobody.".to_string()));
    } else {
        out.push(Block::List(
            brief.lobbies.iter().map(|l| l.words.clone()).collect(),
        ));
    }

    out.push(Block::Section("What you sponsor".to_string()));
    let mut sponsored = Vec::new();
    if !brief.sponsors.is_empty() {
        sponsored.push(format!("Amendments: {}.", brief.sponsors.join(", ")));
    }
    if !brief.moves.is_empty() {
        sponsored.push(format!("Motions: {}.", brief.moves.join(", ")));
    }
    let pens: Vec<&str> = brief
        .drafts
        .iter()
        .filter(|d| d.you_hold_the_pen)
        .map(|d| d.id.as_str())
        .collect();
    if !pens.is_empty() {
        sponsored.push(format!("You hold the pen on: {}.", pens.join(", ")));
    }
    if sponsored.is_empty() {
        out.push(Block::Para(
            "You sponsor no amendment, move no motion and hold no pen.".to_string(),
        ));
    } else {
        out.push(Block::List(sponsored));
    }
    out
}

fn draft_blocks(brief: &Brief, draft: &DraftView, out: &mut Vec<Block>) {
    let member = brief.role == Role::Member;
    out.push(Block::Section(format!(
        "Draft {}: {}",
        draft.id, draft.title
    )));
    out.push(Block::Para(format!(
        "Penholder: {}. Vote on day {}{}.",
        draft.penholder,
        num(draft.vote_day),
        if draft.procedural {
            " (a procedural decision: no veto)"
        } else {
            ""
        }
    )));
    let mut figures = vec![
        ("Δ as circulated".to_string(), signed(draft.delta)),
        ("yes threshold a".to_string(), num(draft.yes_threshold)),
        ("no threshold b".to_string(), num(draft.no_threshold)),
    ];
    if member {
        figures.push(("noise τ".to_string(), num(draft.temperature)));
        figures.push(("your vote now".to_string(), draft.vote_now.to_string()));
        if let Some([y, a, n]) = draft.probabilities {
            figures.push((
                "odds yes / abstain / no".to_string(),
                format!("{:.0}% / {:.0}% / {:.0}%", y * 100.0, a * 100.0, n * 100.0),
            ));
        }
    } else {
        let stance = match draft.vote_now {
            "yes" => "content",
            "no" => "opposed",
            _ => "asking for changes",
        };
        figures.push(("your stance now".to_string(), stance.to_string()));
    }
    out.push(Block::Figures(figures));
    for w in &draft.words {
        out.push(Block::Para(w.clone()));
    }

    out.push(Block::Sub(if member {
        "Red lines (what makes you vote no) and what wins your yes".to_string()
    } else {
        "Red lines (what makes you oppose it) and what would content you".to_string()
    }));
    out.push(Block::Para(
        "Each line moves the text on one dimension only, the rest as circulated.".to_string(),
    ));
    let mut lines = Vec::new();
    for dim in &draft.dimensions {
        let mut line = dim.words.join(" ");
        if !dim.provisions.is_empty() {
            let quoted: Vec<String> = dim
                .provisions
                .iter()
                .map(|p| format!("{} \"{}\" ({})", p.provision, p.text, num(p.position)))
                .collect();
            line.push_str(&format!(" The text's words here: {}.", quoted.join("; ")));
        }
        lines.push(line);
    }
    out.push(Block::List(lines));

    if !draft.amendments.is_empty() {
        out.push(Block::Sub("Amendments".to_string()));
        out.push(Block::List(
            draft.amendments.iter().map(|a| a.words.clone()).collect(),
        ));
    }
    if !draft.motions.is_empty() {
        out.push(Block::Sub("Motions".to_string()));
        out.push(Block::List(
            draft.motions.iter().map(|m| m.words.clone()).collect(),
        ));
    }
}

/// Lines of at most `width` characters (longer words stay whole), the first starting with
/// `first`, the others with `rest`.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    // Nothing but the prefix on the line yet: the next word follows it without a space.
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = line.chars().count() + 1 + word.chars().count();
        if !empty && len > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

const WIDTH: usize = 92;

/// The brief as plain text for a terminal (wrapped at 92 columns, control characters of
/// scenario strings written out).
pub fn text(_model: &Model, brief: &Brief) -> String {
    let mut out = String::new();
    for block in layout(brief) {
        match block {
            Block::Title(t) => {
                let t = printable(&t);
                let _ = writeln!(out, "{t}\n{}\n", "=".repeat(t.chars().count()));
            }
            Block::Section(t) => {
                let t = printable(&t);
                let _ = writeln!(out, "{t}\n{}\n", "-".repeat(t.chars().count()));
            }
            Block::Sub(t) => {
                let _ = writeln!(out, "{}:\n", printable(&t));
            }
            Block::Para(p) => {
                out.push_str(&wrap(&printable(&p), WIDTH, "", ""));
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str(&wrap(&printable(&item), WIDTH, "  - ", "    "));
                }
                out.push('\n');
            }
            Block::Figures(pairs) => {
                let w = pairs
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in pairs {
                    let pad = w - k.chars().count();
                    let _ = writeln!(out, "  {k}{}  {}", " ".repeat(pad), printable(&v));
                }
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Escapes `text` for Markdown: control characters written out, and every character that
/// Markdown or inline HTML would read as markup backslash-escaped.
fn md(text: &str) -> String {
    let text = printable(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The brief as Markdown (a handout).
pub fn markdown(_model: &Model, brief: &Brief) -> String {
    let mut out = String::new();
    for block in layout(brief) {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "# {}\n", md(&t));
            }
            Block::Section(t) => {
                let _ = writeln!(out, "## {}\n", md(&t));
            }
            Block::Sub(t) => {
                let _ = writeln!(out, "### {}\n", md(&t));
            }
            Block::Para(p) => {
                let _ = writeln!(out, "{}\n", md(&p));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", md(&item));
                }
                out.push('\n');
            }
            Block::Figures(pairs) => {
                out.push_str("| figure | value |\n|---|---|\n");
                for (k, v) in pairs {
                    let _ = writeln!(out, "| {} | {} |", md(&k), md(&v));
                }
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The brief as an HTML fragment, `<section class="brief">…</section>`, for a page to embed
/// (headings from `h2` down; every scenario string escaped).
pub fn html(_model: &Model, brief: &Brief) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section class=\"brief\" data-seat=\"{}\">",
        escape(&brief.id)
    );
    for block in layout(brief) {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(&t));
            }
            Block::Section(t) => {
                let _ = writeln!(out, "<h3>{}</h3>", escape(&t));
            }
            Block::Sub(t) => {
                let _ = writeln!(out, "<h4>{}</h4>", escape(&t));
            }
            Block::Para(p) => {
                let _ = writeln!(out, "<p>{}</p>", escape(&p));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(&item));
                }
                out.push_str("</ul>\n");
            }
            Block::Figures(pairs) => {
                out.push_str("<table class=\"figures\">\n");
                for (k, v) in pairs {
                    let _ = writeln!(
                        out,
                        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                        escape(&k),
                        escape(&v)
                    );
                }
                out.push_str("</table>\n");
            }
        }
    }
    out.push_str("</section>\n");
    out
}

/// A complete, self-contained HTML page around [`html`]: inline style, no external asset,
/// so the file opens anywhere and prints as a handout.
pub fn page(model: &Model, brief: &Brief) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Brief: {} ({}) — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        escape(&brief.name),
        escape(&brief.id),
        escape(&brief.scenario),
        html(model, brief)
    )
}

const STYLE: &str = "body { font-family: sans-serif; max-width: 48rem; margin: 2rem auto; \
padding: 0 1rem; line-height: 1.5; color: #222; }
.brief h2 { border-bottom: 2px solid #333; }
.brief h3 { margin-top: 2rem; border-bottom: 1px solid #aaa; }
.brief table.figures { border-collapse: collapse; }
.brief table.figures th { text-align: left; font-weight: normal; padding-right: 1.5rem; }
.brief table.figures td { font-variant-numeric: tabular-nums; }
@media print { body { margin: 0; max-width: none; } }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "one two three four five six seven eight nine ten";
        let wrapped = wrap(text, 12, "  - ", "    ");
        for line in wrapped.lines() {
            assert!(
                line.chars().count() <= 12 || !line.trim().contains(' '),
                "{line}"
            );
        }
        let words: Vec<&str> = wrapped.split_whitespace().filter(|w| *w != "-").collect();
        assert_eq!(words.join(" "), text);
    }

    #[test]
    fn markup_in_scenario_strings_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(md("*a* <b> [c](d)"), "\\*a\\* \\<b\\> \\[c\\](d)");
        assert_eq!(escape("a\u{1b}[2J"), "a\\u{1b}[2J");
    }
}
