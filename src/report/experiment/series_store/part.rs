//! [`PartColumns`]: the rows of one Parquet part as columns, filled run by run in run order by
//! the writer, or decoded from a part by a reader; and [`merge_parts`], which interleaves the
//! parts of several shards back into run order.

use parquet::data_type::ByteArray;

use super::super::metrics::{SERIES_METRIC_TABLE, Value, ValueKind};
use super::{RunSeries, canonical_real, stored_and_read};
use crate::report::ReportError;

/// The values of one metric column, one per row (a placeholder where the value is missing).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// Counts, as the bits of a `u64` (Parquet `INT64` with an unsigned logical type).
    Counts(Vec<i64>),
    /// Reals, as stored ([`super::stored_real`]).
    Reals(Vec<f64>),
}

/// One metric column: values, and whether each row has one (Parquet definition levels: 1 or 0).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricColumn {
    /// The values.
    pub values: ColumnValues,
    /// Per row, 1 where the value is present, 0 where it is missing.
    pub defined: Vec<i16>,
}

/// The rows of a part (or of any run-ordered set of runs), column by column, in the order of
/// `series.csv`: run, day, provider, then one column per metric of [`SERIES_METRIC_TABLE`].
#[derive(Debug, Clone, PartialEq)]
pub struct PartColumns {
    /// Run index of each row.
    pub run: Vec<u32>,
    /// Day of each row, from 1.
    pub day: Vec<u32>,
    /// Provider of each row: an index of `names`.
    pub provider: Vec<u16>,
    /// The providers' names (UTF-8), in order of first appearance.
    pub names: Vec<ByteArray>,
    /// One column per metric of [`SERIES_METRIC_TABLE`], in order.
    pub metrics: Vec<MetricColumn>,
}

impl Default for PartColumns {
    fn default() -> Self {
        Self::new()
    }
}

impl PartColumns {
    /// No rows, with the columns of [`SERIES_METRIC_TABLE`].
    pub fn new() -> Self {
        let metrics = SERIES_METRIC_TABLE
            .iter()
            .map(|m| MetricColumn {
                values: match m.kind {
                    ValueKind::Count => ColumnValues::Counts(Vec::new()),
                    ValueKind::Real => ColumnValues::Reals(Vec::new()),
                },
                defined: Vec::new(),
            })
            .collect();
        Self { run: Vec::new(), day: Vec::new(), provider: Vec::new(), names: Vec::new(), metrics }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.run.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.run.is_empty()
    }

    /// Removes every row, keeping the memory.
    pub fn clear(&mut self) {
        self.run.clear();
        self.day.clear();
        self.provider.clear();
        self.names.clear();
        for m in &mut self.metrics {
            m.defined.clear();
            match &mut m.values {
                ColumnValues::Counts(v) => v.clear(),
                ColumnValues::Reals(v) => v.clear(),
            }
        }
    }

    /// Makes room for `rows` more rows (a part's rows are known from its first run: no regrowth).
    pub fn reserve(&mut self, rows: usize) {
        self.run.reserve_exact(rows);
        self.day.reserve_exact(rows);
        self.provider.reserve_exact(rows);
        for m in &mut self.metrics {
            m.defined.reserve_exact(rows);
            match &mut m.values {
                ColumnValues::Counts(v) => v.reserve_exact(rows),
                ColumnValues::Reals(v) => v.reserve_exact(rows),
            }
        }
    }

    /// The index of provider `name` in `names`, added if new.
    fn name_index(&mut self, name: &[u8]) -> Result<u16, ReportError> {
        let i = match self.names.iter().position(|n| n.data() == name) {
            Some(i) => i,
            None => {
                self.names.push(ByteArray::from(name));
                self.names.len() - 1
            }
        };
        u16::try_from(i).map_err(|_| ReportError::Format("more than 65,536 providers in a part".into()))
    }

    /// Appends the rows of `series` (runs must come in ascending order).
    pub fn push_run(&mut self, series: &RunSeries) -> Result<(), ReportError> {
        self.extend_from(&series.columns, 0..series.columns.len())
    }

