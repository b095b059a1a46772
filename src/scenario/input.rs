//! Reading an input file (a scenario, an experiment, an experiment's base
//! scenario): the one function that does it, [`read_input`], with a size cap
//! and located UTF-8 errors.
//!
//! The cap is checked while reading, not from the file's metadata: `/dev/zero`
//! or a pipe reports a length of 0 and never ends, so at most
//! [`MAX_INPUT_BYTES`] + 1 bytes are read.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest input file accepted, in bytes (16 MiB). The longest shipped file is
/// under 20 KB; a scenario with a daily volume table of the longest horizon is
/// a few KB, and an experiment listing thousands of axis values well under
/// 1 MiB. Anything larger is not an input file written by hand or by a script
/// (`/dev/zero`, a log, a binary), and is refused before it fills memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_INPUT_BYTES`] (or never ends).
    #[error(
        "{}: larger than {} MiB, the limit of input files (is it a scenario or experiment file?)",
        path.display(),
        MAX_INPUT_BYTES >> 20
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file is not UTF-8 text; located at its first invalid byte.
    #[error("{}:{line}:{col}: {}", path.display(), utf8_message(*byte))]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Line of the first invalid byte, from 1.
        line: usize,
        /// Column (in characters) of the first invalid byte, from 1.
        col: usize,
        /// The first invalid byte.
        byte: u8,
    },
}

/// The message of an invalid UTF-8 byte, without its location.
pub(crate) fn utf8_message(byte: u8) -> String {
    format!("invalid utf-8 (byte 0x{byte:02x}): input files must be utf-8 text")
}

/// Reads the input file at `path` as text: at most [`MAX_INPUT_BYTES`], UTF-8.
pub fn read_input(path: &Path) -> Result<String, InputError> {
    let io = |source| InputError::Io { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { path: path.to_path_buf() });
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let (line, col) = line_col(&bytes[..valid]);
        InputError::NotUtf8 { path: path.to_path_buf(), line, col, byte: bytes[valid] }
    })
}

/// The 1-based line and column (in characters) just after `prefix`, which is valid UTF-8.
fn line_col(prefix: &[u8]) -> (usize, usize) {
    let text = std::str::from_utf8(prefix).unwrap_or_default();
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    (text.matches('\n').count() + 1, text[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_locates_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.toml");
        std::fs::write(&path, "name = \"é\"\n").unwrap();
        assert_eq!(read_input(&path).unwrap(), "name = \"é\"\n");
        std::fs::write(&path, b"a = 1\nname = \"\xc3\xa9\xff\"\n").unwrap();
        let e = read_input(&path).unwrap_err();
        assert!(matches!(e, InputError::NotUtf8 { line: 2, col: 10, byte: 0xff, .. }), "{e:?}");
        assert!(
            e.to_string().ends_with("t.toml:2:10: invalid utf-8 (byte 0xff): input files must be utf-8 text"),
            "{e}"
        );
    }

    #[test]
    fn refuses_files_over_the_cap_even_without_a_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let at_cap = vec![b'#'; MAX_INPUT_BYTES as usize];
        std::fs::write(&path, &at_cap).unwrap();
        assert_eq!(read_input(&path).unwrap().len() as u64, MAX_INPUT_BYTES);
        std::fs::write(&path, [at_cap.as_slice(), b"#"].concat()).unwrap();
        assert!(matches!(read_input(&path), Err(InputError::TooLarge { .. })));
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let e = read_input(zero).unwrap_err();
            assert_eq!(
                e.to_string(),
                "/dev/zero: larger than 16 MiB, the limit of input files (is it a scenario or experiment file?)"
            );
        }
        assert!(matches!(read_input(&dir.path().join("missing.toml")), Err(InputError::Io { .. })));
    }
}
