//! Tests of the run charts: valid PNGs in every case, and the chart data of
//! shipped scenarios where a defect would show (per-IP series, the accounting
//! of retried mail, warm labels, small denominators).

use super::*;
use crate::model::Replies;
use crate::report::aggregate::retry_attempts;
use crate::report::testdata;
use crate::sim::Counts;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn assert_pngs(paths: &[PathBuf], dir: &Path) {
    let names: Vec<String> =
        paths.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["outcomes.png", "reputation.png", "rates.png", "ips.png", "queue.png"]);
    assert_eq!(names, chart_names());
    for path in paths {
        assert!(path.starts_with(dir));
        let bytes = std::fs::read(path).unwrap_or_default();
        assert_eq!(bytes.get(..8), Some(&PNG_SIGNATURE[..]), "{}", path.display());
        assert!(bytes.len() > 10_000, "{} is only {} bytes", path.display(), bytes.len());
    }
}

/// The result of shipped scenario `name` on its own seed.
fn shipped(name: &str) -> RunResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.toml"));
    let sc = crate::scenario::parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    crate::sim::run(&sc, sc.seed).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn provider(result: &RunResult, name: &str) -> usize {
    result.provider_names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no provider {name}"))
}

fn ip(result: &RunResult, name: &str) -> usize {
    result.ip_names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no IP {name}"))
}

#[test]
fn writes_five_valid_pngs() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_charts(&testdata::small(), dir.path()).unwrap();
    assert_pngs(&paths, dir.path());
}

#[test]
fn creates_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    let paths = write_charts(&testdata::realistic(), &nested).unwrap();
    assert_pngs(&paths, &nested);
}

#[test]
fn degenerate_results_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut empty = testdata::small();
    empty.records.clear();
    empty.totals = Default::default();
    empty.horizon_days = 0;
    assert!(write_charts(&empty, dir.path()).is_ok());
    let mut one_day = testdata::small();
    one_day.records.retain(|r| r.day == 1);
    one_day.horizon_days = 1;
    assert!(write_charts(&one_day, dir.path()).is_ok());
    let mut no_providers = testdata::small();
    no_providers.records.clear();
    no_providers.provider_names.clear();
    no_providers.warm_day.clear();
    assert!(write_charts(&no_providers, dir.path()).is_ok());
    let mut no_ips = testdata::small();
    no_ips.records.clear();
    no_ips.ip_names.clear();
    no_ips.ip_dedicated.clear();
    assert!(write_charts(&no_ips, dir.path()).is_ok());
}

#[test]
fn many_ips_are_grouped_into_dedicated_and_shared() {
    let mut many = testdata::small();
    let extra: Vec<_> = many.records.iter().filter(|r| r.ip == 1).cloned().collect();
    for k in 2..7 {
        many.records.extend(extra.iter().cloned().map(|mut r| {
            r.ip = k;
            r
        }));
        many.ip_names.push(format!("ip-{k}"));
        many.ip_dedicated.push(k % 2 == 0);
    }
    let agg = Aggregates::new(&many);
    let groups = outcomes::ip_groups(&many, &agg);
    let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
    assert_eq!(titles, ["4 dedicated IPs", "3 shared pools"]);
    assert_eq!(groups.iter().map(|g| g.ips.len()).sum::<usize>(), 7);
    let dir = tempfile::tempdir().unwrap();
    assert_pngs(&write_charts(&many, dir.path()).unwrap(), dir.path());
}

#[test]
fn unwritable_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    assert!(write_charts(&testdata::small(), &file).is_err());
}

