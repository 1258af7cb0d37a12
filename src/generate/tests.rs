//! Tests of the generator: determinism, valid codes, row counts, GeoJSON shape, shared
//! boundaries inside blocks, the planted cases, and the messy variant's problems.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::keys::{check_code, normalize_code};

const FILES: [&str; 8] = [
    "enterprises.csv",
    "tax.csv",
    "energy.csv",
    "leases.csv",
    "adjustments.csv",
    "parcels.geojson",
    "buildings.geojson",
    "commitments.csv",
];

fn options(enterprises: usize, crs: OutputCrs, messy: bool) -> GenerateOptions {
    GenerateOptions { enterprises, seed: 7, crs, year: 2024, messy, counties: None }
}

fn run(opts: &GenerateOptions) -> (tempfile::TempDir, GenerateReport) {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = generate(opts, dir.path()).expect("generate");
    (dir, report)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("utf-8 file")
}

/// Data rows of a clean CSV as cells.
fn rows(dir: &Path, name: &str) -> Vec<Vec<String>> {
    read(dir, name).lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

struct Feature {
    props: serde_json::Map<String, serde_json::Value>,
    /// Polygons, each a list of rings.
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

fn prop<'a>(f: &'a Feature, name: &str) -> &'a str {
    f.props.get(name).and_then(|v| v.as_str()).unwrap_or("")
}

fn ring(value: &serde_json::Value) -> Vec<[f64; 2]> {
    let points = value.as_array().expect("ring");
    points.iter().map(|p| [p[0].as_f64().expect("x"), p[1].as_f64().expect("y")]).collect()
}

fn features(dir: &Path) -> (serde_json::Value, Vec<Feature>) {
    let doc: serde_json::Value = serde_json::from_str(&read(dir, "parcels.geojson")).expect("valid JSON");
    let list = doc["features"].as_array().expect("features").iter().map(|f| {
        let geometry = &f["geometry"];
        let coordinates = geometry["coordinates"].as_array().expect("coordinates");
        let polygon = |p: &serde_json::Value| p.as_array().expect("polygon").iter().map(ring).collect::<Vec<_>>();
        let polygons = match geometry["type"].as_str() {
            Some("Polygon") => vec![polygon(&geometry["coordinates"])],
            _ => coordinates.iter().map(polygon).collect(),
        };
        Feature { props: f["properties"].as_object().expect("properties").clone(), polygons }
    });
    let list = list.collect();
    (doc, list)
}

fn signed_area(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum::<f64>() / 2.0
}

#[test]
fn same_seed_gives_identical_files() {
    let opts = options(700, OutputCrs::LonLat, true);
    let (a, report_a) = run(&opts);
    let (b, report_b) = run(&opts);
    assert_eq!(report_a, report_b);
    for name in FILES {
        let (x, y) = (std::fs::read(a.path().join(name)).expect("a"), std::fs::read(b.path().join(name)).expect("b"));
        assert!(x == y, "{name} differs between runs");
    }
    let (c, _) = run(&GenerateOptions { seed: 8, ..opts });
    assert_ne!(std::fs::read(a.path().join("energy.csv")).ok(), std::fs::read(c.path().join("energy.csv")).ok());
}

#[test]
fn clean_codes_are_valid_and_counts_match() {
    let (dir, report) = run(&options(900, OutputCrs::GaussKruger, false));
    let d = dir.path();
    for (name, column, count) in [
        ("enterprises.csv", 0, report.enterprise_rows),
        ("tax.csv", 0, report.tax_rows),
        ("energy.csv", 0, report.energy_rows),
        ("leases.csv", 1, report.lease_rows),
        ("adjustments.csv", 0, report.adjustment_rows),
    ] {
        let table = rows(d, name);
        assert_eq!(table.len(), count, "{name} rows");
        assert!(count > 0, "{name} is empty");
        for row in &table {
            assert!(check_code(&row[column]), "{name}: invalid code {}", row[column]);
        }
    }
    let codes: std::collections::BTreeSet<String> =
        rows(d, "enterprises.csv").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(codes.len(), report.enterprises);
    let (_, parcels) = features(d);
    assert_eq!(parcels.len(), report.parcels);
    for f in &parcels {
        let holder = prop(f, "权利人代码");
        assert!(holder.is_empty() || codes.contains(holder), "unknown holder {holder}");
    }
    // About 34 monthly energy rows per firm, as a province would have.
    let per_firm = report.energy_rows as f64 / report.enterprises as f64;
    assert!((30.0..37.0).contains(&per_firm), "{per_firm} energy rows per firm");
}

