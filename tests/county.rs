//! Whole-pipeline invariants on generated messy counties: nothing lost, every code seen is
//! written, and outputs are byte-identical across reruns and thread counts.

use muchan::generate::{GenerateOptions, OutputCrs, generate};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::process::Command;

fn county(dir: &Path, crs: OutputCrs, seed: u64) {
    let options = GenerateOptions { enterprises: 400, seed, crs, year: 2024, messy: true, counties: None };
    generate(&options, dir).expect("generate");
}

fn run(data: &Path, out: &Path, threads: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_muchan"));
    cmd.args(["run", "--quiet", "--data"]).arg(data).arg("--out").arg(out);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n).env("POLARS_MAX_THREADS", n);
    }
    let status = cmd.status().expect("runs");
    assert!(status.success(), "muchan run failed on {}", data.display());
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    reader.records().map(|r| r.expect("record")).collect()
}

#[test]
fn nothing_is_lost_in_a_messy_county() {
    for crs in [OutputCrs::LonLat, OutputCrs::GaussKruger] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (data, out) = (dir.path().join("data"), dir.path().join("out"));
        county(&data, crs, 11);
        run(&data, &out, None);
        let written: HashSet<String> =
            read_csv(&out.join("enterprises.csv")).iter().map(|r| r[0].to_string()).collect();
        let problems = read_csv(&out.join("data_quality.csv"));
        let reported: HashSet<(String, String)> =
            problems.iter().map(|r| (r[1].to_string(), r[2].to_string())).collect();
        // Every enterprises row is written (its code) or named in data_quality.csv.
        // The enterprises file may be GBK: decode it as muchan does.
        let text = muchan::input::text::decode_text(std::fs::read(data.join("enterprises.csv")).expect("read"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert!(rows.len() > 1000);
        for (i, row) in rows.iter().enumerate() {
            let code = muchan::keys::normalize_code(&row[0]);
            let kept = written.contains(code.as_str());
            assert!(kept || reported.contains(&("enterprises".to_string(), (i + 1).to_string())), "row {} lost", i + 1);
        }
        // Every parcel feature is in parcels.geojson, in input order.
        let ids = |p: &Path| -> usize {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json");
            v["features"].as_array().map_or(0, Vec::len)
        };
        assert_eq!(ids(&data.join("parcels.geojson")), ids(&out.join("parcels.geojson")));
        let kinds: BTreeSet<String> = problems.iter().map(|r| r[5].to_string()).collect();
        for expected in
            ["invalid_code", "bad_month", "duplicate_row", "invalid_geometry", "duplicate_parcel_id", "ring_closed"]
        {
            assert!(kinds.contains(expected), "no {expected} in {kinds:?}");
        }
    }
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| {
            (
                p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn outputs_are_byte_identical_across_reruns_and_thread_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    county(&data, OutputCrs::LonLat, 5);
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    run(&data, &a, None);
    run(&data, &b, None);
    run(&data, &c, Some("1"));
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(
        fa.len(),
        11,
        "ten data outputs (history, alerts, commitments and low_efficiency among them) and report.html"
    );
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between reruns");
    }
    for ((name, x), (_, y)) in fa.iter().zip(&fc) {
        assert!(x == y, "{name} differs between one thread and the default");
    }
}
