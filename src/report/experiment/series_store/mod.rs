//! How an experiment stores its per-run daily series (the rows of [`SERIES_ID_COLUMNS`] and
//! [`SERIES_METRIC_TABLE`]): one choice, [`SeriesFormat`], shared by `run`, `sweep`, `compare`,
//! `merge` and `plot`.
//!
//! - [`SeriesFormat::Csv`]: `series.csv`, one text row per (run, day, provider).
//! - [`SeriesFormat::Parquet`]: the dataset folder [`SERIES_DIR`] of Parquet files
//!   `part-000000.parquet`, ...; part `p` holds the runs `p * K .. (p + 1) * K` (`K` runs per part,
//!   [`PART_RUNS`] unless the manifest says otherwise), rows in the order of `series.csv`, the same
//!   columns with the same content (`parquet.rs` says how each is typed and encoded). pandas reads
//!   it with `pd.read_parquet("series")`, polars with `pl.read_parquet("series/*.parquet")`.
//!
//! Lifecycle (Parquet): each worker turns its run's values into a [`RunSeries`]; the writer appends
//! runs to a [`PartColumns`] in run order and encodes it ([`encode_part`]) when the part's range
//! is done; readers decode parts ([`decode_part`]) and see the same parsed rows as from
//! `series.csv` through [`SeriesSource`], so the statistics have one code path (a sweep's own
//! statistics take each [`RunSeries`] as the files would read it: [`canonical_real`]). Nothing
//! here touches files: the caller passes bytes.

mod daily;
mod home;
mod parquet;
mod part;
mod run_series;
mod source;

use std::ops::Range;

pub use daily::encode_daily;
pub use home::Home;
pub use parquet::{PartEncoder, decode_part, decode_part_into, encode_part};
pub use part::{ColumnValues, MetricColumn, PartColumns, merge_parts};
pub use run_series::{ReadRow, RunSeries};
pub use source::{CsvSeries, PartSeries, SeriesRow, SeriesSource};

use super::metrics::{POW10, decimal_mantissa, fmt_float};
#[cfg(doc)]
use super::metrics::{SERIES_ID_COLUMNS, SERIES_METRIC_TABLE};

/// How the daily series of runs are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesFormat {
    /// CSV text: `series.csv` (an experiment), `daily.csv` (a run). What folders of earlier versions hold.
    #[default]
    Csv,
    /// Parquet, compressed with zstd: the folder `series/` of parts (an experiment), `daily.parquet` (a run).
    Parquet,
}

impl SeriesFormat {
    /// Every format, in the order `--series-format` lists them.
    pub const ALL: [SeriesFormat; 2] = [SeriesFormat::Csv, SeriesFormat::Parquet];

    /// Whether this is CSV (for `skip_serializing_if`: manifests of CSV folders stay as they were).
    pub fn is_csv(&self) -> bool {
        *self == SeriesFormat::Csv
    }

    /// The name of the format: `csv` or `parquet`.
    pub fn name(self) -> &'static str {
        match self {
            SeriesFormat::Csv => "csv",
            SeriesFormat::Parquet => "parquet",
        }
    }
}

impl std::fmt::Display for SeriesFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The daily records of a run in Parquet (its CSV: `daily.csv`).
pub const DAILY_PARQUET: &str = "daily.parquet";

/// The series file of an experiment in CSV.
pub const SERIES_CSV: &str = "series.csv";

/// The folder of Parquet parts of an experiment.
pub const SERIES_DIR: &str = "series";

/// Runs per Parquet part: fixed, whatever the threads, shards or resumptions, so that the
/// same runs always land in the same part (about 2 MB of Parquet, 290,000 rows).
pub const PART_RUNS: usize = 1024;

/// The file name of part `part`: `part-000042.parquet`.
pub fn part_name(part: usize) -> String {
    format!("part-{part:06}.parquet")
}

/// The part holding run `run` with `part_runs` runs per part.
pub fn part_of(run: usize, part_runs: usize) -> usize {
    run / part_runs.max(1)
}

/// The runs of part `part` with `part_runs` runs per part, among `n_runs` runs.
pub fn part_range(part: usize, part_runs: usize, n_runs: usize) -> Range<usize> {
    let k = part_runs.max(1);
    (part * k).min(n_runs)..((part + 1) * k).min(n_runs)
}

/// Number of parts of `n_runs` runs with `part_runs` runs per part.
pub fn n_parts(n_runs: usize, part_runs: usize) -> usize {
    n_runs.div_ceil(part_runs.max(1))
}

/// The value stored for a real metric `v` (finite): its text in `series.csv` ([`fmt_float`], 7
/// significant digits) read back, rounded to single precision (24-bit mantissa) when that still
/// prints as the same text, which leaves the low half of the double zero (it compresses to
/// nothing), else the double nearest to the text. Either way [`fmt_float`] of the value stored
/// is the text of `series.csv`, and [`canonical_real`] gives back the number `series.csv` reads as.
pub fn stored_real(v: f64) -> f64 {
    stored_and_read(v).0
}

