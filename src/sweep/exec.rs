//! Parallel execution in a fixed order: runs execute on the calling thread and a
//! rayon pool, each single-threaded, and their results are handed to the caller
//! strictly in order through a reorder buffer of bounded size, by the calling
//! thread between the runs it makes (no thread waits only to hand results over).
//!
//! Threads take the next item only while it is less than [`WINDOW_PER_THREAD`]
//! items per thread ahead of the last one handed over, so memory stays flat
//! however many items there are, and what the caller sees (hence what it
//! writes) does not depend on the number of threads.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

/// How far (in items per thread) workers may run ahead of the consumer.
pub const WINDOW_PER_THREAD: usize = 8;

/// What the consumer wants after an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop: no new item starts; items already started are discarded.
    Stop,
}

#[derive(Debug, Default)]
struct Shared {
    /// Next item to start.
    next: usize,
    /// Items handed to the consumer so far.
    consumed: usize,
    /// Set when the consumer stops.
    stop: bool,
    /// Workers waiting for the window to move (woken only if there are any).
    waiting: usize,
}

/// Runs `work(i)` for `i in 0..n_items` on `threads` threads (at least 1: the calling thread
/// and `threads - 1` others) and calls `consume(i, result)` in the order `0, 1, 2, ...` on the
/// calling thread, between the items it runs. With one thread, everything runs on the calling
/// thread, one item after the other.
/// Stops early when `consume` returns [`Flow::Stop`] or an error (returned).
pub fn run_ordered<T, E>(
    n_items: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    mut consume: impl FnMut(usize, T) -> Result<Flow, E>,
) -> Result<Flow, E>
where
    T: Send,
{
    let threads = threads.max(1);
    let window = WINDOW_PER_THREAD * threads;
    // One thread is the calling one: no pool, no hand-over.
    if threads == 1 {
        return run_in_place(n_items, work, consume);
    }
    // The calling thread is one of the threads: it runs items too, and hands results over in
    // order between them, so that no thread only waits to hand over (nor is woken per item).
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads - 1).build() {
        Ok(pool) => pool,
        // A pool could not be built (no threads available): run in place.
        Err(_) => return run_in_place(n_items, work, consume),
    };
    let shared = Mutex::new(Shared::default());
    let wake = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    let (work, shared, wake) = (&work, &shared, &wake);
    // The next item a thread may start, if the window allows one.
    let take = |s: &mut Shared| -> Option<usize> {
        (!s.stop && s.next < n_items && s.next < s.consumed + window).then(|| {
            s.next += 1;
            s.next - 1
        })
    };
    pool.in_place_scope(|scope| {
        for _ in 0..threads - 1 {
            let tx = tx.clone();
            scope.spawn(move |_| {
                loop {
                    let i = {
                        let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                        loop {
                            if let Some(i) = take(&mut s) {
                                break i;
                            }
                            if s.stop || s.next >= n_items {
                                return;
                            }
                            s.waiting += 1;
                            s = wake.wait(s).unwrap_or_else(PoisonError::into_inner);
                            s.waiting -= 1;
                        }
                    };
                    if tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let stop = || {
            let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
            s.stop = true;
            wake.notify_all();
        };
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut expected = 0;
        while expected < n_items {
            // Hand over what is ready, in order.
            while let Ok((i, result)) = rx.try_recv() {
                pending.insert(i, result);
            }
            while let Some(result) = pending.remove(&expected) {
                match consume(expected, result) {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::Stop) => {
                        stop();
                        return Ok(Flow::Stop);
                    }
                    Err(e) => {
                        stop();
                        return Err(e);
                    }
                }
                expected += 1;
                let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                s.consumed = expected;
                if s.waiting > 0 {
                    wake.notify_all();
                }
            }
            if expected >= n_items {
                break;
            }
            // Then run the next item here, or else wait for one from the other threads.
            let mine = take(&mut shared.lock().unwrap_or_else(PoisonError::into_inner));
            match mine {
                Some(i) => {
                    pending.insert(i, work(i));
                }
                None => match rx.recv() {
                    Ok((i, result)) => {
                        pending.insert(i, result);
                    }
                    Err(_) => break,
                },
            }
        }
        Ok(Flow::Continue)
    })
}

/// [`run_ordered`] on the calling thread alone.
fn run_in_place<T, E>(
    n_items: usize,
    work: impl Fn(usize) -> T,
    mut consume: impl FnMut(usize, T) -> Result<Flow, E>,
) -> Result<Flow, E> {
    for i in 0..n_items {
        if consume(i, work(i))? == Flow::Stop {
            return Ok(Flow::Stop);
        }
    }
    Ok(Flow::Continue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_for_any_thread_count() {
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            let work = |i: usize| {
                // Uneven work so that items finish out of order.
                std::thread::sleep(std::time::Duration::from_micros(((i * 7919) % 13) as u64 * 50));
                i * i
            };
            let flow = run_ordered(200, threads, work, |i, v| {
                assert_eq!(v, i * i);
                seen.push(i);
                Ok::<_, ()>(Flow::Continue)
            });
            assert_eq!(flow, Ok(Flow::Continue));
            assert_eq!(seen, (0..200).collect::<Vec<_>>());
        }
    }

    #[test]
    fn stops_and_errors_end_early() {
        let mut n = 0;
        let flow = run_ordered(
            1000,
            2,
            |i| i,
            |i, _| {
                n += 1;
                Ok::<_, ()>(if i == 9 { Flow::Stop } else { Flow::Continue })
            },
        );
        assert_eq!((flow, n), (Ok(Flow::Stop), 10));
        let err = run_ordered(1000, 3, |i| i, |i, _| if i == 5 { Err("bad") } else { Ok(Flow::Continue) });
        assert_eq!(err, Err("bad"));
        assert_eq!(run_ordered(0, 2, |i| i, |_, _| Ok::<_, ()>(Flow::Stop)), Ok(Flow::Continue));
    }
}
