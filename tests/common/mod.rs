//! Helpers for the integration tests: small counties written by hand into a temporary
//! folder, and readers of the evaluation's rows.
#![allow(dead_code)]

pub mod browser;

use muchan::config::Config;
use muchan::pipeline::{self, Evaluation};
use muchan::quality::Ledger;
use polars::prelude::*;
use std::path::Path;

/// Valid credit codes for tests (GB 32100 check characters computed).
pub fn code(n: u32) -> String {
    let body = format!("91330100MA{n:07}");
    let check = muchan::keys::check_character(body.as_bytes()).expect("alphabet");
    format!("{body}{check}")
}

pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write test file");
}

/// A tax table without rows (the table is required; its enterprises pay 0, SPEC §2).
pub fn write_no_tax(dir: &Path) {
    write(dir, "tax.csv", "credit_code,year,tax\n");
}

/// A rectangle in Gauss-Krüger metres (x, y of the lower-left corner, width, height).
pub fn rect(x: f64, y: f64, w: f64, h: f64) -> String {
    format!("[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]", x + w, x + w, y + h, y + h)
}

/// A parcels FeatureCollection in EPSG:4549 from (id, user, land_use, polygon coords).
pub fn gk_parcels(parcels: &[(&str, &str, &str, String)]) -> String {
    let features: Vec<String> = parcels
        .iter()
        .map(|(id, user, land_use, coords)| {
            format!(
                r#"{{"type":"Feature","properties":{{"宗地编号":"{id}","权利人代码":"{user}","用途":"{land_use}"}},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::4549"}}}},"features":[{}]}}"#,
        features.join(",")
    )
}

pub fn evaluate(dir: &Path, config_toml: &str) -> (Evaluation, Ledger) {
    let config = Config::from_toml(config_toml, "test.toml").expect("config");
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(dir, config, pipeline::Context::new(&ledger)).expect("evaluation");
    (eval, ledger)
}

/// The row index of a code in the rating frame.
pub fn row_of(eval: &Evaluation, code: &str) -> usize {
    let codes = eval.rating.frame.column("code").expect("code").str().expect("str");
    codes.iter().position(|c| c == Some(code)).expect("code present")
}

pub fn f64_at(eval: &Evaluation, code: &str, column: &str) -> Option<f64> {
    let i = row_of(eval, code);
    eval.rating.frame.column(column).expect("column").cast(&DataType::Float64).expect("cast").f64().expect("f64").get(i)
}

pub fn str_at(eval: &Evaluation, code: &str, column: &str) -> Option<String> {
    let i = row_of(eval, code);
    eval.rating.frame.column(column).expect("column").str().expect("str").get(i).map(str::to_string)
}

pub fn assert_close(actual: Option<f64>, expected: f64, tolerance: f64) {
    let a = actual.expect("a value");
    assert!((a - expected).abs() <= tolerance, "expected {expected}, got {a}");
}

/// A rectangle of `mu` mu, 100 m wide, its lower-left corner at (x, 3,300,000).
pub fn mu_rect(x: f64, mu: f64) -> String {
    rect(x, 3_300_000.0, 100.0, mu * 20.0 / 3.0)
}

/// One industrial parcel per (code, mu), spaced 1 km apart so none are neighbours.
pub fn parcels_for(holdings: &[(&str, f64)]) -> String {
    let parcels: Vec<(String, &str, &str, String)> = holdings
        .iter()
        .enumerate()
        .map(|(i, (c, mu))| (format!("P{}", i + 1), *c, "工业用地", mu_rect(500_000.0 + 1000.0 * i as f64, *mu)))
        .collect();
    let borrowed: Vec<(&str, &str, &str, String)> =
        parcels.iter().map(|(id, c, u, g)| (id.as_str(), *c, *u, g.clone())).collect();
    gk_parcels(&borrowed)
}

/// Runs `muchan run --quiet` on a data folder; panics unless it succeeds.
pub fn run_muchan(data: &Path, out: &Path) {
    run_muchan_with(data, out, &[]);
}

/// Runs `muchan run --quiet` on a data folder with `extra` flags; panics unless it succeeds.
pub fn run_muchan_with(data: &Path, out: &Path, extra: &[&str]) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .status();
    assert!(status.expect("runs").success(), "muchan run on {}", data.display());
}

/// The tables whose rows may come in any order; leases keep theirs (SPEC §4 uses lease file
/// order).
pub const REORDERABLE_TABLES: [&str; 4] = ["enterprises", "tax", "energy", "adjustments"];

/// `items` in the order `order` gives (a permutation of their indices).
pub fn reorder<T: Clone>(items: &[T], order: &[usize]) -> Vec<T> {
    assert_eq!(order.len(), items.len(), "a permutation of every item");
    order.iter().map(|&i| items[i].clone()).collect()
}

/// Copies a CSV file with its data lines reordered (the generator writes one record a line).
pub fn reorder_csv(from: &Path, to: &Path, order: &mut dyn FnMut(usize) -> Vec<usize>) {
    let text = std::fs::read_to_string(from).expect("utf-8 csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let rows: Vec<&str> = lines.collect();
    let rows = reorder(&rows, &order(rows.len()));
    std::fs::write(to, format!("{header}\n{}\n", rows.join("\n"))).expect("write");
}

/// Copies a GeoJSON FeatureCollection with its features reordered.
pub fn reorder_features(from: &Path, to: &Path, order: &mut dyn FnMut(usize) -> Vec<usize>) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(from).expect("read")).expect("json");
    let features = v["features"].as_array().cloned().unwrap_or_default();
    v["features"] = serde_json::Value::Array(reorder(&features, &order(features.len())));
    std::fs::write(to, serde_json::to_vec(&v).expect("json")).expect("write");
}

