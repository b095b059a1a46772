//! The identity of a run in an experiment, and its rows in `runs.csv` and
//! `series.csv`.
//!
//! A `runs.csv` row is the run's identity ([`RunId`], the seed written as
//! text: [`crate::engine::seed_text`]), its design point's axis fields (each
//! value, and its label on an axis with labels: [`super::axis_fields`]), its status (`ok` or `failed`, and why), then its metrics; the column
//! names and the metrics are [`crate::report::experiment`]'s (which also reads
//! the files back). Rows are formatted in the worker that ran the simulation,
//! so that the single thread writing files in run order only copies bytes.

use std::fmt::Write as _;

use crate::engine::seed_text;
use crate::report::experiment::series_store::RunSeries;
use crate::report::experiment::{RunRecord, SeriesFormat, csv_field, metric_rows_as, n_metric_fields};
use crate::sim::RunResult;

/// Identity of a run, written at the start of its row (the columns
/// [`RUN_ID_COLUMNS`](crate::report::experiment::RUN_ID_COLUMNS), in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    /// Index of the run in the experiment (replicate-major: every point of replicate 0, then of replicate 1, ...).
    pub run: usize,
    /// Index of the design point.
    pub point: usize,
    /// Replicate number, from 0.
    pub replicate: u32,
    /// Seed of the run.
    pub seed: u64,
}

/// The formatted rows of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRows {
    /// Whether the run succeeded with finite values everywhere.
    pub ok: bool,
    /// Why it failed (empty when ok).
    pub message: String,
    /// The `runs.csv` line, newline included.
    pub run_row: String,
    /// The `series.csv` lines of the run (empty when the run failed or series are off or not CSV).
    pub series_rows: String,
    /// The run's series rows typed, for Parquet parts and the summaries (`None` when the run
    /// failed or series are off).
    pub series_typed: Option<RunSeries>,
    /// The `runs.csv` row as its reader gets it, for the summaries.
    pub record: RunRecord,
}

/// The rows of run `id`, whose axis fields ([`super::axis_fields`]) are `axis`,
/// from its simulation result. `providers` are the provider columns of the experiment (a provider
/// absent from this run leaves its column empty) and `drawn` its drawn-parameter columns
/// ([`super::Plan::drawn_columns`]); `warm` says which metric columns are days-to-warm columns
/// ([`RunsLayout::warm`](crate::report::experiment::RunsLayout::warm)). With `series`, the run's
/// series are made too, typed, and as `series.csv` lines in CSV. A non-finite metric turns the
/// run into a failure.
pub fn run_rows(
    id: RunId,
    axis: &[String],
    (providers, drawn): (&[String], &[String]),
    warm: &[bool],
    result: &RunResult,
    series: Option<SeriesFormat>,
) -> RunRows {
    match metric_rows_as(id.run, providers, drawn, result, series) {
        Ok(rows) => {
            let record =
                RunRecord::new((id.run, id.point, u64::from(id.replicate)), labels(axis), true, rows.fields(), warm);
            RunRows {
                ok: true,
                message: String::new(),
                run_row: row(id, axis, "ok", "", &rows.line),
                series_rows: rows.series,
                series_typed: rows.typed,
                record,
            }
        }
        Err(metric) => failed_rows(
            id,
            axis,
            n_metric_fields(providers.len(), drawn.len()),
            &format!("non-finite value of {metric}"),
        ),
    }
}

/// The rows of run `id` that failed with `message`: its `n_fields` metric
/// fields ([`n_metric_fields`]) left empty, no series.
pub fn failed_rows(id: RunId, axis: &[String], n_fields: usize, message: &str) -> RunRows {
    let run_row = row(id, axis, "failed", message, &",".repeat(n_fields.saturating_sub(1)));
    let record = RunRecord {
        run: id.run,
        point: id.point,
        replicate: u64::from(id.replicate),
        labels: labels(axis),
        ok: false,
        values: vec![f64::NAN; n_fields],
    };
    RunRows { ok: false, message: message.to_string(), run_row, series_rows: String::new(), series_typed: None, record }
}

