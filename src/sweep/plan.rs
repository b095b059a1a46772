//! The plan of an experiment: its design points (each a validated scenario),
//! replicates, seeds, and the identity of every run.
//!
//! Runs are numbered replicate-major: run `i` is replicate `i / points` of
//! design point `i % points`. So the runs of the first `r` replicates are the
//! first `r * points` runs whatever the number of replicates, and replicates
//! can be added to a finished sweep by running only the new ones; an
//! interrupted sweep also has as many replicates of every point finished, give
//! or take one. A run's seed is derived from the root seed with
//! a hash ([`derive_seed`]): from `(root, replicate)` with common random numbers
//! (the default: replicate r of every point shares its seed, so comparisons are
//! paired), from `(root, replicate, point)` with independent seeds. Inside the
//! run, each random stream is derived from the run seed and the stream's name.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::Design;
use super::rows::{RunId, RunRows, failed_rows, run_rows};
use crate::engine::derive_seed;
use crate::report::experiment::{ChartSpec, RunsLayout, SeriesFormat, drawn_column, n_metric_fields};
use crate::scenario::Scenario;

/// How run seeds relate across design points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedMode {
    /// Common random numbers: replicate r has the same seed at every design point.
    Common,
    /// Every run has its own seed.
    Independent,
}

/// One design point: its axis values, their labels, and its validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignPoint {
    /// One value per axis, as text: a number as written in TOML (`1.2`, `20000`),
    /// a string as it is, an array or a table in TOML syntax.
    pub values: Vec<String>,
    /// One entry per axis: the label of the value where the axis gives `labels`, else `None`.
    pub labels: Vec<Option<String>>,
    /// The scenario with the point's values applied.
    pub scenario: Scenario,
    /// In a sampled design (lhs, morris, sobol), the point's coordinates in the unit
    /// cube, one per axis, which the sensitivity analysis reads; empty otherwise.
    pub unit: Vec<f64>,
}

impl DesignPoint {
    /// A point of axes without labels.
    pub fn new(values: Vec<String>, scenario: Scenario) -> Self {
        Self { labels: vec![None; values.len()], values, scenario, unit: Vec::new() }
    }

    /// The point's name on each axis, for legends: its label where it has one, else its value.
    pub fn names(&self) -> Vec<String> {
        point_names(&self.values, &self.labels)
    }
}

/// Which of `n_axes` axes have labels, over the `labels` of every point.
pub fn labelled_axes<'a>(n_axes: usize, labels: impl IntoIterator<Item = &'a [Option<String>]>) -> Vec<bool> {
    let mut labelled = vec![false; n_axes];
    for point in labels {
        for (l, label) in labelled.iter_mut().zip(point) {
            *l |= label.is_some();
        }
    }
    labelled
}

/// The axis columns of `runs.csv` and the summaries: each axis's value, followed,
/// for an axis with labels, by `<axis>_label`.
pub fn axis_columns(axes: &[String], labelled: &[bool]) -> Vec<String> {
    let mut columns = Vec::with_capacity(axes.len());
    for (axis, &l) in axes.iter().zip(labelled) {
        columns.push(axis.clone());
        if l {
            columns.push(format!("{axis}{LABEL_SUFFIX}"));
        }
    }
    columns
}

/// The suffix of the column holding an axis's labels.
pub const LABEL_SUFFIX: &str = "_label";

/// A point's fields in the [`axis_columns`]: each value, followed by its label on a labelled axis.
pub fn axis_fields(values: &[String], labels: &[Option<String>], labelled: &[bool]) -> Vec<String> {
    let mut fields = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        fields.push(value.clone());
        if labelled.get(i).copied().unwrap_or(false) {
            fields.push(labels.get(i).cloned().flatten().unwrap_or_default());
        }
    }
    fields
}

/// A point's name on each axis: its label where it has one, else its value.
pub fn point_names(values: &[String], labels: &[Option<String>]) -> Vec<String> {
    values.iter().enumerate().map(|(i, v)| labels.get(i).cloned().flatten().unwrap_or_else(|| v.clone())).collect()
}

