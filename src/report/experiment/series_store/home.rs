//! [`Home`]: where values made by one thread and used up by another are given back, so that the
//! thread that made them reuses their memory. A sweep's workers make each run's series and the
//! thread that writes files uses them up: freed there, their memory would cost both threads'
//! allocators every run, and reused by whichever thread asks next, it would move between cores'
//! caches every run, which costs most when the cores share no cache (docs/MODEL.md section 11).
//! Each thread keeps its own pool (a `thread_local!` of its user's).

use std::sync::{Arc, Mutex, PoisonError};

/// A thread's pool of values given back (see the module). Not part of any value: every two are
/// equal, so a type that holds one compares as if it did not.
pub struct Home<T>(Arc<Mutex<Vec<T>>>);

impl<T> Home<T> {
    /// An empty pool.
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(Vec::new())))
    }

    /// The value given back last, if any.
    pub fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }

    /// Gives `value` back, from any thread; it is dropped at once when `max` values are kept.
    pub fn give(&self, value: T, max: usize) {
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < max {
            pool.push(value);
        }
    }
}

impl<T> Default for Home<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Home<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Home<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Home<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Home")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_last_first_up_to_the_limit() {
        let home = Home::new();
        let other = home.clone();
        std::thread::spawn(move || (1..=3).for_each(|v| other.give(v, 2))).join().unwrap();
        assert_eq!((home.take(), home.take(), home.take()), (Some(2), Some(1), None));
        assert_eq!(home, Home::new(), "not part of a value");
    }
}
