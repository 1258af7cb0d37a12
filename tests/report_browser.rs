//! `report.html` in a real browser: the page is opened headless (Chromium or Chrome) at
//! 1366×768 and at 1920×1080 and the DOM it dumps must carry the page's own verdict —
//! `data-rendered="pick map charts"` on `<body>`, every parcel drawn, park labels and scattered
//! plots marked — and no `data-errors` (set by the page's `window.onerror`). A layout check
//! added to the page for the test ([`LAYOUT_CHECK`]) then measures what a reader sees: no table
//! wider than its card, no column narrower than the words in it, no cell taller than three
//! lines, nothing drawn on the map under its buttons, north arrow or scale bar, the legend off
//! the map, and a scale bar as long as it says. Printed, the page is A4.
//!
//! Without a browser on PATH the tests print that they were skipped and pass, unless
//! `MUCHAN_REQUIRE_BROWSER=1`, which makes them fail. `MUCHAN_BROWSER` names a browser
//! binary explicitly. `MUCHAN_REPORT_SCREENSHOTS=<dir>` also saves screenshots of the sample
//! county's report there, at both sizes and in both languages.

mod common;

use common::browser::{body_attr, browser, run_headless};
use geo::MultiPolygon;
use muchan::output::Lang;
use muchan::output::report::{
    LandWork, MAX_PARCELS_DRAWN, Ranking, ReportAlert, ReportBlock, ReportData, ReportEnterprise, ReportFragile,
    ReportParcel, ReportProblem, ReportReview, report_html,
};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

fn square(x: f64, y: f64, w: f64, h: f64) -> geo::LineString<f64> {
    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)].into()
}

/// A polygon of `rings` (exterior, then holes) as report geometry.
fn polygon(mut rings: Vec<geo::LineString<f64>>) -> MultiPolygon<f64> {
    let exterior = rings.remove(0);
    MultiPolygon::new(vec![geo::Polygon::new(exterior, rings)])
}

const CLASSES: [&str; 6] = ["A", "B", "C", "D", "T", "N"];

