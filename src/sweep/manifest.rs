//! The manifest of an experiment's output folder, and the file logic of
//! resuming and merging (on readers and writers given by the caller).
//!
//! `manifest.json` records what the results depend on (ipwarm version,
//! experiment hash, root seed, design points with their axis values and
//! labels) and every planned run with its seed and status; seeds are text
//! (`"0x2a"`, [`crate::engine::seed_text`]), which no JSON reader rounds. It is written before the first run (all `pending`) and
//! again at the end. `runs.csv` is written in run order, so after a kill its
//! complete lines are exactly the runs finished: [`scan_runs`] finds them and
//! [`scan_series`] the matching part of `series.csv`; the caller truncates both
//! there and carries on. [`merge_sorted`] interleaves the files of several
//! shards back into run order.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use super::plan::{Plan, SeedMode, Shard};
use super::{Design, SweepError};
use crate::report::experiment::ChartSpec;

/// Status of a planned run.
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

/// A planned run in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRun {
    /// Run index.
    pub run: usize,
    /// Design point.
    pub point: usize,
    /// Replicate, from 0.
    pub replicate: u32,
    /// Seed, written as text ([`crate::engine::seed_text`]).
    #[serde(with = "crate::engine::seed_as_text")]
    pub seed: u64,
    /// Status.
    pub status: RunStatus,
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
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
    /// Whether `series.csv` is written.
    pub series: bool,
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
    /// The runs these files hold, in order, with their status.
    pub runs: Vec<ManifestRun>,
    /// Size and checksum of `runs.csv` when the manifest was last written
    /// (absent in folders of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_digest: Option<FileDigest>,
    /// Size and checksum of `series.csv` likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_digest: Option<FileDigest>,
}

/// Lines, bytes and a 64-bit FNV-1a checksum of a file: enough to tell a file
/// cut short or edited since it was recorded (not a defence against tampering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Newline-terminated lines.
    pub lines: u64,
    /// Bytes.
    pub bytes: u64,
    /// FNV-1a 64 of the bytes, as 16 hex digits.
    pub fnv1a64: String,
}

impl FileDigest {
    /// The digest of everything `r` yields.
    pub fn of(r: &mut dyn BufRead) -> Result<Self, SweepError> {
        let (mut lines, mut bytes, mut hash) = (0u64, 0u64, 0xcbf2_9ce4_8422_2325_u64);
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            for &b in buf {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
                lines += u64::from(b == b'\n');
            }
            let n = buf.len();
            bytes += n as u64;
            r.consume(n);
        }
        Ok(Self { lines, bytes, fnv1a64: format!("{hash:016x}") })
    }
}

impl Manifest {
    /// The manifest of `plan` for `shard`, the statuses of its runs (in order) given by `status`.
    pub fn new(plan: &Plan, shard: Option<Shard>, status: impl Fn(usize) -> RunStatus) -> Self {
        let runs = super::plan::shard_runs(plan.n_runs(), shard)
            .into_iter()
            .map(|run| {
                let id = plan.run_id(run);
                ManifestRun { run, point: id.point, replicate: id.replicate, seed: id.seed, status: status(run) }
            })
            .collect();
        Self {
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
            runs,
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

    /// Reads a manifest.
    pub fn read(r: &mut dyn std::io::Read) -> Result<Self, SweepError> {
        serde_json::from_reader(r).map_err(|e| SweepError::Manifest(e.to_string()))
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
        let n = |s| self.runs.iter().filter(|r| r.status == s).count();
        (n(RunStatus::Ok), n(RunStatus::Failed), n(RunStatus::Pending))
    }
}

/// What [`scan_runs`] found in an existing `runs.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsScan {
    /// Bytes to keep (header and complete, expected rows); 0 if the header is missing or different.
    pub keep_bytes: u64,
    /// Status of each run kept, in order (`true`: ok).
    pub ok: Vec<bool>,
}

/// The index of the `seed` column of `runs.csv`.
const SEED_COL: usize = 3;

/// Scans `runs.csv`: its header must be `header` (without newline); then rows
/// must be the runs of `expected`, in order, each complete (ending in a newline),
/// with their seed as text (rows of an earlier version, whose seeds were numbers, are not kept).
/// `status_col` is the index of the `status` column.
pub fn scan_runs(
    r: &mut dyn BufRead,
    header: &str,
    expected: &[usize],
    status_col: usize,
) -> Result<RunsScan, SweepError> {
    let mut line = String::new();
    let mut keep = 0u64;
    let mut ok = Vec::new();
    let n = r.read_line(&mut line)?;
    if n == 0 || !line.ends_with('\n') || line.trim_end_matches(['\n', '\r']) != header {
        return Ok(RunsScan { keep_bytes: 0, ok });
    }
    keep += n as u64;
    loop {
        line.clear();
        let n = r.read_line(&mut line)?;
        if n == 0 || !line.ends_with('\n') || ok.len() >= expected.len() {
            break;
        }
        let record = ::csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes()).records().next();
        let Some(Ok(rec)) = record else { break };
        let run: Option<usize> = rec.get(0).and_then(|s| s.parse().ok());
        // A seed not written as text is a row of an earlier version: run again rather than mixed in.
        if run != Some(expected[ok.len()]) || !rec.get(SEED_COL).is_some_and(|s| s.starts_with("0x")) {
            break;
        }
        match rec.get(status_col) {
            Some("ok") => ok.push(true),
            Some("failed") => ok.push(false),
            _ => break,
        }
        keep += n as u64;
    }
    Ok(RunsScan { keep_bytes: keep, ok })
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

