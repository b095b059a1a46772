//! Lines of an input file in bounded memory, for every line-oriented reader
//! (JSON lines, syslog, CSV): one reusable buffer, a line longer than
//! [`MAX_LINE_BYTES`] is reported and skipped without being held, invalid
//! UTF-8 is reported at its column, and a last line without its newline (a
//! truncated file) is still returned. Also the CSV field splitter of a line
//! (RFC 4180 quoting, no line breaks inside fields).

use std::io::{self, BufRead};

/// Longest line read (bytes, without its line break).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The lines of a reader, numbered from 1.
pub struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    number: u64,
}

/// A line that cannot be read as text, with the column (from 1) where it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Column of the culprit, from 1 (characters).
    pub column: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`.
    pub fn new(reader: R) -> Self {
        Self { reader, buf: Vec::new(), number: 0 }
    }

    /// The next line: its number and its text (without `\n` or `\r\n`), or
    /// why it is no text; `None` at the end. Errors are the reader's own.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Result<&str, BadLine>)>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if !too_long && self.buf.len() + take <= MAX_LINE_BYTES {
                self.buf.extend_from_slice(&chunk[..take]);
            } else {
                too_long = true;
                self.buf.clear();
            }
            self.reader.consume(if done { take + 1 } else { take });
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        if too_long {
            let message = format!("line longer than {MAX_LINE_BYTES} bytes");
            return Ok(Some((self.number, Err(BadLine { column: None, message }))));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let text = std::str::from_utf8(&self.buf).map_err(|e| {
            let column = String::from_utf8_lossy(&self.buf[..e.valid_up_to()]).chars().count() as u64 + 1;
            BadLine { column: Some(column), message: "invalid utf-8".to_string() }
        });
        Ok(Some((self.number, text)))
    }
}

/// The fields of one CSV line: separated by `,`; a field in double quotes may
/// hold `,` and `""` (one quote). On error, the column (from 1, characters)
/// and the message.
pub fn split_csv(line: &str) -> Result<Vec<String>, (u64, String)> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    let mut column = 0u64;
    loop {
        let mut field = String::new();
        let start = column + 1;
        if chars.peek() == Some(&'"') {
            chars.next();
            column += 1;
            loop {
                match chars.next() {
                    None => return Err((start, "unterminated quoted field".to_string())),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        column += 2;
                        field.push('"');
                    }
                    Some('"') => {
                        column += 1;
                        break;
                    }
                    Some(c) => {
                        column += 1;
                        field.push(c);
                    }
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => column += 1,
                Some(_) => return Err((column + 1, "text after a closing quote".to_string())),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => {
                        column += 1;
                        break;
                    }
                    Some('"') => return Err((column + 1, "quote inside an unquoted field".to_string())),
                    Some(c) => {
                        column += 1;
                        field.push(c);
                    }
                }
            }
        }
        fields.push(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<(u64, Result<String, BadLine>)> {
        // A tiny buffer, so that lines span many reads.
        let mut lines = Lines::new(io::BufReader::with_capacity(3, bytes));
        let mut out = Vec::new();
        while let Some((n, line)) = lines.next_line().expect("read") {
            out.push((n, line.map(str::to_string)));
        }
        out
    }

    #[test]
    fn lines_are_numbered_and_a_truncated_last_line_is_kept() {
        let got = all(b"ab\r\n\ncd\xffe\nlast");
        assert_eq!(got[0], (1, Ok("ab".into())));
        assert_eq!(got[1], (2, Ok(String::new())));
        assert_eq!(got[2].1, Err(BadLine { column: Some(3), message: "invalid utf-8".into() }));
        assert_eq!(got[3], (4, Ok("last".into())));
        assert!(all(b"").is_empty());
    }

    #[test]
    fn a_huge_line_is_reported_without_being_held() {
        let mut text = vec![b'x'; MAX_LINE_BYTES + 10];
        text.extend_from_slice(b"\nok\n");
        let got = all(&text);
        assert_eq!(got.len(), 2);
        assert!(got[0].1.as_ref().is_err_and(|e| e.message.starts_with("line longer")));
        assert_eq!(got[1], (2, Ok("ok".into())));
    }

    #[test]
    fn csv_fields_follow_rfc_4180_quoting() {
        assert_eq!(split_csv("a,,\"b,\"\"c\"\"\",d"), Ok(vec!["a".into(), "".into(), "b,\"c\"".into(), "d".into()]));
        assert_eq!(split_csv(""), Ok(vec![String::new()]));
        assert_eq!(split_csv("a,\"b"), Err((3, "unterminated quoted field".into())));
        assert_eq!(split_csv("a,\"b\"x"), Err((6, "text after a closing quote".into())));
        assert_eq!(split_csv("ab\"c"), Err((3, "quote inside an unquoted field".into())));
    }
}
