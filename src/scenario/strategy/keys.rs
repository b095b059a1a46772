//! The keys of a `[strategy]` table that its kind (or preset) does not take.
//! Which kind takes which key is the strategy registry's; a key no kind takes
//! is reported as unknown while the raw table is read.

use super::super::check::Ctx;
use super::super::path::KeyPath;
use super::super::raw::RawStrategy;
use crate::strategy::registry::{COMMON, KindEntry};

/// Reports the keys of `raw` (the table at `table`) that kind `entry`, or
/// preset `preset` of that kind, does not take.
pub(super) fn check(ctx: &mut Ctx<'_>, raw: &RawStrategy, table: &KeyPath, entry: &KindEntry, preset: Option<&str>) {
    for key in raw.0.keys().map(String::as_str) {
        if key == "kind" || COMMON.params.iter().any(|p| p.key == key) {
            continue;
        }
        let message = match (preset, entry.param(key)) {
            (Some(p), Some(spec)) if spec.fixed_by_preset => {
                format!("cannot be changed in preset `{p}`: copy its table into kind = \"{}\" instead", entry.name)
            }
            (Some(_), _) if key == "name" => continue,
            (None, _) if key == "name" => "only used with kind = \"preset\"".to_string(),
            (Some(p), None) => format!("not a parameter of preset `{p}` (kind `{}`)", entry.name),
            (None, None) => format!("not a parameter of kind `{}`", entry.name),
            (_, Some(_)) => continue,
        };
        ctx.report_key(&table.key(key), message);
    }
}
