//! `report.html` and `--format`: the report of a run and of an experiment holds every chart
//! inline and references nothing outside itself, escapes what users write, and is
//! byte-identical for the same inputs; SVG charts are the PNG charts' list, well-formed and
//! deterministic.
//!
//! The browser test opens both reports in a real headless Chromium (Debian's package;
//! `scripts/chromium/install.sh` installs it): the page loads without any console message,
//! every chart has a size and drawn elements, its text is in the embedded font, and a
//! screenshot is a PNG. A probe script, injected into a copy of the page (the report itself
//! runs no script: its content security policy forbids it), records errors, policy
//! violations, font states and each chart's size and element counts into an attribute that
//! `--dump-dom` prints; Chromium's own log (`--enable-logging=stderr`) shows every console
//! message. The checks are proven to fail on deliberately broken pages: an empty chart, a
//! script error, a reference to the network, a corrupt font. Without Chromium the browser
//! tests say they are skipped and pass, unless `IPWARM_REQUIRE_CHROMIUM=1` (set by
//! `.ci/run`). `IPWARM_UPDATE_SCREENSHOT=1` copies the run report's screenshot to
//! `docs/img/report.png`.

use crate::support::{Timed, ipwarm, ok, root, run_with_deadline};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The chart files of an output folder (`*.png` or `*.svg`), as sorted stems.
fn chart_stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(&format!(".{ext}")).map(String::from)))
        .collect();
    stems.sort();
    stems
}

/// The `data-chart` ids of a report, sorted.
fn report_charts(html: &str) -> Vec<String> {
    let mut ids: Vec<String> = html
        .split("<figure class=\"chart\"")
        .skip(1)
        .filter_map(|f| f.split("data-chart=\"").nth(1).and_then(|r| r.split('"').next()).map(String::from))
        .collect();
    ids.sort();
    ids
}

/// Every way a page could reach outside itself, found in `html`.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for needle in ["http://", "https://", "src=", "<script", "<link", "<img", "<iframe", "<object", "@import", "//cdn"]
    {
        if lower.contains(needle) {
            found.push(needle.to_string());
        }
    }
    for href in lower.split("href=\"").skip(1) {
        if !href.starts_with('#') {
            found.push(format!("href=\"{}", href.chars().take(30).collect::<String>()));
        }
    }
    for url in lower.split("url(").skip(1) {
        if !url.starts_with("data:") {
            found.push(format!("url({}", url.chars().take(30).collect::<String>()));
        }
    }
    found
}

/// Checks what every SVG chart file and report must be: one `<svg>` root, closed, its tags
/// balanced, nothing external.
fn assert_svg_well_formed(name: &str, svg: &str) {
    assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"), "{name}: not one <svg> element");
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""), "{name}: no SVG namespace");
    assert!(
        svg.contains("@font-face{font-family:\"ipwarm DejaVu Sans\";src:url(data:font/ttf;base64,"),
        "{name}: font"
    );
    // Tags balance: every element is self-closed or closed, in order.
    let mut stack: Vec<&str> = Vec::new();
    for tag in svg.split('<').skip(1) {
        let end = tag.find('>').unwrap_or_else(|| panic!("{name}: unterminated tag <{}", &tag[..tag.len().min(40)]));
        let inner = &tag[..end];
        if let Some(closing) = inner.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(closing), "{name}: </{closing}> closes another element");
        } else if !inner.ends_with('/') {
            stack.push(inner.split_whitespace().next().unwrap_or(""));
        }
    }
    assert!(stack.is_empty(), "{name}: unclosed {stack:?}");
    for (what, bad) in [("a raw & in text", "& "), ("an unescaped <", "<<")] {
        assert!(!svg.contains(bad), "{name}: {what}");
    }
    assert!(external_references(svg).iter().all(|r| r == "http://"), "{name}: {:?}", external_references(svg));
    assert_eq!(svg.matches("http://").count(), 1, "{name}: only the namespace names http");
}

