//! `observed.csv`, ipwarm's daily CSV of what a sender observed: written by
//! [`write_observed`] (the output of `ipwarm ingest`, the input of `ipwarm
//! fit`) and read back, validated, by [`read_observed`], in the columns of
//! [`OBSERVED_COLUMNS`]. An empty cell is "not observed".
//!
//! A file written by hand may hold any subset of the columns in any order, as
//! long as `date`, `provider` and `ip` are there; rows of the same key are
//! merged ([`ObservedTable::add`]). Values are checked cell by cell and every
//! problem is reported with its line (`file:line:col: column: message`).

use std::io::{self, BufRead, Write};

use super::lines::{Lines, split_csv};
use super::problem::{Location, ObservedError, Problems, quoted};
use super::{CivilDate, OBSERVED_COLUMNS, ObservedRow, ObservedTable};

/// The published reputations a `reputation` cell may hold.
pub const REPUTATIONS: [&str; 7] = ["HIGH", "MEDIUM", "LOW", "BAD", "GREEN", "YELLOW", "RED"];

/// Longest provider or ip cell (characters), as scenario names.
const MAX_NAME_CHARS: usize = 64;

/// Writes `rows` as `observed.csv`: the header of [`OBSERVED_COLUMNS`], then
/// one line per row, in the order given.
pub fn write_observed<'a>(rows: impl IntoIterator<Item = &'a ObservedRow>, mut out: impl Write) -> io::Result<()> {
    let header: Vec<&str> = OBSERVED_COLUMNS.iter().map(|c| c.name).collect();
    writeln!(out, "{}", header.join(","))?;
    for row in rows {
        writeln!(out, "{}", cells(row).join(","))?;
    }
    Ok(())
}

/// The cells of `row`, in the order of [`OBSERVED_COLUMNS`].
fn cells(row: &ObservedRow) -> [String; 14] {
    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    [
        row.date.to_string(),
        csv_quote(&row.provider),
        csv_quote(&row.ip),
        n(row.sent),
        n(row.delivered),
        n(row.deferred),
        n(row.bounced),
        n(row.blocked),
        n(row.expired),
        n(row.complaints),
        n(row.opens),
        row.reputation.as_deref().map(csv_quote).unwrap_or_default(),
        row.spam_rate.map(|v| v.to_string()).unwrap_or_default(),
        n(row.trap_hits),
    ]
}

