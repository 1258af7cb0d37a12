//! Benchmarks of the pipeline's stages on a generated county: reading, land (repair and
//! area), rating, and the whole evaluation (reading + land + rating + flags + spatial).

use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::Config;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::input;
use muchan::land;
use muchan::pipeline::{self, Stopwatch};
use muchan::quality::Ledger;
use std::hint::black_box;

fn county(enterprises: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = GenerateOptions { enterprises, seed: 7, crs: OutputCrs::LonLat, year: 2024, messy: false };
    generate(&options, dir.path()).expect("generate");
    dir
}

fn stages(c: &mut Criterion) {
    let dir = county(2_000);
    let config = Config::default();
    let mut group = c.benchmark_group("county_2000");
    group.sample_size(10);
    group.bench_function("read", |b| {
        b.iter(|| {
            black_box(input::load(dir.path(), None, None, &Ledger::new(), &mut Stopwatch::default()).expect("reads"))
        })
    });
    let inputs = input::load(dir.path(), None, None, &Ledger::new(), &mut Stopwatch::default()).expect("reads");
    group.bench_function("land", |b| {
        b.iter(|| {
            let p = &inputs.parcels;
            black_box(land::measure_parcels(&p.features, p.crs, &config.land, &Ledger::new()))
        })
    });
    group.bench_function("evaluate", |b| {
        b.iter(|| black_box(pipeline::evaluate(dir.path(), config.clone(), &Ledger::new()).expect("evaluates")))
    });
    group.bench_function("evaluate_after_read", |b| {
        b.iter_batched(
            || input::load(dir.path(), None, None, &Ledger::new(), &mut Stopwatch::default()).expect("reads"),
            |inputs| black_box(pipeline::evaluate_inputs(inputs, config.clone(), &Ledger::new(), Stopwatch::default())),
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
