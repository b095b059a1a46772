//! `schedule.csv`: the plan as rows of (day, date, provider, ip, address,
//! messages_per_day), from one column table.

use std::io::Write;

use super::plan::PlanSchedule;

/// The columns of `schedule.csv`, in order, with what each holds.
pub const SCHEDULE_COLUMNS: [(&str, &str); 6] = [
    ("day", "plan day, 1 first"),
    ("date", "its date, YYYY-MM-DD (day 1 is --start)"),
    ("provider", "mailbox provider, as the scenario names it"),
    ("ip", "sending IP, as the scenario names it"),
    ("address", "its address, empty if the scenario gives none"),
    ("messages_per_day", "new messages planned that day from that IP to that provider (retries not counted)"),
];

/// Writes `schedule.csv`: a row per day, provider and IP that sends anything over the plan
/// (zeros included), day by day, then provider by provider, in the scenario's orders.
pub fn write_schedule_csv(plan: &PlanSchedule, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(SCHEDULE_COLUMNS.iter().map(|(name, _)| *name))?;
    let ips = plan.sending_ips();
    for (d, volumes) in plan.days.iter().enumerate() {
        let (day, date) = ((d + 1).to_string(), plan.date(d + 1).to_string());
        for (p, provider) in plan.providers.iter().enumerate() {
            for &ip in &ips {
                let address = plan.ips[ip].address.as_deref().unwrap_or("");
                let messages = volumes[ip][p].to_string();
                w.write_record([day.as_str(), &date, provider, &plan.ips[ip].label, address, &messages])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
