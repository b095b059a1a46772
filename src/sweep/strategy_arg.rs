//! `--strategy NAME` and `--strategy NAME:key=value,...` on the command line
//! (`ipwarm run`, `ipwarm compare`): parsed with the position of each part,
//! applied to a scenario, and every problem located in the argument itself.
//!
//! A problem is an [`ArgProblem`], shown as the argument with a caret under the
//! culprit (the name, a key or a value), never as a line of a file the user did
//! not write (the embedded default scenario, or the scenario rewritten with the
//! new `[strategy]` table). The rules:
//! - `NAME` is a kind on its defaults or a preset ([`catalog::by_name`]); it
//!   replaces the scenario's strategy, keeping its segment order.
//! - `NAME:key=value,...` (values in TOML syntax; a bare word is a string)
//!   builds a `[strategy]` table: a kind starts from the scenario's own table
//!   when it is of that kind, else from the kind's defaults; a preset from its
//!   plan. Keys are checked against the kind's parameters (with a suggestion),
//!   then the scenario with that table is validated like a file, and each
//!   problem of a given parameter is located at its value.
//!
//! The excerpt is drawn as a file's problems are (`scenario::excerpt`, with
//! annotate-snippets), without line numbers: the command line is one line.

use std::fmt;
use std::ops::Range;

use crate::scenario::excerpt::{self, Excerpt};
use crate::scenario::{self, Problem, Scenario, Style};
use crate::strategy::presets::{PRESETS, Preset, preset};
use crate::strategy::registry::{self, COMMON, KindEntry, TABLE_KEYS, kinds};
use crate::strategy::{StrategyKind, StrategySpec, catalog};

/// The flag whose arguments this module reads.
const FLAG: &str = "--strategy";

/// A problem of a command-line argument, located in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgProblem {
    /// The flag (`--strategy`).
    pub flag: &'static str,
    /// The argument as given.
    pub arg: String,
    /// The culprit: a byte range of `arg` (an empty range points between two characters).
    pub span: Range<usize>,
    /// What is wrong: lower case, no trailing period.
    pub message: String,
}

impl ArgProblem {
    /// `--strategy: message`, then the command line with carets under the
    /// culprit and the suggested replacement in place, if any:
    ///
    /// ```text
    /// --strategy: unknown parameter `grwth`, did you mean `growth`?
    ///  |
    ///  | --strategy exponential:grwth=2
    ///  |                        ^^^^^
    ///  |
    /// help: did you mean `growth`?
    ///  |
    ///  | --strategy exponential:growth=2
    ///  |                          +
    /// ```
    ///
    /// Control characters are escaped (`\u{1b}`) and the carets placed after escaping.
    pub fn render(&self, style: Style) -> String {
        let line = format!("{} {}", self.flag, self.arg);
        let offset = self.flag.len() + 1;
        let span = self.span.start + offset..self.span.end + offset;
        let culprit = self.arg.get(self.span.clone()).unwrap_or_default();
        let suggestion = excerpt::suggestion(&self.message, "", culprit);
        let shown = excerpt::render(&Excerpt { text: &line, span, line: None, suggestion }, style);
        format!("{}: {}\n{shown}", self.flag, escape(&self.message))
    }
}

impl fmt::Display for ArgProblem {
    /// [`ArgProblem::render`] without colours.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Style::Plain))
    }
}

/// `text` with each control character escaped as Rust does (`\n`, `\u{1b}`).
fn escape(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// Problems of command-line arguments, displayed one after the other.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(ArgProblem::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ArgError {
    /// The problems, in the order of the arguments.
    pub problems: Vec<ArgProblem>,
}

/// A `key=value` of `NAME:key=value,...`.
#[derive(Debug, Clone)]
struct Param {
    key: Range<usize>,
    value: Range<usize>,
    parsed: toml::Value,
}

