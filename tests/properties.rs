//! Metamorphic properties of the whole pipeline on generated counties (proptest over seeds).

use muchan::config::Config;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use muchan::pipeline::{self, Evaluation};
use muchan::quality::Ledger;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const MONEY: [&str; 7] = ["营业收入", "工业增加值", "利润总额", "研发经费支出", "资产总计", "负债合计", "实缴税收"];

/// Rewrites a CSV file cell by cell.
fn rewrite(path: &Path, mut cell: impl FnMut(&str, &str, &[String]) -> String) {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let headers: Vec<String> = reader.headers().expect("headers").iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r: Vec<String> = r.expect("row").iter().map(str::to_string).collect();
            headers.iter().zip(&r).map(|(h, v)| cell(h, v, &r)).collect()
        })
        .collect();
    let mut w = csv::Writer::from_path(path).expect("write");
    w.write_record(&headers).expect("headers");
    rows.iter().for_each(|r| w.write_record(r).expect("row"));
    w.flush().expect("flush");
}

fn classes(eval: &Evaluation) -> BTreeMap<String, String> {
    let f = &eval.rating.frame;
    let (code, class) = (f.column("code").unwrap().str().unwrap(), f.column("class").unwrap().str().unwrap());
    (0..f.height()).map(|i| (code.get(i).unwrap().to_string(), class.get(i).unwrap_or("").to_string())).collect()
}

fn evaluate(dir: &Path) -> Evaluation {
    pipeline::evaluate(dir, Config::default(), &Ledger::new()).expect("evaluates")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Multiplying every money column by 10 changes no class (scale given in the data).
    #[test]
    fn money_times_ten_changes_no_class(seed in 0u64..10_000, enterprises in 60usize..200) {
        let dir = tempfile::tempdir().expect("tempdir");
        let options = GenerateOptions { enterprises, seed, crs: OutputCrs::LonLat, year: 2024, messy: false };
        generate(&options, dir.path()).expect("generate");
        rewrite(&dir.path().join("enterprises.csv"), |h, v, row| {
            if h == "是否规上" && v.is_empty() {
                let revenue: f64 = row[6].parse().unwrap_or(0.0);
                return if revenue >= 2000.0 { "是" } else { "否" }.to_string();
            }
            v.to_string()
        });
        let first = evaluate(dir.path());
        let before = classes(&first);
        for table in ["enterprises.csv", "tax.csv"] {
            rewrite(&dir.path().join(table), |h, v, _| match v.parse::<f64>() {
                Ok(x) if MONEY.iter().any(|m| h.starts_with(m)) => format!("{}", x * 10.0),
                _ => v.to_string(),
            });
        }
        let second = evaluate(dir.path());
        let benchmark = |e: &Evaluation| e.rating.benchmarks["above"]["tax_per_mu"].value.unwrap_or(f64::NAN);
        prop_assert!((benchmark(&second) / benchmark(&first) - 10.0).abs() < 1e-9, "the money was multiplied");
        prop_assert_eq!(before, classes(&second));
    }
}