/// A `side × side` grid of 40 m × 30 m parcels in four parks (quadrants), in projected
/// metres; every 7th parcel has no user, every 13th is a scattered plot, 2×2 groups along the
/// diagonal form reclaim blocks.
fn grid(side: usize, zh: bool) -> ReportData<'static> {
    let (x0, y0) = (520_000.0, 3_150_000.0);
    let park_of =
        |i: usize, j: usize| format!("{} {}", if zh { "园区" } else { "Park" }, 1 + 2 * (j * 2 / side) + i * 2 / side);
    let block_of = |i: usize, j: usize| (i / 2 == j / 2 && (i / 2).is_multiple_of(5)).then_some(i / 10);
    let mut parcels = Vec::with_capacity(side * side);
    for j in 0..side {
        for i in 0..side {
            let k = j * side + i;
            let user = (!k.is_multiple_of(7)).then(|| format!("91330000MA{:08}", k / 4));
            let class = user.as_ref().map(|_| CLASSES[(i * 3 + j * 5 + k / 11) % 6]);
            let mut rings = vec![square(x0 + i as f64 * 40.0, y0 + j as f64 * 30.0, 38.0, 28.0)];
            if k.is_multiple_of(97) {
                rings.push(square(x0 + i as f64 * 40.0 + 10.0, y0 + j as f64 * 30.0 + 8.0, 12.0, 10.0));
            }
            parcels.push(ReportParcel {
                // Held for the whole test run, as the evaluation holds what a report borrows.
                parcel_id: format!("330100-{k:06}").leak(),
                user_name: user.as_ref().map(|u| &*format!("Enterprise {} <{}> & \"Co\"", &u[10..], k % 13).leak()),
                user: user.map(|u| &*u.leak()),
                class,
                park: Some(park_of(i, j).leak()),
                area_mu: 38.0 * 28.0 / 666.667,
                block_id: block_of(i, j),
                reasons: if k.is_multiple_of(7) { "idle".into() } else { String::new() },
                scattered: k.is_multiple_of(13),
                low_efficiency: k.is_multiple_of(17),
                warnings: if !k.is_multiple_of(7) && k.is_multiple_of(17) {
                    "power_drop".into()
                } else {
                    String::new()
                },
                geometry: Some(Box::leak(Box::new(polygon(rings)))),
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
            users: (0..1 + b % 5).map(|u| format!("Enterprise {b}{u} Textile Machinery Co., Ltd.")).collect(),
            parcel_ids: (0..1 + b % 9).map(|p| format!("330100-{:06}", b * 10 * (side + 1) + p)).collect(),
            geometry: Some(Cow::Owned(polygon(vec![square(
                x0 + b as f64 * 400.0 - 1.0,
                y0 + b as f64 * 300.0 - 1.0,
                80.0,
                60.0,
            )]))),
        })
        .collect();
    let enterprise = |rank: i64, score: f64, group: &str| ReportEnterprise {
        credit_code: format!("91330000MA{rank:08}"),
        name: Some(format!("Enterprise {rank} Precision Manufacturing Co., Ltd.")),
        group: group.into(),
        park: Some("Park 1".into()),
        industry: Some("3311 Manufacture of metal products".into()),
        total_score: Some(score),
        rank: Some(rank),
        class: CLASSES[(rank as usize) % 4].into(),
        note: "dormant_power; no_tax".into(),
        trend: (2020..=2024).map(|y| (y, CLASSES[(rank as usize + y as usize) % 4].into())).collect(),
    };
    let ranking = |group: &str, n: i64| Ranking {
        group: group.into(),
        key: group.into(),
        top: (1..=10).map(|r| enterprise(r, 99.0 - r as f64, group)).collect(),
        bottom: (0..10).map(|r| enterprise(n - r, 20.0 + r as f64, group)).collect(),
    };
    let scores = |n: usize, shift: f64| (0..n).map(|k| shift + 40.0 * ((k * 7919 % 1000) as f64 / 1000.0)).collect();
    let problem = |code: &str, severity: &str, count: u64| ReportProblem {
        code: code.into(),
        name: code.into(),
        severity: severity.into(),
        count,
        example: format!("parcel 330100-000001: an example of {code} with a message about as long as a real one"),
    };
    ReportData {
        year: 2024,
        lang: if zh { Lang::Zh } else { Lang::En },
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
        rankings: vec![ranking("above", 900), ranking("below", 500)],
        zombies: (1..=30).map(|r| enterprise(r, 30.0, "below")).collect(),
        high_emission: (1..=12).map(|r| enterprise(r, 40.0, "above")).collect(),
        month: Some(9),
        visits: (1..=12)
            .map(|r| ReportAlert {
                firm: enterprise(r, 50.0, "above"),
                rule: ["power_drop", "tax_drop", "dormant_watch", "sliding"][r as usize % 4].into(),
                evidence: "2024-07..09 kWh −42%, −38%, −51% y/y; total 71.25 (2023) → 52.10 (2024), −27%".into(),
            })
            .collect(),
        fragile: (1..=5)
            .map(|r| ReportFragile {
                firm: enterprise(r, 60.0, "below"),
                stability: 0.5 + 0.05 * r as f64,
                range: "A-C".into(),
            })
            .collect(),
        problems: vec![
            problem("unmatched_code", "warning", 12),
            problem("invalid_geometry", "error", 3),
            problem("area_mismatch", "notice", 41),
        ],
        land_work: Some(land_work(zh)),
        ..Default::default()
    }
}

/// 标准地 lists long enough to wrap: shortfalls with two short indicators, idle land, reviews
/// due next year.
fn land_work(zh: bool) -> LandWork {
    let review = |k: usize, detail: &str, amount: Option<f64>| ReportReview {
        parcel_id: format!("330100-{k:06}"),
        name: format!("Enterprise {k} Precision Machinery Manufacturing Co., Ltd."),
        area_mu: Some(12.5 + k as f64),
        review_year: Some(2024),
        detail: detail.to_string(),
        amount,
    };
    let short = if zh { "亩均税收 75%; 容积率 64%" } else { "tax_per_mu 75%; plot_ratio 64%" };
    LandWork {
        shortfalls: (1..=12).map(|k| review(k, short, Some(1234.5 * k as f64))).collect(),
        idle: (20..=23).map(|k| review(k, "3", Some(80.0))).collect(),
        due_next_year: (30..=35).map(|k| review(k, short, None)).collect(),
    }
}

/// Added to the page by the test (not part of the report): measures the layout a reader sees
/// and writes what is wrong, or `ok`, to `data-layout` on `<body>`.
const LAYOUT_CHECK: &str = r#"<script>
(function () {
  var problems = [], body = document.body, canvas = document.getElementById('map');
  var measure = document.createElement('canvas').getContext('2d');
  function px(v) { return parseFloat(v) || 0; }
  Array.prototype.forEach.call(document.querySelectorAll('.tables table'), function (table) {
    var id = table.closest('section').id, box = table.parentNode;
    if (table.scrollWidth > box.clientWidth + 1) {
      problems.push(id + ': table ' + table.scrollWidth + ' px wide in ' + box.clientWidth + ' px');
    }
    Array.prototype.forEach.call(table.querySelectorAll('td'), function (td) {
      var cs = getComputedStyle(td);
      var lines = (td.clientHeight - px(cs.paddingTop) - px(cs.paddingBottom)) / px(cs.lineHeight);
      var inner = td.clientWidth - px(cs.paddingLeft) - px(cs.paddingRight);
      var text = td.textContent.slice(0, 40);
      if (lines > 3.05) problems.push(id + ': ' + lines.toFixed(1) + ' lines: ' + text);
      if (td.scrollWidth > td.clientWidth + 1) problems.push(id + ': overflows: ' + text);
      measure.font = cs.font;
      td.textContent.split(/\s+/).forEach(function (word) {
        if (!word || /[\u3000-\u9fff\uff00-\uffef]/.test(word)) return;
        var w = measure.measureText(word).width;
        if (w > inner + 1) problems.push(id + ': "' + word + '" needs ' + w.toFixed(0) + ' px, has ' + inner.toFixed(0));
      });
    });
  });
  var c = canvas.getBoundingClientRect();
  var extent = (body.dataset.extent || '').split(' ').map(Number);
  function find(sel) { var el = document.querySelector(sel); if (!el) problems.push('no ' + sel); return el; }
  ['.zoom', '#map-north', '#map-scale'].forEach(function (sel) {
    var el = find(sel);
    if (!el) return;
    var r = el.getBoundingClientRect();
    var o = [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top];
    if (o[0] < extent[2] && extent[0] < o[2] && o[1] < extent[3] && extent[1] < o[3]) {
      problems.push(sel + ' covers the map data: ' + o.map(Math.round) + ' over ' + extent.map(Math.round));
    }
  });
  var legend = find('#map-card .legend');
  if (legend) {
    var l = legend.getBoundingClientRect();
    if (l.top < c.bottom && l.bottom > c.top) problems.push('the legend lies on the map');
  }
  if (document.getElementById('map-info').children.length) problems.push('the info panel covers the map before any hover');
  var scale = find('#map-scale');
  if (scale) {
    var bar = scale.firstChild.getBoundingClientRect().width;
    var metres = Number(scale.dataset.metres), mpp = Number(body.dataset.mpp);
    if (!(Math.abs(bar * mpp - metres) <= metres * 0.02) || !scale.lastChild.textContent) {
      problems.push('scale bar ' + bar + ' px × ' + mpp + ' m/px is not ' + metres + ' m');
    }
  }
  body.dataset.layout = problems.length ? problems.slice(0, 12).join(' | ') : 'ok';
})();
</script>"#;

/// The two screens a county office has: a laptop and a desktop.
const SIZES: [(u32, u32); 2] = [(1366, 768), (1920, 1080)];

/// Writes the report of `data` (with the layout check) and checks, at each screen size, the
/// verdict the page and the check left in the dumped DOM; returns the DOM of the last size, or
/// `None` when the test is skipped (no browser).
fn check(test: &str, data: &ReportData<'_>, mode: &str, drawn: usize) -> Option<String> {
    let browser = browser(test)?;
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    let html = report_html(data);
    std::fs::write(&page, html.replace("</body>", &format!("{LAYOUT_CHECK}</body>"))).expect("write report.html");
    eprintln!("{test}: {} parcels, report.html {} bytes", data.parcels.len(), html.len());
    let mut last = None;
    for (w, h) in SIZES {
        let (dom, log) =
            run_headless(&browser, &file_url(&page), &["--dump-dom".to_string(), format!("--window-size={w},{h}")]);
        let at = format!("{test} at {w}×{h}");
        assert!(dom.contains("<canvas id=\"map\""), "{at}: no DOM dumped; browser said:\n{log}");
        assert_eq!(body_attr(&dom, "data-errors"), None, "{at}: script errors");
        assert!(!log.contains("Uncaught"), "{at}: script error in the browser log:\n{log}");
        let rendered = body_attr(&dom, "data-rendered").unwrap_or_default();
        let verdict: Vec<&str> = rendered.split(' ').collect();
        for part in ["pick", "map", "charts"] {
            assert!(verdict.contains(&part), "{at}: rendered = {rendered:?}, no {part:?}");
        }
        assert_eq!(body_attr(&dom, "data-layout").as_deref(), Some("ok"), "{at}: layout");
        assert_eq!(body_attr(&dom, "data-drawn"), Some(drawn.to_string()), "{at}: shapes drawn");
        assert_eq!(body_attr(&dom, "data-blocks"), Some(data.blocks.len().to_string()), "{at}: blocks");
        assert_eq!(body_attr(&dom, "data-labels"), body_attr(&dom, "data-parks"), "{at}: every park labelled");
        assert_eq!(body_attr(&dom, "data-marks"), body_attr(&dom, "data-scattered"), "{at}: scattered plots marked");
        let scattered = data.parcels.iter().filter(|p| p.scattered && p.has_shape()).count();
        assert_eq!(body_attr(&dom, "data-scattered"), Some(scattered.to_string()), "{at}: scattered plots");
        let warned = data.parcels.iter().filter(|p| !p.warnings.is_empty() && p.has_shape()).count();
        let warned = if mode == "parks" { 0 } else { warned };
        assert_eq!(body_attr(&dom, "data-warned"), Some(warned.to_string()), "{at}: parcels of firms to visit");
        let numbered: usize = body_attr(&dom, "data-block-labels").and_then(|n| n.parse().ok()).unwrap_or(0);
        assert!(numbered >= data.blocks.len().min(1), "{at}: no reclaim block numbered on the map");
        assert!(dom.contains(&format!("data-mode=\"{mode}\"")), "{at}: map mode");
        for id in ["figures", "visits", "fragile", "zombies", "high-emission", "blocks", "problems"] {
            assert!(dom.contains(&format!("id=\"{id}\"")), "{at}: no #{id}");
        }
        for r in &data.rankings {
            for end in ["top", "bottom"] {
                assert!(dom.contains(&format!("id=\"{end}-{}\"", r.key)), "{at}: no {end} list of {}", r.key);
            }
        }
        last = Some(dom);
    }
    last
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

/// The sample county evaluated, with its data problems.
struct Sample {
    eval: muchan::pipeline::Evaluation,
    issues: Vec<muchan::quality::Issue>,
}

impl Sample {
    fn evaluate() -> Sample {
        use muchan::{config::Config, pipeline, quality::Ledger};
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let ledger = Ledger::new();
        let eval = pipeline::evaluate(&sample, Config::default(), pipeline::Context::new(&ledger))
            .expect("the sample county evaluates");
        Sample { eval, issues: ledger.sorted() }
    }

    /// The report data in `lang`.
    fn report(&self, lang: Lang) -> ReportData<'_> {
        use muchan::output::{parcels::users, report_data::report_data};
        let users = users(&self.eval).expect("the users");
        report_data(&self.eval, &users, &self.issues, lang).expect("report data")
    }
}

/// The sample's lists: each group's bottom list holds only its own group's enterprises, and the
/// key figures are on the page.
fn check_sample_lists(dom: &str, data: &ReportData<'_>, eval: &muchan::pipeline::Evaluation) {
    let frame = &eval.rating.frame;
    let (codes, groups) = (frame.column("code").unwrap().str().unwrap(), frame.column("group").unwrap().str().unwrap());
    let group_of = |code: &str| codes.iter().position(|c| c == Some(code)).and_then(|i| groups.get(i));
    for r in &data.rankings {
        assert_eq!(r.bottom.len(), 10, "{}", r.key);
        for e in r.top.iter().chain(&r.bottom) {
            assert_eq!(group_of(&e.credit_code), Some(r.key.as_str()), "{} in the {} list", e.credit_code, r.key);
        }
    }
    let f = &data.figures;
    assert!(f.zombies > 0 && f.high_emission > 0 && f.surcharge_yuan > 0.0 && f.reclaimable_mu > 0.0, "{f:?}");
    assert!(dom.contains(&format!("data-fig=\"zombies\"><b>{}</b>", f.zombies)), "zombie figure");
    assert!(dom.contains(&format!("data-fig=\"high-emission\"><b>{}</b>", f.high_emission)), "双高 figure");
    assert_eq!(data.zombies.len() as u64, f.zombies, "every zombie listed");
    assert_eq!(data.high_emission.len() as u64, f.high_emission, "every 双高 listed");
    let fired = |fragile: bool| {
        eval.alerts.by_row.iter().flatten().filter(|a| (a.rule.as_str() == "fragile") == fragile).count()
    };
    assert_eq!((data.visits.len(), data.fragile.len()), (fired(false), fired(true)), "every warning listed");
    assert!(data.fragile.windows(2).all(|w| w[0].stability <= w[1].stability), "least stable first");
}

/// The sample county's report in `lang`, checked in the browser with its lists; its DOM and data
/// (`None`: skipped).
fn check_sample<'a>(test: &str, sample: &'a Sample, lang: Lang) -> Option<(String, ReportData<'a>)> {
    let data = sample.report(lang);
    let drawn = data.parcels.iter().filter(|p| p.has_shape()).count();
    let dom = check(test, &data, "parcels", drawn)?;
    check_sample_lists(&dom, &data, &sample.eval);
    Some((dom, data))
}

