//! Message counts per audience segment, stored inline for the common case of
//! a few segments, so that the many short-lived cohorts of a run do not each
//! need a heap allocation.

use std::ops::{Deref, DerefMut};

/// Segments stored inline; more spill to the heap.
const INLINE: usize = 4;

/// Counts per audience segment (a `[u64]` in use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentCounts {
    /// Up to four segments, in place.
    Inline {
        /// Number of segments.
        len: u8,
        /// Counts; entries from `len` on are unused.
        values: [u64; INLINE],
    },
    /// More segments, on the heap.
    Heap(Vec<u64>),
}

impl Default for SegmentCounts {
    /// No segment.
    fn default() -> Self {
        Self::Inline { len: 0, values: [0; INLINE] }
    }
}

impl SegmentCounts {
    /// Zero counts for `len` segments.
    pub fn zeros(len: usize) -> Self {
        if len <= INLINE {
            // Written whole: a loop of zeros over `len` would be a call to `memset`.
            Self::Inline { len: len as u8, values: [0; INLINE] }
        } else {
            Self::Heap(vec![0; len])
        }
    }

    /// Counts for `len` segments, the `s`-th being `count(s)`.
    pub fn from_fn(len: usize, mut count: impl FnMut(usize) -> u64) -> Self {
        if len <= INLINE {
            let mut values = [0; INLINE];
            for (s, v) in values.iter_mut().enumerate().take(len) {
                *v = count(s);
            }
            Self::Inline { len: len as u8, values }
        } else {
            Self::Heap((0..len).map(count).collect())
        }
    }
}

impl Deref for SegmentCounts {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        match self {
            Self::Inline { len, values } => &values[..usize::from(*len)],
            Self::Heap(v) => v,
        }
    }
}

impl DerefMut for SegmentCounts {
    fn deref_mut(&mut self) -> &mut [u64] {
        match self {
            Self::Inline { len, values } => &mut values[..usize::from(*len)],
            Self::Heap(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_counts_behave_as_slices() {
        for len in [0, 1, 4, 5, 9] {
            let mut c = SegmentCounts::from_fn(len, |s| s as u64 * 10);
            assert_eq!(c.len(), len);
            assert_eq!(c.iter().sum::<u64>(), (0..len as u64).map(|s| s * 10).sum::<u64>());
            c.iter_mut().for_each(|n| *n += 1);
            assert!(c.iter().enumerate().all(|(s, &n)| n == s as u64 * 10 + 1));
            assert_eq!(matches!(c, SegmentCounts::Inline { .. }), len <= INLINE);
            assert_eq!(*SegmentCounts::zeros(len), vec![0; len][..]);
        }
        assert!(SegmentCounts::default().is_empty());
    }
}
