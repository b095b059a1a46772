//! Generic discrete-event core: a simulated clock, an event queue ordered by
//! `(time, sequence number)` and named random streams derived from one seed.
//!
//! **Architecture invariant:** nothing in this module knows about email. The
//! event payload is a type parameter and random streams are identified by
//! plain names, so the same core could drive any discrete-event model.
//!
//! Lifecycle: create a [`Simulation`] with a payload type, [`Simulation::schedule`]
//! the first events, then repeatedly [`Simulation::next_event`] until it returns
//! `None` or the model decides to stop. Popping an event advances the clock to
//! the event's time; time never goes backwards.

mod queue;
mod rng;
mod seed;
mod time;

pub use queue::EventQueue;
pub use rng::{SimRng, derive_seed, stream_rng, stream_rng_parts};
pub use seed::{parse_seed, seed_as_text, seed_text};
pub use time::{MINUTES_PER_DAY, MINUTES_PER_HOUR, SimTime};

/// A clock plus an event queue: the whole state of the generic engine.
#[derive(Debug)]
pub struct Simulation<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E> Default for Simulation<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Simulation<E> {
    /// An empty simulation at time zero.
    pub fn new() -> Self {
        Self { now: SimTime::ZERO, queue: EventQueue::new() }
    }

    /// The current simulated time (the time of the last event popped).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `at`. Events in the past are moved to
    /// the present, so the clock stays monotonic.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        self.queue.push(at.max(self.now), event);
    }

    /// Schedules `event` `delay_minutes` after the current time.
    pub fn schedule_in(&mut self, delay_minutes: u64, event: E) {
        self.queue.push(self.now.plus_minutes(delay_minutes), event);
    }

    /// Pops the earliest event (FIFO among equal times) and advances the clock.
    pub fn next_event(&mut self) -> Option<(SimTime, E)> {
        let (time, event) = self.queue.pop()?;
        self.now = time;
        Some((time, event))
    }

    /// Number of events still waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_follows_events_and_never_goes_back() {
        let mut sim = Simulation::new();
        sim.schedule(SimTime::from_minutes(30), "b");
        sim.schedule(SimTime::from_minutes(10), "a");
        assert_eq!(sim.next_event(), Some((SimTime::from_minutes(10), "a")));
        // Scheduling in the past lands at "now".
        sim.schedule(SimTime::from_minutes(5), "late");
        assert_eq!(sim.next_event(), Some((SimTime::from_minutes(10), "late")));
        sim.schedule_in(5, "c");
        assert_eq!(sim.next_event(), Some((SimTime::from_minutes(15), "c")));
        assert_eq!(sim.next_event().map(|e| e.1), Some("b"));
        assert_eq!(sim.now(), SimTime::from_minutes(30));
        assert_eq!(sim.next_event(), None);
    }
}
