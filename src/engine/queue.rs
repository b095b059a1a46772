//! The future-event list: a binary heap ordered by `(time, sequence number)`.
//!
//! The sequence number is assigned at insertion, so events scheduled for the
//! same time come out first-in first-out. This makes runs deterministic
//! without requiring the payload to be ordered.

use super::SimTime;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// A priority queue of events, earliest first, FIFO among equal times.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    next_seq: u64,
}

impl<E> std::fmt::Debug for EventQueue<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueue").field("len", &self.heap.len()).finish()
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self { heap: BinaryHeap::new(), next_seq: 0 }
    }

    /// Inserts `event` at `time`.
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { time, seq, event }));
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|Reverse(e)| (e.time, e.event))
    }

    /// Time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(e)| e.time)
    }

    /// Number of queued events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use rand::RngExt;
    use std::collections::BTreeMap;

    /// Fuzz the heap against a `BTreeMap<(time, seq), id>` shadow with a fixed seed.
    #[test]
    fn matches_btreemap_shadow_under_random_operations() {
        let mut rng = stream_rng(7, "queue-fuzz");
        let mut queue = EventQueue::new();
        let mut shadow = BTreeMap::new();
        let mut seq = 0u64;
        for id in 0..20_000u64 {
            if rng.random_bool(0.6) || shadow.is_empty() {
                let t = SimTime::from_minutes(rng.random_range(0..500));
                queue.push(t, id);
                shadow.insert((t, seq), id);
                seq += 1;
            } else {
                let (&key, &want) = shadow.iter().next().expect("non-empty shadow");
                shadow.remove(&key);
                assert_eq!(queue.pop(), Some((key.0, want)));
            }
            assert_eq!(queue.len(), shadow.len());
            assert_eq!(queue.peek_time(), shadow.keys().next().map(|k| k.0));
        }
    }

    #[test]
    fn same_time_events_are_fifo() {
        let mut q = EventQueue::new();
        for i in 0..100 {
            q.push(SimTime::from_minutes(5), i);
        }
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|e| e.1)).collect();
        assert_eq!(order, (0..100).collect::<Vec<_>>());
    }
}
