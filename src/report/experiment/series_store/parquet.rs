//! A part of an experiment's Parquet series, as bytes: [`encode_part`] (or [`PartEncoder`], a
//! column at a time) and [`decode_part`].
//!
//! The schema comes from [`SERIES_ID_COLUMNS`] and [`SERIES_METRIC_TABLE`]: `run` and `day` are
//! `INT32` (unsigned 32-bit), `provider` a UTF-8 string, each count an optional `INT64` (unsigned
//! 64-bit) and each real an optional `DOUBLE` ([`super::stored_real`]: 7 significant digits, in single
//! precision where that prints the same). One row group per part; no statistics (nothing
//! filters on them), pages of format 2, zstd level 1. Encodings were chosen by measuring the
//! series of the default scenario (docs/MODEL.md section 11): `run` (sorted) delta-packed,
//! `provider` dictionary-coded, every other column `BYTE_STREAM_SPLIT`, whose byte planes of
//! small counts are mostly zeros that zstd removes. The bytes depend only on the rows.

use std::borrow::Borrow;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use parquet::basic::{Compression, Encoding, IntType, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::column::reader::ColumnReader;
use parquet::column::writer::{ColumnCloseResult, get_column_writer, get_typed_column_writer_mut};
use parquet::data_type::{ByteArrayType, DataType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnDescPtr, ColumnPath, SchemaDescriptor, Type, TypePtr};

use super::super::metrics::{SERIES_ID_COLUMNS, SERIES_METRIC_TABLE, ValueKind};
use super::part::{ColumnValues, MetricColumn, PartColumns};
use crate::report::ReportError;

/// The zstd level: level 1 is as small as levels up to 12 on these columns (within 1%) and the fastest.
const ZSTD_LEVEL: i32 = 1;

/// The Parquet schema of a part.
fn schema() -> Result<TypePtr, ParquetError> {
    let [run, day, provider] = SERIES_ID_COLUMNS;
    let unsigned = |bits| Some(LogicalType::Integer(IntType { bit_width: bits, is_signed: false }));
    let mut fields = vec![
        Type::primitive_type_builder(run, Physical::INT32)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(unsigned(32))
            .build()?,
        Type::primitive_type_builder(day, Physical::INT32)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(unsigned(32))
            .build()?,
        Type::primitive_type_builder(provider, Physical::BYTE_ARRAY)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(Some(LogicalType::String))
            .build()?,
    ];
    for metric in &SERIES_METRIC_TABLE {
        let field = match metric.kind {
            ValueKind::Count => {
                Type::primitive_type_builder(metric.name, Physical::INT64).with_logical_type(unsigned(64))
            }
            ValueKind::Real => Type::primitive_type_builder(metric.name, Physical::DOUBLE),
        };
        fields.push(field.with_repetition(Repetition::OPTIONAL).build()?);
    }
    let fields = fields.into_iter().map(Arc::new).collect();
    Ok(Arc::new(Type::group_type_builder("series").with_fields(fields).build()?))
}

/// Rows of a data page at most: more than a part of 1024 runs of a year holds (1024 x 365 days x 5 providers).
const PAGE_ROWS: usize = 1 << 21;

/// Bytes of a data page at most (before compression), far above a part's column.
const PAGE_BYTES: usize = 1 << 28;

/// The writer properties of a part (built once).
fn properties() -> Arc<WriterProperties> {
    static PROPS: OnceLock<Arc<WriterProperties>> = OnceLock::new();
    PROPS
        .get_or_init(|| {
            let [run, _, provider] = SERIES_ID_COLUMNS;
            let zstd =
                ZstdLevel::try_new(ZSTD_LEVEL).map_or(Compression::ZSTD(ZstdLevel::default()), Compression::ZSTD);
            let props = WriterProperties::builder()
                .set_writer_version(WriterVersion::PARQUET_2_0)
                .set_compression(zstd)
                .set_statistics_enabled(EnabledStatistics::None)
                .set_max_row_group_row_count(None)
                .set_max_row_group_bytes(None)
                // One page per column of a part: pages compressed whole are about 7% smaller than
                // pages of 20,000 rows (and the batch size is how often page limits are looked at).
                .set_write_batch_size(PAGE_ROWS)
                .set_data_page_row_count_limit(PAGE_ROWS)
                .set_data_page_size_limit(PAGE_BYTES)
                .set_dictionary_enabled(false)
                .set_encoding(Encoding::BYTE_STREAM_SPLIT)
                .set_column_encoding(ColumnPath::from(run), Encoding::DELTA_BINARY_PACKED)
                .set_column_dictionary_enabled(ColumnPath::from(provider), true)
                .set_column_encoding(ColumnPath::from(provider), Encoding::PLAIN)
                .build();
            Arc::new(props)
        })
        .clone()
}

fn write_error(e: ParquetError) -> ReportError {
    ReportError::Io(std::io::Error::other(format!("cannot encode a Parquet part: {e}")))
}

/// The Parquet file of `part` (its rows in order), its columns encoded on `threads` threads
/// (at least 1; the bytes do not depend on it): each column is encoded on its own, then the
/// encoded columns are put in the file in order ([`PartEncoder`]).
pub fn encode_part(part: &PartColumns, threads: usize) -> Result<Vec<u8>, ReportError> {
    let mut encoder = PartEncoder::new(part)?;
    encoder.encode_rest(threads);
    Ok(encoder.finish()?.0)
}

/// One column encoded on its own: its bytes and what closing its writer gave.
type EncodedColumn = Result<(Bytes, ColumnCloseResult), ParquetError>;

/// A part being encoded a column at a time ([`Self::encode_next`]), so that a thread with other
/// work can encode it in pieces between that work; or the rest at once on several threads
/// ([`Self::encode_rest`]). [`Self::finish`] puts the columns in the file, in order: the bytes
/// depend only on the rows, not on how the columns were encoded.
#[derive(Debug)]
pub struct PartEncoder<P> {
    /// The rows (owned, or borrowed).
    part: P,
    schema: TypePtr,
    columns: Vec<ColumnDescPtr>,
    /// The columns encoded so far, in order.
    encoded: Vec<EncodedColumn>,
}

impl<P: Borrow<PartColumns> + Sync> PartEncoder<P> {
    /// An encoder of `part`, nothing encoded yet; `Err` if its columns do not match.
    pub fn new(part: P) -> Result<Self, ReportError> {
        part.borrow().check()?;
        let schema = schema().map_err(write_error)?;
        let columns = SchemaDescriptor::new(schema.clone()).columns().to_vec();
        let encoded = Vec::with_capacity(columns.len());
        Ok(Self { part, schema, columns, encoded })
    }

    /// Whether every column is encoded.
    pub fn is_done(&self) -> bool {
        self.encoded.len() == self.columns.len()
    }

    /// Encodes the next column, if any is left.
    pub fn encode_next(&mut self) {
        let i = self.encoded.len();
        if let Some(descr) = self.columns.get(i) {
            let column = encode_column(self.part.borrow(), descr, i);
            self.encoded.push(column);
        }
    }

    /// Encodes the columns left on `threads` threads (at least 1): the `k`-th column left goes
    /// to thread `k % threads`, the calling thread being thread 0.
    pub fn encode_rest(&mut self, threads: usize) {
        let first = self.encoded.len();
        let left = self.columns.len() - first;
        let threads = threads.min(left).max(1);
        let (part, columns) = (self.part.borrow(), &self.columns[first..]);
        let mut rest: Vec<Option<EncodedColumn>> = vec![];
        rest.resize_with(left, || None);
        std::thread::scope(|scope| {
            let work = |t: usize| -> Vec<(usize, EncodedColumn)> {
                let columns = columns.iter().enumerate().skip(t).step_by(threads);
                columns.map(|(k, c)| (k, encode_column(part, c, first + k))).collect()
            };
            let others: Vec<_> = (1..threads).map(|t| scope.spawn(move || work(t))).collect();
            let mine = work(0);
            for (k, column) in others.into_iter().flat_map(|h| h.join().unwrap_or_default()).chain(mine) {
                rest[k] = Some(column);
            }
        });
        // A column whose thread panicked is missing: an error, not missing data.
        let missing = || Err(general("a column was not encoded"));
        self.encoded.extend(rest.into_iter().map(|column| column.unwrap_or_else(missing)));
    }

    /// The Parquet file (every column must be encoded: `Err` otherwise), and the rows back.
    pub fn finish(self) -> Result<(Vec<u8>, P), ReportError> {
        if !self.is_done() {
            return Err(write_error(general("a column was not encoded")));
        }
        let mut out = Vec::with_capacity(self.part.borrow().len() * 8);
        let mut writer = SerializedFileWriter::new(&mut out, self.schema, properties()).map_err(write_error)?;
        let mut group = writer.next_row_group().map_err(write_error)?;
        for column in self.encoded {
            let (bytes, close) = column.map_err(write_error)?;
            group.append_column(&bytes, close).map_err(write_error)?;
        }
        group.close().map_err(write_error)?;
        writer.close().map_err(write_error)?;
        Ok((out, self.part))
    }
}

/// Column `i` of `part` (described by `descr`) encoded on its own: its bytes and what closing
/// its writer gave.
fn encode_column(
    part: &PartColumns,
    descr: &ColumnDescPtr,
    i: usize,
) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
    let mut buf = TrackedWrite::new(Vec::new());
    let close = {
        let pages = Box::new(SerializedPageWriter::new(&mut buf));
        let mut column = get_column_writer(descr.clone(), properties(), pages);
        match i {
            0 => write(get_typed_column_writer_mut::<Int32Type>(&mut column), &as_i32(&part.run), None),
            1 => write(get_typed_column_writer_mut::<Int32Type>(&mut column), &as_i32(&part.day), None),
            2 => write_names(get_typed_column_writer_mut::<ByteArrayType>(&mut column), part),
            i => match part.metrics.get(i - SERIES_ID_COLUMNS.len()) {
                Some(MetricColumn { values: ColumnValues::Counts(v), defined }) => {
                    write(get_typed_column_writer_mut::<Int64Type>(&mut column), &present(v, defined), Some(defined))
                }
                Some(MetricColumn { values: ColumnValues::Reals(v), defined }) => {
                    write(get_typed_column_writer_mut::<DoubleType>(&mut column), &present(v, defined), Some(defined))
                }
                None => Err(general("more columns than metrics")),
            },
        }?;
        column.close()?
    };
    Ok((Bytes::from(buf.into_inner()?), close))
}

