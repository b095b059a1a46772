//! Simulated time, counted in whole minutes from the start of a run.

/// Minutes in an hour.
pub const MINUTES_PER_HOUR: u64 = 60;
/// Minutes in a day.
pub const MINUTES_PER_DAY: u64 = 24 * MINUTES_PER_HOUR;

/// A point in simulated time: whole minutes since the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(u64);

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0);

    /// A time `minutes` after the start.
    pub const fn from_minutes(minutes: u64) -> Self {
        SimTime(minutes)
    }

    /// The start of hour `hour` (0-23) of day `day` (0-based).
    pub const fn at(day: u32, hour: u32) -> Self {
        SimTime(day as u64 * MINUTES_PER_DAY + hour as u64 * MINUTES_PER_HOUR)
    }

    /// Minutes since the start of the run.
    pub const fn minutes(self) -> u64 {
        self.0
    }

    /// The 0-based day this time falls in.
    pub const fn day(self) -> u32 {
        (self.0 / MINUTES_PER_DAY) as u32
    }

    /// The hour of the day (0-23).
    pub const fn hour_of_day(self) -> u32 {
        ((self.0 % MINUTES_PER_DAY) / MINUTES_PER_HOUR) as u32
    }

    /// The start of the hour this time falls in.
    pub const fn hour_start(self) -> Self {
        SimTime(self.0 - self.0 % MINUTES_PER_HOUR)
    }

    /// This time plus `minutes` (saturating).
    pub const fn plus_minutes(self, minutes: u64) -> Self {
        SimTime(self.0.saturating_add(minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_and_hour_decompose_minutes() {
        let t = SimTime::at(3, 17).plus_minutes(42);
        assert_eq!(t.day(), 3);
        assert_eq!(t.hour_of_day(), 17);
        assert_eq!(t.hour_start(), SimTime::at(3, 17));
        assert_eq!(t.minutes(), 3 * 1440 + 17 * 60 + 42);
    }
}
