//! How errors read on stderr: an error and its causes on one line, and the
//! located problems of input files and command-line arguments one per line,
//! each followed by its excerpt (the culprit underlined, as rustc shows it),
//! coloured only when stderr is a terminal and `NO_COLOR` is not set.

use std::error::Error;
use std::io::IsTerminal;

use ipwarm::scenario::{self, ScenarioError, Style};
use ipwarm::sweep::{ArgError, CompareError, ExperimentError};

/// How excerpts are drawn on stderr: coloured for a terminal, unless
/// `NO_COLOR` is set to anything but the empty string (no-color.org).
pub fn stderr_style() -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && std::io::stderr().is_terminal() { Style::Colored } else { Style::Plain }
}

/// `error` and its causes, `: `-separated, each cause left out when the text
/// before it already says it (an error that shows its source, such as
/// "cannot read x.toml: No such file or directory", would otherwise repeat it).
/// Located problems are drawn with their excerpts ([`describe`]).
pub fn message(error: &anyhow::Error) -> String {
    let style = stderr_style();
    let mut text = error.to_string();
    let mut shown = describe(error.as_ref(), style);
    for cause in error.chain().skip(1) {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
            shown.push_str(": ");
            shown.push_str(&describe(cause, style));
        }
    }
    shown
}

/// One error as stderr shows it: the problems of an invalid scenario,
/// experiment or `--strategy` argument each with its excerpt, anything else
/// as it displays.
pub fn describe(error: &(dyn Error + 'static), style: Style) -> String {
    if let Some(ScenarioError::Invalid { problems }) = error.downcast_ref::<ScenarioError>() {
        return scenario::render_problems(problems, style);
    }
    if let Some(ExperimentError::Invalid { problems }) = error.downcast_ref::<ExperimentError>() {
        return scenario::render_problems(problems, style);
    }
    if let Some(e) = error.downcast_ref::<ArgError>() {
        return arguments(&e.problems, style);
    }
    if let Some(e) = error.downcast_ref::<CompareError>() {
        let files = scenario::render_problems(&e.problems, style);
        return [arguments(&e.arguments, style), files]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    error.to_string()
}

/// Problems of command-line arguments, a blank line between two.
fn arguments(problems: &[ipwarm::sweep::ArgProblem], style: Style) -> String {
    problems.iter().map(|p| p.render(style)).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let shows_its_source = ScenarioError::Io { path: "x.toml".into(), source: io() };
        let e = anyhow::Error::new(shows_its_source);
        assert_eq!(e.chain().count(), 2);
        assert_eq!(message(&e), "cannot read scenario file x.toml: no such file");
        assert_eq!(message(&e.context("outer")), "outer: cannot read scenario file x.toml: no such file");
        let chained = anyhow::Error::new(io()).context("cannot read x.toml");
        assert_eq!(message(&chained), "cannot read x.toml: no such file");
    }

    #[test]
    fn located_problems_are_drawn_with_their_excerpts() {
        let text = scenario::DEFAULT_SCENARIO_TOML.replace("horizon_days = 56", "horizon_days = -1");
        let e = scenario::parse(&text, "bad.toml").expect_err("invalid");
        let first = e.to_string();
        let shown = describe(&e, Style::Plain);
        assert!(shown.starts_with(&format!("{first}\n")), "the first line is the problem's own: {shown}");
        assert!(shown.contains(" | horizon_days = -1\n"), "{shown}");
        assert!(shown.ends_with(&format!("|{}^^", " ".repeat(16))), "{shown}");
        assert!(!describe(&e, Style::Colored).eq(&shown));
    }
}
