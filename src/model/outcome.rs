//! Outcomes of the messages a provider has agreed to evaluate.
//!
//! The cost of sampling does not grow with the number of messages: for each
//! engagement segment the outcome counts of a whole day's accepted mail are
//! drawn with a chain of binomial draws, which is exactly a multinomial draw
//! when messages are independent:
//!
//! ```text
//! bounced    ~ Bin(n, invalid)                     (550 5.1.1, whatever the reputation)
//! blocked    ~ Bin(n - bounced, p_block)           (5xx reputation block)
//! inbox      ~ Bin(n - bounced - blocked, p_inbox) (the rest goes to junk)
//! complaints ~ Bin(inbox, complaint)
//! opens      ~ Bin(inbox, open) + Bin(junk, open * junk_factor)
//! traps      ~ Bin(inbox + junk, trap / (1 - invalid))
//! ```
//!
//! Pooling a whole day of one (IP, provider) into one draw per segment is
//! exact because the probabilities depend only on the provider's state, which
//! changes once a day. For the same reason the messages of a segment and day
//! are exchangeable: given how many complained, which of them did is a uniform
//! random subset, so the complaints among the messages accepted in some hours
//! are hypergeometric ([`late_complaints`]).

use super::{HypergeometricMethod, ProviderParams, Reputation, Segment, SegmentCounts, binomial, hypergeometric};
use rand::Rng;

/// Outcome of a day's accepted mail of one (IP, provider). Its counts per
/// segment are [`SegmentCounts`], in place for up to four segments, so that the
/// day's outcomes of a run's pairs take no heap allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayOutcome {
    /// Inbox-placed messages per segment.
    pub inbox: SegmentCounts,
    /// Junk-placed messages per segment.
    pub junk: SegmentCounts,
    /// Complaints per segment (from inbox-placed messages).
    pub complaints: SegmentCounts,
    /// Hard bounces.
    pub bounced: u64,
    /// 5xx reputation blocks.
    pub blocked: u64,
    /// Opens (inbox and junk).
    pub opens: u64,
    /// Delivered messages that hit a spam trap.
    pub trap_hits: u64,
}

impl DayOutcome {
    /// Total inbox-placed messages.
    pub fn inbox_total(&self) -> u64 {
        self.inbox.iter().sum()
    }

    /// Total junk-placed messages.
    pub fn junk_total(&self) -> u64 {
        self.junk.iter().sum()
    }

    /// Total complaints.
    pub fn complaints_total(&self) -> u64 {
        self.complaints.iter().sum()
    }
}

/// Of the `complaints` about one segment's `accepted` messages of a day, how
/// many are about the `late` of them accepted in the hours whose feedback-loop
/// reports arrive a day later (docs/MODEL.md, section 8). Every message of a
/// segment and day complains with the same probability, independently, so given
/// their number the complaints are a uniform random subset of the messages and
/// the count is hypergeometric: never more than `late` (nor than `complaints`),
/// `complaints * late / accepted` on average, and drawn without a random number
/// when none or all of the messages are late.
pub fn late_complaints<R: Rng + ?Sized>(rng: &mut R, accepted: u64, late: u64, complaints: u64) -> u64 {
    debug_assert!(late <= accepted && complaints <= accepted, "{complaints} complaints, {late} late of {accepted}");
    let (late, complaints) = (late.min(accepted), complaints.min(accepted));
    if late == 0 || late == accepted {
        // Without a draw (as the hypergeometric would also make none), the common case.
        return if late == 0 { 0 } else { complaints };
    }
    hypergeometric(rng, accepted, late, complaints, HypergeometricMethod::Cheapest)
}