/// The default scenario's text with markup in its description, an IP name and a comment.
fn hostile_scenario() -> String {
    let text = std::fs::read_to_string(root().join("scenarios/default.toml")).unwrap();
    let start = text.find("\ndescription = ").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let text = format!("{}description = \"<script>alert('x')</script> & <b>bold</b>\"{}", &text[..start], &text[end..]);
    text.replace("name = \"new-1\"", "name = \"<i onclick=alert(1)>new\"").replacen(
        "# ipwarm scenario",
        "# </pre><script>alert(2)</script> ipwarm scenario",
        1,
    )
}

#[test]
fn run_reports_hold_every_chart_inline_and_nothing_external() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&ipwarm(tmp.path(), &["run", "--out", "png"]));
    ok(&ipwarm(tmp.path(), &["run", "--out", "svg", "--format", "svg"]));
    let (png, svg) = (tmp.path().join("png"), tmp.path().join("svg"));
    let stems = chart_stems(&png, "png");
    assert!(stems.len() >= 3, "{stems:?}");
    assert_eq!(chart_stems(&svg, "svg"), stems, "the same charts in both formats");
    assert!(chart_stems(&svg, "png").is_empty() && chart_stems(&png, "svg").is_empty());
    for stem in &stems {
        let text = std::fs::read_to_string(svg.join(format!("{stem}.svg"))).unwrap();
        assert_svg_well_formed(stem, &text);
    }
    let report = std::fs::read_to_string(png.join("report.html")).unwrap();
    assert_eq!(report_charts(&report), stems, "every chart inline");
    assert_eq!(report.matches("<svg ").count(), stems.len());
    assert!(external_references(&report).is_empty(), "{:?}", external_references(&report));
    assert_eq!(report.matches("@font-face").count(), 1, "the font once");
    for part in ["Key figures", "Per provider", "gmail", "Warnings", "scenario.toml", "Provenance", "seed", "0x2a"] {
        assert!(report.contains(part), "report.html lacks {part}");
    }
    // The same drawing whatever format the files are: only the note naming the files differs.
    let svg_report = std::fs::read_to_string(svg.join("report.html")).unwrap();
    let strip = |r: &str| r.replace(".svg in this folder", "").replace(".png in this folder", "");
    assert_eq!(report_charts(&svg_report), stems);
    let (a, b) = (strip(&report), strip(&svg_report));
    let first_difference = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let tail = &a[first_difference..];
    assert!(tail.contains("chart files"), "reports differ before the provenance: {}", &tail[..tail.len().min(200)]);
    let small = report.len();
    assert!(small < 1_000_000, "report.html is {small} bytes");
}

#[test]
fn outputs_are_byte_identical_for_the_same_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        ok(&ipwarm(tmp.path(), &["run", "--format", "svg", "--out", out]));
    }
    for name in ["report.html", "outcomes.svg", "reputation.svg", "rates.svg"] {
        let (a, b) = (tmp.path().join("a").join(name), tmp.path().join("b").join(name));
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap(), "{name}");
    }
}

#[test]
fn reports_escape_what_users_write() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("hostile.toml"), hostile_scenario()).unwrap();
    ok(&ipwarm(tmp.path(), &["run", "hostile.toml", "--out", "out"]));
    let report = std::fs::read_to_string(tmp.path().join("out/report.html")).unwrap();
    assert!(external_references(&report).is_empty(), "{:?}", external_references(&report));
    assert!(!report.contains("<b>bold"), "markup from the description");
    assert!(report.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"));
    assert!(report.contains("&lt;i onclick=alert(1)&gt;new"), "the IP name, escaped");
    assert!(report.contains("# &lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt; ipwarm scenario"));
}

/// A small comparison (two strategies, two replicates) in `dir/name`, in `format`.
fn small_comparison(dir: &Path, name: &str, format: &str) -> PathBuf {
    let args = ["compare", "--strategy", "exponential", "--strategy", "linear", "--replicates", "2", "--threads", "2"];
    ok(&ipwarm(dir, &[&args[..], &["--out", name, "--format", format]].concat()));
    dir.join(name)
}

