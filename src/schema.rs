//! JSON Schemas of the input file formats (scenario, experiment and
//! optimisation files),
//! generated from the raw serde types with `schemars`, for editors (taplo /
//! Even Better TOML complete keys, show docs and flag mistakes as you type).
//!
//! The schemas are derived, never written by hand: tables and leaf values come
//! from the `#[derive(JsonSchema)]` of `scenario::raw` and
//! `sweep::experiment_file::raw` and `optimize::file::raw` (their doc comments
//! become descriptions), and the `[strategy]` table, which serde reads as a
//! plain key-value map, is described from the strategy registry's
//! [`ParamSpec`]s: each kind's and each preset's keys, with their types,
//! bounds, defaults, units and docs. An optimisation file's `[strategy]` and
//! `[search]` take keys that depend on its family (and, for
//! `provider_schedule`, on the base scenario's providers): their schema names
//! the family and gives each range its shape, and leaves the keys to
//! validation. `ipwarm schema scenario|experiment|optimization` prints them;
//! the copies in `schemas/`
//! are checked against this code by a test (`IPWARM_UPDATE_SCHEMAS=1`
//! rewrites them).
//!
//! A schema accepts less than it could (every table is closed to unknown
//! keys) and knows less than validation does (cross-field rules such as
//! shares summing to 1 are validation's): a file the schema accepts can still
//! be refused by `ipwarm validate`, with a located message.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::bounds::Bounds;
use crate::scenario::{Field, Section};
use crate::strategy::param::{ParamDefault, ParamSpec, ParamType};
use crate::strategy::presets::PRESETS;
use crate::strategy::registry::{COMMON, KindEntry, TABLE_KEYS, all_keys, kind, kinds};

/// The input formats that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scenario files (`scenarios/*.toml`).
    Scenario,
    /// Experiment files (`experiments/*.toml`).
    Experiment,
    /// Optimisation files (`optimizations/*.toml`).
    Optimization,
}

impl Format {
    /// Every format, in the order of `schemas/`.
    pub const ALL: [Format; 3] = [Format::Scenario, Format::Experiment, Format::Optimization];

    /// Its name: `scenario`, `experiment`, `optimization`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Scenario => "scenario",
            Format::Experiment => "experiment",
            Format::Optimization => "optimization",
        }
    }

    /// The file its schema is shipped as, in `schemas/`.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }
}

/// The JSON Schema (draft-07, which every editor plugin reads) of `format`.
pub fn schema(format: Format) -> Value {
    let settings = SchemaSettings::draft07().with_transform(NoNull).with_transform(ClosedTables);
    let generator = settings.into_generator();
    let mut schema = match format {
        Format::Scenario => generator.into_root_schema_for::<crate::scenario::RawScenario>(),
        Format::Experiment => generator.into_root_schema_for::<crate::sweep::RawExperiment>(),
        Format::Optimization => crate::optimize::root_schema(generator),
    };
    let title = match format {
        Format::Scenario => "ipwarm scenario file",
        Format::Experiment => "ipwarm experiment file",
        Format::Optimization => "ipwarm optimisation file",
    };
    schema.insert("title".into(), json!(title));
    schema.to_value()
}

/// `schema(format)` as written in `schemas/`: pretty JSON and a final newline.
pub fn schema_text(format: Format) -> String {
    let mut text = serde_json::to_string_pretty(&schema(format)).unwrap_or_default();
    text.push('\n');
    text
}

/// Takes `null` out of the schemas of optional keys: TOML has no null, an
/// absent key is the only "none" (schemars allows `null` for an `Option`).
#[derive(Debug, Clone, Copy)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(obj) = schema.as_object_mut() else { return };
        if obj.get("default").is_some_and(Value::is_null) {
            obj.remove("default");
        }
        if let Some(Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if let [only] = types.as_slice() {
                let only = only.clone();
                obj.insert("type".into(), only);
            }
        }
        if let Some(Value::Array(any_of)) = obj.get_mut("anyOf") {
            any_of.retain(|s| s.get("type").is_none_or(|t| t != "null"));
            if let [Value::Object(only)] = any_of.as_slice() {
                let only = only.clone();
                obj.remove("anyOf");
                for (key, value) in only {
                    obj.entry(key).or_insert(value);
                }
            }
        }
    }
}