/// The axis fields as a reader of `runs.csv` gets them back.
fn labels(axis: &[String]) -> Vec<String> {
    axis.iter().map(|l| text_field(l)).collect()
}

/// A text field as written on one line.
fn text_field(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The `runs.csv` row of `id`: its identity, axis fields, status and message, then `fields` (the
/// metric fields, comma-separated).
fn row(id: RunId, axis: &[String], status: &str, message: &str, fields: &str) -> String {
    let texts =
        axis.iter().map(|l| csv_field(&text_field(l))).chain([status.to_string(), csv_field(&text_field(message))]);
    let mut line = String::with_capacity(64 + fields.len());
    // Writing to a String cannot fail.
    let _ = write!(line, "{},{},{},{}", id.run, id.point, id.replicate, seed_text(id.seed));
    for text in texts {
        line.push(',');
        line.push_str(&text);
    }
    line.push(',');
    line.push_str(fields);
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::experiment::{RUN_ID_COLUMNS, RunsLayout, runs_header, series_header};
    use crate::scenario::default_scenario;

    #[test]
    fn rows_match_their_headers() {
        let scenario = default_scenario().unwrap();
        let result = crate::sim::run(&scenario, 3).unwrap();
        let providers = result.provider_names.clone();
        let id = RunId { run: 7, point: 1, replicate: 2, seed: u64::MAX };
        let labels = vec!["1.5".to_string(), "a,b".to_string()];
        let layout = RunsLayout::of(&["x".into(), "y".into()], &providers, &[]);
        let warm = layout.warm();
        let rows = run_rows(id, &labels, (&providers, &[]), &warm, &result, Some(SeriesFormat::Csv));
        assert!(rows.ok);
        let header = runs_header(&["x".into(), "y".into()], &providers, &[]);
        let fields = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(rows.run_row.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(fields.len(), header.len());
        assert_eq!(fields.iter().take(RUN_ID_COLUMNS.len()).collect::<Vec<_>>(), ["7", "1", "2", "0xffffffffffffffff"]);
        assert_eq!((&fields[5], &fields[6], &fields[7]), ("a,b", "ok", ""));
        assert_eq!(rows.series_rows.lines().count(), scenario.horizon_days as usize * providers.len());
        assert!(rows.series_rows.lines().all(|l| l.split(',').count() == series_header().len()));
        // The record is the row as a reader of runs.csv gets it.
        let first_metric = header.len() - layout.metrics.len();
        let read: Vec<f64> = fields
            .iter()
            .skip(first_metric)
            .zip(&warm)
            .map(|(f, w)| match (*w, f) {
                (true, "") => f64::INFINITY,
                _ => f.parse().unwrap_or(f64::NAN),
            })
            .collect();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&rows.record.values), bits(&read));
        assert_eq!((rows.record.run, rows.record.point, rows.record.replicate, rows.record.ok), (7, 1, 2, true));
        assert_eq!(rows.record.labels, ["1.5", "a,b"]);
        let typed = run_rows(id, &labels, (&providers, &[]), &warm, &result, Some(SeriesFormat::Parquet));
        assert_eq!((&typed.run_row, typed.series_rows.as_str()), (&rows.run_row, ""));
        assert_eq!(rows.series_typed.as_ref(), typed.series_typed.as_ref(), "typed rows in either format");
        let typed = typed.series_typed.unwrap();
        assert_eq!(typed.len(), rows.series_rows.lines().count());
        let failed = failed_rows(id, &labels, n_metric_fields(providers.len(), 0), "boom");
        assert!(!failed.ok && failed.series_rows.is_empty());
        assert!(!failed.record.ok && failed.record.values.len() == layout.metrics.len());
        assert_eq!(failed.run_row.split(',').count(), header.len() + 1, "the quoted `a,b` holds a comma");
    }
}
