//! Experiment files: TOML in, a validated [`Plan`] out.
//!
//! Every problem is reported at once with its `file:line:col`, before any run:
//! the experiment's own keys, the base scenario (in its file, or inline), and
//! every design point, each validated in full by [`scenario::parse`] after its
//! axis values are written into the base scenario's TOML. A problem that an
//! axis value causes is located at that value in the experiment file.

use toml::de::DeTable;

use super::ExperimentError;
use super::axes::{Axis, AxisValues, Level, default_label, kind, set_at};
use super::design::{Design, expand, n_points};
use super::plan::{DesignPoint, Plan, SeedMode, content_hash};
use crate::report::experiment::{ChartSpec, DAYS_TO_WARM_PREFIX, DEFAULT_OUTCOMES, RUN_METRICS, is_grid2};
use crate::scenario::{
    self, KeyPath, Locator, Problem, ScenarioError, Seg, derived_label_problem, folder_name_problem, label_problem,
    one_of_message, text_problem, unknown_key_message,
};

/// Keys of an experiment file.
const TOP_KEYS: [&str; 11] =
    ["name", "description", "scenario", "replicates", "seed", "seeds", "design", "samples", "series", "axes", "charts"];
/// Keys of an axis.
const AXIS_KEYS: [&str; 4] = ["values", "labels", "range", "steps"];
/// Keys of `[charts]`.
const CHART_KEYS: [&str; 3] = ["draw", "outcomes", "heatmaps"];
/// Chart names of `charts.draw`.
const CHART_NAMES: [&str; 4] = ["inbox", "reputation", "outcomes", "heatmap"];
/// Largest number of runs an experiment may plan (design points times
/// replicates). Results are not held in memory, but the list of a shard's runs
/// is (8 bytes each: 80 MB at the limit).
pub const MAX_RUNS: usize = 10_000_000;
/// Largest number of design points an experiment may have. Unlike runs, every
/// point is held in memory as a validated scenario: measured on the default
/// scenario (five providers, four segments), about 7 KB per point, and about
/// 80 µs to build and validate each in a release build, so 100,000 points are
/// some 0.7 GB and 8 s before the first run. The count is computed from the
/// axes before the design is expanded.
pub const MAX_DESIGN_POINTS: usize = 100_000;
/// Largest integer end of a range (in absolute value): 2^53, beyond which
/// integers are not exact as floating-point numbers, which ranges are computed in.
const MAX_EXACT_INTEGER: i64 = 1 << 53;
/// Scenario keys an axis may not sweep, as they change nothing in the runs, and why.
const INERT_KEYS: [(&str, &str); 3] = [
    (
        "seed",
        "runs take their seeds from the experiment's `seed` and their replicate, not from the scenario: use \
         `replicates = N` for more seeds",
    ),
    ("name", "the scenario's name is not used by its runs"),
    ("description", "the scenario's description is not used by its runs"),
];

/// Reads a base scenario named in an experiment: given the path as written,
/// returns its display name and text, or a message.
pub type ReadBase<'a> = dyn FnMut(&str) -> Result<(String, String), String> + 'a;

