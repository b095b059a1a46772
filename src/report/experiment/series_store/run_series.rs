//! [`RunSeries`]: one run's daily series as the worker that ran it makes them: the columns of a
//! Parquet part, and the numbers the series files read its reals as (for the summaries; a count
//! reads as itself). Both are made once, from the same values, in the worker; the writer, which
//! takes runs one at a time in run order (as a rule on the thread that made them), then only
//! copies them, and gives them back to that thread ([`RunSeries::recycle`]).

use super::super::metrics::SERIES_METRIC_TABLE;
use super::Home;
use super::part::{ColumnValues, PartColumns};
use crate::report::ReportError;
use crate::sim::Counts;

/// One series row's values as the series files read them, one per metric of
/// [`SERIES_METRIC_TABLE`]: a count as a number, a real as its text parsed
/// ([`super::canonical_real`]), NaN where missing.
pub type ReadRow = [f64; SERIES_METRIC_TABLE.len()];

thread_local! {
    /// The series this thread made and got back ([`RunSeries::recycle`]), whose memory its next
    /// ones reuse ([`Home`] says why).
    static SPARE: Home<RunSeries> = Home::new();
}

/// Series kept for reuse at most, per thread (a sweep has fewer in flight).
const MAX_SPARE: usize = 256;

/// One run's daily series, typed (see the module).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSeries {
    /// Run index.
    pub run: u32,
    /// The run's rows as the columns of a part, in the order of `series.csv`; its providers are
    /// `columns.names`, in the run's order. Reals are stored as [`super::stored_real`] makes them.
    pub columns: PartColumns,
    /// The numbers the series files read the reals as ([`super::canonical_real`], NaN where
    /// missing): the rows of the first real column of [`SERIES_METRIC_TABLE`], then of the next.
    pub reals_read: Vec<f64>,
    /// Where [`Self::recycle`] gives the memory back: the pool of the thread that made them.
    home: Option<Home<RunSeries>>,
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
        let (spare, home) = SPARE.with(|home| (home.take(), home.clone()));
        let (mut columns, mut reals_read) = match spare {
            Some(spare) => (spare.columns, spare.reals_read),
            None => (PartColumns::new(), Vec::new()),
        };
        columns.clear();
        reals_read.clear();
        columns.reserve(n);
        columns.names = providers.iter().map(|name| name.as_bytes().into()).collect();
        for (day, provider, _, _) in rows.clone() {
            columns.run.push(run);
            columns.day.push(day);
            columns.provider.push(provider);
        }
        let mut bad = Ok(());
        // Column by column: each metric's values go to one column.
        for (column, metric) in columns.metrics.iter_mut().zip(&SERIES_METRIC_TABLE) {
            let real = matches!(column.values, ColumnValues::Reals(_));
            for (_, _, counts, reputation) in rows.clone() {
                match column.push((metric.value)(counts, reputation)) {
                    Ok(read) if real => reals_read.push(read),
                    Ok(_) => {}
                    Err(()) => {
                        bad = bad.and(Err(metric.name));
                        if real {
                            reals_read.push(f64::NAN);
                        }
                    }
                }
            }
        }
        (Self { run, columns, reals_read, home: Some(home) }, bad)
    }

    /// The values of row `row` as the series files read them.
    pub fn read(&self, row: usize) -> ReadRow {
        let n = self.columns.len();
        let mut real = 0;
        std::array::from_fn(|m| {
            let column = &self.columns.metrics[m];
            match &column.values {
                // A count reads as itself: the part's own reading.
                ColumnValues::Counts(_) => self.columns.value(row, m),
                ColumnValues::Reals(_) => {
                    real += 1;
                    self.reals_read[(real - 1) * n + row]
                }
            }
        })
    }

    /// Gives the memory of series no longer needed to the next series made by the thread that
    /// made these (from any thread).
    pub fn recycle(mut self) {
        if let Some(home) = self.home.take() {
            home.give(self, MAX_SPARE);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Checks that the numbers read are there for every real of every row.
    pub fn check(&self) -> Result<(), ReportError> {
        let reals = self.columns.metrics.iter().filter(|m| matches!(m.values, ColumnValues::Reals(_))).count();
        self.columns.check()?;
        if self.reals_read.len() == reals * self.columns.len() {
            Ok(())
        } else {
            Err(ReportError::Format(format!("run {}: rows and values do not match", self.run)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One run's series over 3 days at 2 providers.
    fn made(run: u32) -> RunSeries {
        let counts = Counts { sent: 10, inbox: 9, ..Default::default() };
        let rows: Vec<_> = (1..=3).flat_map(|d| [(d, 0u16, counts, Some(0.5)), (d, 1, counts, None)]).collect();
        let providers = ["gmail".to_string(), "yahoo".to_string()];
        let (series, ok) = RunSeries::from_rows(run, &providers, rows.iter().map(|(d, p, c, r)| (*d, *p, c, *r)));
        assert!(ok.is_ok() && series.check().is_ok());
        series
    }

    #[test]
    fn memory_given_back_goes_to_the_thread_that_made_the_series() {
        // Made on another thread, given back here: that thread's next series reuse its memory,
        // and this thread's do not.
        let (tx, rx) = std::sync::mpsc::channel();
        let (back_tx, back_rx) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || {
            let first = made(1);
            let address = first.columns.run.as_ptr() as usize;
            tx.send(first).unwrap();
            back_rx.recv().unwrap();
            let next = made(2);
            (address, next.columns.run.as_ptr() as usize, next)
        });
        let theirs = rx.recv().unwrap();
        let address = theirs.columns.run.as_ptr() as usize;
        theirs.recycle();
        let mine = made(3);
        assert_ne!(mine.columns.run.as_ptr() as usize, address, "not reused by this thread");
        back_tx.send(()).unwrap();
        let (made_at, reused_at, next) = other.join().unwrap();
        assert_eq!((made_at, reused_at), (address, address), "reused by the thread that made it");
        assert_eq!((next.run, next.columns.run.clone()), (2, vec![2; 6]));
        let fresh = made(2);
        assert_eq!(next.columns, fresh.columns, "nothing of the first series is left");
        let bits = |s: &RunSeries| s.reals_read.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&next), bits(&fresh));
        assert!(next.read(1)[SERIES_METRIC_TABLE.len() - 1].is_nan(), "no reputation at the second provider");
    }
}