#[test]
fn sample_county_report_renders_in_a_browser() {
    let sample = Sample::evaluate();
    let Some((dom, _)) = check_sample("sample_county_report_renders_in_a_browser", &sample, Lang::En) else { return };
    assert!(dom.contains("3311 Manufacture of metal products"), "industries named by their GB/T 4754 division");
}

/// `--lang zh`: every word a reader meets is Chinese — groups, zombie rules, problem names and
/// messages, industries (codes stay as a second column).
#[test]
fn sample_county_report_in_chinese() {
    let sample = Sample::evaluate();
    let Some((dom, data)) = check_sample("sample_county_report_in_chinese", &sample, Lang::Zh) else { return };
    for english in [
        ">above<",
        ">below<",
        "above</b>",
        "below</b>",
        "dormant_power",
        "no_tax<",
        "persistent_losses",
        "power_drop",
        "tax_drop",
        "dormant_watch",
        ">sliding<",
    ] {
        assert!(!dom.contains(english), "{english} left in English");
    }
    for chinese in
        ["排名靠后企业 — 规上", "排名靠后企业 — 规下", "3311 金属制品业", "重复记录", "<code>duplicate_row</code>"]
    {
        assert!(dom.contains(chinese), "no {chinese}");
    }
    let rules = data.zombies.iter().map(|z| z.note.as_str()).collect::<Vec<_>>().join("; ");
    assert!(!rules.is_empty() && rules.chars().all(|c| !c.is_ascii_alphabetic()), "zombie rules: {rules}");
    assert!(data.problems.iter().all(|p| !p.name.is_ascii() && !p.example.is_ascii()));
}

