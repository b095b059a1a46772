//! Errors of scenario loading: located [`Problem`]s and [`ScenarioError`].

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::excerpt::{self, Excerpt, Style};

/// One problem in a scenario file, located at a 1-based line and column.
///
/// Displays as `file:line:col: key.path: message`, e.g.
/// `scenario.toml:12:9: audience.size: must be > 0, got -5`; [`Problem::render`]
/// adds the excerpt of the file with the culprit underlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Display name of the file.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub col: usize,
    /// Path of the key concerned, e.g. `audience.segments[2].share`; empty if
    /// the problem is not tied to a key (e.g. some syntax errors).
    pub key_path: String,
    /// What is wrong: lower case, no trailing period.
    pub message: String,
    /// Where the culprit is in the file's text, for excerpts; `None` if the
    /// problem is about a whole file (one that cannot be read) or a missing
    /// top-level key.
    pub span: Option<Span>,
}

/// The culprit of a [`Problem`] in the text of its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The whole text of the file, shared by the problems of the file.
    pub text: Arc<str>,
    /// The culprit: a byte range of `text` (empty: a point between two characters).
    pub bytes: Range<usize>,
}

impl Problem {
    /// A problem of the whole file `file` (located at 1:1, tied to no key).
    pub(crate) fn of_file(file: &str, message: String) -> Self {
        Self { file: file.to_string(), line: 1, col: 1, key_path: String::new(), message, span: None }
    }

    /// The problem's line (as displayed), then, if it has a span, the lines
    /// of the file it covers with carets under the culprit and the suggested
    /// replacement in place, as rustc shows them:
    ///
    /// ```text
    /// bad.toml:4:8: audience.size: must be > 0, got -5
    ///   |
    /// 4 | size = -5
    ///   |        ^^
    /// ```
    pub fn render(&self, style: Style) -> String {
        let mut out = self.to_string();
        if let Some(span) = &self.span {
            let culprit = span.text.get(span.bytes.clone()).unwrap_or_default();
            let suggestion = excerpt::suggestion(&self.message, &self.key_path, culprit);
            let shown = Excerpt { text: &span.text, span: span.bytes.clone(), line: Some(self.line), suggestion };
            out.push('\n');
            out.push_str(&excerpt::render(&shown, style));
        }
        out
    }
}

/// `problems` rendered one after the other ([`Problem::render`]), a blank line after each excerpt.
pub fn render_problems(problems: &[Problem], style: Style) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            if problems[i - 1].span.is_some() {
                out.push('\n');
            }
        }
        out.push_str(&p.render(style));
    }
    out
}

impl fmt::Display for Problem {
    /// One line; control characters of the key path and message (from names or
    /// values quoted in them) are escaped (`\u{1b}`), so that they never reach a
    /// terminal as such.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.col)?;
        if !self.key_path.is_empty() {
            write!(f, "{}: ", escape_controls(&self.key_path))?;
        }
        f.write_str(&escape_controls(&self.message))
    }
}

/// `text` with each control character escaped as Rust does (`\n`, `\u{1b}`).
fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect(),
    )
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("cannot read scenario file {}: {source}", path.display())]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`super::MAX_INPUT_BYTES`] (or never ends).
    #[error("{}", super::InputError::TooLarge { path: path.clone() })]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file was read but is not a valid scenario: every problem found,
    /// sorted by position; displayed one per line.
    #[error("{}", lines(problems))]
    Invalid {
        /// The problems, sorted by (line, column).
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    /// The problems of an invalid scenario; any other error as one problem at
    /// 1:1 of `file` (for callers that gather the problems of several files).
    pub fn into_problems(self, file: &str) -> Vec<Problem> {
        match self {
            ScenarioError::Invalid { problems } => problems,
            other => vec![Problem::of_file(file, other.to_string())],
        }
    }
}

fn lines(problems: &[Problem]) -> String {
    problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_format() {
        let p = Problem {
            file: "scenario.toml".into(),
            line: 12,
            col: 9,
            key_path: "audience.size".into(),
            message: "must be > 0, got -5".into(),
            span: None,
        };
        assert_eq!(p.to_string(), "scenario.toml:12:9: audience.size: must be > 0, got -5");
        let q = Problem { key_path: String::new(), line: 1, col: 1, ..p.clone() };
        let e = ScenarioError::Invalid { problems: vec![q, p] };
        assert_eq!(
            e.to_string(),
            "scenario.toml:1:1: must be > 0, got -5\nscenario.toml:12:9: audience.size: must be > 0, got -5"
        );
    }

    #[test]
    fn problems_carry_the_span_of_their_culprit_and_render_it() {
        let text = crate::scenario::DEFAULT_SCENARIO_TOML
            .replace("horizon_days = 56", "horizon_dayz = 56")
            .replacen("size = 200000", "size = -5", 1)
            .replacen("name = \"default\"", "", 1);
        let Err(ScenarioError::Invalid { problems }) = crate::scenario::parse(&text, "bad.toml") else {
            panic!("invalid");
        };
        let culprit = |key: &str| {
            let p = problems.iter().find(|p| p.key_path == key).unwrap_or_else(|| panic!("{key}: {problems:?}"));
            p.span.as_ref().map(|s| s.text[s.bytes.clone()].to_string())
        };
        assert_eq!(culprit("horizon_dayz").as_deref(), Some("horizon_dayz"), "a key is underlined");
        assert_eq!(culprit("audience.size").as_deref(), Some("-5"), "a value is underlined");
        assert_eq!(culprit("name"), None, "a missing top-level key has no line to show");
        let shown = render_problems(&problems, Style::Plain);
        let first_lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
        for line in &first_lines {
            assert!(shown.lines().any(|l| l == line), "each first line is kept whole: {shown}");
        }
        assert!(shown.contains("\n   | ^^^^^^^^^^^^\n"), "{shown}");
        assert!(shown.contains("\nhelp: did you mean `horizon_days`?\n"), "{shown}");
        // A problem without a span is its line alone.
        let alone = Problem::of_file("x.toml", "cannot read".into());
        assert_eq!(
            render_problems(&[alone.clone(), alone], Style::Plain),
            "x.toml:1:1: cannot read\nx.toml:1:1: cannot read"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let p = Problem {
            file: "s.toml".into(),
            line: 3,
            col: 1,
            key_path: "audience.providers.\"\u{1b}[31mx\"".into(),
            message: "unknown provider `\u{1b}[31mx`\nnext".into(),
            span: None,
        };
        assert_eq!(
            p.to_string(),
            "s.toml:3:1: audience.providers.\"\\u{1b}[31mx\": unknown provider `\\u{1b}[31mx`\\nnext"
        );
    }
}
