//! `[variation]`: day-to-day variation beyond sampling noise
//! ([`Variation`]), on by default; `enabled = false` gives the model without
//! it. The dispersions are logit standard deviations in [0, 3] (3 would move
//! an average open rate of 21% to anywhere from 1% to 90% within two standard
//! deviations: no campaign statistic is that wide).

use super::check::{Bounds, Ctx};
use super::path::KeyPath;
use super::raw::RawVariation;
use crate::model::Variation;

/// The largest logit standard deviation accepted.
pub(crate) const MAX_LOGIT_SD: f64 = 3.0;

/// `[variation]` (absent: the defaults); `None` if any key is invalid (reported).
pub(crate) fn variation(ctx: &mut Ctx<'_>, raw: Option<&RawVariation>) -> Option<Variation> {
    let Some(raw) = raw else { return Some(Variation::DEFAULT) };
    let path = KeyPath::root().key("variation");
    let d = Variation::DEFAULT;
    let enabled = match &raw.enabled {
        None => Some(d.enabled),
        field => ctx.get(field, &path.key("enabled")),
    };
    let bound = Bounds::between(0.0, MAX_LOGIT_SD);
    let mut sd = |field, key: &str, default| ctx.f64_or(field, &path.key(key), bound, default);
    let open = sd(&raw.open_rate_logit_sd, "open_rate_logit_sd", d.open_rate_logit_sd);
    let complaint = sd(&raw.complaint_rate_logit_sd, "complaint_rate_logit_sd", d.complaint_rate_logit_sd);
    let placement = sd(&raw.placement_logit_sd, "placement_logit_sd", d.placement_logit_sd);
    Some(Variation {
        enabled: enabled?,
        open_rate_logit_sd: open?,
        complaint_rate_logit_sd: complaint?,
        placement_logit_sd: placement?,
    })
}