/// What `NAME` names.
#[derive(Debug, Clone)]
enum Named {
    /// A kind or preset on its defaults (plain `NAME`).
    Whole(StrategyKind, Option<&'static str>),
    /// A kind whose table is given (`NAME:...`).
    Kind(&'static KindEntry),
    /// A preset whose parameters are given (`NAME:...`).
    Preset(&'static Preset),
}

/// A parsed `--strategy` argument, its name resolved and its keys checked.
#[derive(Debug, Clone)]
pub struct StrategyArg {
    flag: &'static str,
    text: String,
    name: Range<usize>,
    named: Named,
    params: Vec<Param>,
}

impl StrategyArg {
    /// Parses `text` (`NAME` or `NAME:key=value,...`): the name must be a
    /// strategy, each key a parameter of it, each value readable. Every
    /// problem is returned at once.
    pub fn parse(text: &str) -> Result<Self, ArgError> {
        Self::parse_flag(FLAG, text)
    }

    /// [`Self::parse`] for another flag that names a strategy (`ipwarm init --preset`).
    pub fn parse_flag(flag: &'static str, text: &str) -> Result<Self, ArgError> {
        let mut problems = Vec::new();
        let at = |span: Range<usize>, message: String| ArgProblem { flag, arg: text.into(), span, message };
        let (name, rest) = match text.find(':') {
            Some(i) => (0..i, Some(i + 1)),
            None => (0..text.len(), None),
        };
        let name_text = &text[name.clone()];
        let named = if name_text.is_empty() {
            problems.push(at(name.clone(), "missing the strategy name (`ipwarm strategies` lists them)".into()));
            None
        } else {
            match resolve(name_text, rest.is_some()) {
                Ok(named) => Some(named),
                Err(message) => {
                    problems.push(at(name.clone(), message));
                    None
                }
            }
        };
        let mut params: Vec<Param> = Vec::new();
        for piece in rest.map(|start| split_pairs(text, start)).unwrap_or_default() {
            let trimmed = trim(text, piece.clone());
            if trimmed.is_empty() {
                continue;
            }
            let Some(eq) = text[trimmed.clone()].find('=').map(|i| trimmed.start + i) else {
                problems.push(at(trimmed, "expected `key=value`".into()));
                continue;
            };
            let key = trim(text, trimmed.start..eq);
            let value = trim(text, eq + 1..trimmed.end);
            let key_text = &text[key.clone()];
            if key.is_empty() {
                problems.push(at(eq..eq + 1, "missing the parameter name before `=`".into()));
                continue;
            }
            if value.is_empty() {
                problems.push(at(eq + 1..eq + 1, format!("missing the value of `{key_text}`")));
                continue;
            }
            if params.iter().any(|p| text[p.key.clone()] == *key_text) {
                problems.push(at(key, format!("`{key_text}` is given twice")));
                continue;
            }
            if let Some(message) = named.as_ref().and_then(|n| key_problem(n, key_text)) {
                problems.push(at(key, message));
                continue;
            }
            match read_value(&text[value.clone()]) {
                Some(parsed) => params.push(Param { key, value, parsed }),
                None => problems.push(at(
                    value,
                    "cannot read the value: write it as in a scenario file (`growth=1.5`, `blend=\"volume\"`, \
                     `daily_volumes=[100,200]`)"
                        .into(),
                )),
            }
        }
        match named {
            Some(named) if problems.is_empty() => Ok(Self { flag, text: text.into(), name, named, params }),
            _ => Err(ArgError { problems }),
        }
    }

    /// The argument as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether it sets parameters (`NAME:key=value,...`) rather than naming a strategy on its defaults.
    pub fn has_parameters(&self) -> bool {
        !matches!(self.named, Named::Whole(..))
    }

    /// `scenario` (validated from `text`, its file's contents) with this strategy.
    pub fn apply(&self, scenario: &Scenario, text: &str) -> Result<Scenario, ArgError> {
        let at_name = |message: String| self.problem(self.name.clone(), message);
        let in_scenario = |message: &str| format!("in scenario `{}`: {message}", scenario.name);
        if let Named::Whole(kind, preset) = &self.named {
            kind.check_ips(&scenario.ips).map_err(|m| ArgError { problems: vec![at_name(in_scenario(&m))] })?;
            let spec =
                StrategySpec { kind: kind.clone(), preset: preset.map(str::to_string), ..scenario.strategy.clone() };
            return Ok(Scenario { strategy: spec, ..scenario.clone() });
        }
        let mut doc: toml::Table = toml::from_str(text).map_err(|e| ArgError {
            problems: vec![at_name(format!("cannot read the scenario `{}`: {}", scenario.name, e.message()))],
        })?;
        let table = self.table(doc.get("strategy").and_then(toml::Value::as_table));
        doc.insert("strategy".into(), toml::Value::Table(table));
        let rewritten = toml::to_string(&doc).map_err(|e| ArgError {
            problems: vec![at_name(format!("cannot write the scenario `{}` back: {e}", scenario.name))],
        })?;
        let label = format!("{} {}", self.flag, self.text);
        scenario::parse(&rewritten, &label).map_err(|e| {
            let mut problems: Vec<ArgProblem> = Vec::new();
            for p in e.into_problems(&label) {
                let located = self.locate(&p, &in_scenario);
                if !problems.contains(&located) {
                    problems.push(located);
                }
            }
            ArgError { problems }
        })
    }

    /// The `[strategy]` table of `NAME:key=value,...`, over the scenario's own table `own`.
    fn table(&self, own: Option<&toml::Table>) -> toml::Table {
        let name = &self.text[self.name.clone()];
        let mut table = match own.filter(|t| t.get("kind").and_then(toml::Value::as_str) == Some(name)) {
            Some(t) => t.clone(),
            None => {
                let mut t = toml::Table::new();
                if let Named::Preset(p) = self.named {
                    t.insert("kind".into(), toml::Value::String("preset".into()));
                    t.insert("name".into(), toml::Value::String(p.name.into()));
                } else {
                    t.insert("kind".into(), toml::Value::String(name.into()));
                }
                for common in COMMON.params {
                    if let Some(v) = own.and_then(|o| o.get(common.key)) {
                        t.insert(common.key.into(), v.clone());
                    }
                }
                t
            }
        };
        for p in &self.params {
            table.insert(self.text[p.key.clone()].to_string(), p.parsed.clone());
        }
        table
    }

    /// The `[strategy]` table that gives the strategy [`Self::apply`] gives a
    /// scenario whose own table is `own`: a kind or preset named alone on its
    /// defaults, keeping `own`'s common keys; `NAME:...` as [`Self::apply`]
    /// builds it. A run's `scenario.toml` records it ([`super::scenario_record`]).
    pub fn strategy_table(&self, own: Option<&toml::Table>) -> toml::Table {
        let Named::Whole(kind, preset) = &self.named else { return self.table(own) };
        let mut t = toml::Table::new();
        match preset {
            Some(p) => {
                t.insert("kind".into(), toml::Value::String("preset".into()));
                t.insert("name".into(), toml::Value::String((*p).into()));
            }
            None => {
                t.insert("kind".into(), toml::Value::String(kind.name().into()));
            }
        }
        for common in COMMON.params {
            if let Some(v) = own.and_then(|o| o.get(common.key)) {
                t.insert(common.key.into(), v.clone());
            }
        }
        t
    }

    /// A problem of the scenario rewritten with this strategy, located in the
    /// argument: at the value of a given parameter, else at the name (where the
    /// key paths `strategy` and `strategy.kind` go without saying).
    fn locate(&self, p: &Problem, in_scenario: &dyn Fn(&str) -> String) -> ArgProblem {
        let message = match p.key_path.as_str() {
            "" | "strategy" | "strategy.kind" => p.message.clone(),
            path => format!("{path}: {}", p.message),
        };
        let key = p.key_path.strip_prefix("strategy.").map(|rest| rest.split(['.', '[']).next().unwrap_or(rest));
        match key.and_then(|k| self.params.iter().find(|q| self.text[q.key.clone()] == *k)) {
            Some(param) => self.problem(param.value.clone(), message),
            None => self.problem(self.name.clone(), in_scenario(&message)),
        }
    }

    fn problem(&self, span: Range<usize>, message: String) -> ArgProblem {
        ArgProblem { flag: self.flag, arg: self.text.clone(), span, message }
    }
}

/// What `name` names; with `parameters`, a kind without defaults is fine (its table is given).
fn resolve(name: &str, parameters: bool) -> Result<Named, String> {
    if !parameters {
        return match catalog::by_name(name) {
            Ok((kind, preset)) => Ok(Named::Whole(kind, preset)),
            Err(catalog::NameError::Unknown { .. }) => {
                Err(scenario::one_of_message("strategy", name, &catalog::names()))
            }
            Err(e) => Err(e.to_string()),
        };
    }
    if let Some(entry) = registry::kind(name) {
        return Ok(Named::Kind(entry));
    }
    if let Some(p) = preset(name) {
        return Ok(Named::Preset(p));
    }
    let mut names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
    names.extend(PRESETS.iter().map(|p| p.name));
    Err(scenario::one_of_message("strategy", name, &names))
}

/// Why `key` cannot be set in strategy `named`, if it cannot.
fn key_problem(named: &Named, key: &str) -> Option<String> {
    let (entry, preset) = match named {
        Named::Whole(..) => return None,
        Named::Kind(entry) => (*entry, None),
        Named::Preset(p) => (p.kind().entry(), Some(p.name)),
    };
    if TABLE_KEYS.contains(&key) {
        return Some(format!("`{key}` is set by the strategy name, before `:`"));
    }
    match (entry.param(key), preset) {
        (Some(spec), Some(p)) if spec.fixed_by_preset => Some(format!(
            "`{key}` cannot be changed in preset `{p}`: write a `{}` strategy with its table instead",
            entry.name
        )),
        (Some(_), _) => None,
        (None, _) if COMMON.params.iter().any(|c| c.key == key) => None,
        (None, _) => {
            let known: Vec<&str> = entry
                .params()
                .filter(|s| !(preset.is_some() && s.fixed_by_preset))
                .chain(COMMON.params)
                .map(|s| s.key)
                .collect();
            Some(scenario::one_of_message("parameter", key, &known))
        }
    }
}

/// A value as TOML (`1.5`, `"volume"`, `[100, 200]`), or a bare word as a string.
fn read_value(text: &str) -> Option<toml::Value> {
    let as_toml = |t: &str| toml::from_str::<toml::Table>(&format!("v = {t}")).ok().and_then(|mut t| t.remove("v"));
    as_toml(text).or_else(|| {
        let bare = !text.contains(['"', '\\', '\n', '\r']);
        bare.then(|| toml::Value::String(text.to_string()))
    })
}

/// The byte ranges of the `key=value` pieces of `text[start..]`: split at
/// commas outside brackets, braces and quotes (`daily_volumes=[1,2,3]` is one).
fn split_pairs(text: &str, start: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let (mut depth, mut quote, mut from) = (0usize, None, start);
    for (i, c) in text[start..].char_indices().map(|(i, c)| (i + start, c)) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                pieces.push(from..i);
                from = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(from..text.len());
    pieces
}

/// `range` of `text` without the white space at its ends.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let piece = &text[range.clone()];
    let start = range.start + (piece.len() - piece.trim_start().len());
    let end = range.end - (piece.len() - piece.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> Scenario {
        scenario::default_scenario().expect("the default scenario is valid")
    }

    fn problems(arg: &str) -> Vec<String> {
        let result = StrategyArg::parse(arg).and_then(|a| a.apply(&default(), scenario::DEFAULT_SCENARIO_TOML));
        result.map(|_| Vec::new()).unwrap_or_else(|e| e.problems.iter().map(ArgProblem::to_string).collect())
    }

    /// The caret line under `prefix`'s end, `n` carets long (after the excerpt's ` | ` gutter).
    fn carets(prefix: &str, n: usize) -> String {
        format!("\n | {}{}", " ".repeat(prefix.chars().count()), "^".repeat(n))
    }

    #[test]
    fn an_unknown_key_is_shown_with_a_caret_and_a_suggestion() {
        let expected = "--strategy: unknown parameter `grwth`, did you mean `growth`?\n |\n \
                        | --strategy exponential:grwth=2"
            .to_string()
            + &carets("--strategy exponential:", 5)
            + "\n |\nhelp: did you mean `growth`?\n |\n | --strategy exponential:growth=2"
            + &carets("--strategy exponential:gr", 1).replace('^', "+");
        assert_eq!(problems("exponential:grwth=2"), [expected]);
        let p = problems("exponential:ramp_days=3");
        assert!(p[0].starts_with("--strategy: unknown parameter `ramp_days`, expected one of `start`, `growth`"));
    }

    #[test]
    fn a_bad_value_is_located_at_the_value_and_a_bad_name_at_the_name() {
        let p = problems("exponential:start=500, growth=0.9");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("--strategy: strategy.growth: must be > 1, got 0.9\n"), "{}", p[0]);
        assert!(p[0].ends_with(&carets("--strategy exponential:start=500, growth=", 3)), "{}", p[0]);
        let p = problems("exponentail");
        assert!(p[0].starts_with("--strategy: unknown strategy `exponentail`, did you mean `exponential`?"), "{p:?}");
        assert!(p[0].contains(&(carets("--strategy ", 11) + "\n")), "{p:?}");
        assert!(p[0].contains("\nhelp: did you mean `exponential`?\n"), "{p:?}");
        let p = problems("kumo_conservatve:target=5");
        assert!(p[0].contains("did you mean `kumo_conservative`?"), "{p:?}");
    }

    #[test]
    fn every_syntax_problem_is_reported_at_once() {
        let p = problems("linear:ramp_days,=3,start=,kind=x,start=1,start=2,segment_order=\"a");
        let messages: Vec<&str> = p.iter().map(|m| m.lines().next().unwrap_or_default()).collect();
        assert_eq!(
            messages,
            [
                "--strategy: expected `key=value`",
                "--strategy: missing the parameter name before `=`",
                "--strategy: missing the value of `start`",
                "--strategy: `kind` is set by the strategy name, before `:`",
                "--strategy: `start` is given twice",
                "--strategy: cannot read the value: write it as in a scenario file (`growth=1.5`, \
                 `blend=\"volume\"`, `daily_volumes=[100,200]`)",
            ]
        );
        assert!(problems(":growth=2")[0].starts_with("--strategy: missing the strategy name"));
    }

    #[test]
    fn tables_and_presets_apply() {
        let base = default();
        let arg = StrategyArg::parse("schedule:daily_volumes=[100, 200,400],segment_order=random").expect("parses");
        let s = arg.apply(&base, scenario::DEFAULT_SCENARIO_TOML).expect("applies");
        assert_eq!(s.strategy.kind.name(), "schedule");
        assert_eq!(s.strategy.segment_order, crate::strategy::SegmentOrder::Random);
        let arg = StrategyArg::parse("kumo_conservative:target=5000").expect("parses");
        let s = arg.apply(&base, scenario::DEFAULT_SCENARIO_TOML).expect("applies");
        assert_eq!(s.strategy.preset.as_deref(), Some("kumo_conservative"));
        let p = problems("kumo_conservative:daily_volumes=[1]");
        assert!(p[0].contains("cannot be changed in preset `kumo_conservative`"), "{p:?}");
        // A kind-level problem depends on the scenario: it names it, at the strategy's name.
        let text = scenario::DEFAULT_SCENARIO_TOML.replace("kind = \"shared_pool\"", "kind = \"new\"");
        let text =
            text[..text.find("\n[strategy]\n").expect("strategy")].to_string() + "\n[strategy]\nkind = \"linear\"\n";
        let alone = scenario::parse(&text, "alone.toml").expect("two new IPs are valid");
        for arg in ["auto_blend:blend_days=30", "ses_auto"] {
            let e = StrategyArg::parse(arg).expect("parses").apply(&alone, &text).unwrap_err().to_string();
            assert!(
                e.contains("needs a `new` ip and a `warm` or")
                    && e.contains("--strategy: in scenario `default`: kind `auto_blend`"),
                "{e}"
            );
            assert!(e.ends_with(&carets("--strategy ", arg.find(':').unwrap_or(arg.len()))), "{e}");
        }
    }

    #[test]
    fn a_kind_starts_from_the_scenarios_own_table_of_that_kind() {
        let own: toml::Table =
            toml::from_str("kind = \"exponential\"\nstart = 500.0\ngrowth = 1.2\nsegment_order = \"proportional\"")
                .expect("toml");
        let table = |arg: &str| StrategyArg::parse(arg).expect("parses").table(Some(&own));
        let t = table("exponential:growth=1.5");
        assert_eq!((t["start"].as_float(), t["growth"].as_float()), (Some(500.0), Some(1.5)));
        let t = table("linear:ramp_days=20");
        assert_eq!((t["kind"].as_str(), t["ramp_days"].as_integer()), (Some("linear"), Some(20)));
        assert_eq!((t["segment_order"].as_str(), t.get("start")), (Some("proportional"), None));
        let t = table("kumo_conservative:target=5000");
        assert_eq!((t["kind"].as_str(), t["name"].as_str()), (Some("preset"), Some("kumo_conservative")));
        assert_eq!(t["target"].as_integer(), Some(5000));
    }

    #[test]
    fn control_characters_are_escaped_and_carets_follow() {
        let p = problems("exponential:\u{1b}x=2");
        assert!(!p[0].contains('\u{1b}') && p[0].contains("\\u{1b}x=2"), "{p:?}");
        assert!(p[0].ends_with(&carets("--strategy exponential:", 7)), "{p:?}");
    }
}
