//! `--lang zh`: every word a person reads is Chinese — data-problem messages (each stage writes
//! its own Chinese message), zombie rules, groups and classes in the CSV outputs.

mod common;
use common::*;
use muchan::generate::{GenerateOptions, OutputCrs, generate};

fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn messy_county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let options =
        GenerateOptions { enterprises: 400, seed: 5, crs: OutputCrs::LonLat, year: 2024, messy: true, counties: None };
    generate(&options, dir.path()).expect("generate");
    dir
}

/// A county written to meet most kinds of data problem at least once.
fn troubled_county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (code(501), code(502), code(503));
    let enterprises = format!(
        "credit_code,year,revenue,scale\n{a},2024,abc,maybe\n{a},2024,1,\n{b},去年,1,\n,2024,1,\n91350100M000100Y4Z,2024,1,\n{b},2024,10,\n"
    );
    write(dir.path(), "enterprises.csv", &enterprises);
    write(dir.path(), "tax.csv", &format!("credit_code,year,month,tax\n{a},2024,13,1\n{a},2024,1,5\n"));
    write(dir.path(), "adjustments.csv", &format!("credit_code,year,points,veto\n{c},2024,0,是\n{a},2020,5,\n"));
    write(
        dir.path(),
        "leases.csv",
        &format!(
            "parcel_id,lessee,area_mu,year\nNOPE,{b},1,\nP1,,1,\nP1,{a},1,\nP1,{b},-1,\nP1,{b},99,\nP1,{b},1,2020\n"
        ),
    );
    let parcels = parcels_for(&[(&a, 10.0), (&b, 10.0)]);
    let extra = [
        r#"{"type":"Feature","properties":{"宗地编号":"PT"},"geometry":{"type":"Point","coordinates":[1,2]}}"#
            .to_string(),
        r#"{"type":"Feature","properties":{"宗地编号":"NULL","登记面积":"x"},"geometry":null}"#.to_string(),
        r#"{"type":"Feature","properties":{"宗地编号":"NUM","权利人代码":12345},"geometry":null}"#.to_string(),
        r#"{"type":"Feature","properties":{"宗地编号":"BAD","权利人代码":"91350100M000100Y4Z"},"geometry":null}"#
            .to_string(),
    ];
    let parcels = parcels.replacen("\"features\":[", &format!("\"features\":[{},", extra.join(",")), 1);
    write(dir.path(), "parcels.geojson", &parcels);
    dir
}

#[test]
fn every_data_problem_has_a_chinese_message() {
    let mut codes = std::collections::BTreeSet::new();
    for dir in [messy_county(), troubled_county()] {
        let (_, ledger) = evaluate(dir.path(), "");
        for issue in ledger.sorted() {
            let zh = issue.message_zh.as_deref();
            let zh = zh.unwrap_or_else(|| panic!("{} has no Chinese: {}", issue.code, issue.message));
            assert!(chinese(zh), "{}: {zh}", issue.code);
            codes.insert(issue.code);
        }
    }
    assert!(codes.len() >= 20, "most kinds of problem are met: {codes:?}");
}

#[test]
fn chinese_csv_outputs_translate_values() {
    let dir = messy_county();
    let out = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--lang", "zh", "--data"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("runs");
    assert!(status.success());
    let mut problems = csv::Reader::from_path(out.path().join("data_quality.csv")).expect("data_quality.csv");
    let mut rows = 0;
    for record in problems.records() {
        let record = record.expect("row");
        assert!(chinese(&record[0]) && chinese(&record[1]) && chinese(&record[6]), "{record:?}");
        rows += 1;
    }
    assert!(rows > 20, "{rows} problems");
    let mut enterprises = csv::Reader::from_path(out.path().join("enterprises.csv")).expect("enterprises.csv");
    let headers = enterprises.headers().expect("headers").clone();
    let rules = headers.iter().position(|h| h == "僵尸企业判定规则").expect("zombie_rules column");
    let group = headers.iter().position(|h| h == "组别").expect("group column");
    let mut zombies = 0;
    for record in enterprises.records() {
        let record = record.expect("row");
        assert!(record[group].is_empty() || chinese(&record[group]), "{record:?}");
        if !record[rules].is_empty() {
            assert!(record[rules].split(';').all(chinese), "{}", &record[rules]);
            zombies += 1;
        }
    }
    assert!(zombies > 0, "the messy county has zombies");
}