#[test]
fn experiment_reports_hold_every_chart_and_plot_keeps_the_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = small_comparison(tmp.path(), "cmp", "svg");
    let stems = chart_stems(&dir, "svg");
    assert!(stems.len() >= 3 && chart_stems(&dir, "png").is_empty(), "{stems:?}");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"format\": \"svg\""), "the folder remembers its format");
    let report = std::fs::read(dir.join("report.html")).unwrap();
    let text = String::from_utf8(report.clone()).unwrap();
    assert_eq!(report_charts(&text), stems);
    assert!(external_references(&text).is_empty(), "{:?}", external_references(&text));
    for part in ["Summary per design point", "Warm times", "never warm (censored)", "point-0.toml", "[95% CI]"] {
        assert!(text.contains(part), "report.html lacks {part}");
    }
    let svgs: Vec<Vec<u8>> = stems.iter().map(|s| std::fs::read(dir.join(format!("{s}.svg"))).unwrap()).collect();
    // `plot` redraws in the folder's format, the same bytes.
    ok(&ipwarm(tmp.path(), &["plot", "cmp"]));
    assert_eq!(chart_stems(&dir, "svg"), stems);
    assert!(chart_stems(&dir, "png").is_empty());
    for (s, before) in stems.iter().zip(&svgs) {
        assert_eq!(&std::fs::read(dir.join(format!("{s}.svg"))).unwrap(), before, "{s}.svg");
    }
    assert_eq!(std::fs::read(dir.join("report.html")).unwrap(), report, "plot writes the same report");
    // Told otherwise, it switches: the PNGs replace the SVGs, and the folder remembers.
    ok(&ipwarm(tmp.path(), &["plot", "cmp", "--format", "png"]));
    assert_eq!(chart_stems(&dir, "png"), stems, "the same charts as PNG");
    assert!(chart_stems(&dir, "svg").is_empty(), "the SVGs of the same charts are gone");
    assert!(!std::fs::read_to_string(dir.join("manifest.json")).unwrap().contains("\"format\""));
    ok(&ipwarm(tmp.path(), &["plot", "cmp"]));
    assert_eq!(chart_stems(&dir, "png"), stems);
}

// ---- the browser test ----

/// The Chromium to use, if it runs: `$CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> Result<PathBuf, String> {
    let exe = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
    match Command::new(&exe).arg("--version").output() {
        Ok(out) if out.status.success() => Ok(exe),
        Ok(out) => Err(format!("{} --version failed: {}", exe.display(), String::from_utf8_lossy(&out.stderr).trim())),
        Err(e) => Err(format!("{} cannot be started ({e}); scripts/chromium/install.sh installs it", exe.display())),
    }
}

/// Chromium if it runs; else `None` after saying the test is skipped (or failing the test
/// when `IPWARM_REQUIRE_CHROMIUM=1`).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    match chromium() {
        Ok(exe) => Some(exe),
        Err(why) => {
            let required = std::env::var("IPWARM_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
            assert!(!required, "IPWARM_REQUIRE_CHROMIUM=1 but Chromium cannot run: {why}");
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "report_html::{test}: skipped: {why}");
            None
        }
    }
}

/// Records into `<html data-probe>`: errors, console errors and warnings, policy violations,
/// font faces and their state, and per chart its size, drawn elements, texts and text font.
const PROBE: &str = r#"<script>(function(){
var errors=[];
window.addEventListener('error',function(e){var t=e.target;errors.push('error: '+(e.message||(t&&t.outerHTML?t.outerHTML.slice(0,80):e.type)));},true);
window.addEventListener('securitypolicyviolation',function(e){errors.push('policy: '+e.violatedDirective+' '+e.blockedURI);});
['error','warn'].forEach(function(k){var f=console[k];console[k]=function(){errors.push(k+': '+Array.prototype.join.call(arguments,' '));return f.apply(console,arguments);};});
window.addEventListener('load',function(){document.fonts.ready.then(function(){
var charts=[].map.call(document.querySelectorAll('figure.chart'),function(f){
var s=f.querySelector('svg');var r=s?s.getBoundingClientRect():{width:0,height:0};
var texts=s?s.querySelectorAll('text'):[];var b={width:0,height:0};try{b=s.getBBox();}catch(e){}
return {id:f.getAttribute('data-chart'),width:Math.round(r.width),height:Math.round(r.height),
drawn:s?s.querySelectorAll('line,polyline,polygon,rect,circle,path').length:0,texts:texts.length,
bbox:Math.round(b.width*b.height),font:texts.length?getComputedStyle(texts[0]).fontFamily:''};});
var faces=[];document.fonts.forEach(function(f){faces.push(f.family+':'+f.status);});
document.documentElement.setAttribute('data-probe',JSON.stringify({errors:errors,charts:charts,fonts:faces}));
});});})();</script>"#;