#[test]
fn geojson_is_closed_and_counter_clockwise_in_both_crs() {
    for crs in [OutputCrs::LonLat, OutputCrs::GaussKruger] {
        let (dir, report) = run(&options(300, crs, false));
        let (doc, parcels) = features(dir.path());
        assert_eq!(doc.get("crs").is_some(), crs == OutputCrs::GaussKruger);
        assert_eq!(parcels.len(), report.parcels);
        for f in &parcels {
            let exterior = &f.polygons[0][0];
            assert_eq!(exterior.first(), exterior.last(), "ring not closed");
            assert!(signed_area(exterior) > 0.0, "clockwise exterior");
            let [x, y] = exterior[0];
            match crs {
                OutputCrs::LonLat => assert!((115.0..125.0).contains(&x) && (25.0..35.0).contains(&y)),
                OutputCrs::GaussKruger => assert!((0.0..1_000_000.0).contains(&x) && y > 3_000_000.0),
            }
            let registered = f.props["登记面积"].as_f64().expect("registered area");
            assert!((2.5..400.0).contains(&registered), "registered {registered}");
        }
    }
}

/// Edges of all parcels, for shared-length tests (GK metres).
struct Edges {
    owners: Vec<String>,
    industrial: Vec<bool>,
    segments: Vec<(usize, [f64; 2], [f64; 2])>,
    grid: BTreeMap<(i64, i64), Vec<usize>>,
}

const CELL: f64 = 25.0;

impl Edges {
    fn new(parcels: &[Feature]) -> Edges {
        let mut edges =
            Edges { owners: Vec::new(), industrial: Vec::new(), segments: Vec::new(), grid: BTreeMap::new() };
        for (i, f) in parcels.iter().enumerate() {
            let holder = prop(f, "权利人代码");
            edges.owners.push(if holder.is_empty() { format!("parcel:{i}") } else { holder.to_string() });
            edges.industrial.push(!prop(f, "土地用途").ends_with("用地") || prop(f, "土地用途").contains("工业"));
            for w in f.polygons[0][0].windows(2) {
                let s = edges.segments.len();
                edges.segments.push((i, w[0], w[1]));
                let (x0, x1) = (w[0][0].min(w[1][0]), w[0][0].max(w[1][0]));
                let (y0, y1) = (w[0][1].min(w[1][1]), w[0][1].max(w[1][1]));
                for gx in ((x0 - 1.0) / CELL).floor() as i64..=((x1 + 1.0) / CELL).floor() as i64 {
                    for gy in ((y0 - 1.0) / CELL).floor() as i64..=((y1 + 1.0) / CELL).floor() as i64 {
                        edges.grid.entry((gx, gy)).or_default().push(s);
                    }
                }
            }
        }
        edges
    }

