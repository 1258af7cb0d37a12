//! The floor (issue 18): how fast the province's input files can be parsed at all, with
//! nothing done with what is read. Each CSV is tokenised into records (the csv crate, every
//! byte looked at once) and each GeoJSON layer parsed into features (serde_json through the
//! geojson crate), the files side by side on the machine's cores as muchan reads them.
//! muchan's wall time on the same folder, divided by this, says how much of a run is more
//! than reading (README, Speed).
//!
//! The folder is `generate --scale province --seed 7` (made in a temporary folder, ≈ 30 s),
//! or the one named by `MUCHAN_FLOOR_DATA`.

use criterion::{Criterion, criterion_group, criterion_main};
use muchan::generate::{GenerateOptions, OutputCrs, generate, scale_enterprises};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// The CSV records or GeoJSON features of one input file.
fn parse(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("reads the file");
    match path.extension().and_then(|e| e.to_str()) {
        Some("geojson") => {
            let layer: geojson::FeatureCollection = serde_json::from_slice(&bytes).expect("a feature collection");
            layer.features.len()
        }
        _ => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
            let mut record = csv::ByteRecord::new();
            let mut records = 0;
            while reader.read_byte_record(&mut record).expect("a CSV record") {
                records += 1;
            }
            records
        }
    }
}

/// The input files of a data folder, largest first (so the cores share the work evenly).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .expect("lists the folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("csv" | "geojson")))
        .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files.into_iter().map(|(_, p)| p).collect()
}

fn floor(c: &mut Criterion) {
    let generated;
    let dir = match std::env::var_os("MUCHAN_FLOOR_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => {
            generated = tempfile::tempdir().expect("tempdir");
            let enterprises = scale_enterprises("province").expect("a scale");
            let options = GenerateOptions {
                enterprises,
                seed: 7,
                crs: OutputCrs::LonLat,
                year: 2024,
                messy: false,
                counties: None,
            };
            generate(&options, generated.path()).expect("generate");
            generated.path().to_path_buf()
        }
    };
    let files = inputs(&dir);
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.bench_function("province_parse_inputs", |b| {
        b.iter(|| black_box(files.par_iter().map(|p| parse(p)).sum::<usize>()))
    });
    group.finish();
}

criterion_group!(benches, floor);
criterion_main!(benches);