/// `html` with the probe first in `<head>` and scripts allowed (inline only) by its policy.
fn with_probe(html: &str) -> String {
    let policy = "default-src 'none'; style-src 'unsafe-inline';";
    assert!(html.contains(policy), "the report's content security policy");
    html.replacen(policy, "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';", 1).replacen(
        "<meta charset=\"utf-8\">",
        &format!("<meta charset=\"utf-8\">{PROBE}"),
        1,
    )
}

/// What Chromium made of a page.
struct Loaded {
    /// The probe's record (JSON).
    probe: serde_json::Value,
    /// Console messages in Chromium's log.
    console: Vec<String>,
}

/// Runs headless Chromium on `page` with `extra` arguments (a fresh profile, the flags this
/// closed network needs, the log on stderr); returns its stdout and stderr.
fn chromium_run(exe: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(format!("file://{}", page.display()));
    match run_with_deadline(&mut cmd, Duration::from_secs(90)) {
        Timed::Ended { status, stdout, stderr } => {
            let (stdout, stderr) =
                (String::from_utf8_lossy(&stdout).into_owned(), String::from_utf8_lossy(&stderr).into_owned());
            assert!(status.success(), "chromium failed ({status}) on {}: {stderr}", page.display());
            (stdout, stderr)
        }
        Timed::TimedOut => panic!("chromium did not finish within 90 s on {}", page.display()),
    }
}

/// Loads `html` (a copy with the probe, written beside `work`) and reads what the probe recorded.
fn load(exe: &Path, html: &str, work: &Path, name: &str) -> Loaded {
    let page = work.join(name);
    std::fs::write(&page, with_probe(html)).unwrap();
    let args = ["--window-size=1280,2000", "--virtual-time-budget=10000", "--dump-dom"].map(String::from);
    let (dom, log) = chromium_run(exe, &page, &args);
    let attr = dom.split("data-probe=\"").nth(1).and_then(|r| r.split('"').next());
    let attr = attr.unwrap_or_else(|| panic!("{name}: the probe recorded nothing; log:\n{log}"));
    let json = attr.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let probe = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: probe record {json}: {e}"));
    let console = log.lines().filter(|l| l.contains(":CONSOLE")).map(String::from).collect();
    Loaded { probe, console }
}

/// Everything wrong with a loaded page that should show `expected` charts.
fn problems(loaded: &Loaded, expected: &[String]) -> Vec<String> {
    let mut problems: Vec<String> = loaded.console.iter().map(|l| format!("console: {l}")).collect();
    let p = &loaded.probe;
    problems.extend(p["errors"].as_array().into_iter().flatten().map(|e| format!("page: {e}")));
    let faces: Vec<&str> = p["fonts"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).collect();
    if !faces.contains(&"ipwarm DejaVu Sans:loaded") {
        problems.push(format!("the embedded chart font did not load: {faces:?}"));
    }
    let charts = p["charts"].as_array().cloned().unwrap_or_default();
    let ids: Vec<String> = charts.iter().filter_map(|c| c["id"].as_str().map(String::from)).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    if sorted != expected {
        problems.push(format!("charts {ids:?}, expected {expected:?}"));
    }
    for c in &charts {
        let n = |k: &str| c[k].as_u64().unwrap_or(0);
        let id = c["id"].as_str().unwrap_or("?");
        if n("width") < 600 || n("height") < 300 {
            problems.push(format!("chart {id} is {}x{} px", n("width"), n("height")));
        }
        if n("drawn") < 20 || n("texts") < 3 || n("bbox") == 0 {
            problems.push(format!(
                "chart {id} draws {} elements, {} texts (bbox {})",
                n("drawn"),
                n("texts"),
                n("bbox")
            ));
        }
        if !c["font"].as_str().unwrap_or("").starts_with("\"ipwarm DejaVu Sans\"") {
            problems.push(format!("chart {id} text is in {}", c["font"]));
        }
    }
    problems
}

