//! `report.html` in a real browser: the page is opened headless (Chromium or Chrome) and the
//! DOM it dumps must carry the page's own verdict — `data-rendered="map charts"` on `<body>`,
//! every parcel drawn — and no `data-errors` (set by the page's `window.onerror`).
//!
//! Without a browser on PATH the tests print that they were skipped and pass, unless
//! `MUCHAN_REQUIRE_BROWSER=1`, which makes them fail. `MUCHAN_BROWSER` names a browser
//! binary explicitly. `MUCHAN_REPORT_SCREENSHOT=<file.png>` also saves a 1400×1000
//! screenshot of the 10,000-parcel report there.

use muchan::output::report::{MAX_PARCELS_DRAWN, ReportBlock, ReportData, ReportEnterprise, ReportParcel, report_html};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BROWSERS: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const TIMEOUT: Duration = Duration::from_secs(180);

/// The browser to use, or `None` after printing why the test is skipped (a panic when one
/// is required).
fn browser(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("MUCHAN_BROWSER").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).flat_map(|dir| BROWSERS.map(|b| dir.join(b))).find(|p| p.is_file())
    });
    if found.is_none() {
        let required = std::env::var("MUCHAN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(!required, "{test}: MUCHAN_REQUIRE_BROWSER=1 but no browser ({}) on PATH", BROWSERS.join(", "));
        eprintln!("{test}: SKIPPED — no browser ({}) on PATH", BROWSERS.join(", "));
    }
    found
}

/// Runs the browser headless on `page` with `extra` arguments; returns stdout and stderr.
fn run_headless(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
    ]
    .map(String::from)
    .to_vec();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    args.extend_from_slice(extra);
    args.push(format!("file://{}", page.display()));
    let mut child = Command::new(browser)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish within {TIMEOUT:?}", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out.join().unwrap_or_default(), err.join().unwrap_or_default())
}

