//! Rating rules of SPEC §5–7 on small hand-made counties, with hand-computed numbers.

mod common;
use common::*;
use muchan::domain::Group;

/// Three below-scale enterprises on 10 mu each, tax 10/20/30 万元, 100,000 kWh each.
/// Benchmarks (aggregate): tax_per_mu = 60 ÷ 30 = 2; tax_per_kwh = 60·10⁴ ÷ 3·10⁵ = 2.
/// Scores: 50·(1/2)+50·(1/2) = 50; 100; 150. Ranks 3, 2, 1 of n = 3:
/// r=1: 0 < 2000·3 → A; r=2: 10⁴ ≥ 6000, < 6000·3 → B; r=3: 2·10⁴ < 9500·3 → C.
#[test]
fn aggregate_benchmarks_scores_classes_and_surcharge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (code(11), code(12), code(13));
    write(
        dir.path(),
        "enterprises.csv",
        &format!("credit_code,year,revenue\n{a},2024,100\n{b},2024,200\n{c},2024,300\n"),
    );
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2024,10\n{b},2024,20\n{c},2024,30\n"));
    write(
        dir.path(),
        "energy.csv",
        &format!(
            "credit_code,year,month,electricity_kwh\n{a},2024,1,60000\n{a},2024,2,40000\n{b},2024,,100000\n{c},2024,,100000\n"
        ),
    );
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 10.0), (&b, 10.0), (&c, 10.0)]));
    let (eval, _) = evaluate(dir.path(), "");
    let bench = &eval.rating.counties[0].benchmarks[&Group::Below];
    assert_close(bench["tax_per_mu"].value, 2.0, 1e-12);
    assert_close(bench["tax_per_kwh"].value, 2.0, 1e-12);
    assert_close(f64_at(&eval, &a, "total_score"), 50.0, 1e-9);
    assert_close(f64_at(&eval, &b, "total_score"), 100.0, 1e-9);
    assert_close(f64_at(&eval, &c, "total_score"), 150.0, 1e-9);
    assert_eq!(f64_at(&eval, &c, "rank"), Some(1.0));
    assert_eq!(str_at(&eval, &c, "class").as_deref(), Some("A"));
    assert_eq!(str_at(&eval, &b, "class").as_deref(), Some("B"));
    assert_eq!(str_at(&eval, &a, "class").as_deref(), Some("C"));
    // below C pays 0.10 yuan/kWh on 100,000 kWh; B pays nothing.
    assert_close(f64_at(&eval, &a, "surcharge_yuan"), 10_000.0, 1e-9);
    assert_close(f64_at(&eval, &b, "surcharge_yuan"), 0.0, 0.0);
    // Output order: rated below by total descending.
    let codes: Vec<String> =
        (0..3).map(|i| eval.rating.frame.column("code").unwrap().str().unwrap().get(i).unwrap().to_string()).collect();
    assert_eq!(codes, vec![c.clone(), b.clone(), a.clone()]);
}

