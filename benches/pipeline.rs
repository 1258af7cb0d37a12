//! Benchmarks of the pipeline's stages on a generated county: reading, land (repair and
//! area), yearly figures, rating, neighbours and flags (each timed inside a whole evaluation
//! by the pipeline's own stopwatch), the outputs, and the whole evaluation.

use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::Config;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::input;
use muchan::land;
use muchan::output::{self, Extras};
use muchan::pipeline::{self, InputRows, Stopwatch};
use muchan::quality::Ledger;
use std::hint::black_box;
use std::time::Duration;

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
            |inputs| {
                black_box(pipeline::evaluate_inputs(
                    inputs,
                    config.clone(),
                    &Ledger::new(),
                    Stopwatch::default(),
                    InputRows::Keep,
                ))
            },
            criterion::BatchSize::LargeInput,
        )
    });
    for stage in ["yearly", "rating", "neighbours", "flags"] {
        group.bench_function(stage, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let eval = pipeline::evaluate(dir.path(), config.clone(), &Ledger::new()).expect("evaluates");
                        let lap = eval.timings.iter().find(|l| l.stage == stage).expect("stage timed");
                        Duration::from_secs_f64(lap.seconds)
                    })
                    .sum()
            })
        });
    }
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(dir.path(), config.clone(), &ledger).expect("evaluates");
    let out = tempfile::tempdir().expect("tempdir");
    group.bench_function("outputs", |b| {
        b.iter(|| black_box(output::write_all(&eval, &ledger, out.path(), Extras::default()).expect("writes")))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
