//! [`RunSeries`]: one run's daily series as the worker that ran it makes them, in the two forms
//! the writer needs: the columns of a Parquet part, and the numbers the series files read as
//! (for the summaries). Both are made once, from the same values, in the worker; the single
//! thread that writes files in run order then only copies them.

use super::super::metrics::SERIES_METRIC_TABLE;
use super::part::PartColumns;
use crate::sim::Counts;

/// One series row's values as the series files read them, one per metric of
/// [`SERIES_METRIC_TABLE`]: a count as a number, a real as its text parsed
/// ([`super::canonical_real`]), NaN where missing.
pub type ReadRow = [f64; SERIES_METRIC_TABLE.len()];

/// One run's daily series, typed (see the module).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSeries {
    /// Run index.
    pub run: u32,
    /// The run's rows as the columns of a part, in the order of `series.csv`; its providers are
    /// `columns.names`, in the run's order. Reals are stored as [`super::stored_real`] makes them.
    pub columns: PartColumns,
    /// Per row, the values as the series files read them.
    pub read: Vec<ReadRow>,
}

impl RunSeries {
    /// The series of run `run`, whose providers are `providers`, from its rows in order: each
    /// row's day (from 1), provider (an index of `providers`), counts and reputation, from which
    /// [`SERIES_METRIC_TABLE`] makes the values. A real that is not finite is kept as missing, and
    /// `Err` names the first metric with such a value (or with a value not of its kind).
    pub fn from_rows<'a, I>(run: u32, providers: &[String], rows: I) -> (Self, Result<(), &'static str>)
    where
        I: Iterator<Item = (u32, u16, &'a Counts, Option<f64>)> + Clone,
    {
        let n = rows.clone().count();
        let mut columns = PartColumns::new();
        columns.reserve(n);
        columns.names = providers.iter().map(|name| name.as_bytes().into()).collect();
        for (day, provider, _, _) in rows.clone() {
            columns.run.push(run);
            columns.day.push(day);
            columns.provider.push(provider);
        }
        let mut read = vec![[f64::NAN; SERIES_METRIC_TABLE.len()]; n];
        let mut bad = Ok(());
        // Column by column: each metric's values go to one column, one slot of each read row.
        for (m, (column, metric)) in columns.metrics.iter_mut().zip(&SERIES_METRIC_TABLE).enumerate() {
            for ((_, _, counts, reputation), read) in rows.clone().zip(&mut read) {
                match column.push((metric.value)(counts, reputation)) {
                    Ok(value) => read[m] = value,
                    Err(()) => bad = bad.and(Err(metric.name)),
                }
            }
        }
        (Self { run, columns, read }, bad)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.read.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.read.is_empty()
    }
}
