//! Benchmarks of the pipeline's stages on a generated county: reading, land (repair and
//! area), yearly figures, rating, neighbours and flags (each timed inside a whole evaluation
//! by the pipeline's own stopwatch), the outputs, and the whole evaluation.

mod common;

use common::county;
use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::Config;
use muchan::input;
use muchan::land;
use muchan::output::{self, Extras};
use muchan::pipeline::{self, Stopwatch};
use muchan::quality::Ledger;
use std::hint::black_box;
use std::time::Duration;

fn stages(c: &mut Criterion) {
    let dir = county(2_000);
    let config = Config::default();
    let mut group = c.benchmark_group("county_2000");
    group.sample_size(10);
    let read = || {
        let ledger = Ledger::new();
        let folder = input::Folder::open(dir.path(), None).expect("a folder");
        let tables = input::read_tables(&folder, None, 3, &ledger, &mut Stopwatch::default()).expect("reads tables");
        let (parcels, _) = input::read_parcel_file(&folder, &config.land, &ledger).expect("reads parcels");
        (tables, parcels)
    };
    group.bench_function("read", |b| b.iter(|| black_box(read())));
    let (_, parcels) = read();
    group.bench_function("land", |b| {
        b.iter(|| black_box(land::measure_parcels(&parcels.features, parcels.crs, &config.land, &Ledger::new())))
    });
    group.bench_function("evaluate", |b| {
        b.iter(|| {
            let ledger = Ledger::new();
            black_box(
                pipeline::evaluate(dir.path(), config.clone(), pipeline::Context::new(&ledger)).expect("evaluates"),
            )
        })
    });
    for stage in ["yearly", "rating", "neighbours", "flags"] {
        group.bench_function(stage, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let ledger = Ledger::new();
                        let eval = pipeline::evaluate(dir.path(), config.clone(), pipeline::Context::new(&ledger))
                            .expect("evaluates");
                        let lap = eval.timings.iter().find(|l| l.stage == stage).expect("stage timed");
                        Duration::from_secs_f64(lap.seconds)
                    })
                    .sum()
            })
        });
    }
    let ledger = Ledger::new();
    let mut eval = pipeline::evaluate(dir.path(), config.clone(), pipeline::Context::new(&ledger)).expect("evaluates");
    let out = tempfile::tempdir().expect("tempdir");
    group.bench_function("outputs", |b| {
        b.iter(|| black_box(output::write_all(&mut eval, &ledger, out.path(), Extras::default()).expect("writes")))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