/// Collects located problems of one experiment file.
struct Checker<'a> {
    file: &'a str,
    loc: &'a Locator<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, pos: crate::scenario::Pos, path: &KeyPath, message: impl Into<String>) {
        let (line, col) = (pos.line, pos.col);
        self.problems.push(Problem {
            file: self.file.into(),
            line,
            col,
            key_path: path.to_string(),
            message: message.into(),
        });
    }
    /// At the value of `path`.
    fn at(&mut self, path: &KeyPath, message: impl Into<String>) {
        let pos = self.loc.value_pos(path);
        self.push(pos, path, message);
    }
    /// At the key of `path`.
    fn at_key(&mut self, path: &KeyPath, message: impl Into<String>) {
        let pos = self.loc.key_pos(path);
        self.push(pos, path, message);
    }
    fn unknown_keys(&mut self, table: &toml::Table, path: &KeyPath, known: &[&str]) {
        for k in table.keys().filter(|k| !known.contains(&k.as_str())) {
            self.at_key(&path.key(k), unknown_key_message(k, known));
        }
    }
    fn string(&mut self, t: &toml::Table, path: &KeyPath, key: &str) -> Option<String> {
        match t.get(key)? {
            toml::Value::String(s) => Some(s.clone()),
            v => {
                self.at(&path.key(key), format!("expected a string, got {}", kind(v)));
                None
            }
        }
    }
    /// The integer at `key`, from `min` to `max`; beyond `max`, `why` says why it is the limit.
    fn int(&mut self, t: &toml::Table, path: &KeyPath, key: &str, (min, max): (i64, i64), why: &str) -> Option<i64> {
        match t.get(key)? {
            toml::Value::Integer(n) if (min..=max).contains(n) => Some(*n),
            toml::Value::Integer(n) if *n < min => {
                self.at(&path.key(key), format!("must be >= {min}, got {n}"));
                None
            }
            toml::Value::Integer(n) => {
                self.at(&path.key(key), format!("must be at most {max} ({why}), got {n}"));
                None
            }
            v => {
                self.at(&path.key(key), format!("expected an integer, got {}", kind(v)));
                None
            }
        }
    }
    fn strings(&mut self, t: &toml::Table, path: &KeyPath, key: &str) -> Option<Vec<String>> {
        let p = path.key(key);
        match t.get(key)? {
            toml::Value::Array(a) => {
                let mut out = Vec::new();
                for (i, v) in a.iter().enumerate() {
                    match v {
                        toml::Value::String(s) => out.push(s.clone()),
                        v => self.at(&p.index(i), format!("expected a string, got {}", kind(v))),
                    }
                }
                (out.len() == a.len()).then_some(out)
            }
            v => {
                self.at(&p, format!("expected an array of strings, got {}", kind(v)));
                None
            }
        }
    }
}

/// Parses and validates the experiment `text` (`file` is the name shown in
/// problems); `read_base` reads a base scenario given by path.
pub fn parse_experiment(text: &str, file: &str, read_base: &mut ReadBase<'_>) -> Result<Plan, ExperimentError> {
    let (doc, syntax) = DeTable::parse_recoverable(text);
    let loc = Locator::new(text, &doc);
    let mut ck = Checker { file, loc: &loc, problems: Vec::new() };
    if let Some(e) = syntax.first() {
        let pos = loc.pos(e.span().map_or(0, |s| s.start));
        let msg = e.message().lines().next().unwrap_or("invalid toml").trim().trim_end_matches('.').to_lowercase();
        ck.push(pos, &KeyPath::root(), msg);
        return Err(ExperimentError::invalid(ck.problems));
    }
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            ck.push(loc.pos(e.span().map_or(0, |s| s.start)), &KeyPath::root(), e.message().to_lowercase());
            return Err(ExperimentError::invalid(ck.problems));
        }
    };
    let plan = build(&mut ck, &table, read_base);
    match plan {
        Some(p) if ck.problems.is_empty() => Ok(p),
        _ => {
            if ck.problems.is_empty() {
                ck.at(&KeyPath::root(), "invalid experiment");
            }
            Err(ExperimentError::invalid(ck.problems))
        }
    }
}