/// Statuses in SPEC §5 order: unmatched, exempt, new, no_land, below_min_mu, rated.
#[test]
fn statuses_and_classes_t_and_n() {
    let dir = tempfile::tempdir().expect("tempdir");
    let codes: Vec<String> = (21..=27).map(code).collect();
    let [exempt, new, no_land, small, rated, orphan, veto] = [0, 1, 2, 3, 4, 5, 6].map(|i| codes[i].clone());
    write(
        dir.path(),
        "enterprises.csv",
        &format!(
            "统一社会信用代码,年份,营业收入,投产年份,不参评\n\
             {exempt},2024,100,,是\n{new},2024,100,2023,\n{no_land},2024,100,,\n{small},2024,100,2020,否\n{rated},2024,100,2022,\n{veto},2024,100,,\n"
        ),
    );
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{rated},2024,5\n{orphan},2024,9\n{veto},2024,50\n"));
    write(dir.path(), "adjustments.csv", &format!("credit_code,points,veto\n{veto},3,是\n{orphan},1,\n"));
    write(
        dir.path(),
        "parcels.geojson",
        &parcels_for(&[(&exempt, 10.0), (&new, 10.0), (&small, 2.0), (&rated, 10.0), (&veto, 10.0)]),
    );
    let (eval, ledger) = evaluate(dir.path(), "");
    let status = |c: &str| str_at(&eval, c, "status");
    let class = |c: &str| str_at(&eval, c, "class");
    assert_eq!(status(&exempt).as_deref(), Some("exempt"));
    assert_eq!(class(&exempt).as_deref(), Some("T"));
    assert_eq!(status(&new).as_deref(), Some("new"));
    assert_eq!(class(&new).as_deref(), Some("T"));
    assert_eq!(status(&no_land).as_deref(), Some("no_land"));
    assert_eq!(class(&no_land).as_deref(), Some("N"));
    assert_eq!(status(&small).as_deref(), Some("below_min_mu"));
    assert_eq!(status(&rated).as_deref(), Some("rated"));
    assert_eq!(status(&orphan).as_deref(), Some("unmatched"));
    assert_eq!(str_at(&eval, &orphan, "group"), None);
    assert_eq!(f64_at(&eval, &orphan, "total_score"), None);
    // The vetoed enterprise ranks first on score but is forced to D; its 3 points count.
    assert_eq!(f64_at(&eval, &veto, "rank"), Some(1.0));
    assert_eq!(class(&veto).as_deref(), Some("D"));
    assert_eq!(class(&rated).as_deref(), Some("B"));
    assert_close(f64_at(&eval, &veto, "adjustment"), 3.0, 0.0);
    // tax_per_mu benchmark = 55 ÷ 20; veto: 50·min(5 ÷ 2.75, 2) + 50·0 (no kWh) + 3.
    assert_close(f64_at(&eval, &veto, "total_score"), 50.0 * (5.0 / 2.75) + 3.0, 1e-9);
    let issues = ledger.sorted();
    assert!(issues.iter().any(|i| i.code == "unmatched_code" && i.key == orphan));
    assert!(issues.iter().any(|i| i.code == "no_tax_row" && i.key == exempt));
}

/// Cap, missing = "average", and a benchmark ≤ 0 scoring 0.
#[test]
fn cap_and_missing_average() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (code(31), code(32), code(33));
    // Above group (scale given). Only va_per_emission and tax_per_mu are weighted.
    write(
        dir.path(),
        "enterprises.csv",
        &format!("credit_code,year,scale,value_added\n{a},2024,above,100\n{b},2024,above,100\n{c},2024,above,100\n"),
    );
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2024,100\n{b},2024,10\n{c},2024,10\n"));
    write(dir.path(), "energy.csv", &format!("credit_code,year,emissions\n{a},2024,1\n{b},2024,3\n{c},2024,\n"));
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 10.0), (&b, 10.0), (&c, 10.0)]));
    let config = r#"
[groups.above]
indicators = [ { name = "tax_per_mu", weight = 10 }, { name = "va_per_emission", weight = 10 } ]
"#;
    let (eval, _) = evaluate(dir.path(), config);
    // tax_per_mu benchmark = 120 ÷ 30 = 4: a has 10 → ratio 2.5, capped at 2 → 20; b, c 1 → 2.5.
    assert_close(f64_at(&eval, &a, "tax_per_mu_score"), 20.0, 1e-12);
    assert_close(f64_at(&eval, &b, "tax_per_mu_score"), 2.5, 1e-12);
    // va_per_emission benchmark = 200 ÷ 4 = 50: a 100 → capped 20; b 33.3 → 6.667;
    // c undefined → the mean of a's and b's scores.
    let sb = 10.0 * (100.0 / 3.0) / 50.0;
    assert_close(f64_at(&eval, &b, "va_per_emission_score"), sb, 1e-12);
    assert_close(f64_at(&eval, &c, "va_per_emission_score"), (20.0 + sb) / 2.0, 1e-12);
    assert_eq!(f64_at(&eval, &c, "va_per_emission_value"), None);
}