/// A validated experiment, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Short name, used for the default output folder.
    pub name: String,
    /// Free text.
    pub description: String,
    /// How the design points were made (`grid`, `zip`, `lhs`, `morris`, `sobol` or `compare`).
    pub design: String,
    /// The sampled design (lhs, morris, sobol) with its sizes, for the sensitivity
    /// analysis; `None` for a grid, a zip or a comparison.
    pub sampling: Option<Design>,
    /// Replicates per design point (>= 1).
    pub replicates: u32,
    /// Root seed of every run seed.
    pub root_seed: u64,
    /// Common or independent seeds.
    pub seeds: SeedMode,
    /// Axis names (key paths): one column each in the outputs, and a `<axis>_label`
    /// column after an axis with labels ([`Plan::axis_columns`]).
    pub axes: Vec<String>,
    /// The design points.
    pub points: Vec<DesignPoint>,
    /// Whether to write `series.csv` (daily values of every run).
    pub series: bool,
    /// Which charts to draw.
    pub charts: ChartSpec,
    /// Hash of everything the runs depend on (experiment and scenario), except the
    /// number of replicates, which only adds runs; hex.
    pub hash: String,
}

impl Plan {
    /// Number of runs: design points times replicates.
    pub fn n_runs(&self) -> usize {
        self.points.len() * self.replicates as usize
    }

    /// Provider names over all design points, in order of first appearance: the
    /// `days_to_warm_<provider>` columns.
    pub fn providers(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for point in &self.points {
            for p in &point.scenario.providers {
                if !names.contains(&p.name) {
                    names.push(p.name.clone());
                }
            }
        }
        names
    }

    /// The drawn-parameter columns of `runs.csv` over all design points
    /// (`<provider>.<key>`, [`drawn_column`]), in order of first appearance: by
    /// point, provider and registry order. Read from the plan, never from the
    /// runs, so that every shard and thread writes the same columns.
    pub fn drawn_columns(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for point in &self.points {
            for p in &point.scenario.providers {
                for prior in &p.priors {
                    let name = drawn_column(&p.name, prior.key);
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
        names
    }

    /// Which axes have labels (`<axis>_label` columns).
    pub fn labelled_axes(&self) -> Vec<bool> {
        labelled_axes(self.axes.len(), self.points.iter().map(|p| p.labels.as_slice()))
    }

    /// The axis columns of `runs.csv` ([`axis_columns`]).
    pub fn axis_columns(&self) -> Vec<String> {
        axis_columns(&self.axes, &self.labelled_axes())
    }

    /// The fields of design point `point` in the axis columns.
    pub fn axis_fields(&self, point: usize) -> Vec<String> {
        let p = &self.points[point];
        axis_fields(&p.values, &p.labels, &self.labelled_axes())
    }

    /// The identity of run `run` (`run < n_runs()`).
    pub fn run_id(&self, run: usize) -> RunId {
        let points = self.points.len().max(1);
        let (point, replicate) = (run % points, (run / points) as u32);
        RunId { run, point, replicate, seed: self.seed(point, replicate) }
    }

    /// The seed of `replicate` at design point `point`.
    pub fn seed(&self, point: usize, replicate: u32) -> u64 {
        match self.seeds {
            SeedMode::Common => derive_seed(self.root_seed, &[u64::from(replicate)]),
            SeedMode::Independent => derive_seed(self.root_seed, &[u64::from(replicate), 1 + point as u64]),
        }
    }

    /// Runs run `run` (single-threaded) and formats its rows, with the series (if the plan writes
    /// series) in `format`; `columns` are [`Self::providers`] and [`Self::drawn_columns`], `warm`
    /// which metric columns are days-to-warm columns ([`RunsLayout::warm`]), `labelled`
    /// [`Self::labelled_axes`]. A simulation error, a panic or a non-finite value gives a failed
    /// row with its message.
    pub fn run_one_as(
        &self,
        run: usize,
        (columns, warm): ((&[String], &[String]), &[bool]),
        labelled: &[bool],
        format: SeriesFormat,
    ) -> RunRows {
        let id = self.run_id(run);
        let point = &self.points[id.point];
        let fields = axis_fields(&point.values, &point.labels, labelled);
        let n_fields = n_metric_fields(columns.0.len(), columns.1.len());
        let outcome = catch_unwind(AssertUnwindSafe(|| crate::sim::run(&point.scenario, id.seed)));
        match outcome {
            Ok(Ok(result)) => run_rows(id, &fields, columns, warm, &result, self.series.then_some(format)),
            Ok(Err(e)) => failed_rows(id, &fields, n_fields, &e.to_string()),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                failed_rows(id, &fields, n_fields, &format!("panicked: {msg}"))
            }
        }
    }
}

impl Plan {
    /// The real runner for [`super::execute`] with CSV series: [`Self::runner_as`].
    pub fn runner(&self) -> impl Fn(usize) -> RunRows + Sync + '_ {
        self.runner_as(SeriesFormat::Csv)
    }

    /// The real runner for [`super::execute`]: [`Plan::run_one_as`] with the plan's columns and
    /// labelled axes, the series in `format`.
    pub fn runner_as(&self, format: SeriesFormat) -> impl Fn(usize) -> RunRows + Sync + '_ {
        let (providers, drawn, labelled) = (self.providers(), self.drawn_columns(), self.labelled_axes());
        let warm = RunsLayout::of(&[], &providers, &drawn).warm();
        move |run| self.run_one_as(run, ((&providers, &drawn), &warm), &labelled, format)
    }
}