    /// Parcels other than `me` with an edge within `tol` of `p`.
    fn near(&self, me: usize, p: [f64; 2], tol: f64) -> Vec<usize> {
        let key = ((p[0] / CELL).floor() as i64, (p[1] / CELL).floor() as i64);
        let mut out: Vec<usize> = self
            .grid
            .get(&key)
            .into_iter()
            .flatten()
            .filter_map(|&s| {
                let (owner, a, b) = self.segments[s];
                (owner != me && point_segment(p, a, b) <= tol).then_some(owner)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Metres of parcel `me`'s boundary near each other user, near any parcel, near
    /// industrial parcels of other users, and its perimeter.
    fn shared(&self, me: usize, tol: f64) -> Shared {
        let mut by_user = BTreeMap::new();
        let (mut perimeter, mut industrial_other, mut any) = (0.0, 0.0, 0.0);
        for &(owner, a, b) in self.segments.iter().filter(|s| s.0 == me) {
            let length = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
            perimeter += length;
            let steps = (length / 0.5).ceil().max(1.0) as usize;
            for k in 0..steps {
                let t = (k as f64 + 0.5) / steps as f64;
                let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                let near = self.near(owner, p, tol);
                if !near.is_empty() {
                    any += length / steps as f64;
                }
                let users: std::collections::BTreeSet<&String> =
                    near.iter().filter(|&&q| self.owners[q] != self.owners[me]).map(|&q| &self.owners[q]).collect();
                for user in users {
                    *by_user.entry(user.clone()).or_insert(0.0) += length / steps as f64;
                }
                if near.iter().any(|&q| self.industrial[q] && self.owners[q] != self.owners[me]) {
                    industrial_other += length / steps as f64;
                }
            }
        }
        Shared { by_user, perimeter, industrial_other, any }
    }
}

struct Shared {
    by_user: BTreeMap<String, f64>,
    perimeter: f64,
    industrial_other: f64,
    any: f64,
}

fn point_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    ((p[0] - a[0] - t * dx).powi(2) + (p[1] - a[1] - t * dy).powi(2)).sqrt()
}

#[test]
fn parcels_of_a_block_share_boundaries_and_plots_are_planted() {
    let (dir, _) = run(&options(800, OutputCrs::GaussKruger, false));
    let (_, parcels) = features(dir.path());
    let edges = Edges::new(&parcels);
    let mut sharing = 0;
    let (mut scattered, mut islands) = (0, 0);
    for (i, f) in parcels.iter().enumerate() {
        // Gaps are at most 0.3 m (plus coordinate rounding).
        let Shared { by_user, perimeter, industrial_other, any } = edges.shared(i, 0.301);
        let shared_any: f64 = by_user.values().copied().fold(0.0, f64::max);
        if any > 20.0 {
            sharing += 1;
        }
        let area_mu = signed_area(&f.polygons[0][0]) / M2_PER_MU;
        if area_mu <= 15.0 && shared_any / perimeter >= 0.6 {
            scattered += 1;
        }
        if !edges.industrial[i] && industrial_other / perimeter >= 0.75 {
            islands += 1;
        }
    }
    let share = sharing as f64 / parcels.len() as f64;
    assert!(share > 0.9, "only {share} of parcels share a boundary");
    assert!(scattered >= 2, "{scattered} scattered plots");
    assert!(islands >= 1, "{islands} non-industrial islands");
    // Roads keep blocks apart: no parcel comes within 10 m of more than a handful of others.
    let mut neighbours = 0usize;
    for (i, f) in parcels.iter().enumerate().take(200) {
        let centre = f.polygons[0][0][0];
        neighbours += edges.near(i, centre, 1.0).len();
    }
    assert!(neighbours < 200 * 4);
}

#[test]
fn planted_cases_are_present() {
    let (dir, report) = run(&options(2_000, OutputCrs::LonLat, false));
    let d = dir.path();
    let (_, parcels) = features(d);
    let count = |pred: &dyn Fn(&Feature) -> bool| parcels.iter().filter(|f| pred(f)).count();
    assert!(count(&|f| prop(f, "状态") == "闲置") > 10);
    assert!(count(&|f| prop(f, "权利人代码").is_empty()) > 20);
    for land_use in ["工业用地", "0601", "M2", "", "住宅用地", "商业用地", "公共设施用地"] {
        assert!(count(&|f| prop(f, "土地用途") == land_use) > 0, "no land use {land_use:?}");
    }
    let mut holdings: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &parcels {
        *holdings.entry(prop(f, "权利人代码")).or_default() += 1;
    }
    assert!(holdings.iter().filter(|(k, n)| !k.is_empty() && **n >= 2).count() > 100);
    // About 1.2 parcels a firm: a province of 100,000 firms has about 120,000 parcels.
    let per_firm = parcels.len() as f64 / report.enterprises as f64;
    assert!((1.1..1.4).contains(&per_firm), "{per_firm} parcels per firm");
    let mut areas: Vec<f64> = parcels.iter().map(|f| f.props["登记面积"].as_f64().unwrap_or(0.0)).collect();
    areas.sort_by(f64::total_cmp);
    let median = areas[areas.len() / 2];
    assert!((12.0..40.0).contains(&median), "median parcel {median} mu");
    assert!(rows(d, "leases.csv").iter().any(|r| r[2].is_empty()));
    // Dormant electricity: six or more consecutive months under 1,000 kWh in 2024.
    let mut months: BTreeMap<String, Vec<(u32, f64)>> = BTreeMap::new();
    for r in rows(d, "energy.csv").into_iter().filter(|r| r[1] == "2024") {
        months.entry(r[0].clone()).or_default().push((r[2].parse().unwrap_or(0), r[3].parse().unwrap_or(0.0)));
    }
    let dormant = months.values().filter(|m| {
        let mut run = 0;
        m.iter().any(|&(_, kwh)| {
            run = if kwh < 1000.0 { run + 1 } else { 0 };
            run >= 6
        })
    });
    assert!(dormant.count() >= 10);
    let vetoes = rows(d, "adjustments.csv").iter().filter(|r| r[3] == "是").count();
    assert!(vetoes >= 1);
    let exempt = rows(d, "enterprises.csv").iter().filter(|r| r[14] == "是").count();
    assert!(exempt >= 3);
}

#[test]
fn messy_data_has_the_usual_problems() {
    let (dir, report) = run(&options(2_000, OutputCrs::LonLat, true));
    let d = dir.path();
    let raw = std::fs::read(d.join("enterprises.csv")).expect("enterprises");
    assert!(std::str::from_utf8(&raw).is_err(), "enterprises.csv should be GBK");
    let (text, _, errors) = encoding_rs::GBK.decode(&raw);
    assert!(!errors);
    assert!(text.starts_with("统一社会信用代码,企业名称"));
    assert_eq!(text.lines().count() - 1, report.enterprise_rows);
    let tax = std::fs::read(d.join("tax.csv")).expect("tax");
    assert!(tax.starts_with("\u{feff}".as_bytes()));
    let energy = read(d, "energy.csv");
    assert!(energy.lines().any(|l| l.split(',').nth(2) == Some("13")), "no month 13");
    assert!(energy.contains("N/A") && energy.contains(",\"1,"), "no missing tokens or separators");
    let codes: Vec<String> = text.lines().skip(1).map(|l| l.split(',').next().unwrap_or("").to_string()).collect();
    assert!(codes.iter().any(|c| c.chars().any(|ch| ch.is_ascii_lowercase())), "no lower-case code");
    assert!(codes.iter().any(|c| !c.is_ascii()), "no full-width code");
    assert!(codes.iter().any(|c| !check_code(&normalize_code(c))), "no wrong check character");
    let (_, parcels) = features(d);
    assert!(parcels.iter().any(|f| f.polygons.len() == 2 && f.polygons[0].len() == 2), "no holed multipolygon");
    assert!(parcels.iter().any(|f| f.polygons[0][0].first() != f.polygons[0][0].last()), "no unclosed ring");
    assert!(parcels.iter().any(|f| f.polygons[0][0].windows(2).any(|w| w[0] == w[1])), "no repeated vertex");
    let mut ids: Vec<&str> = parcels.iter().map(|f| prop(f, "宗地编号")).collect();
    ids.sort_unstable();
    assert!(ids.windows(2).any(|w| w[0] == w[1]), "no duplicated parcel id");
}

#[test]
fn named_scales() {
    assert_eq!(scale_enterprises("county"), Some(2_000));
    assert_eq!(scale_enterprises("province"), Some(100_000));
    assert_eq!(scale_enterprises("nation"), Some(3_000_000));
    assert_eq!(scale_enterprises("city"), None);
}

#[test]
fn tiny_runs_work() {
    for n in [0, 1, 7] {
        let (_, report) = run(&options(n, OutputCrs::GaussKruger, false));
        assert_eq!(report.enterprises, n);
    }
}

#[test]
fn land_work_shows_buildings_shortfalls_and_idle_land() {
    let (dir, report) = run(&options(600, OutputCrs::GaussKruger, false));
    let d = dir.path();
    assert_eq!(rows(d, "commitments.csv").len(), report.commitment_rows);
    let doc: serde_json::Value = serde_json::from_str(&read(d, "buildings.geojson")).expect("valid JSON");
    let features = doc["features"].as_array().expect("features");
    assert_eq!(features.len(), report.buildings);
    assert!(report.buildings > report.parcels / 2, "most parcels built: {} buildings", report.buildings);
    let tall_single = features.iter().filter(|f| {
        let p = &f["properties"];
        p["层数"] == "1" && p["建筑高度"].as_str().and_then(|h| h.parse::<f64>().ok()).is_some_and(|h| h > 8.0)
    });
    assert!(tall_single.count() > 10, "tall single-storey workshops");
    let ledger = crate::quality::Ledger::new();
    let eval = crate::pipeline::evaluate(d, crate::config::Config::default(), crate::pipeline::Context::new(&ledger))
        .expect("the generated county evaluates");
    let reviews = eval.commitments.as_ref().expect("commitments read");
    let count = |s: crate::domain::ReviewStatus| reviews.reviews.iter().filter(|r| r.status == s).count();
    assert!(count(crate::domain::ReviewStatus::Shortfall) > 0, "some 标准地 fall short");
    assert!(count(crate::domain::ReviewStatus::Met) > 0, "some meet their commitments");
    assert!(reviews.reviews.iter().any(|r| r.idle_years >= 1), "idle land");
    let outside = ledger.sorted().iter().filter(|i| i.code == "building_outside").count();
    assert_eq!(outside, 0, "a building reaching past its parcel (into a road or the next parcel) is still in one");
    let low = eval.parcels.rows().filter(|p| p.reclaim.reasons.contains(&crate::domain::ReclaimReason::LowEfficiency));
    assert!(low.count() > 0, "低效 parcels among the reclaim candidates");
}
