//! Class history (SPEC §16): every year evaluated as its own evaluation year, class_prev,
//! d_streak and the surcharge ladder, with hand-computed numbers.

mod common;
use common::*;
use muchan::domain::Class;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::pipeline::Evaluation;
use std::collections::BTreeMap;
use std::path::Path;

/// Below-scale firms on 15 mu each, with score cut-offs no total reaches, so every rated firm
/// is class D every year it has a row:
/// - X has rows in 2022, 2023 and 2024: a three-year run, d_streak 3;
/// - Y in 2023 and 2024: d_streak 2;
/// - Z in 2022 and 2024, not 2023: the run starts again, d_streak 1.
fn d_county(dir: &Path) -> (String, String, String) {
    let (x, y, z) = (code(31), code(32), code(33));
    let rows = [(&x, 2022), (&x, 2023), (&x, 2024), (&y, 2023), (&y, 2024), (&z, 2022), (&z, 2024)];
    let enterprises: String = rows.iter().map(|(c, year)| format!("{c},{year},100,below\n")).collect();
    write(dir, "enterprises.csv", &format!("credit_code,year,revenue,scale\n{enterprises}"));
    let tax: String = rows.iter().map(|(c, year)| format!("{c},{year},10\n")).collect();
    write(dir, "tax.csv", &format!("credit_code,year,tax\n{tax}"));
    let kwh = [(&x, 200_000), (&y, 100_000), (&z, 12_000_000)];
    let energy: String = kwh.iter().map(|(c, k)| format!("{c},2024,{k}\n")).collect();
    write(dir, "energy.csv", &format!("credit_code,year,electricity_kwh\n{energy}"));
    write(dir, "parcels.geojson", &parcels_for(&[(&x, 15.0), (&y, 15.0), (&z, 15.0)]));
    (x, y, z)
}

const ALWAYS_D: &str = "[groups.below]\nclasses = { mode = \"score\", a = 1000, b = 999, c = 998 }\n";

/// Ladder [0.05, 0.10, 0.15] yuan/kWh: X pays ladder[min(3, 3) − 1] = 0.15 × 200,000 = 30,000;
/// Y ladder[1] = 0.10 × 100,000 = 10,000; Z ladder[0] = 0.05 × 12,000,000 = 600,000, capped at
/// 500,000. Without the ladder every D pays the below group's 0.30; a two-year history counts
/// X's run as 2 (0.10 × 200,000 = 20,000).
#[test]
fn a_three_year_d_streak_pays_the_third_step_of_the_ladder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (x, y, z) = d_county(dir.path());
    let config = format!("{ALWAYS_D}[surcharge]\nladder = [0.05, 0.10, 0.15]\n");
    let (eval, _) = evaluate(dir.path(), &config);
    assert_eq!(f64_at(&eval, &x, "d_streak"), Some(3.0));
    assert_eq!(f64_at(&eval, &y, "d_streak"), Some(2.0));
    assert_eq!(f64_at(&eval, &z, "d_streak"), Some(1.0), "2023 without a row breaks the run");
    assert_close(f64_at(&eval, &x, "surcharge_yuan"), 30_000.0, 1e-9);
    assert_close(f64_at(&eval, &y, "surcharge_yuan"), 10_000.0, 1e-9);
    assert_close(f64_at(&eval, &z, "surcharge_yuan"), 500_000.0, 0.0);
    // A longer run than the ladder stays on its last step; a two-year history caps the run at 2.
    let (eval, _) = evaluate(dir.path(), &format!("{ALWAYS_D}[surcharge]\nladder = [0.05, 0.07]\n"));
    assert_close(f64_at(&eval, &x, "surcharge_yuan"), 0.07 * 200_000.0, 1e-9);
    let (eval, _) = evaluate(dir.path(), &format!("{config}[history]\nyears = 2\n"));
    assert_eq!(f64_at(&eval, &x, "d_streak"), Some(2.0));
    assert_close(f64_at(&eval, &x, "surcharge_yuan"), 0.10 * 200_000.0, 1e-9);
    let (eval, _) = evaluate(dir.path(), ALWAYS_D);
    assert_close(f64_at(&eval, &x, "surcharge_yuan"), 0.30 * 200_000.0, 1e-9);
}

#[test]
fn history_rows_and_class_prev() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (x, y, z) = d_county(dir.path());
    let (eval, _) = evaluate(dir.path(), ALWAYS_D);
    let years = |c: &str| {
        let id = f64_at(&eval, c, "code_id").expect("id") as u32;
        eval.history.of(id).iter().map(|r| (r.year, r.class)).collect::<Vec<_>>()
    };
    assert_eq!(years(&x), [(2022, Class::D), (2023, Class::D), (2024, Class::D)]);
    assert_eq!(years(&y), [(2023, Class::D), (2024, Class::D)]);
    assert_eq!(years(&z), [(2022, Class::D), (2024, Class::D)]);
    let prev = |c: &str| eval.history.class_prev(f64_at(&eval, c, "code_id").expect("id") as u32, 2024);
    assert_eq!((prev(&x), prev(&z)), (Some(Class::D), None));
    // explain tells the same history; every draw keeps a score-mode D a D.
    let e = muchan::explain::explain(&eval, &[], &x).expect("explained");
    assert_eq!(e.history.iter().map(|y| (y.year, y.class)).collect::<Vec<_>>(), years(&x));
    assert_eq!((e.class_prev, e.d_streak), (Some(Class::D), Some(3)));
    let text = e.text(muchan::output::Lang::En);
    assert!(
        text.contains("class last year D; consecutive years of class D 3\nstability: D in 100% of draws\n"),
        "{text}"
    );
}