/// Closes every table with declared keys to other keys, as validation does
/// (`serde_ignored` reports unknown keys rather than serde refusing them).
#[derive(Debug, Clone, Copy)]
struct ClosedTables;

impl Transform for ClosedTables {
    fn transform(&mut self, schema: &mut Schema) {
        let table = schema.get("type").is_some_and(|t| t == "object") && schema.get("properties").is_some();
        if table && schema.get("additionalProperties").is_none() {
            schema.insert("additionalProperties".into(), json!(false));
        }
        transform_subschemas(self, schema);
    }
}

/// A leaf value reads as its type (a value of another type is an error
/// message until validation, but never valid).
impl<T: JsonSchema> JsonSchema for Field<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

/// A table reads as its raw struct.
impl<T: JsonSchema> JsonSchema for Section<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// `seed`: an integer, or a seed as text as `engine::parse_seed` reads it
/// (decimal, or `0x` and 1 to 16 hex digits); the description is the field's doc.
pub(crate) fn seed_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "integer", "minimum": 0, "maximum": i64::MAX },
            { "type": "string", "pattern": "^(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})$" }
        ]
    })
}

/// An experiment's `scenario`: a path, or an inline scenario table.
pub(crate) fn base_scenario_schema(generator: &mut SchemaGenerator) -> Schema {
    let table = generator.subschema_for::<crate::scenario::RawScenario>();
    json_schema!({
        "anyOf": [
            { "type": "string", "description": "Path of a scenario file, relative to this file." },
            table
        ]
    })
}

/// An axis's `values`: scenario values of any type (checked where they go).
pub(crate) fn axis_values_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "array", "minItems": 1 })
}

/// An axis's `range`: two numbers, low and high.
pub(crate) fn axis_range_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 })
}

/// An optimisation file's `[strategy]`: the family (exactly one of `kind`,
/// a registry kind or `provider_schedule`, and `preset`), then fixed values,
/// whose keys and values depend on the family: validation checks them.
pub(crate) fn optimize_strategy_schema(_: &mut SchemaGenerator) -> Schema {
    let mut kind_names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
    kind_names.push(crate::optimize::PROVIDER_SCHEDULE);
    let preset_names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    json_schema!({
        "description": "The family of plans searched: exactly one of `kind` and `preset`, then fixed values of \
                        its parameters (a key is fixed here or searched in [search], not both).",
        "type": "object",
        "properties": {
            "kind": {
                "description": "A strategy kind (`ipwarm strategies` lists them with their parameters), or \
                                \"provider_schedule\": a start volume and growth per provider.",
                "enum": kind_names
            },
            "preset": {
                "description": "A published plan, whose parameters may be fixed or searched except those it fixes.",
                "enum": preset_names
            }
        },
        "oneOf": [{ "required": ["kind"] }, { "required": ["preset"] }],
        "additionalProperties": {
            "description": "A fixed value of a parameter of the family (for `provider_schedule`, \
                            \"PROVIDER.KEY\" for one provider): its key and value are checked by validation."
        }
    })
}

/// A metric of an optimisation file: a run metric of `runs.csv`, or
/// `days_to_warm_PROVIDER` (the provider checked by validation).
pub(crate) fn metric_schema(_: &mut SchemaGenerator) -> Schema {
    use crate::report::experiment::{DAYS_TO_WARM_PREFIX, RUN_METRIC_TABLE};
    let names: Vec<&str> = RUN_METRIC_TABLE.iter().map(|m| m.name).collect();
    json_schema!({
        "anyOf": [
            { "enum": names },
            { "type": "string", "pattern": format!("^{DAYS_TO_WARM_PREFIX}.+$") }
        ]
    })
}

/// `compare_presets`: preset names, or `["all"]`.
pub(crate) fn compare_presets_schema(_: &mut SchemaGenerator) -> Schema {
    let mut names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    names.push("all");
    json_schema!({ "type": "array", "uniqueItems": true, "items": { "enum": names } })
}

/// `[strategy]`, from the registry: `kind` (or a preset's `kind` and `name`)
/// decides which keys the table takes; every key is listed at the top for
/// completion, and the branch of the kind (or preset) checks each value.
impl JsonSchema for crate::scenario::RawStrategy {
    fn schema_name() -> Cow<'static, str> {
        "Strategy".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        strategy_schema()
    }
}