    #[test]
    fn scans_keep_complete_expected_rows() {
        let text = "run,point,replicate,seed,status\n0,0,0,0x1,ok\n2,0,2,0x3,failed\n4,1,0,0x1,o";
        let scan = scan_runs(&mut text.as_bytes(), "run,point,replicate,seed,status", &[0, 2, 4], 4).unwrap();
        assert_eq!(scan.ok, [true, false]);
        assert_eq!(scan.keep_bytes as usize, text.rfind('\n').unwrap() + 1);
        let wrong = scan_runs(&mut text.as_bytes(), "other", &[0], 4).unwrap();
        assert_eq!(wrong.keep_bytes, 0);
        let skipped = scan_runs(&mut text.as_bytes(), "run,point,replicate,seed,status", &[0, 1], 4).unwrap();
        assert_eq!(skipped.ok, [true], "run 2 is not the run expected after 0");
        let old = "run,point,replicate,seed,status\n0,0,0,0x1,ok\n2,0,2,3,failed\n";
        let old = scan_runs(&mut old.as_bytes(), "run,point,replicate,seed,status", &[0, 2], 4).unwrap();
        assert_eq!(old.ok, [true], "a seed written as a number is a row of an earlier version");
        assert_eq!(crate::report::experiment::RUN_ID_COLUMNS[SEED_COL], "seed");
        let series = "run,day\n0,1\n0,2\n2,1\n2,";
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", Some(0)).unwrap(), 16);
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", None).unwrap(), 8);
        assert_eq!(scan_series(&mut series.as_bytes(), "run,day", Some(2)).unwrap(), 20);
    }

    #[test]
    fn seeds_are_text_and_labels_only_where_given() {
        let point = |labels: Vec<Option<String>>| ManifestPoint {
            point: 0,
            values: vec!["1.2".into()],
            labels,
            unit: Vec::new(),
        };
        let run = ManifestRun { run: 0, point: 0, replicate: 0, seed: u64::MAX, status: RunStatus::Ok };
        let json = serde_json::to_value(&run).unwrap();
        assert_eq!(json["seed"], "0xffffffffffffffff");
        assert_eq!(serde_json::from_value::<ManifestRun>(json).unwrap(), run);
        let old =
            serde_json::json!({"run": 0, "point": 0, "replicate": 0, "seed": 18446744073709551615u64, "status": "ok"});
        assert_eq!(serde_json::from_value::<ManifestRun>(old).unwrap(), run, "earlier versions wrote numbers");
        assert_eq!(
            serde_json::to_value(point(vec![None])).unwrap(),
            serde_json::json!({"point": 0, "values": ["1.2"]})
        );
        let labelled = serde_json::to_value(point(vec![Some("slow".into())])).unwrap();
        assert_eq!(labelled["labels"], serde_json::json!(["slow"]));
        let read: ManifestPoint = serde_json::from_value(serde_json::json!({"point": 0, "values": ["1.2"]})).unwrap();
        assert!(read.labels.is_empty());
    }

    #[test]
    fn digests_tell_a_file_cut_short() {
        let full = FileDigest::of(&mut "h\n0,a\n1,b\n".as_bytes()).unwrap();
        assert_eq!((full.lines, full.bytes), (3, 10));
        assert_eq!(FileDigest::of(&mut "".as_bytes()).unwrap().fnv1a64, "cbf29ce484222325");
        assert_ne!(FileDigest::of(&mut "h\n0,a\n".as_bytes()).unwrap(), full);
        assert_ne!(FileDigest::of(&mut "h\n0,a\n1,c\n".as_bytes()).unwrap(), full);
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
