//! `ipwarm strategies`: every strategy kind of the registry with its
//! parameters (default, accepted values, meaning, unit and source), and every
//! preset with its plan and source; with `--markdown`, the parameter table of
//! docs/MODEL.md (a test checks that the document holds it).

use super::Failure;
use clap::Args;
use ipwarm::strategy::catalog;
use ipwarm::strategy::param::{ParamDefault, ParamGroup, ParamSpec};
use ipwarm::strategy::presets::PRESETS;
use ipwarm::strategy::registry::{COMMON, KindEntry, kinds};
use std::fmt::Write as _;

/// Arguments of `ipwarm strategies`.
#[derive(Debug, Args)]
pub struct StrategiesArgs {
    /// Print the parameters as the Markdown table of docs/MODEL.md instead.
    #[arg(long)]
    markdown: bool,
}

/// Prints the catalogue.
pub fn strategies(args: StrategiesArgs) -> Result<(), Failure> {
    out!("{}", if args.markdown { markdown() } else { listing() });
    Ok(())
}

/// What a parameter means, with its condition, unit and the source of its default.
fn meaning(p: &ParamSpec) -> String {
    let mut text = match p.when {
        Some(cond) => format!("with {cond}: {}", p.doc),
        None => p.doc.to_string(),
    };
    if !p.unit.is_empty() {
        let _ = write!(text, " [{}]", p.unit);
    }
    if !p.source.is_empty() {
        let _ = write!(text, " (default: {})", p.source);
    }
    text
}

/// The parameter lines of `params`, aligned: key, default, accepted values, meaning.
fn params<'p>(out: &mut String, params: impl Iterator<Item = &'p ParamSpec> + Clone) {
    let rows: Vec<[String; 4]> =
        params.map(|p| [p.key.to_string(), p.default.to_string(), p.range(), meaning(p)]).collect();
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [key, default, range, meaning] in &rows {
        let _ = writeln!(out, "    {key:w0$}  {default:w1$}  {range:w2$}  {meaning}");
    }
}

/// The kinds that take shared group `group`.
fn takers(group: &ParamGroup) -> Vec<&'static str> {
    kinds().iter().filter(|k| k.shared.iter().any(|g| g.name == group.name)).map(|k| k.name).collect()
}

/// Every shared group, once, in the order kinds first take them.
fn shared_groups() -> Vec<ParamGroup> {
    let mut groups: Vec<ParamGroup> = Vec::new();
    for g in kinds().iter().flat_map(|k| k.shared) {
        if !groups.iter().any(|h| h.name == g.name) {
            groups.push(*g);
        }
    }
    groups
}

/// One kind's header, source and own parameters.
fn kind(out: &mut String, k: &KindEntry) {
    let _ = writeln!(out, "\n  {}: {}", k.name, k.summary);
    let source = if k.source.is_empty() { "modelling choice" } else { k.source };
    let _ = writeln!(out, "    source: {source}");
    params(out, k.own.iter());
    for g in k.shared {
        let _ = writeln!(out, "    and the {} (below)", g.name);
    }
}

/// The value parser of `--strategy NAME` and `--preset NAME`: any text (it is
/// checked later against the scenario, its problems located in it), with every
/// kind and preset name offered to shell completions (the arguments hide them
/// from `--help`, which points to `ipwarm strategies`).
#[derive(Debug, Clone, Copy)]
pub struct StrategyName;

impl clap::builder::TypedValueParser for StrategyName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(catalog::names().into_iter().map(clap::builder::PossibleValue::new)))
    }
}