fn build(ck: &mut Checker<'_>, t: &toml::Table, read_base: &mut ReadBase<'_>) -> Option<Plan> {
    let root = KeyPath::root();
    ck.unknown_keys(t, &root, &TOP_KEYS);
    let name = match ck.string(t, &root, "name") {
        Some(n) => match folder_name_problem(&n) {
            None => Some(n),
            Some(msg) => {
                ck.at(&root.key("name"), msg);
                None
            }
        },
        None => {
            if !t.contains_key("name") {
                ck.at(&root, "missing key `name`");
            }
            None
        }
    };
    let description = ck.string(t, &root, "description").unwrap_or_default();
    if let Some(msg) = text_problem(&description) {
        ck.at(&root.key("description"), msg);
    }
    let max_runs = i64::try_from(MAX_RUNS).unwrap_or(i64::MAX);
    let replicates = ck.int(t, &root, "replicates", (1, max_runs), "the most runs an experiment may plan");
    let replicates = replicates.and_then(|n| u32::try_from(n).ok());
    let seed = ck.int(t, &root, "seed", (0, i64::MAX), "");
    let seed = seed.and_then(|n| u64::try_from(n).ok()).unwrap_or(1);
    let seeds = match ck.string(t, &root, "seeds").as_deref() {
        None | Some("common") => SeedMode::Common,
        Some("independent") => SeedMode::Independent,
        Some(other) => {
            ck.at(&root.key("seeds"), one_of_message("seed mode", other, &["common", "independent"]));
            SeedMode::Common
        }
    };
    let samples = ck.int(t, &root, "samples", (1, max_points()), POINTS_WHY);
    let samples = samples.and_then(|n| usize::try_from(n).ok());
    let design_name = ck.string(t, &root, "design");
    // A Latin hypercube, even if its `samples` is invalid (its axes are checked as such).
    let lhs = design_name.as_deref() == Some("lhs");
    let design = match design_name.as_deref() {
        None | Some("grid") => Some(Design::Grid),
        Some("zip") => Some(Design::Zip),
        Some("lhs") => match samples {
            Some(samples) => Some(Design::Lhs { samples }),
            None => {
                if !t.contains_key("samples") {
                    ck.at(&root.key("design"), "a Latin hypercube needs `samples = N`");
                }
                None
            }
        },
        Some(other) => {
            ck.at(&root.key("design"), one_of_message("design", other, &["grid", "zip", "lhs"]));
            None
        }
    };
    if samples.is_some() && !matches!(design, Some(Design::Lhs { .. })) {
        ck.at_key(&root.key("samples"), "only used with design = \"lhs\"");
    }
    let series = match t.get("series") {
        None => true,
        Some(toml::Value::Boolean(b)) => *b,
        Some(v) => {
            ck.at(&root.key("series"), format!("expected true or false, got {}", kind(v)));
            true
        }
    };
    let axes = axes(ck, t.get("axes"), lhs);
    if lhs && axes.as_ref().is_some_and(Vec::is_empty) {
        let msg = "a Latin hypercube needs at least one axis: without one its samples are identical points \
                   (use `replicates = N` to repeat runs)";
        ck.at(&root.key("design"), msg);
    }
    let base = base_scenario(ck, t, read_base);
    let (design, axes, (base_table, base_text)) = (design?, axes?, base?);
    if !within_limits(ck, t, design, &axes, replicates.unwrap_or(1)) {
        return None;
    }
    let levels = match expand(design, &axes, seed) {
        Ok(l) => l,
        Err((i, msg)) => {
            ck.at(&root.key("axes").key(&axes[i].name), msg);
            return None;
        }
    };
    let mut points = Vec::with_capacity(levels.len());
    for point in &levels {
        if let Some(p) = design_point(ck, &base_table, &axes, point) {
            points.push(p);
        }
    }
    dedup_problems(&mut ck.problems);
    let design_name = match design {
        Design::Grid => "grid",
        Design::Zip => "zip",
        Design::Lhs { .. } => "lhs",
    };
    let mut plan = Plan {
        name: name?,
        description,
        design: design_name.into(),
        replicates: replicates.unwrap_or(1),
        root_seed: seed,
        seeds,
        axes: axes.iter().map(|a| a.name.clone()).collect(),
        points,
        series,
        charts: ChartSpec::default_for(0, false),
        hash: plan_hash(t, &base_text),
    };
    if plan.points.len() != levels.len() {
        return None;
    }
    plan.charts = charts(ck, t.get("charts"), &plan)?;
    Some(plan)
}

/// Why [`MAX_DESIGN_POINTS`] is the limit, for messages.
const POINTS_WHY: &str = "the most design points an experiment may hold in memory";

/// [`MAX_DESIGN_POINTS`] as the integer type of TOML.
fn max_points() -> i64 {
    i64::try_from(MAX_DESIGN_POINTS).unwrap_or(i64::MAX)
}

