//! SPEC §10: shuffling the rows of the tables and the features of the GeoJSON changes no
//! enterprise result — enterprises.csv, summary.json and reclaim_blocks.geojson are
//! byte-identical (leases keep their order, which §4 uses).

mod common;
use common::run_muchan;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use std::path::Path;

/// A fixed permutation that moves every element: odd positions reversed, then even ones.
fn permute<T: Clone>(items: &[T]) -> Vec<T> {
    let odd = items.iter().skip(1).step_by(2).rev();
    let even = items.iter().step_by(2);
    odd.chain(even).cloned().collect()
}

fn shuffle_csv(from: &Path, to: &Path) {
    let text = std::fs::read_to_string(from).expect("utf-8 csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let rows: Vec<&str> = lines.collect();
    std::fs::write(to, format!("{header}\n{}\n", permute(&rows).join("\n"))).expect("write");
}

fn shuffle_geojson(from: &Path, to: &Path) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(from).expect("read")).expect("json");
    let features = v["features"].as_array().cloned().unwrap_or_default();
    v["features"] = serde_json::Value::Array(permute(&features));
    std::fs::write(to, serde_json::to_vec(&v).expect("json")).expect("write");
}

#[test]
fn shuffled_inputs_give_identical_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, shuffled) = (dir.path().join("data"), dir.path().join("shuffled"));
    let options = GenerateOptions { enterprises: 600, seed: 9, crs: OutputCrs::LonLat, year: 2024, messy: false };
    generate(&options, &data).expect("generate");
    std::fs::create_dir_all(&shuffled).expect("mkdir");
    for table in ["enterprises", "tax", "energy", "adjustments"] {
        let name = format!("{table}.csv");
        shuffle_csv(&data.join(&name), &shuffled.join(&name));
    }
    std::fs::copy(data.join("leases.csv"), shuffled.join("leases.csv")).expect("copy");
    shuffle_geojson(&data.join("parcels.geojson"), &shuffled.join("parcels.geojson"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_muchan(&data, &a);
    run_muchan(&shuffled, &b);
    for file in ["enterprises.csv", "summary.json", "reclaim_blocks.geojson"] {
        let (x, y) = (std::fs::read(a.join(file)).expect("a"), std::fs::read(b.join(file)).expect("b"));
        assert!(x == y, "{file} changed when the inputs were shuffled");
    }
}
