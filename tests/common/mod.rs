//! Helpers for the integration tests: small counties written by hand into a temporary
//! folder, and readers of the evaluation's rows.
#![allow(dead_code)]

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
    let eval = pipeline::evaluate(dir, config, &ledger).expect("evaluation");
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
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .status();
    assert!(status.expect("runs").success(), "muchan run on {}", data.display());
}
