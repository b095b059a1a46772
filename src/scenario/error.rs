//! Errors of scenario loading: located [`Problem`]s and [`ScenarioError`].

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

/// One problem in a scenario file, located at a 1-based line and column.
///
/// Displays as `file:line:col: key.path: message`, e.g.
/// `scenario.toml:12:9: audience.size: must be > 0, got -5`.
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
            other => {
                let message = other.to_string();
                vec![Problem { file: file.to_string(), line: 1, col: 1, key_path: String::new(), message }]
            }
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
    fn control_characters_are_escaped() {
        let p = Problem {
            file: "s.toml".into(),
            line: 3,
            col: 1,
            key_path: "audience.providers.\"\u{1b}[31mx\"".into(),
            message: "unknown provider `\u{1b}[31mx`\nnext".into(),
        };
        assert_eq!(
            p.to_string(),
            "s.toml:3:1: audience.providers.\"\\u{1b}[31mx\": unknown provider `\\u{1b}[31mx`\\nnext"
        );
    }
}
