//! Mailbox-provider parameters and the built-in presets (gmail, microsoft,
//! yahoo, apple, other).
//!
//! Every field here can be overridden per provider in a scenario file. The
//! meaning of each parameter, its equation and the source of its default are
//! in docs/MODEL.md ("Provider presets").

use serde::Serialize;

use super::prior::ParamPrior;

/// How complaints reach the sender.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedbackLoop {
    /// A per-message feedback loop (ARF report) arriving `delay_hours` after the complaint.
    PerMessage {
        /// Hours between the complaint and the report reaching the sender.
        delay_hours: u64,
    },
    /// Only an aggregate daily complaint rate, published the next day (Gmail Postmaster Tools).
    DailyAggregate,
    /// No feedback at all (Apple iCloud).
    None,
}

impl FeedbackLoop {
    /// The first hour of the day whose complaints are reported one day later than
    /// those of the hours before it (24: none are). With a per-message loop of
    /// `delay_hours`, a complaint about mail accepted at hour `h` of day `d`
    /// reaches the sender on day `d + delay_hours / 24`, or a day later from hour
    /// `24 - delay_hours % 24` on.
    pub fn late_from_hour(&self) -> u32 {
        match *self {
            Self::PerMessage { delay_hours } if delay_hours % 24 > 0 => 24 - (delay_hours % 24) as u32,
            _ => 24,
        }
    }
}

/// What a provider publishes about each of the sender's IPs, day by day,
/// besides its SMTP replies and feedback loop: the one rule of which provider
/// gives which dashboard (docs/MODEL.md, section 8). Set by the presets; a
/// provider named in a scenario publishes what its preset does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Published {
    /// Nothing per IP (Yahoo, Apple and unknown providers).
    Nothing,
    /// Google Postmaster Tools (v1 traffic stats): the IP's reputation
    /// (`HIGH`, `MEDIUM`, `LOW`, `BAD`) and the user-reported spam rate
    /// (complaints over inbox mail).
    PostmasterTools,
    /// Microsoft SNDS (`data.aspx`): the IP's filter result (`GREEN`,
    /// `YELLOW`, `RED`), its complaint rate (complaints over delivered mail)
    /// and its spam-trap hits.
    Snds,
}

/// An SMTP reply as the sender's MTA logs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmtpReply {
    /// Basic and enhanced status code, e.g. `421 4.7.28`.
    pub code: String,
    /// Human-readable text of the reply.
    pub text: String,
}

impl SmtpReply {
    fn new(code: &str, text: &str) -> Self {
        Self { code: code.to_string(), text: text.to_string() }
    }
}

/// The reputation dynamics, thresholds and replies of one mailbox provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderParams {
    /// Provider name as used in scenario files and outputs.
    pub name: String,
    /// Trust `T` of an IP this provider has never seen, in [0, 1].
    pub initial_trust: f64,
    /// Growth rate `k` of trust per day of fully credited sending.
    pub trust_gain_per_day: f64,
    /// Volume per day at which a day counts fully towards trust, and the
    /// maintenance level below which a warmed IP's trust decays (messages/day).
    pub notice_volume_per_day: f64,
    /// Hourly allowance granted to an IP with no history (messages/hour).
    pub base_hourly_allowance: f64,
    /// Allowance multiplier `g` over recent peak hourly volume at trust 0.
    pub allowance_growth_untrusted: f64,
    /// Allowance multiplier `g` over recent peak hourly volume at trust 1.
    pub allowance_growth_trusted: f64,
    /// Memory of the recent-volume peak used for the allowance and spikes (days).
    pub recent_memory_days: f64,
    /// Memory of the long history (days); about 30 idle days erase it.
    pub history_memory_days: f64,
    /// Time constant of trust decay when sending below maintenance level (days).
    pub idle_decay_days: f64,
    /// Consecutive low-volume days (below maintenance level and history) an IP
    /// keeps its trust before it starts to cool down (days).
    pub cooling_grace_days: f64,
    /// Intercept of the inbox-placement logit.
    pub inbox_logit_intercept: f64,
    /// Slope of the inbox-placement logit in trust.
    pub inbox_logit_trust_slope: f64,
    /// Weight of engagement (segment open rate above the reference) in placement and credit.
    pub engagement_weight: f64,
    /// Complaint rate the provider starts to penalise (fraction of inbox mail).
    pub complaint_warn_rate: f64,
    /// Complaint rate treated as severe (fraction of inbox mail).
    pub complaint_severe_rate: f64,
    /// Hard-bounce rate the provider starts to penalise (fraction of attempted mail).
    pub bounce_warn_rate: f64,
    /// Fraction of trust lost per unit of complaint rate above the warning rate (in multiples of it).
    pub complaint_penalty: f64,
    /// Extra fraction of trust lost per unit of complaint rate above the severe rate (in multiples of it).
    pub severe_complaint_penalty: f64,
    /// Fraction of trust lost per unit of bounce rate above the warning rate (in multiples of it).
    pub bounce_penalty: f64,
    /// Fraction of trust lost per spam-trap hit.
    pub trap_penalty_per_hit: f64,
    /// Fraction of trust lost per unit of block rate (blocked / attempted) in a day.
    pub block_penalty: f64,
    /// Day-over-recent-peak volume ratio above which a jump counts as a spike.
    pub spike_ratio: f64,
    /// Fraction of trust lost per doubling of volume beyond the spike ratio.
    pub spike_penalty: f64,
    /// Memory of the deferral pressure (days).
    pub pressure_memory_days: f64,
    /// Share of a day's attempts deferred (4xx) that adds no pressure.
    pub pressure_tolerance: f64,
    /// Fraction of trust lost per day per unit of deferral pressure.
    pub pressure_penalty: f64,
    /// Deferral pressure above which the provider escalates to blocks.
    pub pressure_escalation: f64,
    /// Extra block share once the pressure reaches twice the escalation level.
    pub escalation_block_rate: f64,
    /// Trust under which the provider starts refusing mail with 5xx blocks.
    pub block_trust_threshold: f64,
    /// Share of mail blocked at trust 0.
    pub block_max_rate: f64,
    /// Extra block share per multiple of the severe complaint rate exceeded.
    pub complaint_block_rate: f64,
    /// Probability that a recipient opens mail placed in junk, relative to inbox.
    pub junk_open_factor: f64,
    /// How complaints reach the sender.
    pub feedback: FeedbackLoop,
    /// Reply to mail over the rate allowance (4xx).
    pub defer_reply: SmtpReply,
    /// Reply to mail refused for reputation (5xx).
    pub block_reply: SmtpReply,
    /// Reply to every block of a day on which the provider has escalated deferral pressure to blocks (5xx).
    pub escalation_reply: SmtpReply,
    /// Reply to an invalid address (5xx).
    pub bounce_reply: SmtpReply,
    /// What the provider publishes per IP (Postmaster Tools, SNDS, nothing).
    pub published: Published,
    /// The float parameters given as distributions, in registry order: each
    /// run draws them (`sim::variation`); empty for fixed parameters.
    pub priors: Vec<ParamPrior>,
}

