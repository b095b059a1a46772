//! Excerpts: the lines of an input with the culprit of a problem underlined,
//! and a suggested replacement shown in place, as rustc and cargo show them.
//!
//! ```text
//! bad.toml:33:1: horizon_dayz: unknown key, did you mean `horizon_days`?
//!    |
//! 33 | horizon_dayz = 56
//!    | ^^^^^^^^^^^^
//!    |
//! help: did you mean `horizon_days`?
//!    |
//! 33 - horizon_dayz = 56
//! 33 + horizon_days = 56
//!    |
//! ```
//!
//! The first line is the problem's own (`file:line:col: key.path: message`,
//! which scripts grep); what follows is drawn by `annotate-snippets`, the
//! renderer cargo uses, from the byte span that the locator (`locate.rs`)
//! found. Drawing is all this module does: it returns text, and the CLI
//! decides where it goes and whether it is coloured ([`Style`]).

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};

/// How an excerpt is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Text only: for pipes, files and tests.
    #[default]
    Plain,
    /// With ANSI colours, for a terminal.
    Colored,
}

/// What an excerpt shows.
#[derive(Debug, Clone)]
pub(crate) struct Excerpt<'a> {
    /// The text the problem is in: a whole file, or a command line.
    pub(crate) text: &'a str,
    /// The culprit: a byte range of `text` (empty: a point between two characters).
    pub(crate) span: Range<usize>,
    /// The line number of `span.start` in a file; `None` for a command line,
    /// which is shown whole and without line numbers.
    pub(crate) line: Option<usize>,
    /// A replacement of the culprit to offer, if any (quoted as the culprit is).
    pub(crate) suggestion: Option<&'a str>,
}

/// The excerpt drawn below a problem's first line: the lines `span` covers,
/// carets under it, then the suggested replacement shown in place, if any.
/// Control characters are escaped as the first line escapes them (`\u{1b}`);
/// line breaks and tabs of a file are kept.
pub(crate) fn render(excerpt: &Excerpt<'_>, style: Style) -> String {
    let span = char_span(excerpt.text, excerpt.span.clone());
    let (region, span) = match excerpt.line {
        Some(_) => lines_around(excerpt.text, span),
        None => (excerpt.text, span),
    };
    let keep: &[char] = if excerpt.line.is_some() { &['\n', '\r', '\t'] } else { &[] };
    let (shown, span) = escape(region, span, keep);
    let numbered = excerpt.line.is_some();
    let line = excerpt.line.unwrap_or(1);
    let culprit = Snippet::source(shown.as_str())
        .line_start(line)
        .line_numbering(numbered)
        .annotation(AnnotationKind::Primary.span(span.clone()));
    let mut groups = vec![Group::with_level(Level::ERROR).element(culprit)];
    if let Some(suggested) = excerpt.suggestion.filter(|s| !s.is_empty() && !s.chars().any(char::is_control)) {
        let replacement = quoted_as(&shown[span.clone()], suggested);
        let patched = Snippet::source(shown.as_str())
            .line_start(line)
            .line_numbering(numbered)
            .patch(Patch::new(span, replacement));
        groups.push(Level::HELP.secondary_title(format!("did you mean `{suggested}`?")).element(patched));
    }
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Colored => Renderer::styled(),
    };
    renderer.render(&groups)
}

/// The replacement `word` offered for a culprit in `message` ("..., did you
/// mean `word`?"), if the message is about the culprit: it names it (`culprit`
/// in backticks) or its key path ends with it. Quotes around the culprit are
/// ignored (`"sise"` is the key `sise`).
pub(crate) fn suggestion<'m>(message: &'m str, key_path: &str, culprit: &str) -> Option<&'m str> {
    let (_, word) = message.strip_suffix("`?")?.rsplit_once("did you mean `")?;
    let culprit = unquoted(culprit);
    let named = !culprit.is_empty()
        && (message.contains(&format!("`{culprit}`")) || key_path.rsplit('.').next() == Some(culprit));
    named.then_some(word)
}

/// `text` without one pair of matching quotes around it.
fn unquoted(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

/// `word` quoted as `culprit` is (`"sise"` -> `"size"`).
fn quoted_as(culprit: &str, word: &str) -> String {
    match culprit.chars().next() {
        Some(q @ ('"' | '\'')) if unquoted(culprit).len() + 2 == culprit.len() => format!("{q}{word}{q}"),
        _ => word.to_string(),
    }
}

/// `span` inside `text`, its ends moved back to character boundaries.
fn char_span(text: &str, span: Range<usize>) -> Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    start..floor(span.end).max(start)
}