fn general(message: &str) -> ParquetError {
    ParquetError::General(message.to_string())
}

fn write<T: DataType>(
    column: &mut parquet::column::writer::ColumnWriterImpl<'_, T>,
    values: &[T::T],
    defined: Option<&[i16]>,
) -> Result<(), ParquetError> {
    column.write_batch(values, defined, None).map(|_| ())
}

/// Rows of the provider column made at a time (not a whole part's at once).
const NAME_CHUNK: usize = 1 << 16;

/// The provider column: each row's name, a chunk of rows at a time (the same bytes as at once:
/// one page per column, its limits looked at every [`PAGE_ROWS`] rows).
fn write_names(
    column: &mut parquet::column::writer::ColumnWriterImpl<'_, ByteArrayType>,
    part: &PartColumns,
) -> Result<(), ParquetError> {
    for chunk in part.provider.chunks(NAME_CHUNK) {
        let names: Vec<_> = chunk.iter().map(|&p| part.names[usize::from(p)].clone()).collect();
        column.write_batch(&names, None, None)?;
    }
    Ok(())
}

/// `u32` values as the `i32` Parquet stores (the same bits).
fn as_i32(values: &[u32]) -> Vec<i32> {
    values.iter().map(|&v| v as i32).collect()
}

/// The values of the rows that have one.
fn present<T: Copy>(values: &[T], defined: &[i16]) -> Vec<T> {
    // Room for every row at once: collecting a filter would grow the vector step by step.
    let mut out = Vec::with_capacity(values.len());
    out.extend(values.iter().zip(defined).filter(|(_, d)| **d != 0).map(|(v, _)| *v));
    out
}

