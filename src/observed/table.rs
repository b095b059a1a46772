//! [`ObservedTable`]: observed rows keyed and sorted by (date, provider, ip),
//! the one place where two records of the same key are merged: counts add,
//! published fields (reputation, spam rate, trap hits) must agree.

use std::collections::BTreeMap;

use super::{CivilDate, ObservedRow};

/// The key of a row: (date, provider, ip).
pub type ObservedKey = (CivilDate, String, String);

/// Observed rows, one per (date, provider, ip), in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedTable {
    rows: BTreeMap<ObservedKey, ObservedRow>,
}

impl ObservedTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The row of `(date, provider, ip)`, created empty (every field not
    /// observed) if absent: how streaming readers accumulate counts.
    pub fn row_mut(&mut self, date: CivilDate, provider: &str, ip: &str) -> &mut ObservedRow {
        self.rows.entry((date, provider.to_string(), ip.to_string())).or_insert_with(|| ObservedRow {
            date,
            provider: provider.to_string(),
            ip: ip.to_string(),
            ..ObservedRow::default()
        })
    }

    /// Merges `row` into the row of its key; on a conflict (a published field
    /// that differs, a count past `u64::MAX`), the message and the table unchanged.
    pub fn add(&mut self, row: ObservedRow) -> Result<(), String> {
        let key = (row.date, row.provider.clone(), row.ip.clone());
        match self.rows.get_mut(&key) {
            None => {
                self.rows.insert(key, row);
                Ok(())
            }
            Some(existing) => {
                let merged = merge(existing, &row)?;
                *existing = merged;
                Ok(())
            }
        }
    }

    /// Merges every row of `other` (see [`ObservedTable::add`]); stops at the first conflict.
    pub fn extend(&mut self, other: ObservedTable) -> Result<(), String> {
        other.rows.into_values().try_for_each(|row| self.add(row))
    }

    /// The row of a key, if any.
    pub fn get(&self, date: CivilDate, provider: &str, ip: &str) -> Option<&ObservedRow> {
        self.rows.get(&(date, provider.to_string(), ip.to_string()))
    }

    /// The rows, sorted by (date, provider, ip).
    pub fn rows(&self) -> impl Iterator<Item = &ObservedRow> {
        self.rows.values()
    }

    /// The rows, sorted by (date, provider, ip).
    pub fn into_rows(self) -> Vec<ObservedRow> {
        self.rows.into_values().collect()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// `a` and `b` (same key) as one row.
fn merge(a: &ObservedRow, b: &ObservedRow) -> Result<ObservedRow, String> {
    let count = |name: &str, x: Option<u64>, y: Option<u64>| match (x, y) {
        (Some(x), Some(y)) => x.checked_add(y).map(Some).ok_or_else(|| format!("{name}: the sum overflows")),
        (x, y) => Ok(x.or(y)),
    };
    let reputation = agree("reputation", &a.reputation, &b.reputation, |x, y| x == y)?;
    let spam_rate = agree("spam_rate", &a.spam_rate, &b.spam_rate, |x, y| (x - y).abs() <= 1e-12 * x.abs().max(1.0))?;
    let trap_hits = agree("trap_hits", &a.trap_hits, &b.trap_hits, |x, y| x == y)?;
    Ok(ObservedRow {
        date: a.date,
        provider: a.provider.clone(),
        ip: a.ip.clone(),
        sent: count("sent", a.sent, b.sent)?,
        delivered: count("delivered", a.delivered, b.delivered)?,
        deferred: count("deferred", a.deferred, b.deferred)?,
        bounced: count("bounced", a.bounced, b.bounced)?,
        blocked: count("blocked", a.blocked, b.blocked)?,
        expired: count("expired", a.expired, b.expired)?,
        complaints: count("complaints", a.complaints, b.complaints)?,
        opens: count("opens", a.opens, b.opens)?,
        reputation,
        spam_rate,
        trap_hits,
    })
}

/// The published value of `x` and `y` (either may be absent); an error if both are given and differ.
fn agree<T: Clone + std::fmt::Debug>(
    name: &str,
    x: &Option<T>,
    y: &Option<T>,
    same: impl Fn(&T, &T) -> bool,
) -> Result<Option<T>, String> {
    match (x, y) {
        (Some(a), Some(b)) if !same(a, b) => {
            Err(format!("{name}: {b:?} disagrees with {a:?} published for the same date, provider and ip"))
        }
        (x, y) => Ok(x.clone().or_else(|| y.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: i64, ip: &str) -> ObservedRow {
        ObservedRow {
            date: CivilDate::from_days_since_epoch(day),
            provider: "gmail".into(),
            ip: ip.into(),
            ..ObservedRow::default()
        }
    }

    #[test]
    fn duplicate_keys_add_counts_and_published_fields_must_agree() {
        let mut t = ObservedTable::new();
        t.add(ObservedRow { sent: Some(5), reputation: Some("HIGH".into()), ..row(2, "b") }).expect("add");
        t.add(ObservedRow { sent: Some(7), delivered: Some(1), ..row(2, "b") }).expect("add");
        t.add(row(1, "z")).expect("add");
        t.row_mut(CivilDate::from_days_since_epoch(2), "gmail", "b").opens = Some(3);
        let rows = t.clone().into_rows();
        assert_eq!(rows.iter().map(|r| r.ip.as_str()).collect::<Vec<_>>(), ["z", "b"]);
        assert_eq!(
            (rows[1].sent, rows[1].delivered, rows[1].opens, rows[1].bounced),
            (Some(12), Some(1), Some(3), None)
        );
        assert_eq!(rows[1].reputation.as_deref(), Some("HIGH"));
        let e = t.add(ObservedRow { reputation: Some("LOW".into()), ..row(2, "b") }).expect_err("conflict");
        assert!(e.starts_with("reputation: \"LOW\" disagrees with \"HIGH\""), "{e}");
        assert_eq!(t.get(CivilDate::from_days_since_epoch(2), "gmail", "b").and_then(|r| r.sent), Some(12));
        let e = t.add(ObservedRow { sent: Some(u64::MAX), ..row(2, "b") }).expect_err("overflow");
        assert_eq!(e, "sent: the sum overflows");
    }
}