/// The default scenario blends a new IP with a shared pool: the charts see each
/// of them, not only their sum.
#[test]
fn default_scenario_shows_the_new_ip_and_the_pool_apart() {
    let result = shipped("default");
    let agg = Aggregates::new(&result);
    let (new, pool) = (ip(&result, "new-1"), ip(&result, "shared-pool"));
    assert!(agg.reference_is_part(), "dedicated IP next to a shared pool");
    // outcomes.png: one panel per IP, named with its kind.
    let groups = outcomes::ip_groups(&result, &agg);
    let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
    assert_eq!(titles, ["new-1 (dedicated)", "shared-pool (shared pool)"]);
    let new_days = outcomes::group_days(&agg, &groups[new]);
    assert!(new_days[0].0.sent * 20 < new_days[44].0.sent, "the new IP's panel ramps: {:?}", new_days[0]);
    // ips.png: the blend's share moves from the pool to the new IP over 45 days.
    let shares = ips::sent_shares(&agg);
    let share = |ip: usize, day: usize| shares[ip][day - 1].unwrap_or(f64::NAN);
    assert!(share(new, 1) < 5.0 && share(pool, 1) > 95.0, "day 1: {} / {}", share(new, 1), share(pool, 1));
    assert!((share(new, 23) - 51.1).abs() < 1.0, "day 23: {}", share(new, 23));
    assert!(share(new, 45) > 99.9 && share(pool, 50) < 0.1);
    // ips.png: each IP's reputation at each provider, every day.
    for p in 0..agg.n_providers {
        let lines = ips::ip_lines(&agg, p);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.len() == agg.n_days), "provider {p}");
    }
    let microsoft = provider(&result, "microsoft");
    let lines = ips::ip_lines(&agg, microsoft);
    assert!(lines[new][0].1 < 0.5 && lines[pool][0].1 > 0.7, "new IP Low, pool High on day 1");
    // reputation.png: the line is the dedicated IP's own, and says so.
    let line = &reputation::provider_lines(&agg)[microsoft];
    assert_eq!(line, &lines[new]);
    let (whose, who) = warm_label::reference_text(&result, &agg);
    assert!(whose.contains("dedicated IP new-1") && whose.contains("shared-pool"), "{whose}");
    assert_eq!(who, "the dedicated IP");
    // rates.png and queue.png: the dedicated IP's own rates and queue next to the totals.
    let complaints = rates::series(&agg, rates::drawn_complaint_pct);
    assert!(complaints.iter().all(|(_, dedicated)| dedicated.is_some()));
    for r in result.records.iter().filter(|r| r.ip == new) {
        let day = agg.day(r.day as usize - 1, r.provider);
        for panel in &queue::PANELS {
            let (_, dedicated) = queue::cell_values(panel, day);
            assert_eq!(dedicated, (panel.value)(&r.counts, r.queued), "{} on day {}", panel.title, r.day);
        }
    }
    let deferred: u64 = (0..agg.n_days).map(|d| queue::cell_values(&queue::PANELS[0], agg.day(d, microsoft)).1).sum();
    assert!(deferred > 0, "the new IP is throttled at Microsoft in its first days");
}

/// In blast.toml a day finishes far more mail than it sends (retries of earlier
/// days): the chart counts outcomes on the day they finished, says so, and the
/// queued line accounts for the difference.
#[test]
fn retried_mail_is_accounted_for_in_blast() {
    let result = shipped("blast");
    let agg = Aggregates::new(&result);
    let days: Vec<Counts> = (0..agg.n_days).map(|d| agg.day_totals(d)).collect();
    let over = (0..agg.n_days).filter(|&d| days[d].finished() * 10 > days[d].sent * 14).count();
    assert!(over >= 3, "some days finish 40% more than they send: {over}");
    let mut queued_before = 0;
    for (d, day) in days.iter().enumerate() {
        let queued = agg.day_queued(d);
        assert_eq!(queued_before + day.sent, day.finished() + queued, "day {}: carried in + sent", d + 1);
        queued_before = queued;
    }
    let note = outcomes::accounting_note(&agg).join(" ");
    assert!(note.contains("counted on the day each message finished"), "{note}");
    let balance = format!(
        "{} sent = {} finished + {} still queued at the end",
        outcomes::fmt_total(result.totals.sent),
        outcomes::fmt_total(result.totals.finished()),
        outcomes::fmt_total(result.queued_at_end)
    );
    assert!(note.contains(&balance), "{note}");
    // Retry attempts are attempts beyond the first: never negative in a record.
    for r in &result.records {
        assert!(r.counts.attempts() >= r.counts.sent, "day {} ip {} provider {}", r.day, r.ip, r.provider);
    }
    let retries: u64 = days.iter().map(retry_attempts).sum();
    assert!(retries > result.totals.sent, "blast retries its backlog many times");
}

