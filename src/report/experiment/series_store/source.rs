//! [`SeriesSource`]: the rows of an experiment's series, parsed, whatever the format: from
//! `series.csv` ([`CsvSeries`]) or from Parquet parts ([`PartSeries`]). Readers (the summaries, the
//! single-run lines of the charts) see the same numbers from both.

use std::io::Read;

use super::super::metrics::{SERIES_ID_COLUMNS, SERIES_METRICS};
use super::{PartColumns, decode_part_into};
use crate::report::ReportError;

/// One row of the series, parsed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesRow {
    /// Run index.
    pub run: usize,
    /// Day, from 1.
    pub day: u32,
    /// Provider name.
    pub provider: String,
    /// The value of each metric of [`SERIES_METRICS`] as `series.csv` reads it (NaN: none).
    pub values: [f64; SERIES_METRICS.len()],
}

/// Rows of an experiment's series, in run order.
pub trait SeriesSource {
    /// Reads the next row into `row`; `false` at the end.
    fn next_row(&mut self, row: &mut SeriesRow) -> Result<bool, ReportError>;

    /// Whether the series have a column for metric `metric` (an index of [`SERIES_METRICS`]);
    /// without one, its values are NaN.
    fn has_metric(&self, metric: usize) -> bool;

    /// Says that only the metrics `metrics` (indices of [`SERIES_METRICS`]) of the rows still
    /// to come are read: a source may then leave the others NaN (the Parquet parts do not
    /// decode their columns).
    fn read_only(&mut self, metrics: &[usize]) {
        let _ = metrics;
    }

    /// Says that no row of a run from `run` on will be read: a source may end before them (the
    /// Parquet parts decode only the rows of runs below it).
    fn read_runs_below(&mut self, run: usize) {
        let _ = run;
    }
}

/// The rows of a `series.csv`.
pub struct CsvSeries<R: Read> {
    reader: ::csv::Reader<R>,
    record: ::csv::StringRecord,
    /// The column of each metric, if present.
    columns: [Option<usize>; SERIES_METRICS.len()],
}

impl<R: Read> CsvSeries<R> {
    /// Reads the header of `input`: the identifying columns must come first; metric columns
    /// are found by name.
    pub fn new(input: R) -> Result<Self, ReportError> {
        let mut reader = ::csv::Reader::from_reader(input);
        let header = reader.headers()?.clone();
        if !header.iter().take(SERIES_ID_COLUMNS.len()).eq(SERIES_ID_COLUMNS.iter().copied()) {
            return Err(ReportError::Format("series.csv: unexpected header".into()));
        }
        let columns = SERIES_METRICS.map(|m| header.iter().position(|h| h == m));
        Ok(Self { reader, record: ::csv::StringRecord::new(), columns })
    }
}

impl<R: Read> SeriesSource for CsvSeries<R> {
    fn next_row(&mut self, row: &mut SeriesRow) -> Result<bool, ReportError> {
        if !self.reader.read_record(&mut self.record)? {
            return Ok(false);
        }
        let rec = &self.record;
        let bad = || ReportError::Format(format!("series.csv: malformed row {:?}", rec.iter().collect::<Vec<_>>()));
        row.run = rec.get(0).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        row.day = rec.get(1).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        row.provider.clear();
        row.provider.push_str(rec.get(2).unwrap_or_default());
        for (value, column) in row.values.iter_mut().zip(&self.columns) {
            *value = column.and_then(|c| rec.get(c)).and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        }
        Ok(true)
    }

    fn has_metric(&self, metric: usize) -> bool {
        self.columns.get(metric).is_some_and(Option::is_some)
    }
}

/// Gives the bytes of a part by its index (`None`: no such part).
pub type LoadPart<'a> = Box<dyn FnMut(usize) -> Result<Option<Vec<u8>>, ReportError> + 'a>;

/// The rows of an experiment's Parquet parts, part after part. `load(p)` gives the bytes of part
/// `p` (`None`: the folder has no such part, skipped) for `p` in `0..n_parts`.
pub struct PartSeries<'a> {
    load: LoadPart<'a>,
    n_parts: usize,
    next_part: usize,
    current: PartColumns,
    row: usize,
    /// The metrics decoded ([`SeriesSource::read_only`]).
    metrics: [bool; SERIES_METRICS.len()],
    /// The runs read are below this one ([`SeriesSource::read_runs_below`]).
    runs_below: usize,
}

impl<'a> PartSeries<'a> {
    /// Reads parts `0..n_parts` through `load`, lazily.
    pub fn new(n_parts: usize, load: impl FnMut(usize) -> Result<Option<Vec<u8>>, ReportError> + 'a) -> Self {
        let metrics = [true; SERIES_METRICS.len()];
        let current = PartColumns::new();
        Self { load: Box::new(load), n_parts, next_part: 0, current, row: 0, metrics, runs_below: usize::MAX }
    }
}

impl SeriesSource for PartSeries<'_> {
    fn next_row(&mut self, row: &mut SeriesRow) -> Result<bool, ReportError> {
        while self.row >= self.current.len() {
            if self.next_part >= self.n_parts {
                return Ok(false);
            }
            let part = self.next_part;
            self.next_part += 1;
            if let Some(bytes) = (self.load)(part)? {
                let cut = decode_part_into(bytes, &mut self.current, &self.metrics, self.runs_below)
                    .map_err(|e| ReportError::Format(format!("{}: {e}", super::part_name(part))))?;
                self.row = 0;
                // Parts come in run order: after a part cut short, no later part has a run wanted.
                if cut {
                    self.next_part = self.n_parts;
                }
            }
        }
        let (part, i) = (&self.current, self.row);
        row.run = part.run[i] as usize;
        row.day = part.day[i];
        row.provider.clear();
        row.provider.push_str(part.provider(i));
        for (m, value) in row.values.iter_mut().enumerate() {
            *value = part.value(i, m);
        }
        self.row += 1;
        Ok(true)
    }

    fn has_metric(&self, metric: usize) -> bool {
        metric < SERIES_METRICS.len()
    }

    fn read_only(&mut self, metrics: &[usize]) {
        self.metrics = std::array::from_fn(|m| metrics.contains(&m));
    }

    fn read_runs_below(&mut self, run: usize) {
        self.runs_below = run;
    }
}
