//! Class stability (SPEC §16) at province scale: 100,000 enterprises — 38,000 above-scale on
//! six indicators and 62,000 below-scale on two, the province's mix — and 1,000 draws of
//! perturbed weights. Budget: 0.3 s on 2 cores. The same province partitioned into 90 counties
//! (SPEC §17), each county's groups drawn as if run alone, should take no longer.

use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::{ClassMode, Classes, Stability};
use muchan::domain::Class;
use muchan::rating::stability::{GroupDraws, run_counties, run_draws};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

/// A group of `n` enterprises scored on `weights`: each score is its weight times a ratio in
/// [0, 2], a few with adjustments and vetoes; in rating order (highest total first), as the
/// rating frame holds them.
fn group(n: usize, weights: &[f64], rng: &mut SmallRng) -> GroupDraws {
    let scores: Vec<Vec<f64>> =
        weights.iter().map(|w| (0..n).map(|_| w * rng.random_range(0.0..2.0f64)).collect()).collect();
    let adjustment: Vec<f64> = (0..n).map(|j| if j % 30 == 0 { rng.random_range(-5.0..5.0) } else { 0.0 }).collect();
    let total = |j: usize| scores.iter().fold(adjustment[j], |t, s| t + s[j]);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| total(b).total_cmp(&total(a)));
    let scores = scores.iter().map(|s| order.iter().map(|&j| s[j]).collect()).collect();
    let adjustment = order.iter().map(|&j| adjustment[j]).collect();
    let veto = (0..n).map(|j| j % 997 == 0).collect();
    let classes = Classes { mode: ClassMode::Share, a: 0.20, b: 0.60, c: 0.95 };
    GroupDraws::new(scores, adjustment, veto, vec![Class::B; n], classes)
}

fn stability(c: &mut Criterion) {
    let mut rng = SmallRng::seed_from_u64(7);
    let groups =
        [group(38_000, &[30.0, 20.0, 20.0, 10.0, 10.0, 10.0], &mut rng), group(62_000, &[50.0, 50.0], &mut rng)];
    let settings = Stability { draws: 1000, spread: 0.2, seed: 1 };
    let mut bench = c.benchmark_group("stability");
    bench.sample_size(10);
    bench.bench_function("province_100000_x_1000_draws", |b| b.iter(|| black_box(run_draws(&groups, &settings))));
    let counties: Vec<[GroupDraws; 2]> = (0..90)
        .map(|_| [group(422, &[30.0, 20.0, 20.0, 10.0, 10.0, 10.0], &mut rng), group(689, &[50.0, 50.0], &mut rng)])
        .collect();
    let counties: Vec<&[GroupDraws]> = counties.iter().map(|c| c.as_slice()).collect();
    bench.bench_function("province_90_counties_x_1000_draws", |b| {
        b.iter(|| black_box(run_counties(&counties, &settings)))
    });
    bench.finish();
}

criterion_group!(benches, stability);
criterion_main!(benches);