/// Names of the built-in presets, in display order.
pub const PRESET_NAMES: [&str; 5] = ["gmail", "microsoft", "yahoo", "apple", "other"];

/// Open rate of an average campaign (Mailchimp benchmark, about 21%), the
/// reference against which engagement is a bonus or a malus.
pub const REFERENCE_OPEN_RATE: f64 = 0.21;

impl ProviderParams {
    /// The shared defaults every preset starts from (see docs/MODEL.md).
    fn base(name: &str) -> Self {
        Self {
            name: name.to_string(),
            initial_trust: 0.3,
            trust_gain_per_day: 0.1,
            notice_volume_per_day: 1000.0,
            base_hourly_allowance: 150.0,
            allowance_growth_untrusted: 1.5,
            allowance_growth_trusted: 1.9,
            recent_memory_days: 7.0,
            history_memory_days: 10.0,
            idle_decay_days: 10.0,
            cooling_grace_days: 3.0,
            inbox_logit_intercept: -1.96,
            inbox_logit_trust_slope: 5.71,
            engagement_weight: 0.5,
            complaint_warn_rate: 0.001,
            complaint_severe_rate: 0.003,
            bounce_warn_rate: 0.02,
            complaint_penalty: 0.05,
            severe_complaint_penalty: 0.15,
            bounce_penalty: 0.05,
            trap_penalty_per_hit: 0.01,
            block_penalty: 0.2,
            spike_ratio: 2.0,
            spike_penalty: 0.4,
            pressure_memory_days: 2.0,
            pressure_tolerance: 0.2,
            pressure_penalty: 0.1,
            pressure_escalation: 1.0,
            escalation_block_rate: 0.9,
            block_trust_threshold: 0.2,
            block_max_rate: 0.9,
            complaint_block_rate: 0.2,
            junk_open_factor: 0.1,
            feedback: FeedbackLoop::PerMessage { delay_hours: 24 },
            defer_reply: SmtpReply::new("421 4.7.0", "Try again later, closing connection"),
            block_reply: SmtpReply::new("550 5.7.1", "Service unavailable, client host blocked using reputation"),
            escalation_reply: SmtpReply::new("550 5.7.1", "Service unavailable, client host blocked using reputation"),
            bounce_reply: SmtpReply::new("550 5.1.1", "User unknown"),
            published: Published::Nothing,
            priors: Vec::new(),
        }
    }