/// The whole lines of `text` that `span` touches, and `span` within them.
fn lines_around(text: &str, span: Range<usize>) -> (&str, Range<usize>) {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
    (&text[start..end], span.start - start..span.end - start)
}

/// `text` with every control character but `keep` escaped as Rust does
/// (`\u{1b}`), and `span` (at character boundaries) moved along.
fn escape(text: &str, span: Range<usize>, keep: &[char]) -> (String, Range<usize>) {
    let mut out = String::with_capacity(text.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in text.char_indices() {
        if i == span.start {
            start = Some(out.len());
        }
        if i == span.end {
            end = Some(out.len());
        }
        if c.is_control() && !keep.contains(&c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let len = out.len();
    (out, start.unwrap_or(len)..end.unwrap_or(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, culprit: &str, line: Option<usize>, suggestion: Option<&str>) -> String {
        let start = text.find(culprit).expect("culprit in text");
        render(&Excerpt { text, span: start..start + culprit.len(), line, suggestion }, Style::Plain)
    }

    #[test]
    fn the_culprits_line_is_shown_with_carets_under_it() {
        let text = "name = \"x\"\n[audience]\nsize = -5\n";
        assert_eq!(excerpt(text, "-5", Some(3), None), "  |\n3 | size = -5\n  |        ^^");
    }

    #[test]
    fn a_suggestion_is_shown_in_place_keeping_quotes() {
        let text = "[audience]\n\"sise\" = 3\n";
        let shown = excerpt(text, "\"sise\"", Some(2), Some("size"));
        assert!(shown.contains("help: did you mean `size`?"), "{shown}");
        assert!(shown.contains("2 - \"sise\" = 3\n2 + \"size\" = 3"), "{shown}");
    }

    #[test]
    fn a_command_line_has_no_line_numbers_and_its_control_characters_are_escaped() {
        let shown = excerpt("--strategy linear:\u{1b}x=2", "\u{1b}x", None, None);
        assert_eq!(shown, " |\n | --strategy linear:\\u{1b}x=2\n |                   ^^^^^^^");
    }

    #[test]
    fn control_characters_of_a_file_never_reach_the_terminal() {
        let shown = excerpt("a = 1\nb = \"\u{1b}[2J\u{85}\"\n", "\"", Some(2), None);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("b = \"\\u{1b}[2J\\u{85}\""), "{shown}");
    }

    #[test]
    fn empty_spans_and_spans_past_the_end_point_between_characters() {
        let text = "a = [1, 2\n";
        let shown = render(&Excerpt { text, span: 9..9, line: Some(1), suggestion: None }, Style::Plain);
        assert_eq!(shown, "  |\n1 | a = [1, 2\n  |          ^");
        let shown = render(&Excerpt { text: "é", span: 1..99, line: Some(1), suggestion: None }, Style::Plain);
        assert_eq!(shown, "  |\n1 | é\n  | ^");
    }

    #[test]
    fn suggestions_are_offered_only_for_the_culprit() {
        let m = "unknown key, did you mean `size`?";
        assert_eq!(suggestion(m, "audience.sise", "sise"), Some("size"));
        assert_eq!(suggestion(m, "audience.sise", "\"sise\""), Some("size"));
        assert_eq!(
            suggestion("unknown kind `expo`, did you mean `exponential`?", "strategy.kind", "\"expo\""),
            Some("exponential")
        );
        // Located at a table's header, not at the misspelt name: shown in the first line only.
        let m = "provider `gmial` has no share in audience.providers, did you mean `gmail`?";
        assert_eq!(suggestion(m, "providers.gmial", "[providers.gmial]"), None);
        assert_eq!(suggestion("must be > 0, got -5", "audience.size", "-5"), None);
    }

    #[test]
    fn colours_only_when_asked() {
        let text = "size = -5\n";
        let span = 7..9;
        let plain = render(&Excerpt { text, span: span.clone(), line: Some(1), suggestion: None }, Style::Plain);
        let colored = render(&Excerpt { text, span, line: Some(1), suggestion: None }, Style::Colored);
        assert!(!plain.contains('\u{1b}') && colored.contains('\u{1b}'));
    }
}
