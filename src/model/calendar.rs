//! The sending calendar: on which days of a run the sender mails fresh messages.
//!
//! A [`Calendar`] is a pure function of the 1-based day number: [`Calendar::sends_on`].
//! Every rule that depends on the calendar asks it that one question: the
//! strategy wrapper that plans on sending days only (`sim::calendar`) and the
//! warm rule (`sim::warm`). On a day without sending nothing else changes: the
//! MTA still retries deferred mail, providers still update reputation, and
//! the day is recorded like any other (docs/MODEL.md, section 5).
//!
//! A calendar is `Copy` (a few bytes and a bitset of day numbers), like the
//! [`super::SendingWindow`] that holds it.

use serde::Serialize;
use serde::ser::Serializer;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Its full name in lower case: `monday`.
    pub fn name(self) -> &'static str {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][self.index()]
    }

    /// Its first three letters: `mon`.
    pub fn short_name(self) -> &'static str {
        &self.name()[..3]
    }

    /// 0 for Monday to 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The weekday called `name`: its full name or its first three letters, in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        Self::ALL.into_iter().find(|d| d.name() == lower || d.short_name() == lower)
    }

    /// The weekday `n` days after this one.
    pub fn plus_days(self, n: u32) -> Self {
        Self::ALL[(self.index() + (n % 7) as usize) % 7]
    }
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Monday to Friday.
    pub const WORKING_WEEK: WeekdaySet = WeekdaySet(0b001_1111);
    /// All seven days.
    pub const ALL: WeekdaySet = WeekdaySet(0b111_1111);

    /// The set of `days`.
    pub fn of(days: impl IntoIterator<Item = Weekday>) -> Self {
        let mut set = Self::default();
        for d in days {
            set.0 |= 1 << d.index();
        }
        set
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    /// The days of the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL.into_iter().filter(move |&d| self.contains(d))
    }
}

impl Serialize for WeekdaySet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Weekday::name))
    }
}

/// A set of day numbers, `1..=DaySet::MAX_DAY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DaySet([u64; 6]);

impl DaySet {
    /// The largest day number a set can hold (above the longest horizon, 365 days).
    pub const MAX_DAY: u32 = 6 * 64 - 1;

    /// The set of `days`; `None` if one is 0 or above [`Self::MAX_DAY`].
    pub fn of(days: impl IntoIterator<Item = u32>) -> Option<Self> {
        let mut set = Self::default();
        for d in days {
            if d == 0 || d > Self::MAX_DAY {
                return None;
            }
            set.0[d as usize / 64] |= 1 << (d % 64);
        }
        Some(set)
    }

    /// Whether day `day` is in the set.
    pub fn contains(&self, day: u32) -> bool {
        day <= Self::MAX_DAY && self.0[day as usize / 64] & (1 << (day % 64)) != 0
    }

    /// The days of the set, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (1..=Self::MAX_DAY).filter(|&d| self.contains(d))
    }
}

impl Serialize for DaySet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Which days fresh mail goes out (the scenario's `[sending] days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendingDays {
    /// Every day (the default).
    EveryDay,
    /// The given days of the week (`"weekdays"` is Monday to Friday).
    Weekdays(WeekdaySet),
    /// Day 1, then every `n` days: 1, 1 + n, 1 + 2n, ...
    EveryDays(u32),
    /// The listed day numbers (1-based).
    On(DaySet),
}

/// The sending calendar of a run: which days send, and the weekday of day 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Calendar {
    /// Which days send.
    pub days: SendingDays,
    /// The weekday of day 1 (used by [`SendingDays::Weekdays`]).
    pub start_weekday: Weekday,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::EVERY_DAY
    }
}

impl Calendar {
    /// Mail goes out every day; day 1 is a Monday.
    pub const EVERY_DAY: Calendar = Calendar { days: SendingDays::EveryDay, start_weekday: Weekday::Monday };

    /// The weekday of day `day` (1-based).
    pub fn weekday_of(&self, day: u32) -> Weekday {
        self.start_weekday.plus_days(day.saturating_sub(1))
    }

    /// Whether fresh mail goes out on day `day` (1-based): the one definition
    /// of a sending day.
    pub fn sends_on(&self, day: u32) -> bool {
        match self.days {
            SendingDays::EveryDay => true,
            SendingDays::Weekdays(set) => set.contains(self.weekday_of(day)),
            SendingDays::EveryDays(n) => day >= 1 && (day - 1).is_multiple_of(n.max(1)),
            SendingDays::On(set) => set.contains(day),
        }
    }