/// One code's results as the history and as a run with `--year` give them.
type Results = BTreeMap<String, (Option<String>, String, Option<f64>, Option<i64>, String)>;

fn results_of_year(eval: &Evaluation, year: i32) -> Results {
    let f = &eval.rating.frame;
    let text = |name: &str, i: usize| f.column(name).expect(name).str().expect("str").get(i).map(str::to_string);
    let mut out = Results::new();
    for i in 0..f.height() {
        if f.column("has_row").expect("has_row").bool().expect("bool").get(i) != Some(true) {
            continue;
        }
        let total = f.column("total_score").expect("total").f64().expect("f64").get(i);
        let rank = f.column("rank").expect("rank").i64().expect("i64").get(i);
        let code = text("code", i).expect("code");
        out.insert(
            code,
            (text("group", i), text("status", i).expect("status"), total, rank, text("class", i).expect("class")),
        );
    }
    assert!(!out.is_empty(), "no enterprises row in {year}");
    out
}

fn history_of_year(eval: &Evaluation, year: i32) -> Results {
    let codes: BTreeMap<u32, String> = {
        let f = &eval.rating.frame;
        let ids = f.column("code_id").expect("id").u32().expect("u32");
        let codes = f.column("code").expect("code").str().expect("str");
        ids.iter().zip(codes.iter()).map(|(i, c)| (i.expect("id"), c.expect("code").to_string())).collect()
    };
    let mut out = Results::new();
    for (code_id, r) in eval.history.rows().filter(|(_, r)| r.year == year) {
        let value = (r.group.map(|g| g.to_string()), r.status.to_string(), r.total_score, r.rank, r.class.to_string());
        out.insert(codes[&code_id].clone(), value);
    }
    out
}

/// SPEC §16: each year of the history is the evaluation that `--year Y` gives (same groups,
/// statuses, totals to the bit, ranks and classes), with adjustments that carry their year
/// counted in their own year (clarification 14).
#[test]
fn history_agrees_with_an_evaluation_of_each_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let options =
        GenerateOptions { enterprises: 300, seed: 3, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
    generate(&options, dir.path()).expect("generate");
    // The generated adjustments have no year: they would count in whichever year is evaluated.
    std::fs::remove_file(dir.path().join("adjustments.csv")).expect("remove");
    let (plain, _) = evaluate(dir.path(), "");
    let rated_2023 = history_of_year(&plain, 2023).into_iter().filter(|(_, r)| r.1 == "rated" && r.4 != "D");
    let codes: Vec<String> = rated_2023.map(|(code, _)| code).take(3).collect();
    write(
        dir.path(),
        "adjustments.csv",
        &format!(
            "credit_code,year,points,veto\n{},2023,40,\n{},2023,0,true\n{},2024,-3,\n",
            codes[0], codes[1], codes[2]
        ),
    );
    let (eval, _) = evaluate(dir.path(), "");
    let years: Vec<i32> =
        eval.history.rows().map(|(_, r)| r.year).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(years, [2022, 2023, 2024]);
    for year in years {
        let (alone, _) = evaluate(dir.path(), &format!("[evaluation]\nyear = {year}\n"));
        assert_eq!(history_of_year(&eval, year), results_of_year(&alone, year), "year {year}");
    }
    let vetoed = history_of_year(&eval, 2023).remove(&codes[1]).expect("a row in 2023");
    assert_eq!(vetoed.4, "D", "the 2023 veto counts in 2023");
}

/// `explain` shows a code's figures year by year as the yearly table summed them (SPEC §2),
/// from the yearly columns an evaluation keeps once rated: 2024's two tax rows sum to 12 + 8
/// and its two months of energy to 600 + 400 kWh, 1.5 + 0.5 tce and 0.25 + 0.75 t.
#[test]
fn explain_shows_every_figure_of_every_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let x = code(41);
    let enterprises = format!("{x},2023,90,30,5,10,2,above\n{x},2024,100,40,6,12,3,above\n");
    let header = "credit_code,year,revenue,value_added,profit,employees,rd_expense,scale";
    write(dir.path(), "enterprises.csv", &format!("{header}\n{enterprises}"));
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{x},2023,9\n{x},2024,12\n{x},2024,8\n"));
    let energy = format!("{x},2024,1,600,1.5,0.25\n{x},2024,2,400,0.5,0.75\n");
    write(dir.path(), "energy.csv", &format!("credit_code,year,month,electricity_kwh,energy_tce,emissions\n{energy}"));
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&x, 15.0)]));
    let (eval, ledger) = evaluate(dir.path(), "");
    let explained = muchan::explain::explain(&eval, &ledger.sorted(), &x).expect("explained");
    let years: Vec<_> = explained.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2023, 2024]);
    let y = &explained.years[1];
    assert!(y.has_row);
    let figures = [y.revenue, y.value_added, y.profit, y.employees, y.rd_expense, y.tax, y.tax_rows];
    assert_eq!(figures, [100.0, 40.0, 6.0, 12.0, 3.0, 20.0, 2.0].map(Some));
    assert_eq!([y.electricity_kwh, y.energy_tce, y.emissions], [1000.0, 2.0, 1.0].map(Some));
    let before = &explained.years[0];
    assert_eq!([before.revenue, before.tax, before.electricity_kwh], [Some(90.0), Some(9.0), None]);
}
