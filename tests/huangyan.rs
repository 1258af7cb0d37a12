//! The Huangyan 2022 worked example (SPEC §6, issue 2): fixed benchmarks through the TOML
//! shape of §11; an above enterprise scores 86.15 and a below one 77.02.

mod common;
use common::*;

const CONFIG: &str = r#"
[evaluation]
year = 2022

[groups.above]
indicators = [
  { name = "tax_per_mu", weight = 30, benchmark = 24.097 },
  { name = "va_per_mu", weight = 20, benchmark = 136.16 },
  { name = "va_per_energy", weight = 20, benchmark = 2.694 },
  { name = "va_per_emission", weight = 10, benchmark = 4929.81 },
  { name = "labor_productivity", weight = 10, benchmark = 18.14 },
  { name = "rd_intensity", weight = 10, benchmark = 0.0302 },
]

[groups.below]
indicators = [
  { name = "tax_per_mu", weight = 50, benchmark = 11.5932 },
  { name = "tax_per_kwh", weight = 50, benchmark = 0.2352 },
]
"#;

#[test]
fn huangyan_2022_worked_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (above, below) = (code(1), code(2));
    write(
        dir.path(),
        "enterprises.csv",
        &format!(
            "统一社会信用代码,年份,是否规上,营业收入(万元),工业增加值(万元),年平均职工人数,研发经费支出(万元)\n\
             {above},2022,是,5000,3000,200,150\n{below},2022,否,800,,,\n"
        ),
    );
    write(dir.path(), "tax.csv", &format!("统一社会信用代码,年份,实缴税收(万元)\n{above},2022,600\n{below},2022,40\n"));
    write(
        dir.path(),
        "energy.csv",
        &format!(
            "统一社会信用代码,年份,用电量,综合能耗,主要污染物排放量\n{above},2022,,1000,1.0\n{below},2022,\"2,000,000\",,\n"
        ),
    );
    // 30 mu = 20,000 m² exactly; 5 mu = 10,000/3 m².
    let parcels = gk_parcels(&[
        ("P1", &above, "工业用地", rect(500_000.0, 3_300_000.0, 200.0, 100.0)),
        ("P2", &below, "工业用地", rect(501_000.0, 3_300_000.0, 100.0, 100.0 / 3.0)),
    ]);
    write(dir.path(), "parcels.geojson", &parcels);
    let (eval, _) = evaluate(dir.path(), CONFIG);

    assert_close(f64_at(&eval, &above, "land_mu"), 30.0, 1e-9);
    assert_close(f64_at(&eval, &above, "tax_per_mu_score"), 24.89936506619081, 1e-9);
    assert_close(f64_at(&eval, &above, "rd_intensity_score"), 9.933774834437086, 1e-9);
    assert_close(f64_at(&eval, &above, "total_score"), 86.14790243832795, 1e-9);
    assert_close(f64_at(&eval, &below, "land_mu"), 5.0, 1e-6);
    assert_close(f64_at(&eval, &below, "tax_per_kwh_value"), 0.2, 1e-12);
    assert_close(f64_at(&eval, &below, "total_score"), 77.01999131088104, 1e-6);
    assert_eq!(format!("{:.2}", f64_at(&eval, &above, "total_score").unwrap_or(0.0)), "86.15");
    assert_eq!(format!("{:.2}", f64_at(&eval, &below, "total_score").unwrap_or(0.0)), "77.02");
    assert_eq!(str_at(&eval, &above, "class").as_deref(), Some("A"));
    assert_eq!(str_at(&eval, &below, "group").as_deref(), Some("below"));
}