/// The warm labels follow the rule: spike's providers are warm on day 1 and
/// then fall to Medium; maintenance_low's start High but never hold it a week.
#[test]
fn warm_labels_follow_the_warm_rule() {
    let spike = shipped("spike");
    let agg = Aggregates::new(&spike);
    let gmail = provider(&spike, "gmail");
    let status = warm_label::WarmStatus::of(&agg, gmail, spike.warm_day[gmail]);
    let label = status.label("gmail");
    assert!(label.starts_with("gmail: warm day 1, below High days 1"), "{label}");

    let low = shipped("maintenance_low");
    let agg = Aggregates::new(&low);
    for p in 0..agg.n_providers {
        assert_eq!(low.warm_day[p], None);
        let label = warm_label::WarmStatus::of(&agg, p, None).label("x");
        assert!(label.starts_with("x: not warm (High day") && label.ends_with("only, under 7)"), "{label}");
    }
}

/// With several dedicated IPs the line is the lowest of them (the one warmth
/// waits for), said so on the chart: in blend_warm_pool, the new IP.
#[test]
fn several_dedicated_ips_show_the_lowest_and_say_so() {
    let result = shipped("blend_warm_pool");
    let agg = Aggregates::new(&result);
    assert_eq!(agg.n_reference(), 3);
    let new = ip(&result, "new-1");
    for p in 0..agg.n_providers {
        let line = &reputation::provider_lines(&agg)[p];
        let new_line = &ips::ip_lines(&agg, p)[new];
        assert_eq!(line[0], new_line[0], "day 1: the new IP is the lowest");
        for (d, &(_, y)) in line.iter().enumerate() {
            let lowest = (0..agg.n_ips).filter_map(|ip| agg.ip_reputation(d, ip, p)).fold(f64::INFINITY, f64::min);
            assert_eq!(y, lowest);
        }
    }
    let (whose, who) = warm_label::reference_text(&result, &agg);
    assert!(whose.contains("lowest of the 3 dedicated IPs"), "{whose}");
    assert!(warm_label::rule_text(who).contains("every dedicated IP is High"));
}

/// maintenance_low sends 500 a day: its complaint rates rest on a few hundred
/// inbox messages and are left out, the days marked.
#[test]
fn complaint_rates_on_small_inbox_counts_are_left_out() {
    let result = shipped("maintenance_low");
    let agg = Aggregates::new(&result);
    let complaints = rates::series(&agg, rates::drawn_complaint_pct);
    for (p, (all, _)) in complaints.iter().enumerate() {
        assert!(all.iter().all(Option::is_none), "provider {p}");
        assert_eq!(rates::hidden_complaint_days(&agg, p).len(), agg.n_days);
    }
    let default = shipped("default");
    let agg = Aggregates::new(&default);
    let drawn = rates::series(&agg, rates::drawn_complaint_pct);
    assert!(drawn.iter().all(|(all, _)| all.iter().all(Option::is_some)), "100,000 a day: every rate drawn");
}

/// Writes the charts of a realistic run to `/tmp/report-preview/` (and of the
/// small test run to `/tmp/report-preview/small/`) for a visual check:
/// `cargo test --lib report::charts::tests::preview -- --ignored`.
#[test]
#[ignore]
fn preview() {
    let dir = Path::new("/tmp/report-preview");
    let paths = write_charts(&testdata::realistic(), dir).unwrap();
    assert_pngs(&paths, dir);
    let small = dir.join("small");
    let paths = write_charts(&testdata::small(), &small).unwrap();
    assert_pngs(&paths, &small);
    // Stress: 8 providers, a long scenario name, no dedicated IP.
    let mut stress = testdata::realistic();
    stress.scenario = "a rather long scenario name: aggressive ramp with shared pool and list hygiene off".into();
    stress.ip_dedicated = vec![false, false];
    let extra: Vec<_> = stress.records.iter().filter(|r| r.provider < 3).cloned().collect();
    stress.records.extend(extra.into_iter().map(|mut r| {
        r.provider += 5;
        r
    }));
    stress.provider_names.extend(["comcast", "gmx", "web.de"].map(String::from));
    stress.warm_day.extend([None, Some(3), None]);
    let dir = dir.join("stress");
    let paths = write_charts(&stress, &dir).unwrap();
    assert_pngs(&paths, &dir);
}

/// Writes the charts of every shipped scenario to `/tmp/report-preview/scenarios/<name>/`
/// for a visual check: `cargo test --release --lib report::charts::tests::preview_shipped -- --ignored`.
#[test]
#[ignore]
fn preview_shipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    for name in names {
        let out = Path::new("/tmp/report-preview/scenarios").join(&name);
        let paths = write_charts(&shipped(&name), &out).unwrap();
        assert_pngs(&paths, &out);
    }
}
