//! Parallel execution in a fixed order where each result is, as a rule, consumed by the thread
//! that made it: [`run_ordered_roaming`]. The consumer (an [`OrderedConsumer`]: the writer of a
//! sweep's files and its statistics) is not tied to a thread; it moves, behind a lock, to the
//! thread whose result comes next. Threads take consecutive items by blocks of up to [`BLOCK_ITEMS`]
//! ([`block_items`]: fewer when there are few items, so that every thread gets some),
//! so the next result is mostly the current thread's own, read from its own cache: a result
//! made on one core and read on another costs most when the cores share no cache (a run's
//! series are about 30 KB; docs/MODEL.md section 11).
//!
//! What the consumer sees, hence what it writes, does not depend on the number of threads:
//! `consume(0, ..)`, `consume(1, ..)`, ... one at a time, in order. Threads take a block only
//! while it starts less than [`BLOCKS_AHEAD_PER_THREAD`] blocks per thread ahead of the next item
//! to consume, so memory stays flat however many items there are.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

use super::Flow;

/// Consecutive items a thread takes at a time, at most.
pub const BLOCK_ITEMS: usize = 16;

/// Blocks per thread a run of items is cut into at least, when it has few items.
pub const MIN_BLOCKS_PER_THREAD: usize = 8;

/// Items per block for `n_items` items on `threads` threads: [`BLOCK_ITEMS`], or fewer (at
/// least 1) so that there are [`MIN_BLOCKS_PER_THREAD`] blocks per thread (a sweep of a few long
/// runs keeps every thread busy).
pub fn block_items(n_items: usize, threads: usize) -> usize {
    (n_items / (threads.max(1) * MIN_BLOCKS_PER_THREAD)).clamp(1, BLOCK_ITEMS)
}

/// How far (in blocks per thread) threads may run ahead of the consumer.
pub const BLOCKS_AHEAD_PER_THREAD: usize = 4;

/// Takes the results of [`run_ordered_roaming`] in order, on whichever thread holds it.
pub trait OrderedConsumer<T> {
    /// Why it stopped.
    type Error;
    /// Takes result `item`, items `0..item` having been taken; [`Flow::Stop`] or an error ends
    /// the run of items.
    fn consume(&mut self, item: usize, result: T) -> Result<Flow, Self::Error>;
    /// Does one piece of the consumer's own work, if there is one, and says whether it did
    /// (called between results; a piece should take a few items' time at most). Pieces left
    /// when the items are done are the caller's to do.
    fn chore(&mut self) -> Result<bool, Self::Error>;
}

/// Runs `work(i)` for `i in 0..n_items` on `threads` threads (at least 1: the calling thread and
/// `threads - 1` others) and hands each result to `consumer` in the order `0, 1, 2, ...` (see
/// the module). With one thread, everything runs on the calling thread, one item after the
/// other, with the consumer's pieces of work done after each item until none is left. Stops early
/// when the consumer returns [`Flow::Stop`] or an error (returned), and gives the consumer back.
pub fn run_ordered_roaming<T, C>(
    n_items: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    mut consumer: C,
) -> (Result<Flow, C::Error>, C)
where
    T: Send,
    C: OrderedConsumer<T> + Send,
    C::Error: Send,
{
    let pool = match threads {
        0 | 1 => None,
        _ => rayon::ThreadPoolBuilder::new().num_threads(threads - 1).build().ok(),
    };
    let Some(pool) = pool else {
        // One thread (or none could be started): in place.
        let flow = in_place(n_items, work, &mut consumer);
        return (flow, consumer);
    };
    let shared = Shared {
        n_items,
        block: block_items(n_items, threads),
        window: block_items(n_items, threads) * BLOCKS_AHEAD_PER_THREAD * threads,
        work: &work,
        stop: AtomicBool::new(false),
        ready: Mutex::new(Ready { results: BTreeMap::new(), next_block: 0, consumed: 0, changes: 0, waiting: 0 }),
        changed: Condvar::new(),
        consumer: Mutex::new(Holder { consumer, expected: 0, end: None }),
    };
    pool.in_place_scope(|scope| {
        for me in 1..threads {
            let shared = &shared;
            scope.spawn(move |_| shared.thread(me));
        }
        shared.thread(0);
    });
    let holder = shared.consumer.into_inner().unwrap_or_else(PoisonError::into_inner);
    (holder.end.unwrap_or(Ok(Flow::Continue)), holder.consumer)
}

