//! Text that is safe to show on a terminal.
//!
//! Names, titles, provision texts and ids come from scenario files and reach the terminal
//! in diagnostics, tables, traces and progress lines. A control character in them could
//! retitle the window (`ESC ] 0 ; … BEL`), clear the screen (`ESC [ 2 J`) or hide text, and
//! a bidirectional override could make text read differently from what it is. Every
//! human-readable output passes through these functions, which write such characters as
//! Rust-style escapes (`\u{1b}`); JSON, CSV and SVG have escaping of their own.

use std::borrow::Cow;

/// True for a character that must not reach a terminal as is: C0 and C1 controls, DEL,
/// and the bidirectional embedding, override and isolate marks.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u{XX}`, line breaks and tabs included
/// (for a single field: a name, an id, a message).
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// `text` with every unsafe character written as `\u{XX}`, except line feeds and tabs
/// (and the `\r` of a `\r\n`), for whole reports of several lines.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let needs = |(i, c): (usize, char)| {
        unsafe_char(c) && !keep(c) && !(c == '\r' && keep('\n') && text[i + 1..].starts_with('\n'))
    };
    if !text.char_indices().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if needs((i, c)) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_are_written_out() {
        assert_eq!(
            printable("a\u{1b}]0;pwned\u{7}b\u{1b}[2J\u{9b}\u{202e}"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2J\\u{9b}\\u{202e}"
        );
        assert_eq!(printable("two\nlines\t"), "two\\u{a}lines\\u{9}");
        assert_eq!(printable_lines("two\r\nlines\t\r"), "two\r\nlines\t\\u{d}");
        assert!(matches!(printable("Côte d’Ivoire"), Cow::Borrowed(_)));
    }
}
