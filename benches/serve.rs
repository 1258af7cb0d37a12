//! The re-rating path of `muchan serve` (SPEC §18: Evaluate within 1 s for a county of 2,000
//! enterprises): one `POST /api/evaluate` without HTTP — a TOML body laid over the start
//! settings, the prepared data re-rated, compared with the start and answered — on a generated
//! county read once.

mod common;

use common::county;
use criterion::{Criterion, criterion_group, criterion_main};
use muchan::config::Config;
use muchan::output::Lang;
use muchan::serve::Evaluator;
use std::hint::black_box;

/// The above group's tax_per_mu weighing `weight`, the other indicators as by default.
fn body(weight: u32) -> String {
    format!(
        "[groups.above]\nindicators = [{{ name = \"tax_per_mu\", weight = {weight} }}, {{ name = \"va_per_mu\", weight = 20 }}, \
         {{ name = \"va_per_energy\", weight = 20 }}, {{ name = \"va_per_emission\", weight = 10 }}, \
         {{ name = \"labor_productivity\", weight = 10 }}, {{ name = \"rd_intensity\", weight = 10 }}]\n\
         [groups.below]\nclasses = {{ mode = \"share\", a = 0.1, b = 0.5, c = 0.9 }}\n"
    )
}

fn evaluate(c: &mut Criterion) {
    let dir = county(2_000);
    let evaluator = Evaluator::start(dir.path(), Config::default(), Lang::En, false).expect("starts");
    let mut group = c.benchmark_group("serve_county_2000");
    group.sample_size(10);
    let mut weight = 40;
    group.bench_function("evaluate", |b| {
        b.iter(|| {
            weight = if weight == 40 { 60 } else { 40 };
            black_box(evaluator.evaluate(&body(weight)).expect("evaluates"))
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