/// The run report (default scenario) and a comparison's report, with their chart stems.
fn reports(dir: &Path) -> [(String, String, Vec<String>); 2] {
    ok(&ipwarm(dir, &["run", "--out", "run"]));
    let cmp = small_comparison(dir, "cmp", "png");
    let read = |d: &Path| std::fs::read_to_string(d.join("report.html")).unwrap();
    [
        ("run".into(), read(&dir.join("run")), chart_stems(&dir.join("run"), "png")),
        ("experiment".into(), read(&cmp), chart_stems(&cmp, "png")),
    ]
}

#[test]
fn reports_load_in_chromium_without_errors_and_every_chart_renders() {
    let Some(exe) = chromium_or_skip("reports_load_in_chromium_without_errors_and_every_chart_renders") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().canonicalize().unwrap();
    for (name, html, stems) in reports(&work) {
        let loaded = load(&exe, &html, &work, &format!("{name}-probe.html"));
        let found = problems(&loaded, &stems);
        assert!(found.is_empty(), "{name} report: {found:#?}");
        // A screenshot of the page as it is (no probe), at a desktop width.
        let page = work.join(format!("{name}.html"));
        std::fs::write(&page, &html).unwrap();
        let shot = work.join(format!("{name}.png"));
        let (_, log) =
            chromium_run(&exe, &page, &[format!("--screenshot={}", shot.display()), "--window-size=1280,2000".into()]);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{name} report, as shipped: {console:#?}");
        let png = std::fs::read(&shot).unwrap_or_default();
        assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "{name}: the screenshot is a PNG");
        assert!(png.len() > 50_000, "{name}: the screenshot is only {} bytes", png.len());
        if name == "run" && std::env::var("IPWARM_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1") {
            std::fs::write(root().join("docs/img/report.png"), &png).unwrap();
        }
    }
}

#[test]
fn the_browser_checks_fail_on_broken_pages() {
    let Some(exe) = chromium_or_skip("the_browser_checks_fail_on_broken_pages") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().canonicalize().unwrap();
    ok(&ipwarm(&work, &["run", "--out", "run"]));
    let html = std::fs::read_to_string(work.join("run/report.html")).unwrap();
    let stems = chart_stems(&work.join("run"), "png");
    assert!(problems(&load(&exe, &html, &work, "intact.html"), &stems).is_empty(), "the intact page passes");
    // An empty chart: its <svg> holds nothing.
    let start = html.find("<svg ").unwrap();
    let end = start + html[start..].find("</svg>").unwrap();
    let empty =
        format!("{}<svg width=\"1280\" height=\"800\" viewBox=\"0 0 1280 800\">{}", &html[..start], &html[end..]);
    let font = html.find("base64,").unwrap() + "base64,".len();
    let broken: [(&str, String, &str); 4] = [
        ("empty-chart", empty, "draws 0 elements"),
        ("script-error", html.replacen("</main>", "</main><script>notAFunction()</script>", 1), "notAFunction"),
        ("network", html.replacen("</main>", "</main><img src=\"https://example.invalid/x.png\">", 1), "img-src"),
        ("corrupt-font", format!("{}AAAA{}", &html[..font], &html[font + 400..]), "font did not load"),
    ];
    for (name, page, expected) in broken {
        let found = problems(&load(&exe, &page, &work, &format!("{name}.html")), &stems);
        assert!(found.iter().any(|p| p.contains(expected)), "{name}: the checks missed it ({expected}): {found:#?}");
    }
}