/// [`run_ordered_roaming`] on the calling thread alone.
fn in_place<T, C: OrderedConsumer<T>>(
    n_items: usize,
    work: impl Fn(usize) -> T,
    consumer: &mut C,
) -> Result<Flow, C::Error> {
    for i in 0..n_items {
        if consumer.consume(i, work(i))? == Flow::Stop {
            return Ok(Flow::Stop);
        }
        while consumer.chore()? {}
    }
    Ok(Flow::Continue)
}

/// Results made and not yet consumed, and what threads take next.
struct Ready<T> {
    /// Item -> (thread that made it, result).
    results: BTreeMap<usize, (usize, T)>,
    /// Next block to take.
    next_block: usize,
    /// Items consumed (the consumer's next item, as threads may read it without the consumer).
    consumed: usize,
    /// Counts each result stored and each item consumed: a waiting thread waits for it to move.
    changes: u64,
    /// Threads waiting (woken only if there are any).
    waiting: usize,
}

/// The consumer, with the next item it takes, and how it ended if it did.
struct Holder<C, E> {
    consumer: C,
    expected: usize,
    end: Option<Result<Flow, E>>,
}

/// Stops the items if its thread panics (see [`Shared::thread`]).
struct StopOnPanic<'s, 'w, T, C: OrderedConsumer<T>, W>(&'s Shared<'w, T, C, C::Error, W>);

impl<T, C: OrderedConsumer<T>, W> Drop for StopOnPanic<'_, '_, T, C, W> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut ready = lock(&self.0.ready);
            self.0.stop.store(true, Ordering::Relaxed);
            ready.changes += 1;
            self.0.changed.notify_all();
        }
    }
}

/// What the threads share.
struct Shared<'w, T, C, E, W> {
    n_items: usize,
    /// Items per block ([`block_items`]).
    block: usize,
    /// Items past the next to consume that a block may start below.
    window: usize,
    work: &'w W,
    /// Set when the consumer ended early: no item starts any more.
    stop: AtomicBool,
    ready: Mutex<Ready<T>>,
    changed: Condvar,
    consumer: Mutex<Holder<C, E>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T, C, W> Shared<'_, T, C, C::Error, W>