/// The value of attribute `name` on the dumped `<body>` tag.
fn body_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<body")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!("{name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

fn square(x: f64, y: f64, w: f64, h: f64) -> Vec<[f64; 2]> {
    vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
}

const CLASSES: [&str; 6] = ["A", "B", "C", "D", "T", "N"];

/// A `side × side` grid of 40 m × 30 m parcels in four parks (quadrants), in projected
/// metres; every 7th parcel has no user, 2×2 groups along the diagonal form reclaim blocks.
fn grid(side: usize, zh: bool) -> ReportData {
    let (x0, y0) = (520_000.0, 3_150_000.0);
    let park_of =
        |i: usize, j: usize| format!("{} {}", if zh { "园区" } else { "Park" }, 1 + 2 * (j * 2 / side) + i * 2 / side);
    let block_of = |i: usize, j: usize| (i / 2 == j / 2 && (i / 2).is_multiple_of(5)).then_some(i / 10);
    let mut parcels = Vec::with_capacity(side * side);
    for j in 0..side {
        for i in 0..side {
            let k = j * side + i;
            let user = (!k.is_multiple_of(7)).then(|| format!("91330000MA{:08}", k / 4));
            let class = user.as_ref().map(|_| CLASSES[(i * 3 + j * 5 + k / 11) % 6].to_string());
            let mut rings = vec![square(x0 + i as f64 * 40.0, y0 + j as f64 * 30.0, 38.0, 28.0)];
            if k.is_multiple_of(97) {
                rings.push(square(x0 + i as f64 * 40.0 + 10.0, y0 + j as f64 * 30.0 + 8.0, 12.0, 10.0));
            }
            parcels.push(ReportParcel {
                parcel_id: format!("330100-{k:06}"),
                user_name: user.as_ref().map(|u| format!("Enterprise {} <{}> & \"Co\"", &u[10..], k % 13)),
                user,
                class,
                park: Some(park_of(i, j)),
                area_mu: 38.0 * 28.0 / 666.667,
                block_id: block_of(i, j),
                reasons: if k.is_multiple_of(7) { "no_user".into() } else { String::new() },
                rings,
            });
        }
    }
    let blocks = (0..side / 10)
        .map(|b| ReportBlock {
            block_id: b,
            area_mu: 6.4,
            current_tax: 10.0 + b as f64,
            potential_tax: 80.0 + 3.0 * b as f64,
            gain: 70.0 + 2.0 * b as f64,
            users: format!("U{b}"),
            parcel_ids: format!("330100-{:06};330100-{:06}", b * 10 * (side + 1), b * 10 * (side + 1) + 1),
            rings: vec![square(x0 + b as f64 * 400.0 - 1.0, y0 + b as f64 * 300.0 - 1.0, 80.0, 60.0)],
        })
        .collect();
    let enterprise = |rank: i64, score: f64| ReportEnterprise {
        credit_code: format!("91330000MA{rank:08}"),
        name: Some(format!("Enterprise {rank}")),
        group: if rank % 2 == 0 { "above" } else { "below" }.into(),
        park: Some("Park 1".into()),
        total_score: score,
        rank,
        class: CLASSES[(rank as usize) % 4].into(),
    };
    let scores = |n: usize, shift: f64| (0..n).map(|k| shift + 40.0 * ((k * 7919 % 1000) as f64 / 1000.0)).collect();
    ReportData {
        year: 2024,
        zh,
        parcels,
        blocks,
        class_counts: CLASSES.iter().zip([310, 620, 540, 180, 90, 40]).map(|(c, n)| (c.to_string(), n)).collect(),
        park_classes: (1..=4)
            .map(|p| {
                let counts = CLASSES.iter().zip([70, 150, 140, 40, 20, 10]).map(|(c, n)| (c.to_string(), n + p * 7));
                (format!("Park {p}"), counts.collect())
            })
            .collect(),
        scores: vec![("above".into(), scores(900, 50.0)), ("below".into(), scores(500, 35.0))],
        top: (1..=20).map(|r| enterprise(r, 99.0 - r as f64)).collect(),
        bottom: (1..=20).map(|r| enterprise(1760 - r, 20.0 + r as f64)).collect(),
        problems: vec![
            ("unmatched_code".into(), "warning".into(), 12),
            ("invalid_geometry".into(), "error".into(), 3),
            ("area_mismatch".into(), "notice".into(), 41),
        ],
    }
}

/// Writes the report of `data` and checks the verdict the page left in the dumped DOM.
fn check(test: &str, data: &ReportData, mode: &str, drawn: usize) {
    let Some(browser) = browser(test) else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    let html = report_html(data);
    std::fs::write(&page, &html).expect("write report.html");
    eprintln!("{test}: {} parcels, report.html {} bytes", data.parcels.len(), html.len());
    let (dom, log) = run_headless(&browser, &page, &["--dump-dom".to_string()]);
    assert!(dom.contains("<canvas id=\"map\""), "{test}: no DOM dumped; browser said:\n{log}");
    assert_eq!(body_attr(&dom, "data-errors"), None, "{test}: script errors");
    assert!(!log.contains("Uncaught"), "{test}: script error in the browser log:\n{log}");
    let rendered = body_attr(&dom, "data-rendered").unwrap_or_default();
    let verdict: Vec<&str> = rendered.split(' ').collect();
    for part in ["pick", "map", "charts"] {
        assert!(verdict.contains(&part), "{test}: rendered = {rendered:?}, no {part:?}");
    }
    assert_eq!(body_attr(&dom, "data-drawn"), Some(drawn.to_string()), "{test}: shapes drawn");
    assert_eq!(body_attr(&dom, "data-blocks"), Some(data.blocks.len().to_string()), "{test}: blocks");
    assert!(dom.contains(&format!("data-mode=\"{mode}\"")), "{test}: map mode");
    assert!(dom.contains("<dd class=\"hint\">"), "{test}: the info panel was not filled");
    if let Some(shot) = std::env::var_os("MUCHAN_REPORT_SCREENSHOT").filter(|_| mode == "parcels" && !data.zh) {
        let shot = std::path::absolute(PathBuf::from(shot)).expect("screenshot path");
        let args = [format!("--screenshot={}", shot.display()), "--window-size=1400,1000".to_string()];
        let (_, log) = run_headless(&browser, &page, &args);
        assert!(shot.is_file(), "{test}: no screenshot written; browser said:\n{log}");
        eprintln!("{test}: screenshot {}", shot.display());
    }
}

#[test]
fn report_with_10000_parcels_renders_in_a_browser() {
    let data = grid(100, false);
    check("report_with_10000_parcels_renders_in_a_browser", &data, "parcels", data.parcels.len());
}

#[test]
fn report_above_the_limit_draws_parks() {
    let side = (MAX_PARCELS_DRAWN as f64).sqrt().ceil() as usize + 2;
    let data = grid(side, false);
    assert!(data.parcels.len() > MAX_PARCELS_DRAWN);
    check("report_above_the_limit_draws_parks", &data, "parks", 4);
}

#[test]
fn chinese_report_renders_in_a_browser() {
    let data = grid(30, true);
    check("chinese_report_renders_in_a_browser", &data, "parcels", data.parcels.len());
}

#[test]
fn sample_county_report_renders_in_a_browser() {
    use muchan::{config::Config, output::report_data::report_data, pipeline, quality::Ledger};
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(&sample, Config::default(), pipeline::Context::new(&ledger))
        .expect("the sample county evaluates");
    let data = report_data(&eval, &ledger.sorted(), false).expect("report data");
    let drawn = data.parcels.iter().filter(|p| !p.rings.is_empty()).count();
    check("sample_county_report_renders_in_a_browser", &data, "parcels", drawn);
}