/// The whole listing.
fn listing() -> String {
    let mut out = String::new();
    out.push_str(
        "Strategy kinds: [strategy] kind = \"NAME\" in a scenario file; `ipwarm run --strategy NAME` runs one on\n\
         its defaults. Parameters: key, default, accepted values, meaning [unit] (where the default comes from).\n",
    );
    for k in kinds() {
        kind(&mut out, k);
    }
    for g in shared_groups() {
        let _ = writeln!(out, "\n  The {} of {}:", g.name, takers(&g).join(", "));
        params(&mut out, g.params.iter());
    }
    out.push_str("\n  Every kind also takes:\n");
    params(&mut out, COMMON.params.iter());
    out.push_str(
        "\nPresets: published plans. [strategy] kind = \"preset\" and name = \"NAME\" in a scenario file, with any\n\
         parameter of the preset's kind as an override (a schedule's table excepted); or `ipwarm run --strategy NAME`.\n",
    );
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in &PRESETS {
        let _ = writeln!(out, "\n  {:width$}  ({}) {}", p.name, p.kind().name(), p.summary);
        let _ = writeln!(out, "  {:width$}  source: {}", "", p.source);
    }
    out
}

/// A Markdown table cell: `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The parameter table of docs/MODEL.md: every parameter of every kind, shared groups once.
fn markdown() -> String {
    let mut out = String::from(
        "| kind | parameter | default | values | unit | meaning | source of the default |\n|---|---|---|---|---|---|---|\n",
    );
    let mut row = |who: &str, p: &ParamSpec| {
        let meaning = match p.when {
            Some(cond) => format!("with `{cond}`: {}", p.doc),
            None => p.doc.to_string(),
        };
        let source = match p.default {
            ParamDefault::Required | ParamDefault::Absent(_) => "-",
            _ if p.source.is_empty() => "modelling choice",
            _ => p.source,
        };
        let _ = writeln!(
            out,
            "| {who} | `{}` | {} | {} | {} | {} | {} |",
            p.key,
            cell(&p.default.to_string()),
            cell(&p.range()),
            p.unit,
            cell(&meaning),
            source
        );
    };
    for k in kinds() {
        for p in k.own {
            row(&format!("`{}`", k.name), p);
        }
    }
    for g in shared_groups() {
        let who: Vec<String> = takers(&g).iter().map(|n| format!("`{n}`")).collect();
        for p in g.params {
            row(&who.join(", "), p);
        }
    }
    for p in COMMON.params {
        row("every kind", p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_kind_parameter_and_preset() {
        let text = listing();
        for name in catalog::names() {
            assert!(text.contains(&format!("  {name}")), "{name} missing");
        }
        for k in kinds() {
            assert!(text.contains(&format!("\n  {}: {}\n", k.name, k.summary)), "{}", k.name);
            for p in k.params() {
                let listed = text.lines().any(|l| {
                    l.starts_with(&format!("    {} ", p.key)) && l.contains(&p.default.to_string()) && l.contains(p.doc)
                });
                assert!(listed, "{}.{}", k.name, p.key);
            }
        }
        assert!(text.contains("    backoff_block_rate     0.02   [0, 1]"), "{text}");
        assert!(text.contains("\n  The health thresholds of adaptive, per_provider:\n"), "{text}");
        assert!(text.contains("source: [Kumo-warmup]"));
    }

    #[test]
    fn the_docs_describe_every_kind() {
        let (readme, model) = (include_str!("../../README.md"), include_str!("../../docs/MODEL.md"));
        for k in kinds() {
            let row = format!("\n| `{}` | ", k.name);
            assert!(readme.contains(&row), "README.md's table of strategies lacks `{}`", k.name);
            assert!(model.contains(&row), "docs/MODEL.md's table of kinds lacks `{}`", k.name);
        }
    }

    #[test]
    fn model_md_holds_the_parameter_table() {
        let doc = include_str!("../../docs/MODEL.md");
        let begin = "<!-- ipwarm strategies --markdown -->\n";
        let start = doc.find(begin).map(|i| i + begin.len()).expect("docs/MODEL.md: the begin marker");
        let end = doc[start..].find("<!-- end -->").map(|i| start + i).expect("docs/MODEL.md: the end marker");
        assert_eq!(
            &doc[start..end],
            markdown(),
            "docs/MODEL.md's parameter table is out of date: replace it by `ipwarm strategies --markdown`"
        );
    }
}