fn read_error(e: ParquetError) -> ReportError {
    ReportError::Format(format!("a series part is not Parquet as ipwarm writes it: {e}"))
}

/// The rows of a part written by [`encode_part`].
pub fn decode_part(bytes: Vec<u8>) -> Result<PartColumns, ReportError> {
    let mut part = PartColumns::new();
    decode_part_into(bytes, &mut part, &[true; SERIES_METRIC_TABLE.len()], usize::MAX)?;
    Ok(part)
}

/// [`decode_part`] into `part`, replacing its rows and reusing its memory (a reader of many
/// parts holds one part's rows at a time). Only the metrics `metrics` says (by index of
/// [`SERIES_METRIC_TABLE`]) are decoded; the others are left missing. Only the rows of runs below
/// `runs_below` are decoded (rows come in run order): the rows after them are left out, and
/// the result says whether there were any.
pub fn decode_part_into(
    bytes: Vec<u8>,
    part: &mut PartColumns,
    metrics: &[bool; SERIES_METRIC_TABLE.len()],
    runs_below: usize,
) -> Result<bool, ReportError> {
    part.clear();
    let reader = SerializedFileReader::new(Bytes::from(bytes)).map_err(read_error)?;
    let expected = schema().map_err(read_error)?;
    let actual = reader.metadata().file_metadata().schema();
    let same = actual.get_fields().len() == expected.get_fields().len()
        && actual
            .get_fields()
            .iter()
            .zip(expected.get_fields())
            .all(|(a, e)| a.name() == e.name() && a.get_physical_type() == e.get_physical_type());
    if !same {
        return Err(ReportError::Format("a series part does not have the columns of series.csv".into()));
    }
    part.reserve(usize::try_from(reader.metadata().file_metadata().num_rows()).unwrap_or(0));
    let mut cut = false;
    for g in 0..reader.num_row_groups() {
        let group = reader.get_row_group(g).map_err(read_error)?;
        // Rows of this group to decode: all, or those before the first run not wanted (known
        // once the `run` column, the first, is read).
        let (first_row, mut rows) = (part.len(), usize::MAX);
        let group_rows = usize::try_from(group.metadata().num_rows()).unwrap_or(usize::MAX);
        for i in 0..group.num_columns() {
            let column = group.get_column_reader(i).map_err(read_error)?;
            match i {
                0 => {
                    part.run.extend(read::<Int32Type>(column, false, rows)?.0.into_iter().map(|v| v as u32));
                    rows = part.run[first_row..].partition_point(|&r| (r as usize) < runs_below);
                    part.run.truncate(first_row + rows);
                    cut |= rows < group_rows;
                }
                1 => part.day.extend(read::<Int32Type>(column, false, rows)?.0.into_iter().map(|v| v as u32)),
                2 => {
                    for name in read::<ByteArrayType>(column, false, rows)?.0 {
                        let i = match part.names.iter().position(|n| *n == name) {
                            Some(i) => i,
                            None => {
                                part.names.push(name);
                                part.names.len() - 1
                            }
                        };
                        part.provider.push(u16::try_from(i).map_err(|_| read_error(general("too many providers")))?);
                    }
                }
                i => {
                    let m = i - SERIES_ID_COLUMNS.len();
                    let Some(metric) = part.metrics.get_mut(m) else { continue };
                    if !metrics.get(m).copied().unwrap_or(false) {
                        continue;
                    }
                    match &mut metric.values {
                        ColumnValues::Counts(v) => {
                            let (values, defined) = read::<Int64Type>(column, true, rows)?;
                            dense(values, &defined, 0, v)?;
                            metric.defined.extend(defined);
                        }
                        ColumnValues::Reals(v) => {
                            let (values, defined) = read::<DoubleType>(column, true, rows)?;
                            dense(values, &defined, 0.0, v)?;
                            metric.defined.extend(defined);
                        }
                    }
                }
            }
        }
    }
    // The metrics not decoded: missing in every row.
    let n = part.len();
    for (metric, _) in part.metrics.iter_mut().zip(metrics).filter(|(_, decoded)| !**decoded) {
        metric.defined.resize(n, 0);
        match &mut metric.values {
            ColumnValues::Counts(v) => v.resize(n, 0),
            ColumnValues::Reals(v) => v.resize(n, 0.0),
        }
    }
    part.check()?;
    Ok(cut)
}