/// The schema of the `[strategy]` table (see the `JsonSchema` impl of `RawStrategy`).
fn strategy_schema() -> Schema {
    let mut kind_names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
    kind_names.push("preset");
    let preset_names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    let mut properties = Map::new();
    properties.insert(
        "kind".into(),
        json!({ "description": "The strategy kind (`ipwarm strategies` lists them), or \"preset\" with `name`.",
                "enum": kind_names }),
    );
    properties.insert(
        "name".into(),
        json!({ "description": "With kind = \"preset\": the published plan.", "enum": preset_names }),
    );
    for key in all_keys().iter().filter(|k| !TABLE_KEYS.contains(k)) {
        properties.insert((*key).into(), any_kind_param(key));
    }
    let mut branches: Vec<Value> = kinds().iter().map(|entry| branch(entry, None)).collect();
    for preset in PRESETS.iter() {
        if let Some(entry) = kind(preset.kind().name()) {
            branches.push(branch(entry, Some(preset.name)));
        }
    }
    json_schema!({
        "description": "The warm-up strategy: a kind and its parameters, or a preset and its parameters that may change.",
        "type": "object",
        "required": ["kind"],
        "properties": properties,
        "additionalProperties": false,
        "allOf": branches
    })
}

/// Key `key` as any kind takes it: its schema if every kind that takes it
/// agrees, otherwise any of theirs.
fn any_kind_param(key: &str) -> Value {
    let specs = COMMON.params.iter().chain(kinds().iter().flat_map(KindEntry::params)).filter(|p| p.key == key);
    let mut schemas: Vec<Value> = Vec::new();
    let mut takers: Vec<&str> = Vec::new();
    for spec in specs {
        let schema = param_schema(spec);
        if !schemas.contains(&schema) {
            schemas.push(schema);
        }
    }
    for entry in kinds() {
        if entry.param(key).is_some() {
            takers.push(entry.name);
        }
    }
    if schemas.len() == 1 {
        return schemas.remove(0);
    }
    json!({ "description": format!("A parameter of kinds {}.", takers.join(", ")), "anyOf": schemas })
}

/// The keys taken by `entry` (or by `preset`, of kind `entry`), with their schemas.
fn branch(entry: &KindEntry, preset: Option<&str>) -> Value {
    let mut properties = Map::new();
    let mut allowed: Vec<&str> = vec!["kind"];
    let mut required: Vec<&str> = vec![];
    for p in COMMON.params.iter().chain(entry.params()) {
        if preset.is_some() && p.fixed_by_preset {
            continue;
        }
        allowed.push(p.key);
        properties.insert(p.key.into(), param_schema(p));
        if preset.is_none() && p.default == ParamDefault::Required && p.when.is_none() {
            required.push(p.key);
        }
    }
    let condition = match preset {
        Some(name) => {
            allowed.push("name");
            json!({ "properties": { "kind": { "const": "preset" }, "name": { "const": name } },
                    "required": ["kind", "name"] })
        }
        None => json!({ "properties": { "kind": { "const": entry.name } }, "required": ["kind"] }),
    };
    // A kind's tables (`daily_volumes`, `hourly_volumes`, `provider_volumes`) are alternatives: the
    // required one may be replaced by any other.
    let tables: Vec<&str> = entry
        .params()
        .filter(|p| matches!(p.ty, ParamType::PerDay | ParamType::PerProviderDays) && allowed.contains(&p.key))
        .map(|p| p.key)
        .collect();
    let alternatives = tables.len() > 1 && required.iter().any(|k| tables.contains(k));
    required.retain(|k| !(alternatives && tables.contains(k)));
    let mut then = json!({ "properties": properties, "propertyNames": { "enum": allowed } });
    if !required.is_empty() {
        then["required"] = json!(required);
    }
    if alternatives {
        then["anyOf"] = json!(tables.iter().map(|k| json!({ "required": [k] })).collect::<Vec<_>>());
    }
    json!({ "if": condition, "then": then })
}

