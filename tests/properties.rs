//! Metamorphic properties of the whole pipeline on generated counties (proptest over seeds):
//! money scale, row and feature order, ring start and winding, and a second run.

mod common;
use common::{assert_no_duplicates, assert_same_results, run_muchan, write_reordered_county};
use muchan::config::Config;
use muchan::domain::{County, Group};
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::pipeline::{self, Evaluation};
use muchan::quality::Ledger;
use proptest::prelude::*;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

const MONEY: [&str; 7] = ["营业收入", "工业增加值", "利润总额", "研发经费支出", "资产总计", "负债合计", "实缴税收"];

/// Rewrites a CSV file cell by cell.
fn rewrite(path: &Path, mut cell: impl FnMut(&str, &str, &[String]) -> String) {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let headers: Vec<String> = reader.headers().expect("headers").iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r: Vec<String> = r.expect("row").iter().map(str::to_string).collect();
            headers.iter().zip(&r).map(|(h, v)| cell(h, v, &r)).collect()
        })
        .collect();
    let mut w = csv::Writer::from_path(path).expect("write");
    w.write_record(&headers).expect("headers");
    rows.iter().for_each(|r| w.write_record(r).expect("row"));
    w.flush().expect("flush");
}

fn classes(eval: &Evaluation) -> BTreeMap<String, String> {
    let f = &eval.rating.frame;
    let (code, class) = (f.column("code").unwrap().str().unwrap(), f.column("class").unwrap().str().unwrap());
    (0..f.height()).map(|i| (code.get(i).unwrap().to_string(), class.get(i).unwrap_or("").to_string())).collect()
}

fn evaluate(dir: &Path) -> Evaluation {
    pipeline::evaluate(dir, Config::default(), pipeline::Context::new(&Ledger::new())).expect("evaluates")
}

/// A generated county without faults (lon/lat parcels) in `dir`.
fn county(dir: &Path, seed: u64, enterprises: usize) {
    let options =
        GenerateOptions { enterprises, seed, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
    generate(&options, dir).expect("generate");
}

/// Copies parcels.geojson with every ring of every polygon starting at another vertex (a
/// random offset) and, when `reverse`, running the other way round. Returns the rings turned.
fn turn_rings(from: &Path, to: &Path, rng: &mut SmallRng, reverse: bool) -> usize {
    let mut v: Value = serde_json::from_slice(&std::fs::read(from).expect("read")).expect("json");
    let mut turned = 0;
    for feature in v["features"].as_array_mut().expect("features") {
        let geometry = &mut feature["geometry"];
        let polygons = match geometry["type"].as_str() {
            Some("Polygon") => vec![&mut geometry["coordinates"]],
            Some("MultiPolygon") => geometry["coordinates"].as_array_mut().expect("polygons").iter_mut().collect(),
            _ => Vec::new(),
        };
        for ring in polygons.into_iter().flat_map(|p| p.as_array_mut().expect("rings").iter_mut()) {
            turned += usize::from(turn_ring(ring.as_array_mut().expect("ring"), rng, reverse));
        }
    }
    std::fs::write(to, serde_json::to_vec(&v).expect("json")).expect("write");
    turned
}

/// Turns one closed ring: a new start vertex (never the old one), maybe reversed, closed again.
fn turn_ring(ring: &mut Vec<Value>, rng: &mut SmallRng, reverse: bool) -> bool {
    if ring.len() < 4 {
        return false;
    }
    ring.pop();
    let offset = rng.random_range(1..ring.len());
    ring.rotate_left(offset);
    if reverse {
        ring.reverse();
    }
    ring.push(ring[0].clone());
    true
}

/// Relative closeness for areas.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Per enterprise in enterprises.csv: (land_mu, class).
fn land_and_class(out: &Path) -> BTreeMap<String, (Option<f64>, String)> {
    let mut reader = csv::Reader::from_path(out.join("enterprises.csv")).expect("csv");
    let headers: Vec<String> =
        reader.headers().expect("headers").iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (code, land, class) = (column("credit_code"), column("land_mu"), column("class"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[code].to_string(), (r[land].parse().ok(), r[class].to_string()))
        })
        .collect()
}

/// Per feature of the output parcels.geojson, in order: (parcel_id, area_mu).
fn parcel_areas(out: &Path) -> Vec<(String, f64)> {
    let v: Value = serde_json::from_slice(&std::fs::read(out.join("parcels.geojson")).expect("read")).expect("json");
    let features = v["features"].as_array().expect("features");
    let area = |f: &Value| f["properties"]["area_mu"].as_f64().expect("area_mu");
    features.iter().map(|f| (f["properties"]["parcel_id"].to_string(), area(f))).collect()
}

