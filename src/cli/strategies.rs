//! `ipwarm strategies`: every strategy kind with its parameters and defaults,
//! and every preset with its plan and source.

use super::Failure;
use clap::Args;
use ipwarm::strategy::catalog::{self, ParamDoc};
use ipwarm::strategy::presets::PRESETS;
use std::fmt::Write as _;

/// Arguments of `ipwarm strategies` (none).
#[derive(Debug, Args)]
pub struct StrategiesArgs {}

/// Prints the catalogue.
pub fn strategies(_args: StrategiesArgs) -> Result<(), Failure> {
    out!("{}", listing());
    Ok(())
}

/// The parameter lines of `params`, aligned.
fn params(out: &mut String, params: &[ParamDoc]) {
    let key_width = params.iter().map(|p| p.key.len()).max().unwrap_or(0);
    let default_width = params.iter().map(|p| p.default.len()).max().unwrap_or(0);
    for p in params {
        let _ = writeln!(out, "    {:key_width$}  {:default_width$}  {}", p.key, p.default, p.meaning);
    }
}

/// The whole listing.
fn listing() -> String {
    let mut out = String::new();
    out.push_str(
        "Strategy kinds: [strategy] kind = \"NAME\" in a scenario file; `ipwarm run --strategy NAME` runs one on\n\
         its defaults (columns: key, default, meaning).\n",
    );
    for kind in catalog::kinds() {
        let _ = writeln!(out, "\n  {}: {}", kind.name, kind.summary);
        params(&mut out, &kind.params);
    }
    out.push_str("\n  Every kind also takes:\n");
    params(&mut out, &catalog::audience_params());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_kind_parameter_and_preset() {
        let text = listing();
        for name in catalog::names() {
            assert!(text.contains(&format!("  {name}")), "{name} missing");
        }
        assert!(text.contains("\n  schedule: "));
        assert!(text.contains("    backoff_block_rate     0.02"), "{text}");
        assert!(text.contains("source: [Kumo-warmup]"));
    }
}
