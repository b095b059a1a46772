//! The manifest of an experiment's output folder, and the file logic of
//! resuming and merging (on readers and writers given by the caller).
//!
//! `manifest.json` records what the results depend on (ipwarm version,
//! experiment hash, root seed, design points with their axis values and
//! labels), how many runs the folder holds by status ([`RunCounts`]) and the
//! digests of its run files. Its size does not grow with the number of runs:
//! the runs of a folder follow from the plan (design points times replicates,
//! the shard: [`super::shard_runs`]; seeds from the root seed), and each run's
//! status and seed are in its row of `runs.csv`. Layout version 1 (before
//! [`MANIFEST_VERSION`] 2) listed every run; such a manifest still reads, its
//! list counted while it is parsed, never held. Seeds are text (`"0x2a"`,
//! [`crate::engine::seed_text`]), which no JSON reader rounds. It is written
//! before the first run (all `pending`) and again at the end. `runs.csv` is
//! written in run order, so after a kill its complete lines are exactly the runs
//! finished: [`scan_runs`] finds them and [`scan_series`] the matching part of
//! `series.csv`; the caller truncates both there and carries on.
//! [`merge_sorted`] interleaves the files of several shards back into run order.

use std::io::{BufRead, Write};

use serde::{Deserialize, Deserializer, Serialize};

use super::digest::FileDigest;
use super::plan::{Plan, SeedMode, Shard, ShardRuns};
use super::{Design, SweepError};
use crate::report::experiment::{ChartSpec, SeriesFormat};

/// The layout version of `manifest.json` this ipwarm writes: 2, run counts instead of a
/// list of runs (a manifest without the field has layout 1).
pub const MANIFEST_VERSION: u32 = 2;

/// Status of a run, as `runs.csv` (and layout 1 of the manifest) gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Not finished yet.
    Pending,
    /// Finished with finite values.
    Ok,
    /// Failed; the message is in `runs.csv`.
    Failed,
}

/// A design point in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestPoint {
    /// Index of the point.
    pub point: usize,
    /// Its axis values, as text (as in `runs.csv`).
    pub values: Vec<String>,
    /// One entry per axis: the value's label on an axis with labels, else `null`;
    /// absent when no axis has labels (and in folders of earlier versions).
    #[serde(default, skip_serializing_if = "no_labels")]
    pub labels: Vec<Option<String>>,
    /// In a sampled design, its coordinates in the unit cube (one per axis), which the
    /// sensitivity analysis reads; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit: Vec<f64>,
}

fn no_labels(labels: &[Option<String>]) -> bool {
    labels.iter().all(Option::is_none)
}

/// How many runs a folder holds, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Runs planned in the folder (its shard's, or all).
    pub planned: usize,
    /// Finished with finite values.
    pub ok: usize,
    /// Failed (their messages are in `runs.csv`).
    pub failed: usize,
    /// Not finished yet.
    pub pending: usize,
}

impl RunCounts {
    /// `planned` runs of which `ok` and `failed` finished (the rest pending).
    pub fn new(planned: usize, ok: usize, failed: usize) -> Self {
        Self { planned, ok, failed, pending: planned.saturating_sub(ok + failed) }
    }
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version ([`MANIFEST_VERSION`]; 1 when absent: a list of runs instead of counts).
    #[serde(default = "layout_one")]
    pub manifest_version: u32,
    /// Version of ipwarm that wrote the results.
    pub ipwarm_version: String,
    /// Experiment name.
    pub experiment: String,
    /// Experiment description.
    pub description: String,
    /// Hash of the experiment and scenario texts.
    pub experiment_hash: String,
    /// Design (`grid`, `zip`, `lhs`, `compare`).
    pub design: String,
    /// A sampled design (lhs, morris, sobol) with its sizes; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Design>,
    /// Replicates per design point.
    pub replicates: u32,
    /// Root seed, written as text ([`crate::engine::seed_text`]).
    #[serde(with = "crate::engine::seed_as_text")]
    pub root_seed: u64,
    /// Common or independent seeds.
    pub seeds: SeedMode,
    /// Whether series are written.
    pub series: bool,
    /// How series are stored: `csv` (`series.csv`; absent from the manifest, as in folders of
    /// earlier versions) or `parquet` (the parts of `series/`).
    #[serde(default, skip_serializing_if = "SeriesFormat::is_csv")]
    pub series_format: SeriesFormat,
    /// Runs per Parquet part (with Parquet series; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_part_runs: Option<usize>,
    /// Axis names.
    pub axes: Vec<String>,
    /// Provider columns of `runs.csv`.
    pub providers: Vec<String>,
    /// Drawn-parameter columns of `runs.csv` (`<provider>.<key>`; absent when
    /// no provider parameter is drawn, and in folders of earlier versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drawn_parameters: Vec<String>,
    /// Charts to draw.
    pub charts: ChartSpec,
    /// Design points.
    pub points: Vec<ManifestPoint>,
    /// Runs planned in the whole experiment.
    pub n_runs: usize,
    /// The shard these files hold (`None`: all runs).
    pub shard: Option<Shard>,
    /// The runs these files hold ([`Manifest::planned_runs`]), by status when the manifest was
    /// last written; each run's status is in `runs.csv`.
    #[serde(default)]
    pub run_counts: RunCounts,
    /// Layout 1's list of runs, counted while read (never written, never held).
    #[serde(default, rename = "runs", skip_serializing, deserialize_with = "count_listed_runs")]
    listed_runs: Option<RunCounts>,
    /// Size and checksum of `runs.csv` when the manifest was last written
    /// (absent in folders of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_digest: Option<FileDigest>,
    /// Size and checksum of `series.csv` likewise; of Parquet series, of the parts
    /// present, in order, as if one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_digest: Option<FileDigest>,
}