/// The schema of one parameter's values, with its doc, unit, condition and default.
fn param_schema(p: &ParamSpec) -> Value {
    let mut schema = Map::new();
    let mut chars = p.doc.chars();
    let mut description: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !p.unit.is_empty() {
        description.push_str(&format!(" ({})", p.unit));
    }
    description.push('.');
    if let Some(cond) = p.when {
        description.push_str(&format!(" Used when {cond}."));
    }
    match p.default {
        ParamDefault::Absent(meaning) => description.push_str(&format!(" Default: {meaning}.")),
        ParamDefault::Required => description.push_str(" Required."),
        _ => {}
    }
    schema.insert("description".into(), json!(description));
    match p.ty {
        ParamType::Float => number(&mut schema, "number", p.bounds),
        ParamType::Int => number(&mut schema, "integer", p.bounds),
        ParamType::Bool => {
            schema.insert("type".into(), json!("boolean"));
        }
        ParamType::Choice { options, .. } => {
            schema.insert("enum".into(), json!(options));
        }
        ParamType::PerDay => {
            let mut day = Map::new();
            number(&mut day, "integer", p.bounds);
            schema.insert("type".into(), json!("array"));
            schema.insert("minItems".into(), json!(1));
            schema.insert("items".into(), Value::Object(day));
        }
        ParamType::PerProviderDays => {
            let mut day = Map::new();
            number(&mut day, "integer", p.bounds);
            let list = json!({ "type": "array", "minItems": 1, "items": Value::Object(day) });
            schema.insert("type".into(), json!("object"));
            schema.insert("minProperties".into(), json!(1));
            schema.insert("additionalProperties".into(), list);
        }
    }
    let default = match p.default {
        ParamDefault::Float(v) => Some(json!(v)),
        ParamDefault::Int(v) => Some(json!(v)),
        ParamDefault::Bool(v) => Some(json!(v)),
        ParamDefault::Choice(v) => Some(json!(v)),
        ParamDefault::Absent(_) | ParamDefault::Required => None,
    };
    if let Some(default) = default {
        schema.insert("default".into(), default);
    }
    Value::Object(schema)
}

/// `type` and the bounds of a number (draft-07: `exclusiveMinimum` is a number).
pub(crate) fn number(schema: &mut Map<String, Value>, ty: &str, bounds: Bounds) {
    schema.insert("type".into(), json!(ty));
    let int = ty == "integer";
    let value = |v: f64| if int && v.fract() == 0.0 { json!(v as i64) } else { json!(v) };
    if let Some(min) = bounds.min {
        let key = if min.inclusive { "minimum" } else { "exclusiveMinimum" };
        schema.insert(key.into(), value(min.value));
    }
    if let Some(max) = bounds.max {
        let key = if max.inclusive { "maximum" } else { "exclusiveMaximum" };
        schema.insert(key.into(), value(max.value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strategy_table_lists_every_key_and_a_branch_per_kind_and_preset() {
        let schema = schema(Format::Scenario);
        let strategy = &schema["definitions"]["Strategy"];
        let properties = strategy["properties"].as_object().expect("properties");
        assert_eq!(properties.len(), all_keys().len());
        let branches = strategy["allOf"].as_array().expect("branches");
        assert_eq!(branches.len(), kinds().len() + PRESETS.len());
    }

    #[test]
    fn the_optimization_schema_names_the_families_and_closes_the_ranges() {
        let schema = schema(Format::Optimization);
        let strategy = &schema["properties"]["strategy"];
        let families = strategy["properties"]["kind"]["enum"].as_array().expect("kinds");
        assert_eq!(families.len(), kinds().len() + 1);
        assert!(families.contains(&json!(crate::optimize::PROVIDER_SCHEDULE)));
        assert_eq!(strategy["properties"]["preset"]["enum"].as_array().map(Vec::len), Some(PRESETS.len()));
        assert!(strategy["additionalProperties"].is_object(), "fixed keys are the family's: left to validation");
        assert_eq!(schema["properties"]["search"]["additionalProperties"]["$ref"], json!("#/definitions/RawRange"));
        let range = &schema["definitions"]["RawRange"];
        let keys: Vec<&String> = range["properties"].as_object().expect("keys").keys().collect();
        assert_eq!(keys, ["max", "min", "scale", "step"]);
        assert_eq!(range["additionalProperties"], json!(false));
    }

    #[test]
    fn bounds_become_limits_of_the_right_kind() {
        let mut schema = Map::new();
        number(&mut schema, "integer", Bounds::DAYS);
        assert_eq!(Value::Object(schema), json!({ "type": "integer", "minimum": 1, "maximum": 3650 }));
        let mut schema = Map::new();
        number(&mut schema, "number", Bounds::POSITIVE);
        assert_eq!(Value::Object(schema), json!({ "type": "number", "exclusiveMinimum": 0.0 }));
    }
}