/// Copies the generated county in `data` to `to` with the rows of every reorderable table and
/// the features of the parcels and buildings in the order `order(n)` gives for n items; leases
/// and commitments are copied as they are.
pub fn write_reordered_county(data: &Path, to: &Path, order: &mut dyn FnMut(usize) -> Vec<usize>) {
    std::fs::create_dir_all(to).expect("mkdir");
    for table in REORDERABLE_TABLES {
        let name = format!("{table}.csv");
        reorder_csv(&data.join(&name), &to.join(&name), order);
    }
    for kept in ["leases.csv", "commitments.csv"].into_iter().filter(|f| data.join(f).exists()) {
        std::fs::copy(data.join(kept), to.join(kept)).expect("copy");
    }
    for layer in ["parcels.geojson", "buildings.geojson"].into_iter().filter(|l| data.join(l).exists()) {
        reorder_features(&data.join(layer), &to.join(layer), order);
    }
}

/// The features of a GeoJSON file as JSON strings, sorted.
pub fn sorted_features(path: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let mut features: Vec<String> =
        v["features"].as_array().expect("features").iter().map(|f| serde_json::to_string(f).expect("json")).collect();
    features.sort();
    features
}

/// SPEC §10: two runs over the same county in other row orders have byte-identical
/// enterprises.csv, summary.json and reclaim_blocks.geojson, and the same parcels.geojson
/// features (in the input's order, so compared as a set).
pub fn assert_same_results(a: &Path, b: &Path) {
    for file in ["enterprises.csv", "summary.json", "reclaim_blocks.geojson"] {
        let (x, y) = (std::fs::read(a.join(file)).expect("a"), std::fs::read(b.join(file)).expect("b"));
        assert!(x.len() > 100, "{file} has content");
        assert!(x == y, "{file} changed when the inputs were reordered");
    }
    let features = sorted_features(&a.join("parcels.geojson"));
    assert!(!features.is_empty(), "parcels.geojson has features");
    assert!(features == sorted_features(&b.join("parcels.geojson")), "parcels.geojson changed");
}

/// Reordering cannot change which row of a duplicated key is kept only if there is none: the
/// run in `out` reported no duplicate row or parcel id.
pub fn assert_no_duplicates(out: &Path) {
    let problems = std::fs::read_to_string(out.join("data_quality.csv")).expect("data_quality.csv");
    assert!(!problems.contains(",duplicate_"), "the generated county has duplicates:\n{problems}");
}