fn layout_one() -> u32 {
    1
}

/// Counts the statuses of layout 1's list of runs one entry at a time.
fn count_listed_runs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RunCounts>, D::Error> {
    /// The one field of a listed run that is kept (the others are skipped by serde).
    #[derive(Deserialize)]
    struct Listed {
        status: RunStatus,
    }
    struct Counter;
    impl<'de> serde::de::Visitor<'de> for Counter {
        type Value = RunCounts;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of runs")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RunCounts, A::Error> {
            let (mut planned, mut ok, mut failed) = (0, 0, 0);
            while let Some(run) = seq.next_element::<Listed>()? {
                planned += 1;
                ok += usize::from(run.status == RunStatus::Ok);
                failed += usize::from(run.status == RunStatus::Failed);
            }
            Ok(RunCounts::new(planned, ok, failed))
        }
    }
    d.deserialize_seq(Counter).map(Some)
}

impl Manifest {
    /// The manifest of `plan` for `shard`, every run pending.
    pub fn new(plan: &Plan, shard: Option<Shard>) -> Self {
        Self {
            manifest_version: MANIFEST_VERSION,
            ipwarm_version: crate::VERSION.to_string(),
            experiment: plan.name.clone(),
            description: plan.description.clone(),
            experiment_hash: plan.hash.clone(),
            design: plan.design.clone(),
            sampling: plan.sampling,
            replicates: plan.replicates,
            root_seed: plan.root_seed,
            seeds: plan.seeds,
            series: plan.series,
            series_format: SeriesFormat::Csv,
            series_part_runs: None,
            axes: plan.axes.clone(),
            providers: plan.providers(),
            drawn_parameters: plan.drawn_columns(),
            charts: plan.charts.clone(),
            points: plan
                .points
                .iter()
                .enumerate()
                .map(|(point, p)| ManifestPoint {
                    point,
                    values: p.values.clone(),
                    labels: p.labels.clone(),
                    unit: p.unit.clone(),
                })
                .collect(),
            n_runs: plan.n_runs(),
            shard,
            run_counts: RunCounts::new(super::plan::shard_runs(plan.n_runs(), shard).len(), 0, 0),
            listed_runs: None,
            runs_digest: None,
            series_digest: None,
        }
    }

    /// Writes the manifest as pretty JSON, ending with a newline.
    pub fn write(&self, w: &mut dyn Write) -> Result<(), SweepError> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(|e| SweepError::Manifest(e.to_string()))?;
        w.write_all(b"\n")?;
        Ok(())
    }

    /// Reads a manifest (of any layout; layout 1's list of runs becomes [`Manifest::run_counts`],
    /// and the manifest is then one of the current layout). Buffer `r`: it is read in small pieces.
    pub fn read(r: &mut dyn std::io::Read) -> Result<Self, SweepError> {
        let mut m: Self = serde_json::from_reader(r).map_err(|e| SweepError::Manifest(e.to_string()))?;
        if m.manifest_version > MANIFEST_VERSION {
            return Err(SweepError::Manifest(format!(
                "layout version {} is newer than this ipwarm's ({MANIFEST_VERSION}): use a newer ipwarm",
                m.manifest_version
            )));
        }
        if let Some(counts) = m.listed_runs.take() {
            m.run_counts = counts;
        }
        m.manifest_version = MANIFEST_VERSION;
        Ok(m)
    }

    /// The runs these files hold, in order.
    pub fn planned_runs(&self) -> ShardRuns {
        super::plan::shard_runs(self.n_runs, self.shard)
    }

    /// Which axes have labels.
    pub fn labelled_axes(&self) -> Vec<bool> {
        super::plan::labelled_axes(self.axes.len(), self.points.iter().map(|p| p.labels.as_slice()))
    }

    /// The axis columns of `runs.csv` ([`super::axis_columns`]).
    pub fn axis_columns(&self) -> Vec<String> {
        super::plan::axis_columns(&self.axes, &self.labelled_axes())
    }

    /// The index of the `status` column of `runs.csv`: after the run's identity and the axis columns.
    pub fn status_col(&self) -> usize {
        crate::report::experiment::RUN_ID_COLUMNS.len() + self.axis_columns().len()
    }

    /// Each point's name on each axis, for legends: its label where it has one, else its value.
    pub fn point_names(&self) -> Vec<Vec<String>> {
        self.points.iter().map(|p| super::plan::point_names(&p.values, &p.labels)).collect()
    }

    /// Counts of (ok, failed, pending) runs.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.run_counts.ok, self.run_counts.failed, self.run_counts.pending)
    }
}