/// Every file of a run's output folder but manifest.json, by name.
fn outputs_but_manifest(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .expect("out")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("read")))
        .collect()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest")).expect("json")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Multiplying every money column by 10 changes no class (scale given in the data).
    #[test]
    fn money_times_ten_changes_no_class(seed in 0u64..10_000, enterprises in 60usize..200) {
        let dir = tempfile::tempdir().expect("tempdir");
        let options = GenerateOptions { enterprises, seed, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
        generate(&options, dir.path()).expect("generate");
        rewrite(&dir.path().join("enterprises.csv"), |h, v, row| {
            if h == "是否规上" && v.is_empty() {
                let revenue: f64 = row[6].parse().unwrap_or(0.0);
                return if revenue >= 2000.0 { "是" } else { "否" }.to_string();
            }
            v.to_string()
        });
        let first = evaluate(dir.path());
        let before = classes(&first);
        for table in ["enterprises.csv", "tax.csv"] {
            rewrite(&dir.path().join(table), |h, v, _| match v.parse::<f64>() {
                Ok(x) if MONEY.iter().any(|m| h.starts_with(m)) => format!("{}", x * 10.0),
                _ => v.to_string(),
            });
        }
        let second = evaluate(dir.path());
        let benchmark = |e: &Evaluation| e.rating.benchmark(&County::default(), Group::Above, "tax_per_mu").unwrap_or(f64::NAN);
        prop_assert!((benchmark(&second) / benchmark(&first) - 10.0).abs() < 1e-9, "the money was multiplied");
        prop_assert_eq!(before, classes(&second));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    /// SPEC §10: any order of the rows of enterprises, tax, energy and adjustments and of the
    /// parcels' features gives byte-identical enterprises.csv, summary.json and
    /// reclaim_blocks.geojson and the same parcels.geojson features.
    #[test]
    fn any_row_and_feature_order_gives_the_same_results(seed in 0u64..1000, order in any::<u64>()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (data, shuffled) = (dir.path().join("data"), dir.path().join("shuffled"));
        county(&data, seed, 250);
        let mut rng = SmallRng::seed_from_u64(order);
        write_reordered_county(&data, &shuffled, &mut |n| {
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            order
        });
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        run_muchan(&data, &a);
        run_muchan(&shuffled, &b);
        assert_no_duplicates(&a);
        assert_same_results(&a, &b);
    }

    /// Where a ring starts and which way it runs change no measured area (1e-9 relative) and
    /// no class.
    #[test]
    fn ring_start_and_winding_change_no_area(seed in 0u64..1000, turn in any::<u64>(), reverse in any::<bool>()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (data, turned) = (dir.path().join("data"), dir.path().join("turned"));
        county(&data, seed, 150);
        std::fs::create_dir_all(&turned).expect("mkdir");
        for table in ["enterprises", "tax", "energy", "adjustments", "leases"] {
            std::fs::copy(data.join(format!("{table}.csv")), turned.join(format!("{table}.csv"))).expect("copy");
        }
        let mut rng = SmallRng::seed_from_u64(turn);
        let rings = turn_rings(&data.join("parcels.geojson"), &turned.join("parcels.geojson"), &mut rng, reverse);
        prop_assert!(rings > 100, "{} rings turned", rings);
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        run_muchan(&data, &a);
        run_muchan(&turned, &b);
        let (before, after) = (land_and_class(&a), land_and_class(&b));
        prop_assert!(before.values().filter(|(land, _)| land.is_some()).count() > 50, "enterprises hold land");
        prop_assert_eq!(before.len(), after.len());
        for ((code, (land, class)), (code_b, (land_b, class_b))) in before.iter().zip(&after) {
            prop_assert_eq!(code, code_b);
            prop_assert_eq!(class, class_b, "class of {}", code);
            match (land, land_b) {
                (Some(x), Some(y)) => prop_assert!(close(*x, *y), "{}: land {} mu, turned {} mu", code, x, y),
                _ => prop_assert_eq!(land, land_b),
            }
        }
        let (areas, turned_areas) = (parcel_areas(&a), parcel_areas(&b));
        prop_assert_eq!(areas.len(), turned_areas.len());
        prop_assert!(areas.iter().all(|(_, mu)| *mu > 0.0), "every parcel measures");
        for ((id, x), (id_b, y)) in areas.iter().zip(&turned_areas) {
            prop_assert_eq!(id, id_b);
            prop_assert!(close(*x, *y), "parcel {}: {} mu, turned {} mu", id, x, y);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, failure_persistence: None, ..ProptestConfig::default() })]

    /// A second run over the same inputs records the same inputs (paths, SHA-256 of the bytes,
    /// rows) and the same resolved configuration in manifest.json, and writes identical files.
    #[test]
    fn a_second_run_is_identical(seed in 0u64..1000) {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        county(&data, seed, 150);
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        run_muchan(&data, &a);
        run_muchan(&data, &b);
        let (first, second) = (manifest(&a), manifest(&b));
        let inputs = first["inputs"].as_array().expect("inputs");
        prop_assert_eq!(inputs.len(), 8, "six tables and layers, buildings and commitments");
        for input in inputs {
            let bytes = std::fs::read(input["path"].as_str().expect("path")).expect("input");
            let sha = format!("{:x}", Sha256::digest(&bytes));
            prop_assert_eq!(input["sha256"].as_str(), Some(sha.as_str()));
        }
        prop_assert_eq!(&first["inputs"], &second["inputs"]);
        prop_assert!(first["configuration"].as_object().is_some_and(|c| c.len() > 3), "a resolved configuration");
        prop_assert_eq!(&first["configuration"], &second["configuration"]);
        let (files, again) = (outputs_but_manifest(&a), outputs_but_manifest(&b));
        prop_assert!(files.len() >= 7, "{:?}", files.keys());
        prop_assert_eq!(files.keys().collect::<Vec<_>>(), again.keys().collect::<Vec<_>>());
        for (name, bytes) in &files {
            prop_assert!(!bytes.is_empty() && *bytes == again[name], "{} differs between two runs", name);
        }
    }
}