/// Checks the number of design points and of runs against [`MAX_DESIGN_POINTS`]
/// and [`MAX_RUNS`], computed from the axes (nothing is expanded yet); reports
/// at `samples`, `axes` or `replicates`.
fn within_limits(ck: &mut Checker<'_>, t: &toml::Table, design: Design, axes: &[Axis], replicates: u32) -> bool {
    let root = KeyPath::root();
    let points = match n_points(design, axes) {
        Ok(n) => n,
        Err((i, msg)) => {
            ck.at(&root.key("axes").key(&axes[i].name), msg);
            return false;
        }
    };
    let Some(points) = points.filter(|&n| n <= MAX_DESIGN_POINTS) else {
        let total = points.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string());
        let (at, count) = match design {
            Design::Lhs { .. } => (root.key("samples"), format!("{total} samples")),
            Design::Zip => (root.key("axes"), format!("zipped axes of {total} values")),
            Design::Grid => {
                let lengths: Vec<String> = axes.iter().filter_map(Axis::n_values).map(|n| n.to_string()).collect();
                (root.key("axes"), format!("{} values = {total} design points", lengths.join(" x ")))
            }
        };
        ck.at(&at, format!("{count}, more than the limit of {MAX_DESIGN_POINTS} ({POINTS_WHY})"));
        return false;
    };
    let runs = points.checked_mul(replicates as usize);
    if runs.is_none_or(|n| n > MAX_RUNS) {
        let at = if t.contains_key("replicates") { root.key("replicates") } else { root.key("axes") };
        let runs = runs.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string());
        let msg = format!(
            "{points} design points x {replicates} replicates = {runs} runs, more than the limit of {MAX_RUNS}"
        );
        ck.at(&at, msg);
        return false;
    }
    true
}

/// The hash of what an experiment's runs depend on: its table (as TOML, so that
/// comments and layout do not count) without `replicates`, and the base
/// scenario's text. The replicate count is left out so that replicates can be
/// added to finished results (run `i` does not depend on it, see [`Plan::run_id`]).
fn plan_hash(t: &toml::Table, base_text: &str) -> String {
    let mut hashed = t.clone();
    hashed.remove("replicates");
    content_hash(&[&hashed.to_string(), base_text])
}

/// The base scenario: its TOML table and its text (for the hash), validated on its own.
fn base_scenario(ck: &mut Checker<'_>, t: &toml::Table, read_base: &mut ReadBase<'_>) -> Option<(toml::Table, String)> {
    let path = KeyPath::root().key("scenario");
    match t.get("scenario") {
        None => {
            ck.at(&KeyPath::root(), "missing key `scenario`: a scenario file path, or a [scenario] table");
            None
        }
        Some(toml::Value::String(file)) => {
            let (name, text) = match read_base(file) {
                Ok(x) => x,
                Err(msg) => {
                    ck.at(&path, msg);
                    return None;
                }
            };
            if let Err(e) = scenario::parse(&text, &name) {
                match e {
                    ScenarioError::Invalid { problems } => ck.problems.extend(problems),
                    other => ck.at(&path, other.to_string()),
                }
                return None;
            }
            match toml::from_str::<toml::Table>(&text) {
                Ok(table) => Some((table, text)),
                Err(e) => {
                    ck.at(&path, e.message().to_string());
                    None
                }
            }
        }
        Some(toml::Value::Table(inline)) => {
            let text = toml::to_string(inline).unwrap_or_default();
            if let Err(ScenarioError::Invalid { problems }) = scenario::parse(&text, ck.file) {
                for p in problems {
                    let at = KeyPath::parse(&p.key_path).map_or(path.clone(), |kp| join(&path, &kp));
                    ck.at(&at, p.message);
                }
                return None;
            }
            Some((inline.clone(), text))
        }
        Some(v) => {
            ck.at(&path, format!("expected a scenario file path or a table, got {}", kind(v)));
            None
        }
    }
}

fn join(a: &KeyPath, b: &KeyPath) -> KeyPath {
    let mut p = a.clone();
    for s in b.segs() {
        p.push(s.clone());
    }
    p
}