/// What [`scan_runs`] found in an existing `runs.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunsScan {
    /// Bytes to keep (header and complete, expected rows); 0 if the header is missing or different.
    pub keep_bytes: u64,
    /// Of the rows kept, those of runs that succeeded.
    pub ok: usize,
    /// Of the rows kept, those of runs that failed.
    pub failed: usize,
}

impl RunsScan {
    /// Rows kept: the first `done()` runs expected, finished.
    pub fn done(&self) -> usize {
        self.ok + self.failed
    }
}

/// The index of the `seed` column of `runs.csv`.
const SEED_COL: usize = 3;

/// Scans `runs.csv`, streaming: its header must be `header` (without newline); then rows
/// must be the runs of `expected`, in order, each complete (ending in a newline),
/// with their seed as text (rows of an earlier version, whose seeds were numbers, are not kept).
/// `status_col` is the index of the `status` column.
pub fn scan_runs(
    r: &mut dyn BufRead,
    header: &str,
    expected: ShardRuns,
    status_col: usize,
) -> Result<RunsScan, SweepError> {
    let mut line = Vec::new();
    let mut scan = RunsScan { keep_bytes: 0, ok: 0, failed: 0 };
    let n = r.read_until(b'\n', &mut line)?;
    if n == 0 || !line.ends_with(b"\n") || trim_newline(&line) != header.as_bytes() {
        return Ok(scan);
    }
    scan.keep_bytes += n as u64;
    let mut fields = Vec::new();
    while scan.done() < expected.len() {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 || !line.ends_with(b"\n") {
            break;
        }
        let row = trim_newline(&line);
        if !leading_fields(row, status_col + 1, &mut fields) {
            break;
        }
        let field = |i: usize| &row[fields[i].clone()];
        let run = std::str::from_utf8(field(0)).ok().and_then(|s| s.parse::<usize>().ok());
        // A seed not written as text is a row of an earlier version: run again rather than mixed in.
        if run != Some(expected.get(scan.done())) || !field(SEED_COL).starts_with(b"0x") {
            break;
        }
        match field(status_col) {
            b"ok" => scan.ok += 1,
            b"failed" => scan.failed += 1,
            _ => break,
        }
        scan.keep_bytes += n as u64;
    }
    Ok(scan)
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Puts the byte ranges of the first `n` fields of the CSV row `line` into `fields` (a quoted
/// field with its quotes, as written by [`crate::report::experiment::csv_field`]); false if
/// it has fewer.
fn leading_fields(line: &[u8], n: usize, fields: &mut Vec<std::ops::Range<usize>>) -> bool {
    fields.clear();
    let mut start = 0;
    while fields.len() < n {
        let mut end = start;
        if line.get(start) == Some(&b'"') {
            // Up to the closing quote; a doubled quote is an escaped one.
            end += 1;
            loop {
                match line.get(end) {
                    Some(b'"') if line.get(end + 1) == Some(&b'"') => end += 2,
                    Some(b'"') => {
                        end += 1;
                        break;
                    }
                    Some(_) => end += 1,
                    None => return false,
                }
            }
        }
        while end < line.len() && line[end] != b',' {
            end += 1;
        }
        fields.push(start..end);
        if end >= line.len() && fields.len() < n {
            return false;
        }
        start = end + 1;
    }
    true
}

/// Bytes of `series.csv` to keep: the header and the complete rows of runs up
/// to `last_run` (none if `None`); 0 if the header is not `header`.
pub fn scan_series(r: &mut dyn BufRead, header: &str, last_run: Option<usize>) -> Result<u64, SweepError> {
    let mut line = String::new();
    let n = r.read_line(&mut line)?;
    if n == 0 || !line.ends_with('\n') || line.trim_end_matches(['\n', '\r']) != header {
        return Ok(0);
    }
    let mut keep = n as u64;
    let Some(last) = last_run else { return Ok(keep) };
    loop {
        line.clear();
        let n = r.read_line(&mut line)?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        match line.split(',').next().and_then(|s| s.parse::<usize>().ok()) {
            Some(run) if run <= last => keep += n as u64,
            _ => break,
        }
    }
    Ok(keep)
}

/// Merges files sorted by their first column (a run index), all with the same
/// header line, into `out` in run order; rows of equal index keep the order of
/// their input. Every input must end its rows with a newline.
pub fn merge_sorted(inputs: &mut [Box<dyn BufRead + '_>], out: &mut dyn Write) -> Result<(), SweepError> {
    let mut header: Option<String> = None;
    let mut heads: Vec<Option<(usize, String)>> = Vec::with_capacity(inputs.len());
    for input in inputs.iter_mut() {
        let mut h = String::new();
        input.read_line(&mut h)?;
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => {
                return Err(SweepError::Merge("the files to merge have different headers".into()));
            }
            Some(_) => {}
        }
        heads.push(next_row(input.as_mut())?);
    }
    if let Some(h) = &header {
        out.write_all(h.as_bytes())?;
    }
    loop {
        let best = heads.iter().enumerate().filter_map(|(i, h)| h.as_ref().map(|(run, _)| (*run, i))).min();
        let Some((_, i)) = best else { break };
        if let Some((_, line)) = heads[i].take() {
            out.write_all(line.as_bytes())?;
        }
        heads[i] = next_row(inputs[i].as_mut())?;
    }
    Ok(())
}

fn next_row(input: &mut dyn BufRead) -> Result<Option<(usize, String)>, SweepError> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    if !line.ends_with('\n') {
        return Err(SweepError::Merge("a file to merge ends with an incomplete row: was its sweep finished?".into()));
    }
    let run = line.split(',').next().and_then(|s| s.parse().ok());
    run.map(|r| Some((r, line))).ok_or_else(|| SweepError::Merge("a row does not start with a run index".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::shard_runs;

    #[test]
    fn scans_keep_complete_expected_rows() {
        let header = "run,point,replicate,seed,status";
        let text = "run,point,replicate,seed,status\n0,0,0,0x1,ok\n2,0,2,0x3,failed\n4,1,0,0x1,o";
        let even = |n: usize| shard_runs(2 * n, Some(Shard { index: 1, count: 2 }));
        let scan = scan_runs(&mut text.as_bytes(), header, even(3), 4).unwrap();
        assert_eq!((scan.ok, scan.failed, scan.done()), (1, 1, 2));
        assert_eq!(scan.keep_bytes as usize, text.rfind('\n').unwrap() + 1);
        let wrong = scan_runs(&mut text.as_bytes(), "other", even(1), 4).unwrap();
        assert_eq!(wrong.keep_bytes, 0);
        let skipped = scan_runs(&mut text.as_bytes(), header, shard_runs(2, None), 4).unwrap();
        assert_eq!((skipped.ok, skipped.failed), (1, 0), "run 2 is not the run expected after 0");
        let old = "run,point,replicate,seed,status\n0,0,0,0x1,ok\n2,0,2,3,failed\n";
        let old = scan_runs(&mut old.as_bytes(), header, even(2), 4).unwrap();
        assert_eq!(old.done(), 1, "a seed written as a number is a row of an earlier version");
        assert_eq!(crate::report::experiment::RUN_ID_COLUMNS[SEED_COL], "seed");
        // Quoted axis labels, with commas and quotes, before the status.
        let quoted =
            "run,point,replicate,seed,a,status\n0,0,0,0x1,\"x, \"\"y\"\"\",ok,\n1,0,1,0x2,\"z\",failed,\"a,b\"\n";
        let scan =
            scan_runs(&mut quoted.as_bytes(), "run,point,replicate,seed,a,status", shard_runs(2, None), 5).unwrap();
        assert_eq!((scan.ok, scan.failed, scan.keep_bytes as usize), (1, 1, quoted.len()));
        let series = "run,day\n0,1\n0,2\n2,1\n2,";
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", Some(0)).unwrap(), 16);
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", None).unwrap(), 8);
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", Some(2)).unwrap(), 20);
    }

    #[test]
    fn leading_fields_split_quoted_fields() {
        let mut fields = Vec::new();
        let line = b"1,\"a,\"\"b\",c";
        assert!(leading_fields(line, 3, &mut fields));
        let split: Vec<&[u8]> = fields.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(split, [&b"1"[..], b"\"a,\"\"b\"", b"c"]);
        assert!(!leading_fields(b"1,2", 3, &mut fields));
        assert!(!leading_fields(b"1,\"open", 2, &mut fields));
        assert!(leading_fields(b"1,,", 3, &mut fields));
        assert_eq!(fields, [0..1, 2..2, 3..3]);
    }

    #[test]
    fn seeds_are_text_and_labels_only_where_given() {
        let point = |labels: Vec<Option<String>>| ManifestPoint {
            point: 0,
            values: vec!["1.2".into()],
            labels,
            unit: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(point(vec![None])).unwrap(),
            serde_json::json!({"point": 0, "values": ["1.2"]})
        );
        let labelled = serde_json::to_value(point(vec![Some("slow".into())])).unwrap();
        assert_eq!(labelled["labels"], serde_json::json!(["slow"]));
        let read: ManifestPoint = serde_json::from_value(serde_json::json!({"point": 0, "values": ["1.2"]})).unwrap();
        assert!(read.labels.is_empty());
    }

    /// A manifest of `n_runs` runs as this version writes it.
    fn manifest(n_runs: usize) -> Manifest {
        let mut plan = crate::sweep::compare_plan(&crate::sweep::CompareInput {
            scenarios: vec![("default.toml".into(), crate::scenario::DEFAULT_SCENARIO_TOML.into())],
            strategies: Vec::new(),
            replicates: 1,
            seed: 1,
        })
        .unwrap();
        plan.replicates = u32::try_from(n_runs).unwrap();
        let mut m = Manifest::new(&plan, None);
        m.run_counts = RunCounts::new(n_runs, n_runs - 1, 1);
        m.runs_digest =
            Some(FileDigest { lines: n_runs as u64 + 1, bytes: 570 * n_runs as u64, fnv1a64: "0".repeat(16) });
        m
    }

    fn text(m: &Manifest) -> String {
        let mut bytes = Vec::new();
        m.write(&mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn the_manifest_does_not_grow_with_the_runs() {
        let (small, large) = (text(&manifest(10)), text(&manifest(10_000)));
        // Only the counts and the digest's numbers have more digits.
        assert!(large.len() - small.len() <= 5 * 3 + 2 * 4, "{} vs {} bytes", small.len(), large.len());
        let back = Manifest::read(&mut large.as_bytes()).unwrap();
        assert_eq!(back, manifest(10_000));
        assert_eq!(back.counts(), (9_999, 1, 0));
        assert!(large.contains("\"manifest_version\": 2"), "{large}");
    }

    #[test]
    fn a_manifest_listing_its_runs_reads_as_counts() {
        let mut json: serde_json::Value = serde_json::from_str(&text(&manifest(3))).unwrap();
        let map = json.as_object_mut().unwrap();
        map.remove("manifest_version");
        map.remove("run_counts");
        let run = |run: usize, status: &str| serde_json::json!({"run": run, "point": 0, "replicate": run, "seed": "0x1", "status": status});
        map.insert("runs".into(), serde_json::json!([run(0, "ok"), run(1, "failed"), run(2, "pending")]));
        let old = Manifest::read(&mut json.to_string().as_bytes()).unwrap();
        assert_eq!(old.run_counts, RunCounts { planned: 3, ok: 1, failed: 1, pending: 1 });
        assert_eq!(old.manifest_version, MANIFEST_VERSION);
        assert!(!text(&old).contains("\"runs\":"), "the list is never written back");
        json["manifest_version"] = serde_json::json!(MANIFEST_VERSION + 1);
        let err = Manifest::read(&mut json.to_string().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("newer than this ipwarm"), "{err}");
    }

    #[test]
    fn merge_interleaves_by_run() {
        let a = "h\n0,a\n0,b\n3,c\n";
        let b = "h\n1,d\n4,e\n";
        let c = "h\n2,f\n";
        let mut inputs: Vec<Box<dyn BufRead>> =
            vec![Box::new(a.as_bytes()), Box::new(b.as_bytes()), Box::new(c.as_bytes())];
        let mut out = Vec::new();
        merge_sorted(&mut inputs, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "h\n0,a\n0,b\n1,d\n2,f\n3,c\n4,e\n");
        let mut bad: Vec<Box<dyn BufRead>> = vec![Box::new("h\n".as_bytes()), Box::new("x\n".as_bytes())];
        assert!(merge_sorted(&mut bad, &mut Vec::new()).is_err());
    }
}
