//! How observed data name a scenario's IPs: the one rule shared by the event
//! writers (`ipwarm run --events`), which write [`ip_label`], and the fit,
//! which finds the scenario IP of an observed row with [`match_ip`].
//!
//! An IP is named by its `address` when the scenario gives one; otherwise by
//! the documentation address `198.51.100.N` for the N-th IP (RFC 5737
//! TEST-NET-2, never routed, so it cannot be a real sender's IP). Logs that
//! name an IP by the MTA's name for it (a KumoMTA egress source, a Postfix
//! `syslog_name`) match when that name is the scenario IP's `name`.

use std::net::{IpAddr, Ipv4Addr};

use crate::model::IpSpec;

/// The label observed data give the scenario IP `ip`, the `index`-th (from 0)
/// of its scenario: its address, else `198.51.100.{index + 1}` (for the first
/// 254 IPs; later ones wrap into `203.0.113.0/24`, RFC 5737 TEST-NET-3).
pub fn ip_label(ip: &IpSpec, index: usize) -> String {
    match ip.address {
        Some(address) => address.to_string(),
        None => default_address(index).to_string(),
    }
}

/// The documentation address of the `index`-th IP without an address.
fn default_address(index: usize) -> IpAddr {
    let host = index % 254 + 1;
    let net = if (index / 254).is_multiple_of(2) { [198, 51, 100] } else { [203, 0, 113] };
    IpAddr::V4(Ipv4Addr::new(net[0], net[1], net[2], host as u8))
}

/// The index of the scenario IP that `observed` (an `ip` cell of observed
/// data) names, if any. In order of precedence: an explicit `address` equal to
/// it (compared as addresses, so `2001:db8::7` matches `2001:DB8:0::7`), an IP
/// whose `name` it is, then an IP without an address whose documentation
/// label ([`ip_label`]) it is.
pub fn match_ip(scenario_ips: &[IpSpec], observed: &str) -> Option<usize> {
    let observed = observed.trim();
    let parsed: Option<IpAddr> = observed.parse().ok();
    if let Some(address) = parsed
        && let Some(i) = scenario_ips.iter().position(|ip| ip.address == Some(address))
    {
        return Some(i);
    }
    if let Some(i) = scenario_ips.iter().position(|ip| ip.name == observed) {
        return Some(i);
    }
    let address = parsed?;
    scenario_ips.iter().enumerate().position(|(i, ip)| ip.address.is_none() && default_address(i) == address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IpKind;

    fn ips() -> Vec<IpSpec> {
        let mut explicit = IpSpec::new("ip-3", IpKind::New);
        explicit.address = "2001:db8::7".parse().ok();
        vec![IpSpec::new("new-1", IpKind::New), IpSpec::new("198.51.100.1", IpKind::New), explicit]
    }

    #[test]
    fn labels_are_the_address_or_a_documentation_address() {
        let ips = ips();
        let labels: Vec<String> = ips.iter().enumerate().map(|(i, ip)| ip_label(ip, i)).collect();
        assert_eq!(labels, ["198.51.100.1", "198.51.100.2", "2001:db8::7"]);
        assert_eq!(ip_label(&ips[0], 253), "198.51.100.254");
        assert_eq!(ip_label(&ips[0], 254), "203.0.113.1");
    }

    #[test]
    fn observed_names_match_addresses_then_names_then_labels() {
        let ips = ips();
        assert_eq!(match_ip(&ips, "2001:DB8:0::7"), Some(2));
        assert_eq!(match_ip(&ips, "new-1"), Some(0));
        assert_eq!(match_ip(&ips, "ip-3"), Some(2));
        // `198.51.100.1` is ips[1]'s name, which wins over ips[0]'s documentation label.
        assert_eq!(match_ip(&ips, "198.51.100.1"), Some(1));
        assert_eq!(match_ip(&ips, "198.51.100.2"), Some(1));
        assert_eq!(match_ip(&ips, "198.51.100.3"), None);
        assert_eq!(match_ip(&ips, "ip-9"), None);
        assert_eq!(match_ip(&[], "198.51.100.1"), None);
    }
}
