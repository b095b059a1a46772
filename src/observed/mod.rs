//! What a sender observes of its own warm-up, per day, provider and IP: the
//! data `ipwarm ingest` reads from delivery logs and provider exports, `ipwarm
//! run --events` writes from a simulated run, and `ipwarm fit` compares runs
//! with.
//!
//! [`ObservedRow`] is the one record of it and [`OBSERVED_COLUMNS`] the one
//! list of its columns (`observed.csv`); everything that reads or writes the
//! daily CSV derives from them. A field is `None` where the source does not
//! report it (a Postfix log has no opens, an SNDS export no deferrals), which
//! is not the same as 0. [`Format`] is the one list of the formats these
//! data come in.
//!
//! **Invariant:** nothing here exposes what a real sender cannot see (inbox
//! versus junk placement, the provider's hidden trust, complaints without a
//! feedback loop); a simulated run's rows come from
//! [`crate::strategy::ProviderObservation`]'s rule plus what providers publish
//! (Google Postmaster Tools, Microsoft SNDS).

mod csv;
mod date;
pub mod events;
mod format;
mod from_run;
pub mod ingest;
mod ips;
pub mod lines;
pub mod problem;
pub mod providers;
mod table;

pub use csv::{REPUTATIONS, read_observed, write_observed};
pub use date::CivilDate;
pub use format::{Count, Format};
pub use from_run::{
    SNDS_GREEN_BELOW, SNDS_RED_ABOVE, observed_rows, postmaster_reputation, snds_filter_result, snds_rounded,
};
pub use ips::{ip_label, match_ip};
pub use problem::{LocatedProblem, Location, ObservedError};
pub use table::{ObservedKey, ObservedTable};

/// One day of one IP at one provider, as the sender sees it. Counts are of
/// the day (UTC) on which each event happened: a message deferred on day 1 and
/// delivered on day 2 adds a deferral to day 1 and a delivery to day 2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedRow {
    /// The day (UTC).
    pub date: CivilDate,
    /// Mailbox provider, as named in scenarios (`gmail`, `microsoft`, `yahoo`,
    /// `apple`, `other`, or a name from the user's provider map).
    pub provider: String,
    /// The sending IP: its address, or the name the MTA gives it (an egress
    /// source, a Postfix transport).
    pub ip: String,
    /// New messages attempted for the first time (messages).
    pub sent: Option<u64>,
    /// Messages accepted with a 2xx reply (inbox and junk alike) (messages).
    pub delivered: Option<u64>,
    /// 4xx replies, one per deferred attempt (replies).
    pub deferred: Option<u64>,
    /// 5xx replies for invalid addresses: hard bounces (messages).
    pub bounced: Option<u64>,
    /// 5xx replies for policy or reputation: blocks (messages).
    pub blocked: Option<u64>,
    /// Messages given up after the queue lifetime (messages).
    pub expired: Option<u64>,
    /// Complaints received through a per-message feedback loop (complaints).
    pub complaints: Option<u64>,
    /// Opens recorded by tracking (opens).
    pub opens: Option<u64>,
    /// The reputation the provider publishes for the IP: Postmaster Tools'
    /// `HIGH`, `MEDIUM`, `LOW`, `BAD`, or SNDS's filter result `GREEN`,
    /// `YELLOW`, `RED`.
    pub reputation: Option<String>,
    /// The complaint rate the provider publishes (Postmaster Tools'
    /// user-reported spam ratio, SNDS's complaint rate), as a fraction.
    pub spam_rate: Option<f64>,
    /// Spam-trap hits the provider publishes (SNDS) (messages).
    pub trap_hits: Option<u64>,
}

/// One column of `observed.csv`.
#[derive(Debug, Clone, Copy)]
pub struct ObservedColumn {
    /// Header name.
    pub name: &'static str,
    /// Unit or value set, for documentation and `--help`.
    pub unit: &'static str,
    /// What the column holds.
    pub doc: &'static str,
}

/// The columns of `observed.csv`, in order: the one list, from which the
/// reader, the writer and the documentation derive. An empty cell is "not
/// observed".
pub const OBSERVED_COLUMNS: [ObservedColumn; 14] = [
    ObservedColumn { name: "date", unit: "YYYY-MM-DD", doc: "the day (UTC)" },
    ObservedColumn { name: "provider", unit: "name", doc: "mailbox provider, as named in scenarios" },
    ObservedColumn { name: "ip", unit: "address or name", doc: "sending IP" },
    ObservedColumn { name: "sent", unit: "messages", doc: "new messages attempted for the first time" },
    ObservedColumn { name: "delivered", unit: "messages", doc: "accepted with 2xx (inbox and junk alike)" },
    ObservedColumn { name: "deferred", unit: "replies", doc: "4xx replies, one per deferred attempt" },
    ObservedColumn { name: "bounced", unit: "messages", doc: "5xx replies for invalid addresses" },
    ObservedColumn { name: "blocked", unit: "messages", doc: "5xx replies for policy or reputation" },
    ObservedColumn { name: "expired", unit: "messages", doc: "given up after the queue lifetime" },
    ObservedColumn { name: "complaints", unit: "complaints", doc: "feedback-loop complaints received" },
    ObservedColumn { name: "opens", unit: "opens", doc: "opens recorded by tracking" },
    ObservedColumn {
        name: "reputation",
        unit: "HIGH|MEDIUM|LOW|BAD|GREEN|YELLOW|RED",
        doc: "published IP reputation (Postmaster Tools, SNDS filter result)",
    },
    ObservedColumn { name: "spam_rate", unit: "fraction", doc: "published complaint rate" },
    ObservedColumn { name: "trap_hits", unit: "messages", doc: "published spam-trap hits (SNDS)" },
];
