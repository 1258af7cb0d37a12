//! Neighbour finding (SPEC §9) on about 200,000 generated parcels: shared boundary lengths
//! through the spatial index, enclosure, surrounding users and scattered plots.

use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::Config;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::parcels::Parcels;
use muchan::quality::Ledger;
use muchan::{input, land, spatial};
use std::hint::black_box;

fn neighbours(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    // ~1.23 parcels per enterprise: 162,000 enterprises give about 200,000 parcels.
    let options = GenerateOptions {
        enterprises: 162_000,
        seed: 3,
        crs: OutputCrs::GaussKruger,
        year: 2024,
        messy: false,
        counties: None,
    };
    generate(&options, dir.path()).expect("generate");
    let config = Config {
        land: muchan::config::Land { crs: Some("EPSG:4549".into()), ..Default::default() },
        ..Default::default()
    };
    let ledger = Ledger::new();
    let parcels =
        input::parcels::read_parcels(&dir.path().join("parcels.geojson"), &config.land, &ledger).expect("parcels");
    let measured = land::measure_parcels(&parcels.features, parcels.crs, &config.land, &ledger);
    let in_metres = Parcels::new(parcels, measured).expect("one measurement per parcel").in_metres();
    let spatial_parcels = in_metres.values();
    let mut group = c.benchmark_group(format!("parcels_{}", spatial_parcels.len()));
    group.sample_size(10);
    group.bench_function("neighbours", |b| {
        b.iter(|| {
            let boundaries = spatial::parcel_boundaries(spatial_parcels);
            black_box(spatial::analyse(spatial_parcels, &boundaries, &config.spatial))
        })
    });
    group.bench_function("pieces", |b| {
        b.iter(|| black_box(spatial::fragmented_pieces(spatial_parcels, &config.spatial)))
    });
    group.finish();
}

criterion_group!(benches, neighbours);
criterion_main!(benches);