    /// Appends rows `rows` of `other`.
    pub fn extend_from(&mut self, other: &PartColumns, rows: std::ops::Range<usize>) -> Result<(), ReportError> {
        self.run.extend_from_slice(&other.run[rows.clone()]);
        self.day.extend_from_slice(&other.day[rows.clone()]);
        let names: Vec<u16> = other.names.iter().map(|n| self.name_index(n.data())).collect::<Result<_, _>>()?;
        self.provider.extend(other.provider[rows.clone()].iter().map(|&p| names[usize::from(p)]));
        for (to, from) in self.metrics.iter_mut().zip(&other.metrics) {
            to.defined.extend_from_slice(&from.defined[rows.clone()]);
            match (&mut to.values, &from.values) {
                (ColumnValues::Counts(t), ColumnValues::Counts(f)) => t.extend_from_slice(&f[rows.clone()]),
                (ColumnValues::Reals(t), ColumnValues::Reals(f)) => t.extend_from_slice(&f[rows.clone()]),
                // Both come from the same table.
                _ => {}
            }
        }
        Ok(())
    }

    /// The value of metric `metric` in row `row` as `series.csv` reads it: a count as a number,
    /// a real as its text parsed ([`canonical_real`]), NaN where missing.
    pub fn value(&self, row: usize, metric: usize) -> f64 {
        let column = &self.metrics[metric];
        if column.defined[row] == 0 {
            return f64::NAN;
        }
        match &column.values {
            ColumnValues::Counts(v) => v[row] as u64 as f64,
            ColumnValues::Reals(v) => canonical_real(v[row]),
        }
    }

    /// The provider of row `row`.
    pub fn provider(&self, row: usize) -> &str {
        self.names.get(usize::from(self.provider[row])).and_then(|n| n.as_utf8().ok()).unwrap_or_default()
    }

    /// Checks that every column has one entry per row.
    pub fn check(&self) -> Result<(), ReportError> {
        let n = self.len();
        let lengths = |m: &MetricColumn| match &m.values {
            ColumnValues::Counts(v) => (v.len(), m.defined.len()),
            ColumnValues::Reals(v) => (v.len(), m.defined.len()),
        };
        let ok = self.day.len() == n
            && self.provider.len() == n
            && self.provider.iter().all(|&p| usize::from(p) < self.names.len())
            && self.metrics.len() == SERIES_METRIC_TABLE.len()
            && self.metrics.iter().all(|m| lengths(m) == (n, n));
        if ok { Ok(()) } else { Err(ReportError::Format("a series part has columns of different lengths".into())) }
    }
}

impl MetricColumn {
    /// Appends `value` as it is stored (a real rounded by [`super::stored_real`]) and returns the
    /// number the series files read for it (NaN where missing). A real that is not finite, or a
    /// real in a count column, is appended as missing and gives `Err`.
    #[inline]
    pub(super) fn push(&mut self, value: Value) -> Result<f64, ()> {
        let (defined, read) = match (&mut self.values, value) {
            (ColumnValues::Counts(v), Value::Count(n)) => {
                v.push(n as i64);
                (1, Ok(n as f64))
            }
            (ColumnValues::Reals(v), Value::Count(n)) => {
                v.push(n as f64);
                (1, Ok(n as f64))
            }
            (ColumnValues::Reals(v), Value::Real(x)) if x.is_finite() => {
                let (stored, read) = stored_and_read(x);
                v.push(stored);
                (1, Ok(read))
            }
            (values, value) => {
                match values {
                    ColumnValues::Counts(v) => v.push(0),
                    ColumnValues::Reals(v) => v.push(0.0),
                }
                (0, if value == Value::Missing { Ok(f64::NAN) } else { Err(()) })
            }
        };
        self.defined.push(defined);
        read
    }
}

/// The rows of `parts` (each in run order, no run in two of them, as the shards of one sweep
/// write them) in run order: the part one unsharded sweep writes.
pub fn merge_parts(parts: &[PartColumns]) -> Result<PartColumns, ReportError> {
    // Each part's runs, as (run, part, rows), sorted by run.
    let mut segments: Vec<(u32, usize, std::ops::Range<usize>)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let mut start = 0;
        while start < part.len() {
            let run = part.run[start];
            let end = start + part.run[start..].iter().take_while(|&&r| r == run).count();
            segments.push((run, i, start..end));
            start = end;
        }
    }
    segments.sort_by_key(|(run, i, _)| (*run, *i));
    let mut merged = PartColumns::new();
    for (_, i, rows) in segments {
        merged.extend_from(&parts[i], rows)?;
    }
    Ok(merged)
}