/// The `[axes]` table.
fn axes(ck: &mut Checker<'_>, v: Option<&toml::Value>, lhs: bool) -> Option<Vec<Axis>> {
    let path = KeyPath::root().key("axes");
    let table = match v {
        None => return Some(Vec::new()),
        Some(toml::Value::Table(t)) => t,
        Some(v) => {
            ck.at(&path, format!("expected a table of axes, got {}", kind(v)));
            return None;
        }
    };
    let mut out: Vec<Axis> = Vec::new();
    let mut ok = true;
    for (name, spec) in table {
        match axis(ck, &path.key(name), name, spec, lhs) {
            Some(a) => match out.iter().find(|b| b.path == a.path) {
                Some(first) => {
                    let msg = format!("sweeps the same key as axis `{}`: a key takes one axis", first.name);
                    ck.at_key(&path.key(name), msg);
                    ok = false;
                }
                None => out.push(a),
            },
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn axis(ck: &mut Checker<'_>, p: &KeyPath, name: &str, spec: &toml::Value, lhs: bool) -> Option<Axis> {
    let key_path = KeyPath::parse(name).filter(|k| !k.segs().is_empty());
    if key_path.is_none() {
        ck.at_key(p, format!("`{name}` is not a key path like `strategy.growth` or `audience.segments[2].share`"));
    }
    let inert = key_path.as_ref().and_then(|k| match k.segs() {
        [Seg::Key(key)] => INERT_KEYS.iter().find(|(inert, _)| inert == key),
        _ => None,
    });
    if let Some((key, why)) = inert {
        ck.at_key(p, format!("an axis over `{key}` changes nothing: {why}"));
        return None;
    }
    let t = match spec {
        toml::Value::Table(t) => t,
        toml::Value::Array(_) => {
            ck.at(p, "a plain array is a value, not an axis: write `{ values = [...] }` to sweep over it");
            return None;
        }
        v => {
            ck.at(
                p,
                format!("an axis is `{{ values = [...] }}` or `{{ range = [lo, hi], steps = n }}`, got {}", kind(v)),
            );
            return None;
        }
    };
    ck.unknown_keys(t, p, &AXIS_KEYS);
    let values = match (t.get("values"), t.get("range")) {
        (Some(_), Some(_)) => {
            ck.at_key(&p.key("range"), "an axis has either `values` or `range`, not both");
            None
        }
        (None, None) => {
            ck.at(p, "an axis needs `values = [...]` or `range = [lo, hi]`");
            None
        }
        (Some(v), None) => list_values(ck, p, t, v),
        (None, Some(r)) => range_values(ck, p, t, r, lhs),
    };
    Some(Axis { name: name.to_string(), path: key_path?, values: values? })
}

fn list_values(ck: &mut Checker<'_>, p: &KeyPath, t: &toml::Table, v: &toml::Value) -> Option<AxisValues> {
    if t.contains_key("steps") {
        ck.at_key(&p.key("steps"), "only used with `range`");
    }
    let values = match v {
        toml::Value::Array(a) if a.is_empty() => {
            ck.at(&p.key("values"), "empty axis: give at least one value");
            return None;
        }
        toml::Value::Array(a) => a.clone(),
        v => {
            ck.at(&p.key("values"), format!("expected an array of values, got {}", kind(v)));
            return None;
        }
    };
    let labels = match ck.strings(t, p, "labels") {
        Some(l) if l.len() != values.len() => {
            ck.at(&p.key("labels"), format!("has {} labels for {} values", l.len(), values.len()));
            return None;
        }
        Some(l) => l,
        None if t.contains_key("labels") => return None,
        None => values.iter().map(default_label).collect(),
    };
    let explicit = t.contains_key("labels");
    let mut seen: Vec<&String> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let at = if explicit { p.key("labels").index(i) } else { p.key("values").index(i) };
        if let Some(msg) = if explicit { label_problem(l) } else { derived_label_problem(l) } {
            ck.at(&at, msg);
            return None;
        }
        if seen.contains(&l) {
            ck.at(&at, format!("`{l}` appears twice: every value of an axis needs its own label"));
            return None;
        }
        seen.push(l);
    }
    Some(AxisValues::List { values, labels })
}

/// Whether integer `n` is exact as a float (within ±[`MAX_EXACT_INTEGER`]).
fn exact(n: i64) -> bool {
    (-MAX_EXACT_INTEGER..=MAX_EXACT_INTEGER).contains(&n)
}

fn range_values(ck: &mut Checker<'_>, p: &KeyPath, t: &toml::Table, r: &toml::Value, lhs: bool) -> Option<AxisValues> {
    if t.contains_key("labels") {
        ck.at_key(&p.key("labels"), "only used with `values`");
    }
    let rp = p.key("range");
    let ends: Vec<(f64, bool)> = match r {
        toml::Value::Array(a) if a.len() == 2 => a
            .iter()
            .filter_map(|v| match v {
                toml::Value::Integer(n) if exact(*n) => Some((*n as f64, true)),
                toml::Value::Float(x) if x.is_finite() => Some((*x, false)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let toml::Value::Array(a) = r
        && let Some(n) = a.iter().find_map(|v| v.as_integer().filter(|n| !exact(*n)))
    {
        ck.at(&rp, format!("integer ends must be within ±2^53 ({MAX_EXACT_INTEGER}), to be exact, got {n}"));
        return None;
    }
    let [(lo, lo_int), (hi, hi_int)] = ends[..] else {
        ck.at(&rp, "expected `[lo, hi]`, two numbers");
        return None;
    };
    if lo > hi {
        ck.at(&rp, format!("lo must be <= hi, got [{lo}, {hi}]"));
        return None;
    }
    let steps = match ck.int(t, p, "steps", (1, max_points()), POINTS_WHY) {
        Some(_) if lhs => {
            ck.at_key(&p.key("steps"), "not used with design = \"lhs\": `samples` sets the number of points");
            None
        }
        Some(n) => usize::try_from(n).ok(),
        None if t.contains_key("steps") => return None,
        None if lhs => None,
        None => {
            ck.at(p, "a range needs `steps = n` (the number of values, ends included) in a grid or zip design");
            return None;
        }
    };
    Some(AxisValues::Range { lo, hi, steps, integer: lo_int && hi_int })
}

/// Applies one point's levels to the base and validates the result.
fn design_point(ck: &mut Checker<'_>, base: &toml::Table, axes: &[Axis], levels: &[Level]) -> Option<DesignPoint> {
    let mut doc = base.clone();
    let axes_path = KeyPath::root().key("axes");
    let value_path = |a: &Axis, l: &Level| match l.index {
        Some(i) => axes_path.key(&a.name).key("values").index(i),
        None => axes_path.key(&a.name).key("range"),
    };
    for (a, l) in axes.iter().zip(levels) {
        if let Err(msg) = set_at(&mut doc, &a.path, l.value.clone()) {
            ck.at(&axes_path.key(&a.name), msg);
            return None;
        }
    }
    let text = toml::to_string(&doc).unwrap_or_default();
    match scenario::parse(&text, ck.file) {
        Ok(scenario) => Some(DesignPoint { values: levels.iter().map(|l| l.label.clone()).collect(), scenario }),
        Err(e) => {
            let problems = match e {
                ScenarioError::Invalid { problems } => problems,
                other => vec![Problem {
                    file: ck.file.into(),
                    line: 1,
                    col: 1,
                    key_path: String::new(),
                    message: other.to_string(),
                }],
            };
            for pr in problems {
                let kp = KeyPath::parse(&pr.key_path).unwrap_or_default();
                let related = |a: &Axis| {
                    let (x, y) = (a.path.segs(), kp.segs());
                    x.len() <= y.len() && x == &y[..x.len()] || y.len() < x.len() && y == &x[..y.len()] && !y.is_empty()
                };
                let described: Vec<String> =
                    axes.iter().zip(levels).map(|(a, l)| format!("{} = {}", a.name, l.label)).collect();
                match axes.iter().zip(levels).rev().find(|(a, _)| related(a)) {
                    Some((a, l)) => {
                        let msg = format!("with {} = {}: {}: {}", a.name, l.label, pr.key_path, pr.message);
                        ck.at(&value_path(a, l), msg);
                    }
                    None => {
                        let msg = format!("with {}: {}: {}", described.join(", "), pr.key_path, pr.message);
                        ck.at(&axes_path, msg);
                    }
                }
            }
            None
        }
    }
}

/// Keeps the first problem at each (line, column).
fn dedup_problems(problems: &mut Vec<Problem>) {
    let mut seen: Vec<(usize, usize)> = Vec::new();
    problems.retain(|p| {
        let key = (p.line, p.col);
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
}

/// The `[charts]` table, or the defaults.
fn charts(ck: &mut Checker<'_>, v: Option<&toml::Value>, plan: &Plan) -> Option<ChartSpec> {
    let n = plan.points.len();
    let grid2 = plan.design == "grid" && plan.axes.len() == 2 && {
        let data = crate::report::experiment::ChartData {
            name: String::new(),
            replicates: 0,
            axes: plan.axes.clone(),
            point_values: plan.points.iter().map(|p| p.values.clone()).collect(),
            summary: Vec::new(),
            series: Vec::new(),
        };
        is_grid2(&data)
    };
    let mut spec = ChartSpec::default_for(n, grid2);
    let path = KeyPath::root().key("charts");
    let t = match v {
        None => return Some(spec),
        Some(toml::Value::Table(t)) => t,
        Some(v) => {
            ck.at(&path, format!("expected a table, got {}", kind(v)));
            return None;
        }
    };
    ck.unknown_keys(t, &path, &CHART_KEYS);
    let providers = plan.providers();
    let known: Vec<String> =
        providers.iter().map(|p| format!("{DAYS_TO_WARM_PREFIX}{p}")).chain(RUN_METRICS.map(String::from)).collect();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let metric_list = |ck: &mut Checker<'_>, key: &str| -> Option<Vec<String>> {
        let list = ck.strings(t, &path, key)?;
        for (i, m) in list.iter().enumerate() {
            if !known.contains(m) {
                ck.at(&path.key(key).index(i), one_of_message("metric", m, &known_refs));
            }
        }
        Some(list)
    };
    let outcomes = metric_list(ck, "outcomes");
    let heatmaps = metric_list(ck, "heatmaps");
    if let Some(draw) = ck.strings(t, &path, "draw") {
        for (i, d) in draw.iter().enumerate() {
            if !CHART_NAMES.contains(&d.as_str()) {
                ck.at(&path.key("draw").index(i), one_of_message("chart", d, &CHART_NAMES));
            }
        }
        let has = |name: &str| draw.iter().any(|d| d == name);
        spec.inbox = has("inbox");
        spec.reputation = has("reputation");
        spec.outcomes = if has("outcomes") { DEFAULT_OUTCOMES.map(String::from).to_vec() } else { Vec::new() };
        spec.heatmaps = if has("heatmap") {
            crate::report::experiment::DEFAULT_HEATMAPS.map(String::from).to_vec()
        } else {
            Vec::new()
        };
        if has("heatmap") && !grid2 {
            let i = draw.iter().position(|d| d == "heatmap").unwrap_or(0);
            ck.at(&path.key("draw").index(i), "a heatmap needs exactly two axes in a grid design");
        }
    }
    if let Some(o) = outcomes {
        spec.outcomes = o;
    }
    if let Some(h) = heatmaps {
        if !grid2 && !h.is_empty() {
            ck.at(&path.key("heatmaps"), "a heatmap needs exactly two axes in a grid design");
        }
        spec.heatmaps = h;
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> Plan {
        let mut read = |_: &str| Ok(("default.toml".to_string(), crate::scenario::DEFAULT_SCENARIO_TOML.to_string()));
        parse_experiment(text, "exp.toml", &mut read).expect("valid experiment")
    }

    #[test]
    fn the_hash_ignores_the_replicate_count_comments_and_layout_but_not_what_runs_depend_on() {
        let text = "name = \"h\"\nscenario = \"default.toml\"\nreplicates = 2\nseed = 3\n\n[axes]\nhorizon_days = { values = [10, 12] }\n";
        let hash = plan(text).hash;
        assert_eq!(plan(&text.replace("replicates = 2", "replicates = 5")).hash, hash);
        assert_eq!(plan(&text.replace("seed = 3\n", "seed   = 3 # root seed\n")).hash, hash);
        assert_ne!(plan(&text.replace("seed = 3", "seed = 4")).hash, hash);
        assert_ne!(plan(&text.replace("[10, 12]", "[10, 13]")).hash, hash);
    }
}
