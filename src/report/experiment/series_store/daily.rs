//! `daily.parquet`: the daily records of one run (`ipwarm run --series-format parquet`), the
//! columns of `daily.csv` ([`crate::report::daily_columns`]) with the same content: counts as
//! unsigned 64-bit integers, the reputation as the double its 4-decimal text reads as, names
//! and levels as dictionary-coded strings; zstd level 1, one row group.

use std::sync::Arc;

use parquet::basic::{Compression, IntType, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type};

use crate::report::{DailyColumn, DailyKind, ReportError};

fn error(e: ParquetError) -> ReportError {
    ReportError::Io(std::io::Error::other(format!("cannot encode daily.parquet: {e}")))
}

/// The field `field` of column `name` as a `T`.
fn parse<T: std::str::FromStr>(name: &str, field: &str) -> Result<T, ReportError> {
    field.parse().map_err(|_| ReportError::Format(format!("daily.csv column {name}: `{field}` is not a number")))
}

/// The Parquet file of `columns` (all of the same length).
pub fn encode_daily(columns: &[DailyColumn]) -> Result<Vec<u8>, ReportError> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut props = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_compression(ZstdLevel::try_new(1).map_or(Compression::ZSTD(ZstdLevel::default()), Compression::ZSTD))
        .set_statistics_enabled(EnabledStatistics::None)
        .set_dictionary_enabled(false);
    for c in columns {
        let field = match c.kind {
            DailyKind::Count => Type::primitive_type_builder(c.name, Physical::INT64)
                .with_logical_type(Some(LogicalType::Integer(IntType { bit_width: 64, is_signed: false }))),
            DailyKind::Real => Type::primitive_type_builder(c.name, Physical::DOUBLE),
            DailyKind::Text => {
                props = props.set_column_dictionary_enabled(ColumnPath::from(c.name), true);
                Type::primitive_type_builder(c.name, Physical::BYTE_ARRAY).with_logical_type(Some(LogicalType::String))
            }
        };
        fields.push(Arc::new(field.with_repetition(Repetition::REQUIRED).build().map_err(error)?));
    }
    let schema = Arc::new(Type::group_type_builder("daily").with_fields(fields).build().map_err(error)?);
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props.build())).map_err(error)?;
    let mut group = writer.next_row_group().map_err(error)?;
    for c in columns {
        let Some(mut column) = group.next_column().map_err(error)? else { break };
        match c.kind {
            DailyKind::Count => {
                let values: Vec<i64> =
                    c.fields.iter().map(|f| parse::<u64>(c.name, f).map(|v| v as i64)).collect::<Result<_, _>>()?;
                column.typed::<Int64Type>().write_batch(&values, None, None).map_err(error)?;
            }
            DailyKind::Real => {
                let values: Vec<f64> = c.fields.iter().map(|f| parse(c.name, f)).collect::<Result<_, _>>()?;
                column.typed::<DoubleType>().write_batch(&values, None, None).map_err(error)?;
            }
            DailyKind::Text => {
                let values: Vec<ByteArray> = c.fields.iter().map(|f| ByteArray::from(f.as_str())).collect();
                column.typed::<ByteArrayType>().write_batch(&values, None, None).map_err(error)?;
            }
        }
        column.close().map_err(error)?;
    }
    group.close().map_err(error)?;
    writer.close().map_err(error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;
    use crate::report::{daily_columns, testdata, write_daily_csv};

    #[test]
    fn daily_parquet_holds_the_fields_of_daily_csv() {
        let result = testdata::small();
        let bytes = encode_daily(&daily_columns(&result)).unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let mut text = String::new();
        let names: Vec<String> =
            reader.metadata().file_metadata().schema().get_fields().iter().map(|f| f.name().to_string()).collect();
        text.push_str(&names.join(","));
        text.push('\n');
        for row in reader.get_row_iter(None).unwrap() {
            let fields: Vec<String> = row
                .unwrap()
                .get_column_iter()
                .map(|(_, field)| match field {
                    Field::ULong(v) => v.to_string(),
                    Field::Double(v) => format!("{v:.4}"),
                    Field::Str(s) => s.clone(),
                    other => panic!("unexpected {other:?}"),
                })
                .collect();
            text.push_str(&fields.join(","));
            text.push('\n');
        }
        let mut csv = Vec::new();
        write_daily_csv(&result, &mut csv).unwrap();
        assert_eq!(text, String::from_utf8(csv).unwrap());
    }
}
