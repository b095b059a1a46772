//! What the event writers need to know of each (provider, IP) pair of a run:
//! the recipients' domain and the MX host of the provider, the provider's
//! replies with their codes split as MTAs log them, what it publishes, and the
//! IP's label. Built once per run; the writers only read it.
//!
//! Domains and MX hosts follow the built-in provider table of `ipwarm ingest`
//! (docs/FIT.md): a preset's name gives its provider's domain; any other
//! provider name `N` gets the reserved domain `N.example` (ingested as `other`
//! unless a provider map names it).

use crate::model::{ProviderParams, Published, SmtpReply};
use crate::observed::{ObservedRow, ip_label};
use crate::scenario::Scenario;

/// The recipients' domain and the MX host (with a documentation address) of
/// each preset provider.
const PRESET_HOSTS: [(&str, &str, &str, &str); 5] = [
    ("gmail", "gmail.com", "gmail-smtp-in.l.google.com", "192.0.2.25"),
    ("microsoft", "outlook.com", "outlook-com.olc.protection.outlook.com", "192.0.2.26"),
    ("yahoo", "yahoo.com", "mta5.am0.yahoodns.net", "192.0.2.27"),
    ("apple", "icloud.com", "mx01.mail.icloud.com", "192.0.2.28"),
    ("other", "example.org", "mx.example.org", "192.0.2.29"),
];

/// The sender's own domain in every record (RFC 2606).
pub const SENDER_DOMAIN: &str = "example.com";

/// An SMTP reply split as MTAs log it: `421 4.7.28 text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Basic code, e.g. 421.
    pub code: u16,
    /// Enhanced status code (class, subject, detail), e.g. (4, 7, 28).
    pub enhanced: (u16, u16, u16),
    /// The text after the codes, with `[IP]` replaced by the IP's label.
    pub text: String,
}

impl Reply {
    /// `reply` as sent to the IP labelled `ip`. A code without an enhanced
    /// part gets `class.0.0`.
    fn new(reply: &SmtpReply, ip: &str) -> Self {
        let mut words = reply.code.split_whitespace();
        let code: u16 = words.next().and_then(|w| w.parse().ok()).unwrap_or(451);
        let class = code / 100;
        let mut rest: Vec<&str> = words.collect();
        let enhanced = match rest.first().and_then(|w| enhanced_code(w)) {
            Some(e) => {
                rest.remove(0);
                e
            }
            None => (class, 0, 0),
        };
        rest.push(&reply.text);
        Self { code, enhanced, text: rest.join(" ").replace("[IP]", ip) }
    }

    /// The enhanced code as text, `4.7.28`.
    pub fn dsn(&self) -> String {
        let (a, b, c) = self.enhanced;
        format!("{a}.{b}.{c}")
    }

    /// The whole reply line, `421 4.7.28 text`.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.code, self.dsn(), self.text)
    }
}

/// `4.7.28` as numbers.
fn enhanced_code(word: &str) -> Option<(u16, u16, u16)> {
    let mut parts = word.split('.').map(|p| p.parse::<u16>().ok());
    let code = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(code)
}

/// One (provider, IP) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Scenario provider name.
    pub provider: String,
    /// Recipients' domain.
    pub domain: String,
    /// MX host (no trailing dot).
    pub mx: String,
    /// The MX host's (documentation) address.
    pub mx_addr: &'static str,
    /// The IP's label (`observed::ip_label`).
    pub ip: String,
    /// What the provider publishes.
    pub published: Published,
    /// Reply to deferred mail (4xx).
    pub defer: Reply,
    /// Reply to blocked mail (5xx).
    pub block: Reply,
    /// Reply to invalid addresses (5xx).
    pub bounce: Reply,
}

impl Cell {
    fn new(p: &ProviderParams, ip: String) -> Self {
        let preset = PRESET_HOSTS.iter().find(|(name, ..)| *name == p.name);
        let (domain, mx, mx_addr) = match preset {
            Some(&(_, domain, mx, addr)) => (domain.to_string(), mx.to_string(), addr),
            None => {
                (format!("{}.example", p.name.to_ascii_lowercase()), format!("mx.{}.example", p.name), "192.0.2.30")
            }
        };
        let reply = |r: &SmtpReply| Reply::new(r, &ip);
        let (defer, block, bounce) = (reply(&p.defer_reply), reply(&p.block_reply), reply(&p.bounce_reply));
        Self { provider: p.name.clone(), domain, mx, mx_addr, published: p.published, defer, block, bounce, ip }
    }
}

/// Every pair of a run, the pair of each observed row, and the run's timing.
#[derive(Debug, Clone)]
pub struct Cells {
    /// Pairs, `provider * n_ips + ip`.
    cells: Vec<Cell>,
    /// The pair of each row.
    row_cell: Vec<usize>,
    /// Sending hours `[start, end)`.
    pub window_hours: (u32, u32),
    /// The MTA's queue lifetime (hours).
    pub lifetime_hours: u64,
}

impl Cells {
    /// The pairs of `scenario`, and of each of its `rows`.
    pub fn new(scenario: &Scenario, rows: &[ObservedRow]) -> Self {
        let labels: Vec<String> = scenario.ips.iter().enumerate().map(|(i, ip)| ip_label(ip, i)).collect();
        let cells: Vec<Cell> = scenario
            .providers
            .iter()
            .flat_map(|p| labels.iter().map(move |label| Cell::new(p, label.clone())))
            .collect();
        let row_cell = rows
            .iter()
            .map(|row| cells.iter().position(|c| c.provider == row.provider && c.ip == row.ip).unwrap_or(0))
            .collect();
        let window_hours = (scenario.window.start_hour, scenario.window.end_hour);
        Self { cells, row_cell, window_hours, lifetime_hours: scenario.retry.queue_lifetime_hours }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// The pair of each row, in row order.
    pub fn of_rows(&self) -> impl Iterator<Item = &Cell> {
        self.row_cell.iter().map(|&i| &self.cells[i])
    }

    /// The index of the pair of row `row`.
    pub fn index_of_row(&self, row: usize) -> usize {
        self.row_cell[row]
    }

    /// Pair `index`.
    pub fn get(&self, index: usize) -> &Cell {
        &self.cells[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_split_into_codes_and_text_with_the_ip() {
        let yahoo = ProviderParams::preset("yahoo").expect("preset");
        let r = Reply::new(&yahoo.defer_reply, "198.51.100.1");
        assert_eq!((r.code, r.enhanced), (421, (4, 7, 0)));
        assert!(r.text.starts_with("[TSS04] Messages from 198.51.100.1 temporarily deferred"), "{}", r.text);
        assert_eq!(r.dsn(), "4.7.0");
        let bare = Reply::new(&SmtpReply { code: "554".into(), text: "no".into() }, "x");
        assert_eq!((bare.code, bare.dsn(), bare.line()), (554, "5.0.0".to_string(), "554 5.0.0 no".to_string()));
        let gmail = ProviderParams::preset("gmail").expect("preset");
        assert_eq!(Reply::new(&gmail.defer_reply, "x").line()[..10].to_string(), "421 4.7.28");
    }
}
