//! Digests of the files of an experiment folder (lines, bytes and a 64-bit
//! FNV-1a checksum), computed while the files are written ([`HashingWriter`])
//! rather than by reading them back, so that finishing a sweep never re-reads
//! what it just wrote. `merge` checks a shard's files against the digests its
//! manifest records ([`FileDigest::of`] reads a file once).

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use super::SweepError;

/// Lines, bytes and a 64-bit FNV-1a checksum of a file: enough to tell a file
/// cut short or edited since it was recorded (not a defence against tampering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Newline-terminated lines.
    pub lines: u64,
    /// Bytes.
    pub bytes: u64,
    /// FNV-1a 64 of the bytes, as 16 hex digits.
    pub fnv1a64: String,
}

impl FileDigest {
    /// The digest of everything `r` yields.
    pub fn of(r: &mut dyn BufRead) -> Result<Self, SweepError> {
        let mut state = DigestState::default();
        state.update_from(r, u64::MAX)?;
        Ok(state.digest())
    }
}

/// A [`FileDigest`] being computed: bytes go in with [`DigestState::update`] in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestState {
    lines: u64,
    bytes: u64,
    hash: u64,
}

impl Default for DigestState {
    fn default() -> Self {
        Self { lines: 0, bytes: 0, hash: 0xcbf2_9ce4_8422_2325 }
    }
}

impl DigestState {
    /// Adds `bytes`, which follow the bytes added so far.
    pub fn update(&mut self, bytes: &[u8]) {
        let (mut hash, mut lines) = (self.hash, self.lines);
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            lines += u64::from(b == b'\n');
        }
        (self.hash, self.lines) = (hash, lines);
        self.bytes += bytes.len() as u64;
    }

    /// Adds the next `limit` bytes of `r` (fewer if it ends first), streaming.
    pub fn update_from(&mut self, r: &mut dyn BufRead, limit: u64) -> Result<(), SweepError> {
        let mut left = limit;
        while left > 0 {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            self.update(&buf[..n]);
            r.consume(n);
            left -= n as u64;
        }
        Ok(())
    }

    /// Bytes added so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The digest of the bytes added so far.
    pub fn digest(&self) -> FileDigest {
        FileDigest { lines: self.lines, bytes: self.bytes, fnv1a64: format!("{:016x}", self.hash) }
    }
}

/// A writer that passes everything to `inner` and digests what `inner` accepted: after a
/// successful flush, [`HashingWriter::digest`] is the digest of the file written (from its
/// start, if the state given to [`HashingWriter::after`] covers the bytes already there).
#[derive(Debug)]
pub struct HashingWriter<W: Write> {
    inner: W,
    state: DigestState,
}

impl<W: Write> HashingWriter<W> {
    /// Digests what is written from now on, as a file of its own.
    pub fn new(inner: W) -> Self {
        Self::after(inner, DigestState::default())
    }

    /// Digests what is written after the bytes `state` covers (those already in the file,
    /// when a file is continued).
    pub fn after(inner: W, state: DigestState) -> Self {
        Self { inner, state }
    }

    /// The digest of the bytes accepted so far.
    pub fn digest(&self) -> FileDigest {
        self.state.digest()
    }

    /// The state of the digest so far.
    pub fn state(&self) -> DigestState {
        self.state
    }

    /// The writer wrapped.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.state.update(&buf[..n]);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(buf)?;
        self.state.update(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_a_file_cut_short() {
        let full = FileDigest::of(&mut "h\n0,a\n1,b\n".as_bytes()).unwrap();
        assert_eq!((full.lines, full.bytes), (3, 10));
        assert_eq!(FileDigest::of(&mut "".as_bytes()).unwrap().fnv1a64, "cbf29ce484222325");
        assert_ne!(FileDigest::of(&mut "h\n0,a\n".as_bytes()).unwrap(), full);
        assert_ne!(FileDigest::of(&mut "h\n0,a\n1,c\n".as_bytes()).unwrap(), full);
    }

    #[test]
    fn a_writer_digests_what_it_writes_and_continues_a_prefix() {
        let text = b"h\n0,a\n1,b\n";
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(&text[..3]).unwrap();
        write!(w, "{}", std::str::from_utf8(&text[3..]).unwrap()).unwrap();
        let whole = FileDigest::of(&mut &text[..]).unwrap();
        assert_eq!(w.digest(), whole);
        assert_eq!(w.into_inner(), text);
        // A file continued after a kept prefix of 4 bytes.
        let mut prefix = DigestState::default();
        prefix.update_from(&mut &text[..], 4).unwrap();
        assert_eq!(prefix.bytes(), 4);
        let mut rest = HashingWriter::after(Vec::new(), prefix);
        rest.write_all(&text[4..]).unwrap();
        assert_eq!(rest.digest(), whole);
    }
}