/// `text` as a CSV field, quoted if it holds a comma or a quote.
fn csv_quote(text: &str) -> String {
    if text.contains([',', '"']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// Reads and validates an `observed.csv` named `source` (for messages): every
/// problem is reported (up to [`super::problem::MAX_PROBLEMS`]); I/O errors of
/// the reader come back as one problem at the line reached.
pub fn read_observed(reader: impl BufRead, source: &str) -> Result<ObservedTable, ObservedError> {
    let mut table = ObservedTable::new();
    let mut problems = Problems::default();
    read_into(reader, source, &mut table, &mut problems);
    if problems.is_empty() { Ok(table) } else { Err(problems.into()) }
}

/// [`read_observed`] into an existing table and problem list (for `ingest csv` of many files).
pub fn read_into(reader: impl BufRead, source: &str, table: &mut ObservedTable, problems: &mut Problems) {
    let at = |line: u64, column: Option<u64>| Location { source: source.to_string(), line, column };
    let mut lines = Lines::new(reader);
    let mut columns: Option<Vec<usize>> = None;
    let mut last_line = 0;
    loop {
        if problems.full() {
            problems.push(at(last_line, None), "too many problems");
            return;
        }
        let (number, text) = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                problems.push(at(last_line + 1, None), format!("cannot read: {e}"));
                return;
            }
        };
        last_line = number;
        let text = match text {
            Ok(text) => text,
            Err(bad) => {
                problems.push(at(number, bad.column), bad.message);
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let fields = match split_csv(text) {
            Ok(fields) => fields,
            Err((column, message)) => {
                problems.push(at(number, Some(column)), message);
                continue;
            }
        };
        match &columns {
            None => match header(&fields) {
                Ok(found) => columns = Some(found),
                Err(message) => {
                    problems.push(at(number, Some(1)), message);
                    return;
                }
            },
            Some(columns) => match parse_row(columns, &fields) {
                Ok(row) => {
                    if let Err(message) = table.add(row) {
                        problems.push(at(number, None), message);
                    }
                }
                Err(found) => found.into_iter().for_each(|(column, message)| {
                    problems.push(at(number, column), message);
                }),
            },
        }
    }
    if columns.is_none() {
        problems.push(at(last_line.max(1), None), format!("no header: expected {}", expected_header()));
    }
}

/// The header every `observed.csv` written has.
fn expected_header() -> String {
    OBSERVED_COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

/// For each field of the header, the index of its column in [`OBSERVED_COLUMNS`].
fn header(fields: &[String]) -> Result<Vec<usize>, String> {
    let mut found = Vec::with_capacity(fields.len());
    for field in fields {
        let name = field.trim();
        let Some(i) = OBSERVED_COLUMNS.iter().position(|c| c.name == name) else {
            return Err(format!("unknown column {} in the header: expected {}", quoted(name), expected_header()));
        };
        if found.contains(&i) {
            return Err(format!("column `{name}` appears twice in the header"));
        }
        found.push(i);
    }
    for (i, column) in OBSERVED_COLUMNS.iter().enumerate().take(3) {
        if !found.contains(&i) {
            return Err(format!("the header has no `{}` column", column.name));
        }
    }
    Ok(found)
}

/// A problem of one cell: its column (from 1) if known, and the message.
type CellProblem = (Option<u64>, String);

/// One data line, or every problem of its cells.
fn parse_row(columns: &[usize], fields: &[String]) -> Result<ObservedRow, Vec<CellProblem>> {
    if fields.len() != columns.len() {
        let message = format!("expected {} fields as in the header, got {}", columns.len(), fields.len());
        return Err(vec![(None, message)]);
    }
    let mut row = ObservedRow::default();
    let mut problems = Vec::new();
    let mut column = 1u64;
    for (&i, field) in columns.iter().zip(fields) {
        let name = OBSERVED_COLUMNS[i].name;
        if let Err(message) = set_cell(&mut row, i, field.trim()) {
            problems.push((Some(column), format!("{name}: {message}")));
        }
        column += field.chars().count() as u64 + 1;
    }
    if problems.is_empty() { Ok(row) } else { Err(problems) }
}

/// Sets column `i` of `row` from `cell`.
fn set_cell(row: &mut ObservedRow, i: usize, cell: &str) -> Result<(), String> {
    let count = |cell: &str| -> Result<Option<u64>, String> {
        if cell.is_empty() {
            return Ok(None);
        }
        let digits = cell.bytes().all(|b| b.is_ascii_digit());
        cell.parse::<u64>().map(Some).map_err(|_| {
            if digits {
                format!("{cell} is too large")
            } else {
                format!("expected a count (an integer >= 0), got {}", quoted(cell))
            }
        })
    };
    match OBSERVED_COLUMNS[i].name {
        "date" => {
            row.date =
                CivilDate::parse(cell).ok_or_else(|| format!("expected a date YYYY-MM-DD, got {}", quoted(cell)))?;
        }
        "provider" => row.provider = name(cell)?,
        "ip" => row.ip = name(cell)?,
        "sent" => row.sent = count(cell)?,
        "delivered" => row.delivered = count(cell)?,
        "deferred" => row.deferred = count(cell)?,
        "bounced" => row.bounced = count(cell)?,
        "blocked" => row.blocked = count(cell)?,
        "expired" => row.expired = count(cell)?,
        "complaints" => row.complaints = count(cell)?,
        "opens" => row.opens = count(cell)?,
        "reputation" if cell.is_empty() => row.reputation = None,
        "reputation" => {
            let upper = cell.to_ascii_uppercase();
            if !REPUTATIONS.contains(&upper.as_str()) {
                return Err(format!("expected one of {}, got {}", REPUTATIONS.join(", "), quoted(cell)));
            }
            row.reputation = Some(upper);
        }
        "spam_rate" if cell.is_empty() => row.spam_rate = None,
        "spam_rate" => row.spam_rate = Some(fraction(cell)?),
        "trap_hits" => row.trap_hits = count(cell)?,
        _ => {}
    }
    Ok(())
}

/// A provider or ip cell: not empty, no control character, at most 64 characters.
pub(crate) fn name(cell: &str) -> Result<String, String> {
    if cell.is_empty() {
        return Err("must not be empty".to_string());
    }
    if cell.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {}", quoted(cell)));
    }
    if cell.chars().count() > MAX_NAME_CHARS {
        return Err(format!("must have at most {MAX_NAME_CHARS} characters, got {}", quoted(cell)));
    }
    Ok(cell.to_string())
}

/// A fraction in [0, 1].
fn fraction(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(_) => Err(format!("must be a fraction in [0, 1], got {}", quoted(cell))),
        Err(_) => Err(format!("expected a number in [0, 1], got {}", quoted(cell))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "date,provider,ip,sent,delivered,deferred,bounced,blocked,expired,complaints,opens,\
                        reputation,spam_rate,trap_hits\n\
                        2026-03-02,gmail,198.51.100.7,100,90,5,2,1,0,,40,HIGH,0.0012,\n\
                        2026-03-01,\"a,b\",ip-1,1,,,,,,,,,,\n";

    fn problems(text: &str) -> Vec<String> {
        match read_observed(text.as_bytes(), "o.csv") {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn rows_round_trip_sorted() {
        let table = read_observed(GOOD.as_bytes(), "o.csv").expect("valid");
        let mut out = Vec::new();
        write_observed(table.rows(), &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "2026-03-01,\"a,b\",ip-1,1,,,,,,,,,,");
        assert_eq!(lines[2], "2026-03-02,gmail,198.51.100.7,100,90,5,2,1,0,,40,HIGH,0.0012,");
        assert_eq!(read_observed(text.as_bytes(), "o.csv").expect("again"), table);
    }

    #[test]
    fn a_subset_of_columns_is_enough_and_duplicates_merge() {
        let t = read_observed("ip,date,provider,sent\nx,2026-01-01,gmail,3\nx,2026-01-01,gmail,4\n".as_bytes(), "o")
            .expect("valid");
        assert_eq!(t.into_rows()[0].sent, Some(7));
    }

    #[test]
    fn every_bad_cell_is_located() {
        let bad = GOOD.replace("100,90", "-1,9x").replace("HIGH,0.0012", "SUPER,2");
        assert_eq!(
            problems(&bad),
            [
                "o.csv:2:31: sent: expected a count (an integer >= 0), got \"-1\"",
                "o.csv:2:34: delivered: expected a count (an integer >= 0), got \"9x\"",
                "o.csv:2:49: reputation: expected one of HIGH, MEDIUM, LOW, BAD, GREEN, YELLOW, RED, got \"SUPER\"",
                "o.csv:2:55: spam_rate: must be a fraction in [0, 1], got \"2\"",
            ]
        );
        assert_eq!(problems("date,provider\n"), ["o.csv:1:1: the header has no `ip` column"]);
        assert_eq!(
            problems(""),
            [
                "o.csv:1: no header: expected date,provider,ip,sent,delivered,deferred,bounced,blocked,expired,complaints,opens,reputation,spam_rate,trap_hits"
            ]
        );
        let short = problems("date,provider,ip\n2026-02-30,gmail\n2026-01-01,,99999999999999999999\n");
        assert_eq!(short[0], "o.csv:2: expected 3 fields as in the header, got 2");
        assert_eq!(short[1], "o.csv:3:12: provider: must not be empty");
        let big = problems("date,provider,ip,sent\n2026-01-01,g,i,99999999999999999999\n");
        assert_eq!(big, ["o.csv:2:16: sent: 99999999999999999999 is too large"]);
        let conflict = problems("date,provider,ip,reputation\n2026-01-01,g,i,HIGH\n2026-01-01,g,i,LOW\n");
        assert!(conflict[0].starts_with("o.csv:3: reputation: \"LOW\" disagrees"), "{conflict:?}");
    }
}