    /// The preset called `name`, or `None` if there is no such preset.
    pub fn preset(name: &str) -> Option<Self> {
        let mut p = Self::base(name);
        match name {
            "gmail" => {
                p.trust_gain_per_day = 0.10;
                p.engagement_weight = 1.0;
                p.feedback = FeedbackLoop::DailyAggregate;
                p.published = Published::PostmasterTools;
                p.defer_reply = SmtpReply::new(
                    "421 4.7.28",
                    "Our system has detected an unusual rate of unsolicited mail originating from your IP address. \
                     To protect our users from spam, mail sent from your IP address has been temporarily rate limited.",
                );
                p.block_reply = SmtpReply::new(
                    "550 5.7.1",
                    "Our system has detected that this message is likely unsolicited mail. To reduce the amount of \
                     spam sent to Gmail, this message has been blocked.",
                );
                p.escalation_reply = SmtpReply::new(
                    "550 5.7.28",
                    "Our system has detected an unusual rate of unsolicited mail originating from your IP address. \
                     To protect our users from spam, mail sent from your IP address has been blocked.",
                );
                p.bounce_reply =
                    SmtpReply::new("550 5.1.1", "The email account that you tried to reach does not exist.");
            }
            "microsoft" => {
                p.trust_gain_per_day = 0.033;
                p.base_hourly_allowance = 100.0;
                p.engagement_weight = 0.25;
                p.complaint_penalty = 0.08;
                p.feedback = FeedbackLoop::PerMessage { delay_hours: 24 };
                p.published = Published::Snds;
                p.defer_reply = SmtpReply::new(
                    "451 4.7.650",
                    "The mail server [IP] has been temporarily rate limited due to IP reputation. (S775)",
                );
                p.block_reply = SmtpReply::new(
                    "550 5.7.1",
                    "Unfortunately, messages from [IP] weren't sent. Please contact your Internet service provider \
                     since part of their network is on our block list (S3150).",
                );
                p.escalation_reply = SmtpReply::new(
                    "550 5.7.1",
                    "Unfortunately, messages from [IP] weren't sent. Please contact your Internet service provider \
                     since part of their network is on our block list (S3140).",
                );
                p.bounce_reply = SmtpReply::new("550 5.1.1", "Requested action not taken: mailbox unavailable");
            }
            "yahoo" => {
                p.trust_gain_per_day = 0.1;
                p.base_hourly_allowance = 100.0;
                p.engagement_weight = 0.4;
                p.complaint_penalty = 0.08;
                p.feedback = FeedbackLoop::PerMessage { delay_hours: 2 };
                p.defer_reply = SmtpReply::new(
                    "421 4.7.0 [TSS04]",
                    "Messages from [IP] temporarily deferred due to unexpected volume or user complaints",
                );
                p.block_reply = SmtpReply::new(
                    "553 5.7.2 [TSS09]",
                    "All messages from [IP] will be permanently deferred; Retrying will NOT succeed.",
                );
                // TS03 ("permanently deferred") comes as a 421 that Yahoo asks not to retry: it is a
                // block, given here with Yahoo's 5xx form of the same message.
                p.escalation_reply = p.block_reply.clone();
                p.bounce_reply = SmtpReply::new("550 5.1.1", "This user doesn't have a yahoo.com account");
            }
            "apple" => {
                p.trust_gain_per_day = 0.08;
                p.engagement_weight = 0.5;
                p.feedback = FeedbackLoop::None;
                p.defer_reply = SmtpReply::new("421 4.7.0 [HCM1]", "Your mail from [IP] was deferred");
                p.block_reply = SmtpReply::new("554 5.7.1 [CS01]", "Message rejected due to local policy");
                p.escalation_reply = p.block_reply.clone();
                p.bounce_reply = SmtpReply::new("550 5.1.1", "user does not exist");
            }
            "other" => {
                p.trust_gain_per_day = 0.1;
                p.base_hourly_allowance = 200.0;
                p.engagement_weight = 0.3;
            }
            _ => return None,
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_exists_and_is_named() {
        for name in PRESET_NAMES {
            let p = ProviderParams::preset(name).expect("preset");
            assert_eq!(p.name, name);
            assert!(p.defer_reply.code.starts_with('4'), "{name}: defer must be 4xx");
            assert!(p.block_reply.code.starts_with('5'), "{name}: block must be 5xx");
            assert!(p.escalation_reply.code.starts_with('5'), "{name}: escalation must be 5xx");
            assert!(p.bounce_reply.code.starts_with("550 5.1.1"), "{name}: invalid address is 550 5.1.1");
        }
        assert!(ProviderParams::preset("hotmail").is_none());
    }

    #[test]
    fn gmail_publishes_postmaster_tools_and_microsoft_snds() {
        let published = PRESET_NAMES.map(|name| ProviderParams::preset(name).expect("preset").published);
        use Published::*;
        assert_eq!(published, [PostmasterTools, Snds, Nothing, Nothing, Nothing]);
    }

    #[test]
    fn escalated_blocks_get_the_providers_published_codes() {
        let p = |name| ProviderParams::preset(name).expect("preset");
        assert_eq!(p("gmail").escalation_reply.code, "550 5.7.28");
        assert!(p("gmail").escalation_reply.text.contains("unusual rate of unsolicited mail"));
        assert!(p("microsoft").escalation_reply.text.contains("(S3140)"));
        // Yahoo's TS03 "permanently deferred" is given as its 5xx form, the TSS09 block.
        for name in ["yahoo", "apple", "other"] {
            assert_eq!(p(name).escalation_reply, p(name).block_reply, "{name}");
        }
    }
}