    /// Whether every day is a sending day, however the calendar is written
    /// (`"every_day"`, all seven weekdays, or every 1 day): then a run with
    /// this calendar is the run without one.
    pub fn is_every_day(&self) -> bool {
        match self.days {
            SendingDays::EveryDay => true,
            SendingDays::Weekdays(set) => set == WeekdaySet::ALL,
            SendingDays::EveryDays(n) => n <= 1,
            SendingDays::On(_) => false,
        }
    }

    /// The sending days among days `1..=day`.
    pub fn sending_days_through(&self, day: u32) -> u32 {
        match self.days {
            SendingDays::EveryDay => day,
            SendingDays::EveryDays(n) if day >= 1 => (day - 1) / n.max(1) + 1,
            _ => (1..=day).filter(|&d| self.sends_on(d)).count() as u32,
        }
    }

    /// The 1-based index of day `day` among the sending days, or `None` if it
    /// is not one: the day number a strategy planning on sending days sees.
    pub fn sending_day_index(&self, day: u32) -> Option<u32> {
        self.sends_on(day).then(|| self.sending_days_through(day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(c: &Calendar, n: u32) -> Vec<u32> {
        (1..=n).filter(|&d| c.sends_on(d)).collect()
    }

    #[test]
    fn weekdays_from_a_monday_and_from_a_wednesday() {
        let weekdays = SendingDays::Weekdays(WeekdaySet::WORKING_WEEK);
        let monday = Calendar { days: weekdays, start_weekday: Weekday::Monday };
        assert_eq!(days(&monday, 14), vec![1, 2, 3, 4, 5, 8, 9, 10, 11, 12]);
        let wednesday = Calendar { days: weekdays, start_weekday: Weekday::Wednesday };
        assert_eq!(days(&wednesday, 10), vec![1, 2, 3, 6, 7, 8, 9, 10]);
        assert_eq!(wednesday.weekday_of(4), Weekday::Saturday);
        let tuesday = Calendar { days: SendingDays::Weekdays(WeekdaySet::of([Weekday::Tuesday])), ..monday };
        assert_eq!(days(&tuesday, 30), vec![2, 9, 16, 23, 30]);
        assert_eq!(tuesday.sending_day_index(16), Some(3));
        assert_eq!(tuesday.sending_day_index(17), None);
    }

    #[test]
    fn every_n_days_and_listed_days() {
        let every3 = Calendar { days: SendingDays::EveryDays(3), ..Calendar::EVERY_DAY };
        assert_eq!(days(&every3, 10), vec![1, 4, 7, 10]);
        assert_eq!(
            (1..=10).map(|d| every3.sending_days_through(d)).collect::<Vec<_>>(),
            [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
        );
        let listed = DaySet::of([1, 8, 15, 365]).expect("in range");
        let on = Calendar { days: SendingDays::On(listed), ..Calendar::EVERY_DAY };
        assert_eq!(days(&on, 365), vec![1, 8, 15, 365]);
        assert_eq!(on.sending_day_index(15), Some(3));
        assert_eq!(listed.iter().collect::<Vec<_>>(), vec![1, 8, 15, 365]);
        assert_eq!(DaySet::of([0]), None);
        assert_eq!(DaySet::of([DaySet::MAX_DAY + 1]), None);
    }

    #[test]
    fn every_day_however_written_and_the_index_is_the_day() {
        let all = [
            Calendar::EVERY_DAY,
            Calendar { days: SendingDays::Weekdays(WeekdaySet::ALL), start_weekday: Weekday::Friday },
            Calendar { days: SendingDays::EveryDays(1), ..Calendar::EVERY_DAY },
        ];
        for c in all {
            assert!(c.is_every_day(), "{c:?}");
            assert!((1..=365).all(|d| c.sending_day_index(d) == Some(d)), "{c:?}");
        }
        let weekdays = Calendar { days: SendingDays::Weekdays(WeekdaySet::WORKING_WEEK), ..Calendar::EVERY_DAY };
        assert!(!weekdays.is_every_day());
    }

    #[test]
    fn weekday_names() {
        assert_eq!(Weekday::from_name("TUE"), Some(Weekday::Tuesday));
        assert_eq!(Weekday::from_name("thursday"), Some(Weekday::Thursday));
        assert_eq!(Weekday::from_name("tues"), None);
        assert_eq!(Weekday::Sunday.plus_days(1), Weekday::Monday);
        assert_eq!(Weekday::Monday.plus_days(13), Weekday::Sunday);
    }
}