/// "Print to PDF" gives A4 pages, the map on the first.
#[test]
fn the_printed_report_is_a4() {
    let Some(browser) = browser("the_printed_report_is_a4") else { return };
    let sample = Sample::evaluate();
    let data = sample.report(Lang::Zh);
    let dir = tempfile::tempdir().expect("temp dir");
    let (page, pdf) = (dir.path().join("report.html"), dir.path().join("report.pdf"));
    std::fs::write(&page, report_html(&data)).expect("write report.html");
    let args = [format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_string()];
    let (_, log) = run_headless(&browser, &file_url(&page), &args);
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF written; browser said:\n{log}"));
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox [")
        .map(|(at, _)| &text[at + 11..at + 11 + text[at + 11..].find(']').unwrap_or(0)])
        .collect();
    assert!(boxes.len() >= 2, "{} pages", boxes.len());
    for b in &boxes {
        let v: Vec<f64> = b.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        assert!(v.len() == 4 && (v[2] - 595.0).abs() < 1.0 && (v[3] - 842.0).abs() < 1.0, "not A4: [{b}]");
    }
}

/// With `MUCHAN_REPORT_SCREENSHOTS=<dir>`: the sample county's report at both sizes, in both
/// languages (docs/report-*.png).
#[test]
fn screenshots_of_the_sample_report() {
    let Some(dir) = std::env::var_os("MUCHAN_REPORT_SCREENSHOTS").map(PathBuf::from) else { return };
    let Some(browser) = browser("screenshots_of_the_sample_report") else { return };
    let temp = tempfile::tempdir().expect("temp dir");
    let sample = Sample::evaluate();
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let page = temp.path().join(format!("report-{name}.html"));
        std::fs::write(&page, report_html(&sample.report(lang))).expect("write report.html");
        for (w, h) in SIZES {
            let shot = std::path::absolute(dir.join(format!("report-{name}-{w}x{h}.png"))).expect("path");
            let args = [format!("--screenshot={}", shot.display()), format!("--window-size={w},{h}")];
            let (_, log) = run_headless(&browser, &file_url(&page), &args);
            assert!(shot.is_file(), "no screenshot written; browser said:\n{log}");
        }
    }
}

/// The `file://` URL of a page.
fn file_url(page: &Path) -> String {
    format!("file://{}", page.display())
}
