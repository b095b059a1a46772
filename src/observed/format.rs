//! The formats of a sender's delivery data: the one list that `ipwarm ingest
//! FORMAT` reads and `ipwarm run --events FORMAT` writes, with each format's
//! name on the command line, its description, the file `--events` writes and
//! the count columns its rows carry. The CLI derives its possible values and
//! their help from [`Format::ALL`]; the readers are in [`super::ingest`], the
//! writers in [`super::events`].

use super::ObservedRow;

/// A format of delivery logs or provider exports (docs/FIT.md, "Ingest").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Amazon SES event publishing records.
    Ses,
    /// KumoMTA log records.
    Kumomta,
    /// A Postfix mail log.
    Postfix,
    /// Google Postmaster Tools v1 `TrafficStats`.
    Postmaster,
    /// Microsoft SNDS `data.aspx` rows.
    Snds,
    /// ipwarm's `observed.csv`.
    Csv,
}

impl Format {
    /// Every format, in the order of the documentation.
    pub const ALL: [Format; 6] = [Self::Ses, Self::Kumomta, Self::Postfix, Self::Postmaster, Self::Snds, Self::Csv];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The format named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What it is, for `--help`: the source and the syntax of the file.
    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// The file `ipwarm run --events` writes it to, in a run's output folder.
    pub fn file_name(self) -> &'static str {
        self.spec().file_name
    }

    /// The count columns a log in this format observes, in [`Count::ALL`]'s
    /// order: each row it gives holds 0, never "not observed", in each of them.
    /// Empty for the provider exports, which carry only what providers publish
    /// (reputation, spam rate, trap hits), and for `csv`, whose cells say
    /// themselves what was observed.
    pub fn counts(self) -> &'static [Count] {
        self.spec().counts
    }

    fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }
}

/// What [`Format`]'s methods return, one line per format.
struct Spec {
    name: &'static str,
    description: &'static str,
    file_name: &'static str,
    counts: &'static [Count],
}

/// In the order of [`Format::ALL`] (checked by a test).
const SPECS: [Spec; 6] = [
    Spec {
        name: "ses",
        description: "Amazon SES event publishing records (JSON lines)",
        file_name: "events-ses.jsonl",
        counts: &Count::ALL,
    },
    Spec {
        name: "kumomta",
        description: "KumoMTA log records (JSON lines)",
        file_name: "events-kumomta.jsonl",
        counts: Count::ALL.split_at(7).0,
    },
    Spec {
        name: "postfix",
        description: "Postfix mail log (syslog lines)",
        file_name: "maillog",
        counts: Count::ALL.split_at(6).0,
    },
    Spec {
        name: "postmaster",
        description: "Google Postmaster Tools v1 TrafficStats (JSON)",
        file_name: "postmaster.jsonl",
        counts: &[],
    },
    Spec {
        name: "snds",
        description: "Microsoft SNDS data.aspx export (CSV without header)",
        file_name: "snds.csv",
        counts: &[],
    },
    Spec { name: "csv", description: "ipwarm's own daily observed rows (CSV)", file_name: "observed.csv", counts: &[] },
];

/// A count column of [`ObservedRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// `sent`.
    Sent,
    /// `delivered`.
    Delivered,
    /// `deferred`.
    Deferred,
    /// `bounced`.
    Bounced,
    /// `blocked`.
    Blocked,
    /// `expired`.
    Expired,
    /// `complaints`.
    Complaints,
    /// `opens`.
    Opens,
}

impl Count {
    /// Every count column, in the order of `observed.csv`.
    pub const ALL: [Count; 8] = [
        Count::Sent,
        Count::Delivered,
        Count::Deferred,
        Count::Bounced,
        Count::Blocked,
        Count::Expired,
        Count::Complaints,
        Count::Opens,
    ];

    /// Its value in `row`.
    pub fn get(self, row: &ObservedRow) -> Option<u64> {
        match self {
            Count::Sent => row.sent,
            Count::Delivered => row.delivered,
            Count::Deferred => row.deferred,
            Count::Bounced => row.bounced,
            Count::Blocked => row.blocked,
            Count::Expired => row.expired,
            Count::Complaints => row.complaints,
            Count::Opens => row.opens,
        }
    }

    /// Its cell in `row`.
    pub(crate) fn of(self, row: &mut ObservedRow) -> &mut Option<u64> {
        match self {
            Count::Sent => &mut row.sent,
            Count::Delivered => &mut row.delivered,
            Count::Deferred => &mut row.deferred,
            Count::Bounced => &mut row.bounced,
            Count::Blocked => &mut row.blocked,
            Count::Expired => &mut row.expired,
            Count::Complaints => &mut row.complaints,
            Count::Opens => &mut row.opens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_line_and_a_distinct_name_and_file() {
        for (i, format) in Format::ALL.into_iter().enumerate() {
            assert_eq!(format as usize, i);
            assert_eq!(Format::parse(format.name()), Some(format));
        }
        let mut names: Vec<_> = Format::ALL.iter().flat_map(|f| [f.name(), f.file_name()]).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 12);
        assert_eq!(Format::parse("mbox"), None);
    }

    #[test]
    fn a_count_reads_the_cell_it_writes() {
        let mut row = ObservedRow::default();
        for (i, count) in Count::ALL.into_iter().enumerate() {
            *count.of(&mut row) = Some(i as u64);
        }
        let values: Vec<_> = Count::ALL.iter().map(|c| c.get(&row)).collect();
        assert_eq!(values, (0..8).map(Some).collect::<Vec<_>>());
    }
}