/// [`stored_real`] of `v` and [`canonical_real`] of `v` (the number either format reads as),
/// computed together.
pub fn stored_and_read(v: f64) -> (f64, f64) {
    let (exact, mantissa) = canonical_and_mantissa(v);
    let single = f64::from(exact as f32);
    // Two texts of at most 7 significant digits read as the same double only if they are the same.
    let same = match mantissa {
        // At once where the text of `single` is plainly `v`'s: 7 digits not next to a power of ten
        // (so `single`, within a relative 2^-24, has the same decimals) and `single` scaled within
        // 0.49 of the same whole number (far from a tie): what `canonical_real(single)` would find.
        Some((m, d)) if (1_000_001.0..9_999_999.0).contains(&m.abs()) && (single * POW10[d] - m).abs() < 0.49 => true,
        _ => canonical_real(single).to_bits() == exact.to_bits(),
    };
    if same { (single, exact) } else { (exact, exact) }
}

/// The number a reader of `series.csv` gets for the value `v` of a real metric: its text
/// ([`fmt_float`]) parsed, NaN if it is not finite. Statistics computed from either format are thus the same.
///
/// Computed without text where that is exact: `m / 10^d` (`metrics::decimal_mantissa`), a division of
/// two exact doubles, is correctly rounded, as parsing is; elsewhere the text is made.
pub fn canonical_real(v: f64) -> f64 {
    canonical_and_mantissa(v).0
}

/// [`canonical_real`] of `v`, and the decimal mantissa it was made from, if it was.
fn canonical_and_mantissa(v: f64) -> (f64, Option<(f64, usize)>) {
    if v == 0.0 || !v.is_finite() {
        return (if v.is_finite() { 0.0 } else { f64::NAN }, None);
    }
    match decimal_mantissa(v) {
        // `-0` reads as 0.
        Some((m, decimals)) => (if m == 0.0 { 0.0 } else { m / POW10[decimals] }, Some((m, decimals))),
        None => (fmt_float(v).parse().unwrap_or(f64::NAN), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_runs_in_fixed_ranges() {
        assert_eq!(part_name(3), "part-000003.parquet");
        assert_eq!((part_of(1023, PART_RUNS), part_of(1024, PART_RUNS)), (0, 1));
        assert_eq!(part_range(1, 4, 10), 4..8);
        assert_eq!(part_range(2, 4, 10), 8..10);
        assert_eq!((n_parts(10, 4), n_parts(8, 4), n_parts(0, 4)), (3, 2, 0));
    }

    #[test]
    fn stored_reals_print_as_series_csv_prints_them() {
        // Every 7-digit mantissa is not tried; values around each power of ten and in the ranges
        // where single precision cannot hold 7 digits ([2^-10, 1e-3), [2^-20, 1e-6), ...) are.
        let mut values = vec![0.0, -0.0, 1.0, 0.1, 0.5, 0.3287967, 0.9999999, 1e-9, 1.5e-16, 0.00099999995];
        // Ties in binary (round half to even in the text), large and negative values.
        values.extend([1234567.5, 1234568.5, 0.25, 2.5e-7, 0.125, 1e300, 123456789.0, -0.3287967, -1234567.5]);
        values.extend(super::super::metrics::tests::log_uniform(0x2545_f491_4f6c_dd1d, 200_000, -12.0, 12.0));
        for k in 0..200_000u32 {
            let u = f64::from(k) / 200_000.0;
            values.extend([u, 0.0009765625 + u * 2.35e-5, 9.5367431640625e-7 + u * 4.7e-8, 9.31e-10 + u * 7e-11]);
            values.extend([10f64.powi(-(k as i32 % 12)) * (1.0 - 1e-7 * f64::from(k % 100))]);
        }
        let mut single = 0;
        for v in values {
            let stored = stored_real(v);
            // The quick acceptance of single precision decides as the rule does.
            let exact = canonical_real(v);
            let rule = if canonical_real(f64::from(exact as f32)).to_bits() == exact.to_bits() {
                f64::from(exact as f32)
            } else {
                exact
            };
            assert_eq!((stored.to_bits(), stored_and_read(v).1.to_bits()), (rule.to_bits(), exact.to_bits()), "{v:e}");
            assert_eq!(fmt_float(stored), fmt_float(v), "{v:e}");
            let text: f64 = fmt_float(v).parse().unwrap();
            assert_eq!(canonical_real(stored).to_bits(), text.to_bits(), "{v:e}");
            assert_eq!(canonical_real(v).to_bits(), text.to_bits(), "{v:e}");
            single += usize::from(f64::from(stored as f32) == stored);
        }
        assert!(single > 900_000, "most values are stored in single precision ({single})");
    }
}
