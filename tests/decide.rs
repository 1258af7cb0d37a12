//! For the people who decide: `explain` reproduces a total from its printed numbers, and
//! `compare` accounts for every rated enterprise.

use muchan::compare::compare;
use muchan::config::Config;
use muchan::domain::{Class, Group};
use muchan::explain::explain;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::pipeline;
use muchan::quality::Ledger;

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = GenerateOptions {
        enterprises: 500,
        seed: 21,
        crs: OutputCrs::LonLat,
        year: 2024,
        messy: false,
        counties: None,
    };
    generate(&options, dir.path()).expect("generate");
    dir
}

#[test]
fn explain_reproduces_every_rated_total() {
    let dir = county();
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(dir.path(), Config::default(), pipeline::Context::new(&ledger)).expect("evaluates");
    let issues = ledger.sorted();
    let frame = &eval.rating.frame;
    let codes = frame.column("code").expect("code").str().expect("str");
    let status = frame.column("status").expect("status").str().expect("str");
    let mut checked = 0;
    for i in 0..frame.height() {
        if status.get(i) != Some("rated") {
            continue;
        }
        let code = codes.get(i).expect("code");
        let e = explain(&eval, &issues, code).expect("explained");
        let from_lines: f64 =
            e.indicators.iter().map(|l| l.score.expect("scored")).sum::<f64>() + e.adjustment.expect("adjustment");
        let total = e.total_score.expect("total");
        assert!((from_lines - total).abs() < 1e-9, "{code}: {from_lines} vs {total}");
        for l in &e.indicators {
            if let (Some(v), Some(b), Some(w)) = (l.value, l.benchmark, l.weight)
                && b > 0.0
            {
                assert!((w * (v / b).clamp(0.0, l.cap) - l.score.expect("score")).abs() < 1e-9);
            }
        }
        checked += 1;
    }
    assert!(checked > 300, "{checked} rated");
}

#[test]
fn compare_accounts_for_every_rated_enterprise() {
    let dir = county();
    let a = pipeline::evaluate(dir.path(), Config::default(), pipeline::Context::new(&Ledger::new())).expect("a");
    let tax40 = "[groups.above]\nindicators = [\n{ name = \"tax_per_mu\", weight = 40 },\n{ name = \"va_per_mu\", weight = 10 },\n\
                 { name = \"va_per_energy\", weight = 20 },\n{ name = \"va_per_emission\", weight = 10 },\n\
                 { name = \"labor_productivity\", weight = 10 },\n{ name = \"rd_intensity\", weight = 10 },\n]\n";
    let b = pipeline::evaluate(
        dir.path(),
        Config::from_toml(tax40, "b.toml").expect("config"),
        pipeline::Context::new(&Ledger::new()),
    )
    .expect("b");
    let c = compare(&a, &b).expect("compares");
    let rated = |g: &str| {
        let f = &a.rating.frame;
        let (group, status) = (f.column("group").unwrap().str().unwrap(), f.column("status").unwrap().str().unwrap());
        (0..f.height()).filter(|&i| group.get(i) == Some(g) && status.get(i) == Some("rated")).count() as u64
    };
    for g in Group::ALL {
        let m = &c.transitions[&g];
        let abcd: u64 =
            [Class::A, Class::B, Class::C, Class::D].iter().filter_map(|k| m.get(k)).flat_map(|r| r.values()).sum();
        assert_eq!(abcd, rated(g.as_str()), "{g}");
    }
    assert!(c.movers.iter().all(|m| m.class_before != m.class_after));
    assert!(c.movers.iter().all(|m| m.group == Group::Above), "only the above scheme changed");
    assert!(c.surcharge_before >= 0.0 && c.surcharge_after >= 0.0);
}

/// The report's key figures are what summary.json's buckets add up to: zombies, 双高 and the
/// surcharge over the groups, the reclaimable land over the parks.
#[test]
fn the_report_figures_are_the_summary_totals() {
    let dir = county();
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(dir.path(), Config::default(), pipeline::Context::new(&ledger)).expect("evaluates");
    let h = muchan::output::summary::headline(&eval).expect("headline");
    let summary: serde_json::Value =
        serde_json::from_slice(&muchan::output::summary::summary_json(&eval).expect("summary")).expect("json");
    let total = |kind: &str, field: &str| -> f64 {
        summary[kind].as_object().expect(kind).values().map(|b| b[field].as_f64().unwrap_or(0.0)).sum()
    };
    assert_eq!(h.zombies as f64, total("groups", "zombies"));
    assert_eq!(h.high_emission as f64, total("groups", "high_energy_emission"));
    let rated: f64 = summary["groups"]
        .as_object()
        .expect("groups")
        .values()
        .map(|g| g["status"]["rated"].as_f64().unwrap_or(0.0))
        .sum();
    assert_eq!(h.rated as f64, rated);
    assert!((h.surcharge_yuan - total("groups", "surcharge_yuan")).abs() < 1e-6, "{h:?}");
    assert!((h.reclaimable_mu - total("parks", "reclaimable_mu")).abs() < 1e-6, "{h:?}");
    assert!(h.zombies > 0 && h.reclaimable_mu > 0.0, "{h:?}");
}