/// The values of the first `rows` rows of a column chunk (or of all, if it has fewer) and their
/// definition levels (empty for a required column). `optional`: the column has definition
/// levels (the metric columns).
fn read<T: DataType>(column: ColumnReader, optional: bool, rows: usize) -> Result<(Vec<T::T>, Vec<i16>), ReportError> {
    let mut reader =
        T::get_column_reader(column).ok_or_else(|| ReportError::Format("a series column has another type".into()))?;
    let (mut values, mut defined) = (Vec::new(), Vec::new());
    let mut left = rows;
    while left > 0 {
        let levels = if optional { Some(&mut defined) } else { None };
        let (records, _, _) = reader.read_records(left.min(1 << 16), levels, None, &mut values).map_err(read_error)?;
        if records == 0 {
            break;
        }
        left -= records;
    }
    Ok((values, defined))
}

/// Spreads the `values` of the rows defined in `defined` over every row, `missing` elsewhere.
fn dense<T: Copy>(values: Vec<T>, defined: &[i16], missing: T, out: &mut Vec<T>) -> Result<(), ReportError> {
    let mut it = values.into_iter();
    for &d in defined {
        out.push(if d != 0 {
            it.next().ok_or_else(|| ReportError::Format("a series column has fewer values than rows".into()))?
        } else {
            missing
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::metrics::SERIES_METRICS;
    use super::super::{RunSeries, merge_parts};
    use super::*;
    use crate::sim::Counts;

    /// Run `run` over `days` days at two providers, values made from the indices; the second
    /// provider has no reputation on day 2.
    fn series(run: usize, days: u32) -> RunSeries {
        let counts = |day: u32| {
            let base = run as u64 * 1000 + u64::from(day);
            let [sent, inbox, junk, deferred, bounced, blocked, expired, complaints] =
                std::array::from_fn(|m| base << m);
            Counts { sent, inbox, junk, deferred, bounced, blocked, expired, complaints, ..Default::default() }
        };
        let rows: Vec<(u32, u16, Counts, Option<f64>)> = (1..=days)
            .flat_map(|day| (0..2u16).map(move |p| (day, p)))
            .map(|(day, p)| (day, p, counts(day), (p != 1 || day != 2).then(|| 0.1 / f64::from(day) + run as f64)))
            .collect();
        let providers = ["gmail".to_string(), "b2b, \"x\"".to_string()];
        let (s, fits) = RunSeries::from_rows(run as u32, &providers, rows.iter().map(|(d, p, c, r)| (*d, *p, c, *r)));
        fits.unwrap();
        s
    }

    /// Equal, or both missing.
    fn same(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan())
    }

    fn part(runs: &[usize]) -> PartColumns {
        let mut part = PartColumns::new();
        for &r in runs {
            part.push_run(&series(r, 3)).unwrap();
        }
        part
    }

    #[test]
    fn parts_decode_to_their_rows_and_shards_merge_to_the_same_bytes() {
        let whole = part(&[0, 1, 2, 3, 4]);
        let bytes = encode_part(&whole, 1).unwrap();
        for threads in [2, 5, 100] {
            assert_eq!(encode_part(&whole, threads).unwrap(), bytes, "the same bytes on {threads} threads");
        }
        // A column at a time, then the rest at once (or none), gives the same bytes too.
        let n_columns = SERIES_ID_COLUMNS.len() + SERIES_METRICS.len();
        for pieces in [0, 1, 4, n_columns, n_columns + 3] {
            let mut encoder = PartEncoder::new(whole.clone()).unwrap();
            (0..pieces).for_each(|_| encoder.encode_next());
            assert_eq!(encoder.is_done(), pieces >= n_columns);
            if pieces < n_columns {
                assert!(PartEncoder::new(&whole).and_then(PartEncoder::finish).is_err(), "columns left");
            }
            encoder.encode_rest(2);
            let (piecewise, back) = encoder.finish().unwrap();
            assert_eq!((piecewise, &back), (bytes.clone(), &whole), "{pieces} pieces");
        }
        let back = decode_part(bytes.clone()).unwrap();
        assert_eq!(back, whole);
        assert_eq!(back.provider(1), "b2b, \"x\"");
        assert!(back.value(3, SERIES_METRICS.len() - 1).is_nan(), "no reputation");
        assert_eq!((back.value(0, 0), back.value(2, 1)), (1.0, 4.0), "day 1, then day 2 (shifted by 1)");
        let merged = merge_parts(&[part(&[1, 4]), part(&[0, 3]), part(&[2])]).unwrap();
        assert_eq!(encode_part(&merged, 1).unwrap(), bytes, "shards merged give the unsharded part");
        let mut some = PartColumns::new();
        let inbox = SERIES_METRICS.iter().position(|m| *m == "inbox").unwrap();
        decode_part_into(bytes.clone(), &mut some, &std::array::from_fn(|m| m == inbox), usize::MAX).unwrap();
        assert_eq!((some.run.clone(), some.value(2, inbox)), (whole.run.clone(), whole.value(2, inbox)));
        assert!(some.value(2, 0).is_nan() && some.value(2, SERIES_METRICS.len() - 1).is_nan(), "not decoded");
        // Only the rows of runs below 2: the first 12 (3 days at 2 providers a run), then none left out.
        let all = std::array::from_fn(|_| true);
        assert!(decode_part_into(bytes.clone(), &mut some, &all, 2).unwrap(), "rows were left out");
        assert_eq!(some.run, whole.run[..12]);
        assert!((0..12).all(|r| (0..SERIES_METRICS.len()).all(|m| same(some.value(r, m), whole.value(r, m)))));
        assert!(some.check().is_ok() && some.names == whole.names);
        assert!(!decode_part_into(bytes.clone(), &mut some, &all, 5).unwrap(), "every run is below 5");
        assert_eq!(some, whole);
        let empty = encode_part(&PartColumns::new(), 2).unwrap();
        assert!(decode_part(empty).unwrap().is_empty());
        assert!(decode_part(b"not parquet".to_vec()).is_err());
    }
}