/// Samples the outcome of `accepted[s]` messages of each segment `s`,
/// evaluated by provider `p` for an IP in state `rep`.
pub fn sample_day<R: Rng + ?Sized>(
    rng: &mut R,
    p: &ProviderParams,
    rep: &Reputation,
    segments: &[Segment],
    accepted: &[u64],
) -> DayOutcome {
    let p_block = rep.block_probability(p);
    let n_segments = segments.len();
    let mut out = DayOutcome {
        inbox: SegmentCounts::zeros(n_segments),
        junk: SegmentCounts::zeros(n_segments),
        complaints: SegmentCounts::zeros(n_segments),
        ..DayOutcome::default()
    };
    for (s, (seg, &n)) in segments.iter().zip(accepted).enumerate() {
        if n == 0 {
            continue;
        }
        let bounced = binomial(rng, n, seg.invalid_rate);
        let valid = n - bounced;
        let blocked = binomial(rng, valid, p_block);
        let delivered = valid - blocked;
        let inbox = binomial(rng, delivered, rep.inbox_probability(p, seg.open_rate));
        let junk = delivered - inbox;
        out.complaints[s] = binomial(rng, inbox, seg.complaint_rate);
        out.opens +=
            binomial(rng, inbox, seg.open_rate) + binomial(rng, junk, (seg.open_rate * p.junk_open_factor).min(1.0));
        let trap_share = if seg.invalid_rate < 1.0 { seg.trap_rate / (1.0 - seg.invalid_rate) } else { 0.0 };
        out.trap_hits += binomial(rng, delivered, trap_share.min(1.0));
        out.inbox[s] = inbox;
        out.junk[s] = junk;
        out.bounced += bounced;
        out.blocked += blocked;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;

    fn segment(invalid: f64) -> Segment {
        Segment {
            name: "s".into(),
            share: 1.0,
            open_rate: 0.3,
            complaint_rate: 0.001,
            invalid_rate: invalid,
            trap_rate: 0.001,
        }
    }

    #[test]
    fn every_message_gets_exactly_one_final_outcome() {
        let p = ProviderParams::preset("yahoo").expect("preset");
        let rep = Reputation::new_ip(&p);
        let mut rng = stream_rng(3, "test");
        let segs = [segment(0.05), segment(0.5)];
        for n in [0u64, 1, 7, 1000, 10_000_000] {
            let o = sample_day(&mut rng, &p, &rep, &segs, &[n, n / 3]);
            let delivered = o.inbox_total() + o.junk_total();
            assert_eq!(delivered + o.bounced + o.blocked, n + n / 3);
            assert!(o.complaints.iter().zip(o.inbox.iter()).all(|(c, i)| c <= i));
            assert!(o.opens <= delivered && o.trap_hits <= delivered);
        }
    }

    #[test]
    fn hard_bounce_share_matches_invalid_rate_whatever_the_trust() {
        let p = ProviderParams::preset("gmail").expect("preset");
        let mut rng = stream_rng(11, "test");
        for trust in [0.0, 0.5, 1.0] {
            let rep = Reputation::with_history(&p, trust, 0.0, 12);
            let o = sample_day(&mut rng, &p, &rep, &[segment(0.02)], &[1_000_000]);
            let share = o.bounced as f64 / 1e6;
            // sd of the share is sqrt(0.02 * 0.98 / 1e6) = 1.4e-4; allow 5 sd.
            assert!((share - 0.02).abs() < 7e-4, "trust {trust}: bounce share {share}");
        }
    }

    #[test]
    fn low_trust_blocks_and_junks_more() {
        let p = ProviderParams::preset("microsoft").expect("preset");
        let mut rng = stream_rng(5, "test");
        let low = Reputation::with_history(&p, 0.05, 0.0, 12);
        let high = Reputation::with_history(&p, 0.95, 0.0, 12);
        let bad = sample_day(&mut rng, &p, &low, &[segment(0.0)], &[100_000]);
        let good = sample_day(&mut rng, &p, &high, &[segment(0.0)], &[100_000]);
        assert!(bad.blocked > 50_000, "blocked {}", bad.blocked);
        assert_eq!(good.blocked, 0);
        assert!(good.inbox_total() > 90_000 && bad.inbox_total() < good.inbox_total() / 4);
    }

    #[test]
    fn late_complaints_never_outnumber_late_mail_and_have_the_hypergeometric_mean() {
        let mut rng = stream_rng(21, "provider-decisions");
        // 40 complaints among 1,000 messages of which 30 were late: the binomial
        // Bin(40, 0.03) routed more than 30 with positive probability, and more than
        // the late messages whenever these are fewer than the complaints.
        let (accepted, late, complaints, reps) = (1000u64, 30u64, 40u64, 40_000u64);
        let mut sum = 0;
        for _ in 0..reps {
            let n = late_complaints(&mut rng, accepted, late, complaints);
            assert!(n <= late && n <= complaints);
            sum += n;
        }
        let expected = complaints as f64 * late as f64 / accepted as f64;
        let p = late as f64 / accepted as f64;
        let var = expected * (1.0 - p) * (accepted - complaints) as f64 / (accepted - 1) as f64;
        let mean = sum as f64 / reps as f64;
        assert!((mean - expected).abs() < 5.0 * (var / reps as f64).sqrt(), "mean {mean}, expected {expected}");
        // Fewer late messages than complaints: at most all of them.
        for _ in 0..1000 {
            assert!(late_complaints(&mut rng, 10, 2, 9) <= 2);
        }
        assert_eq!(late_complaints(&mut rng, 10, 2, 10), 2, "every message complained");
        let before = rng.clone();
        assert_eq!((late_complaints(&mut rng, 500, 0, 7), late_complaints(&mut rng, 500, 500, 7)), (0, 7));
        assert_eq!(rng, before, "no random number when none or all are late");
    }

    #[test]
    fn opens_follow_the_segment_open_rate() {
        let p = ProviderParams::preset("gmail").expect("preset");
        let mut rng = stream_rng(8, "test");
        let mut seg = segment(0.0);
        seg.open_rate = 0.3;
        let high = Reputation::with_history(&p, 1.0, 0.0, 12);
        let e = sample_day(&mut rng, &p, &high, &[seg], &[1_000_000]);
        let (inbox, junk) = (e.inbox_total() as f64, e.junk_total() as f64);
        let expected = 0.3 * inbox + 0.3 * p.junk_open_factor * junk;
        // sd <= sqrt(1e6 * 0.3 * 0.7) = 458; allow 5 sd.
        assert!((e.opens as f64 - expected).abs() < 2300.0, "opens {} expected {expected}", e.opens);
    }
}
