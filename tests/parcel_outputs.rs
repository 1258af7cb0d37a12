//! What a planner styles a map by in QGIS: each parcel carries its user's name, class, total
//! score and zombie flag; each reclaim block its users' names beside their codes. Checked
//! against enterprises.csv of the same run, in GeoJSON and in GeoParquet.

use polars::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

fn run(out: &Path, extra: &[&str]) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .status();
    assert!(status.expect("runs").success());
}

/// code → (name, class, total_score, zombie) from enterprises.csv.
fn enterprises(out: &Path) -> HashMap<String, [String; 4]> {
    let mut reader = csv::Reader::from_path(out.join("enterprises.csv")).expect("enterprises.csv");
    let headers = reader.headers().expect("headers").clone();
    let at = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect(name);
    let (code, name, class, total, zombie) =
        (at("credit_code"), at("name"), at("class"), at("total_score"), at("zombie"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[code].to_string(), [&r[name], &r[class], &r[total], &r[zombie]].map(str::to_string))
        })
        .collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn parcels_and_blocks_name_their_users() {
    let out = tempfile::tempdir().expect("tempdir");
    run(out.path(), &[]);
    let firms = enterprises(out.path());
    let parcels: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("parcels.geojson")).expect("read")).expect("json");
    let features = parcels["features"].as_array().expect("features");
    let keys: Vec<&str> =
        features[0]["properties"].as_object().expect("properties").keys().map(String::as_str).collect();
    assert_eq!(
        keys[..10],
        [
            "parcel_id",
            "credit_code",
            "land_use",
            "park",
            "area_mu",
            "registered_mu",
            "user_class",
            "user_name",
            "total_score",
            "zombie"
        ]
    );
    let mut checked = 0;
    for f in features {
        let p = &f["properties"];
        let Some([name, class, total, zombie]) = firms.get(&text(&p["credit_code"])) else {
            assert!(p["user_name"].is_null() && p["zombie"].is_null(), "{p}");
            continue;
        };
        assert_eq!(&text(&p["user_name"]), name);
        assert_eq!(&text(&p["user_class"]), class);
        assert_eq!(p["total_score"].as_f64().map(|t| t.to_string()).unwrap_or_default(), *total);
        assert_eq!(&text(&p["zombie"]), zombie);
        checked += 1;
    }
    assert!(checked > 100, "{checked} parcels with a user");
    let blocks: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("reclaim_blocks.geojson")).expect("read")).expect("json");
    let blocks = blocks["features"].as_array().expect("blocks");
    assert!(!blocks.is_empty());
    for b in blocks {
        let p = &b["properties"];
        let keys: Vec<&str> = p.as_object().expect("properties").keys().map(String::as_str).collect();
        assert_eq!(keys[..4], ["block_id", "parcel_ids", "users", "user_names"]);
        let (users, names) = (text(&p["users"]), text(&p["user_names"]));
        let users: Vec<&str> = users.split(';').filter(|u| !u.is_empty()).collect();
        let names: Vec<&str> = if users.is_empty() { Vec::new() } else { names.split(';').collect() };
        assert_eq!(users.len(), names.len(), "{p}");
        for (user, name) in users.iter().zip(names) {
            assert_eq!(firms.get(*user).map_or("", |f| f[0].as_str()), name, "{p}");
        }
    }
}

#[test]
fn geoparquet_carries_the_same_user_columns_typed() {
    let out = tempfile::tempdir().expect("tempdir");
    run(out.path(), &["--format", "geoparquet"]);
    let frame = ParquetReader::new(std::fs::File::open(out.path().join("parcels.parquet")).expect("open"))
        .finish()
        .expect("parquet");
    let names: Vec<&str> = frame.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names[6..10], ["user_class", "user_name", "total_score", "zombie"]);
    assert_eq!(frame.column("total_score").expect("column").dtype(), &DataType::Float64);
    assert_eq!(frame.column("zombie").expect("column").dtype(), &DataType::Boolean);
    assert_eq!(frame.column("user_name").expect("column").dtype(), &DataType::String);
    let blocks = ParquetReader::new(std::fs::File::open(out.path().join("reclaim_blocks.parquet")).expect("open"))
        .finish()
        .expect("parquet");
    let names: Vec<&str> = blocks.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names[..4], ["block_id", "parcel_ids", "users", "user_names"]);
}