/// One of `count` shards of an experiment (`index` from 1): the runs `i` with `i % count == index - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Parses `K/N` with `1 <= K <= N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid shard `{text}`: expected K/N with 1 <= K <= N, e.g. 2/3");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) =
            (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Whether run `run` belongs to this shard.
    pub fn contains(&self, run: usize) -> bool {
        run % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The runs of `n_runs` that `shard` (all of them without a shard) holds, in order.
pub fn shard_runs(n_runs: usize, shard: Option<Shard>) -> ShardRuns {
    let (first, step) = shard.map_or((0, 1), |s| (s.index - 1, s.count.max(1)));
    let len = if n_runs > first { (n_runs - first - 1) / step + 1 } else { 0 };
    ShardRuns { first, step, len }
}

/// Runs in order, every `step`-th from `first` ([`shard_runs`]): derived, never listed, so
/// that their memory does not grow with their number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRuns {
    first: usize,
    step: usize,
    len: usize,
}

impl ShardRuns {
    /// How many runs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The run at position `i` (`i < len()`).
    pub fn get(&self, i: usize) -> usize {
        self.first + i * self.step
    }

    /// The runs after the first `n`.
    pub fn skip(&self, n: usize) -> Self {
        let n = n.min(self.len);
        Self { first: self.first + n * self.step, step: self.step, len: self.len - n }
    }

    /// The runs, in order.
    pub fn iter(&self) -> std::iter::StepBy<std::ops::Range<usize>> {
        (self.first..self.first + self.len * self.step).step_by(self.step)
    }
}

impl IntoIterator for ShardRuns {
    type Item = usize;
    type IntoIter = std::iter::StepBy<std::ops::Range<usize>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Number of hex digits of a [`content_hash`] (SHA-256); hashes written by
/// ipwarm versions before the swap to SHA-256 had 16 (64-bit FNV-1a).
pub const CONTENT_HASH_HEX_DIGITS: usize = 64;

/// A stable SHA-256 hash of `parts`, in lower-case hex ([`CONTENT_HASH_HEX_DIGITS`] digits).
///
/// Each part is preceded by its length in bytes (64-bit little-endian), so that
/// no two lists of parts hash the same bytes. The hash guards `--resume`
/// against resuming the results of another experiment: a cryptographic hash,
/// because a collision would silently mix two experiments' runs.
pub fn content_hash(parts: &[&str]) -> String {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs() {
        let all: Vec<usize> = (1..=3).flat_map(|k| shard_runs(10, Some(Shard { index: k, count: 3 }))).collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        for (n_runs, shard) in
            [(10, Some(Shard { index: 3, count: 3 })), (2, Some(Shard { index: 3, count: 3 })), (7, None)]
        {
            let runs = shard_runs(n_runs, shard);
            let listed: Vec<usize> = (0..n_runs).filter(|&r| shard.is_none_or(|s| s.contains(r))).collect();
            assert_eq!((runs.iter().collect::<Vec<_>>(), runs.len()), (listed.clone(), listed.len()));
            assert_eq!(runs.skip(1).iter().collect::<Vec<_>>(), listed.get(1..).unwrap_or_default());
            assert!(runs.skip(99).is_empty());
        }
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(Shard::parse("0/3").is_err() && Shard::parse("4/3").is_err() && Shard::parse("x").is_err());
        assert_eq!(content_hash(&["a", "b"]), content_hash(&["a", "b"]));
        assert_ne!(content_hash(&["ab", ""]), content_hash(&["a", "b"]));
        assert_ne!(content_hash(&["a\0", ""]), content_hash(&["a", "\0"]));
        assert_eq!(content_hash(&[]).len(), CONTENT_HASH_HEX_DIGITS);
        // SHA-256 of the 8 zero bytes of one empty part's length: a fixed value, so that the hash
        // never changes by accident (that would refuse to resume every earlier sweep).
        assert_eq!(content_hash(&[""]), "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc");
    }
}
