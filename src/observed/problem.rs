//! Located problems of observed-data files (`file:line[:col]: message`) and
//! the collector that keeps every one of them up to a cap, plus the summary of
//! records skipped on purpose (by reason, with a count and the first place).

use std::collections::BTreeMap;
use std::fmt;

/// Most problems kept per call; reading stops at the next one.
pub const MAX_PROBLEMS: usize = 100;

/// Most distinct skip reasons kept; later ones are counted under one reason
/// (a hostile log with a new event type on every line must not grow memory).
pub const MAX_SKIP_REASONS: usize = 50;

/// Longest excerpt of a culprit value quoted in a message (characters).
const MAX_QUOTED_CHARS: usize = 60;

/// Where in an input file: its name as given, line (from 1) and, where known,
/// column (from 1, in characters of the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub source: String,
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1, where known.
    pub column: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

/// One problem of an input file: `file:line[:col]: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedProblem {
    /// Where.
    pub location: Location,
    /// What, lower-case, without a trailing period.
    pub message: String,
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every problem found, up to [`MAX_PROBLEMS`].
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<LocatedProblem>,
    truncated: bool,
}

impl Problems {
    /// Records a problem; past the cap, only notes that there were more.
    pub fn push(&mut self, location: Location, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(LocatedProblem { location, message: message.into() });
        } else {
            self.truncated = true;
        }
    }

    /// Whether the cap is reached: readers stop there.
    pub fn full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    /// Whether none was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether more problems were found than kept.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The problems kept.
    pub fn into_vec(self) -> Vec<LocatedProblem> {
        self.list
    }
}

/// What went wrong reading observed data: every problem kept, in file order.
#[derive(Debug, thiserror::Error)]
#[error("{}", render(.problems, *.truncated))]
pub struct ObservedError {
    /// The problems, at most [`MAX_PROBLEMS`].
    pub problems: Vec<LocatedProblem>,
    /// Whether reading stopped at the cap.
    pub truncated: bool,
}

impl From<Problems> for ObservedError {
    fn from(p: Problems) -> Self {
        let truncated = p.truncated();
        Self { problems: p.into_vec(), truncated }
    }
}

/// One problem a line, and a last line saying reading stopped at the cap.
fn render(problems: &[LocatedProblem], truncated: bool) -> String {
    let mut lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if truncated {
        lines.push(format!("(stopped after {MAX_PROBLEMS} problems)"));
    }
    lines.join("\n")
}

/// Records skipped on purpose (irrelevant to the daily counts), by reason.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Skips {
    by_reason: BTreeMap<String, (u64, Location)>,
}

/// One line of the skip summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    /// Why such records are skipped (`event type Click`, `non-delivery line`).
    pub reason: String,
    /// How many were skipped.
    pub count: u64,
    /// Where the first one was.
    pub first: Location,
}

impl Skips {
    /// Notes one record skipped for `reason` at `location` (built only for the first).
    pub fn add(&mut self, reason: &str, location: impl FnOnce() -> Location) {
        let reason = if self.by_reason.len() >= MAX_SKIP_REASONS && !self.by_reason.contains_key(reason) {
            "other reasons (too many distinct ones to list)"
        } else {
            reason
        };
        match self.by_reason.get_mut(reason) {
            Some((count, _)) => *count += 1,
            None => {
                self.by_reason.insert(reason.to_string(), (1, location()));
            }
        }
    }

    /// Adds every skip of `other`, keeping the first location seen.
    pub fn merge(&mut self, other: Skips) {
        for (reason, (count, first)) in other.by_reason {
            self.by_reason.entry(reason).and_modify(|(c, _)| *c += count).or_insert((count, first));
        }
    }

    /// The summary, by reason.
    pub fn list(&self) -> Vec<Skip> {
        let to_skip = |(reason, (count, first)): (&String, &(u64, Location))| Skip {
            reason: reason.clone(),
            count: *count,
            first: first.clone(),
        };
        self.by_reason.iter().map(to_skip).collect()
    }

    /// Whether nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.by_reason.is_empty()
    }
}

/// `text` quoted for a message, cut to a few dozen characters, control
/// characters escaped (a hostile log must not write to the user's terminal).
pub fn quoted(text: &str) -> String {
    let cut: String = text.chars().take(MAX_QUOTED_CHARS).collect();
    let more = if text.chars().nth(MAX_QUOTED_CHARS).is_some() { "..." } else { "" };
    format!("{cut:?}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> Location {
        Location { source: "f.log".into(), line, column: None }
    }

    #[test]
    fn problems_are_located_and_capped() {
        let mut p = Problems::default();
        p.push(Location { column: Some(3), ..at(2) }, "bad");
        assert_eq!(p.into_vec()[0].to_string(), "f.log:2:3: bad");
        let mut p = Problems::default();
        for i in 0..(MAX_PROBLEMS as u64 + 5) {
            p.push(at(i + 1), "x");
        }
        assert!(p.full() && p.truncated());
        let e = ObservedError::from(p);
        assert_eq!(e.problems.len(), MAX_PROBLEMS);
        assert!(e.to_string().ends_with("(stopped after 100 problems)"));
    }

    #[test]
    fn skips_count_by_reason_and_keep_the_first_place() {
        let mut s = Skips::default();
        s.add("click", || at(3));
        s.add("click", || at(9));
        let mut t = Skips::default();
        t.add("click", || at(1));
        t.add("open", || at(2));
        s.merge(t);
        let list = s.list();
        assert_eq!((list[0].count, list[0].first.line, list[1].reason.as_str()), (3, 3, "open"));
        assert_eq!(quoted("a\u{1b}b"), "\"a\\u{1b}b\"");
        assert!(quoted(&"x".repeat(100)).ends_with("\"..."));
    }
}