where
    C: OrderedConsumer<T>,
    W: Fn(usize) -> T,
{
    /// One thread's loop: take a block, run its items, offer each result; when no block can be
    /// taken, help consume (anyone's results) or wait; when none is left, help until the end.
    fn thread(&self, me: usize) {
        // A panic here (in `work` or the consumer) stops the others, which would otherwise wait
        // for its result forever; the scope then passes the panic on.
        let _stops_on_panic = StopOnPanic(self);
        while let Some(block) = self.take_block() {
            for i in block {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                let result = (self.work)(i);
                self.offer(me, i, result);
            }
        }
        // No block left: consume what is ready until every item is consumed or the consumer ended.
        loop {
            let seen = {
                let ready = lock(&self.ready);
                if self.stop.load(Ordering::Relaxed) || ready.consumed >= self.n_items {
                    return;
                }
                ready.changes
            };
            if !self.help() {
                self.wait(seen);
            }
        }
    }

    /// The next block, once the window allows it (helping the consumer or waiting meanwhile);
    /// `None` when there is none left or the consumer ended.
    fn take_block(&self) -> Option<std::ops::Range<usize>> {
        loop {
            let seen = {
                let mut ready = lock(&self.ready);
                let start = ready.next_block * self.block;
                if self.stop.load(Ordering::Relaxed) || start >= self.n_items {
                    return None;
                }
                if start < ready.consumed + self.window {
                    ready.next_block += 1;
                    return Some(start..(start + self.block).min(self.n_items));
                }
                ready.changes
            };
            if !self.help() {
                self.wait(seen);
            }
        }
    }

    /// Waits until the results or the items consumed change after `seen` (or the consumer ends).
    fn wait(&self, seen: u64) {
        let mut ready = lock(&self.ready);
        while ready.changes == seen && !self.stop.load(Ordering::Relaxed) {
            ready.waiting += 1;
            ready = self.changed.wait(ready).unwrap_or_else(PoisonError::into_inner);
            ready.waiting -= 1;
        }
    }

    /// Stores result `i` for later, and wakes waiting threads.
    fn store(&self, me: usize, i: usize, result: T) {
        let mut ready = lock(&self.ready);
        ready.results.insert(i, (me, result));
        ready.changes += 1;
        if ready.waiting > 0 {
            self.changed.notify_all();
        }
    }

    /// Offers result `i`, made by this thread: if the consumer is free, it takes this thread's
    /// results whose turn it is (this one included) and a piece of its own work; else, or if it
    /// is not yet this result's turn, the result is stored for later.
    fn offer(&self, me: usize, i: usize, result: T) {
        let mut holder = match self.consumer.try_lock() {
            Ok(holder) => holder,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return self.store(me, i, result),
        };
        if holder.end.is_some() {
            return;
        }
        if let Some((i, result)) = self.consume_in_order(&mut holder, Some(me), Some((i, result))) {
            self.store(me, i, result);
        }
        self.chore(&mut holder);
    }

    /// Waits for the consumer and has it take every result ready in order (anyone's) and a piece
    /// of its own work. Says whether anything was done.
    fn help(&self) -> bool {
        let mut holder = lock(&self.consumer);
        if holder.end.is_some() {
            return false;
        }
        let before = holder.expected;
        self.consume_in_order(&mut holder, None, None);
        let chored = self.chore(&mut holder);
        holder.expected > before || chored
    }

    /// Has the consumer take, in order, `in_hand` when its turn comes and the results stored
    /// (only those of thread `only`, if given), as far as they go. Gives `in_hand` back if its
    /// turn did not come.
    fn consume_in_order(
        &self,
        holder: &mut Holder<C, C::Error>,
        only: Option<usize>,
        mut in_hand: Option<(usize, T)>,
    ) -> Option<(usize, T)> {
        while holder.end.is_none() && holder.expected < self.n_items {
            let next = holder.expected;
            let result = match in_hand.take() {
                Some((i, result)) if i == next => result,
                other => {
                    in_hand = other;
                    let mut ready = lock(&self.ready);
                    let ours = ready.results.get(&next).is_some_and(|(maker, _)| only.is_none_or(|me| me == *maker));
                    let taken = if ours { ready.results.remove(&next) } else { None };
                    match taken {
                        Some((_, result)) => result,
                        None => break,
                    }
                }
            };
            let flow = holder.consumer.consume(next, result);
            self.consumed(holder, flow);
        }
        in_hand
    }

    /// Records how consuming the next item went: one more consumed, or the end.
    fn consumed(&self, holder: &mut Holder<C, C::Error>, flow: Result<Flow, C::Error>) {
        let mut ready = lock(&self.ready);
        match flow {
            Ok(Flow::Continue) => {
                holder.expected += 1;
                ready.consumed = holder.expected;
            }
            end => {
                holder.end = Some(end);
                self.stop.store(true, Ordering::Relaxed);
                ready.results.clear();
            }
        }
        ready.changes += 1;
        if ready.waiting > 0 {
            self.changed.notify_all();
        }
    }

    /// Has the consumer do a piece of its own work, if any; says whether it did.
    fn chore(&self, holder: &mut Holder<C, C::Error>) -> bool {
        if holder.end.is_some() {
            return false;
        }
        match holder.consumer.chore() {
            Ok(did) => did,
            Err(e) => {
                self.consumed(holder, Err(e));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread::ThreadId;

    /// Takes `(item, maker)` results, noting the thread each is consumed on; each item leaves
    /// `pieces` pieces of work; stops or fails at an item if told.
    #[derive(Default)]
    struct Taker {
        seen: Vec<(usize, ThreadId, ThreadId)>,
        pieces: usize,
        left: usize,
        done: usize,
        stop_at: Option<usize>,
        fail_at: Option<usize>,
        fail_chore: bool,
        after_end: bool,
    }

    impl OrderedConsumer<(usize, ThreadId)> for Taker {
        type Error = String;

        fn consume(&mut self, item: usize, (i, maker): (usize, ThreadId)) -> Result<Flow, String> {
            assert_eq!(item, i, "the result of the item");
            self.after_end |= self.stop_at.is_some_and(|s| item > s) || self.fail_at.is_some_and(|f| item > f);
            self.seen.push((item, maker, std::thread::current().id()));
            self.left += self.pieces;
            if self.fail_at == Some(item) {
                return Err(format!("item {item}"));
            }
            Ok(if self.stop_at == Some(item) { Flow::Stop } else { Flow::Continue })
        }

        fn chore(&mut self) -> Result<bool, String> {
            if self.fail_chore {
                return Err("piece".into());
            }
            if self.left == 0 {
                return Ok(false);
            }
            self.left -= 1;
            self.done += 1;
            Ok(true)
        }
    }

    /// Uneven work, so that items finish out of order.
    fn work(i: usize) -> (usize, ThreadId) {
        std::thread::sleep(std::time::Duration::from_micros(((i * 7919) % 13) as u64 * 30));
        (i, std::thread::current().id())
    }

    #[test]
    fn results_come_in_order_mostly_to_the_thread_that_made_them() {
        for threads in [1, 2, 4] {
            let n = 40 * BLOCK_ITEMS + 3;
            let taker = Taker { pieces: 2, ..Taker::default() };
            let (flow, taker) = run_ordered_roaming(n, threads, work, taker);
            assert_eq!(flow, Ok(Flow::Continue));
            assert_eq!(taker.seen.iter().map(|s| s.0).collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
            let consumers: std::collections::HashSet<_> = taker.seen.iter().map(|s| s.2).collect();
            let own = taker.seen.iter().filter(|(_, maker, taker)| maker == taker).count();
            // Every piece of work is done or left to the caller, none twice; with one thread, all are done.
            assert_eq!(taker.left + taker.done, 2 * n);
            if threads == 1 {
                assert_eq!((taker.left, own, consumers.len()), (0, n, 1));
            } else {
                assert!(consumers.len() > 1, "{threads} threads: the consumer moves between threads");
                // Over 90% as a rule (92-99% measured with tests running alongside on 2 cores); a
                // consumer on one thread would take 1 in `threads`.
                assert!(own * 4 >= n * 3, "{threads} threads: {own} of {n} results taken by their maker");
            }
        }
        let (flow, taker) = run_ordered_roaming(0, 2, work, Taker::default());
        assert_eq!((flow, taker.seen.len()), (Ok(Flow::Continue), 0));
    }

    #[test]
    fn few_items_are_cut_into_enough_blocks_for_every_thread() {
        assert_eq!(block_items(10_000, 2), BLOCK_ITEMS);
        for threads in 1..=8 {
            for n in 0..400 {
                let block = block_items(n, threads);
                assert!((1..=BLOCK_ITEMS).contains(&block));
                assert!(n.div_ceil(block) >= n.min(threads * MIN_BLOCKS_PER_THREAD), "{n} items, {threads} threads");
            }
        }
    }

    #[test]
    fn a_panic_in_a_thread_is_passed_on_not_waited_for() {
        for threads in [1, 2, 3] {
            let panics = |i: usize| {
                assert!(i != 3 * BLOCK_ITEMS + 1, "boom");
                work(i)
            };
            let outcome =
                std::panic::catch_unwind(|| run_ordered_roaming(20 * BLOCK_ITEMS, threads, panics, Taker::default()));
            assert!(outcome.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn a_stop_or_an_error_ends_the_items() {
        for threads in [1, 2, 3] {
            let n = 20 * BLOCK_ITEMS;
            let (flow, taker) = run_ordered_roaming(n, threads, work, Taker { stop_at: Some(37), ..Taker::default() });
            assert_eq!((flow, taker.seen.len(), taker.after_end), (Ok(Flow::Stop), 38, false));
            let (flow, taker) = run_ordered_roaming(n, threads, work, Taker { fail_at: Some(5), ..Taker::default() });
            assert_eq!((flow, taker.seen.len(), taker.after_end), (Err("item 5".into()), 6, false));
            let failing = Taker { pieces: 1, fail_chore: true, ..Taker::default() };
            let (flow, taker) = run_ordered_roaming(n, threads, work, failing);
            assert_eq!(flow, Err("piece".into()));
            assert!(taker.seen.len() < n, "{threads} threads: the items stopped");
        }
    }
}
