//! Many counties in one run (SPEC §17): a partitioned run rates each county as if it were run
//! alone; the work report's indicators equal a count made by hand; counties.csv and the
//! county columns.

mod common;
use common::*;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const PARTITION: &str = "[evaluation]\npartition = \"county\"\n";

/// Lines of a generated CSV (header first).
fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).expect("read").lines().map(str::to_string).collect()
}

/// Writes the part of a generated two-county folder that belongs to `county`: its enterprises
/// rows, the tax, energy and adjustments rows of their codes, its parcels and their leases.
fn split_county(from: &Path, to: &Path, county: &str) -> BTreeSet<String> {
    std::fs::create_dir_all(to).expect("dir");
    let enterprises = lines(&from.join("enterprises.csv"));
    let county_at = enterprises[0].split(',').position(|h| h == "所属区县").expect("a county column");
    let mine: Vec<&String> = enterprises[1..].iter().filter(|l| l.split(',').nth(county_at) == Some(county)).collect();
    let codes: BTreeSet<String> = mine.iter().map(|l| l.split(',').next().unwrap_or("").to_string()).collect();
    let keep = |name: &str, key_at: usize, keys: &BTreeSet<String>| {
        let all = lines(&from.join(name));
        let rows = all[1..].iter().filter(|l| l.split(',').nth(key_at).is_some_and(|k| keys.contains(k)));
        let text: String = std::iter::once(&all[0]).chain(rows).map(|l| format!("{l}\n")).collect();
        std::fs::write(to.join(name), text).expect("write");
    };
    keep("enterprises.csv", 0, &codes);
    for table in ["tax.csv", "energy.csv", "adjustments.csv"] {
        keep(table, 0, &codes);
    }
    let mut parcels: Value =
        serde_json::from_slice(&std::fs::read(from.join("parcels.geojson")).expect("parcels")).expect("json");
    let features = parcels["features"].as_array_mut().expect("features");
    features.retain(|f| f["properties"]["区县"] == county);
    let ids: BTreeSet<String> =
        features.iter().filter_map(|f| f["properties"]["宗地编号"].as_str().map(str::to_string)).collect();
    std::fs::write(to.join("parcels.geojson"), serde_json::to_vec(&parcels).expect("json")).expect("write");
    keep("leases.csv", 0, &ids);
    codes
}

/// Each code's results in enterprises.csv, by code: the named columns' cells.
fn results(out: &Path, columns: &[&str]) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(out.join("enterprises.csv")).expect("enterprises.csv");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("header").clone();
    let at: Vec<usize> = columns.iter().map(|c| header.iter().position(|h| h == *c).expect("column")).collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[0].to_string(), at.iter().map(|&i| r[i].to_string()).collect())
        })
        .collect()
}

#[test]
fn each_county_is_rated_as_if_it_were_run_alone() {
    let root = tempfile::tempdir().expect("tempdir");
    let both = root.path().join("both");
    let options = GenerateOptions {
        enterprises: 700,
        seed: 17,
        crs: OutputCrs::LonLat,
        year: 2024,
        messy: false,
        counties: Some(2),
    };
    generate(&options, &both).expect("generate");
    let counties: BTreeSet<String> = {
        let enterprises = lines(&both.join("enterprises.csv"));
        let at = enterprises[0].split(',').position(|h| h == "所属区县").expect("county column");
        enterprises[1..].iter().filter_map(|l| l.split(',').nth(at).map(str::to_string)).collect()
    };
    assert_eq!(counties.len(), 2, "two counties: {counties:?}");
    let config = root.path().join("partition.toml");
    std::fs::write(&config, PARTITION).expect("config");
    let merged = root.path().join("merged-out");
    run_muchan_with(&both, &merged, &["--config", config.to_str().expect("path")]);
    let columns =
        ["county", "class", "total_score", "rank", "surcharge_yuan", "points_to_next_class", "class_stability"];
    let together = results(&merged, &columns);
    let mut compared = 0;
    for (n, county) in counties.iter().enumerate() {
        let alone_data = root.path().join(format!("alone-{n}"));
        let codes = split_county(&both, &alone_data, county);
        let alone_out = root.path().join(format!("alone-{n}-out"));
        run_muchan(&alone_data, &alone_out);
        let alone = results(&alone_out, &columns[1..]);
        for code in &codes {
            let (Some(merged_row), Some(alone_row)) = (together.get(code), alone.get(code)) else { continue };
            assert_eq!(&merged_row[0], county, "{code}'s county");
            assert_eq!(&merged_row[1..], alone_row.as_slice(), "{code} in {county}: partitioned vs alone");
            compared += 1;
        }
    }
    assert!(compared > 600, "compared {compared} codes");
    let ranking = std::fs::read_to_string(merged.join("counties.csv")).expect("counties.csv");
    let mut rows = ranking.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        rows.next(),
        Some("county,rated,land_mu,tax,tax_per_mu,tax_per_mu_yoy,va_per_mu,va_per_mu_yoy,a,b,c,d,reclaimable_mu")
    );
    let tax_per_mu: Vec<f64> =
        rows.map(|r| r.split(',').nth(4).and_then(|v| v.parse().ok()).expect("tax_per_mu")).collect();
    assert_eq!(tax_per_mu.len(), 2);
    assert!(tax_per_mu[0] >= tax_per_mu[1], "highest tax per mu first: {tax_per_mu:?}");
    let parcels = std::fs::read_to_string(merged.join("parcels.geojson")).expect("parcels");
    assert!(parcels.contains(r#""properties":{"parcel_id":"#) && parcels.contains(r#","county":""#));
}

/// Codes 1–4 in 2023 and 2024 (万元; above = 是, below = 否, scale missing = by revenue ≥
/// 2000):
///
/// | code | 2023 scale, revenue, va, tax, kWh | 2024 scale, revenue, va, tax, kWh |
/// |------|-----------------------------------|-----------------------------------|
/// | 1    | 是, 12000, 3000, 500, 1000        | 是, 15000, 3300, 600, 1200        |
/// | 2    | 否, 1500, 300, 40, 200            | 是, 2500, 500, 50, 300            |
/// | 3    | –                                 | (missing), 2100, 400, 30, –       |
/// | 4    | 否, 800, 100, 10, 50              | 否, 900, 120, 12, 60              |
///
/// 2024: va_above = 3300 + 500 + 400 = 4200; revenue_above = 15000 + 2500 + 2100 = 19600; tax =
/// 600 + 50 + 30 + 12 = 692; electricity = 1200 + 300 + 60 = 1560 (code 3 has none: not 0);
/// above = 3; new_above = codes 2 and 3 = 2; revenue ≥ 10000 = 1.
/// 2023: va_above = 3000; revenue_above = 12000; tax = 550; electricity = 1250; above = 1;
/// revenue ≥ 10000 = 1. Changes: va 0.4, revenue 19600/12000 − 1, tax 142/550, kWh 310/1250,
/// above 2.0, over 100 m 0.
#[test]
fn the_work_report_indicators_equal_a_count_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c: Vec<String> = (1..=4).map(code).collect();
    // Codes 1–4 stand for @1 … @4 in the tables below.
    let table = |name: &str, text: &str| {
        let filled =
            c.iter().enumerate().fold(text.to_string(), |t, (i, code)| t.replace(&format!("@{}", i + 1), code));
        write(dir.path(), name, &filled);
    };
    table(
        "enterprises.csv",
        "credit_code,year,scale,revenue,value_added\n@1,2023,是,12000,3000\n@1,2024,是,15000,3300\n@2,2023,否,1500,300\n\
         @2,2024,是,2500,500\n@3,2024,,2100,400\n@4,2023,否,800,100\n@4,2024,否,900,120\n",
    );
    table(
        "tax.csv",
        "credit_code,year,tax\n@1,2023,500\n@1,2024,600\n@2,2023,40\n@2,2024,50\n@3,2024,30\n@4,2023,10\n@4,2024,12\n",
    );
    table(
        "energy.csv",
        "credit_code,year,electricity_kwh\n@1,2023,1000\n@1,2024,1200\n@2,2023,200\n@2,2024,300\n@4,2023,50\n@4,2024,60\n",
    );
    let holdings: Vec<(&str, f64)> = c.iter().map(|code| (code.as_str(), 10.0)).collect();
    write(dir.path(), "parcels.geojson", &parcels_for(&holdings));
    write(dir.path(), "muchan.toml", "[targets]\nva_growth = 0.5\nrevenue = 19000\nnew_above = 2\n");
    let out = dir.path().join("out");
    run_muchan_with(dir.path(), &out, &["--config", dir.path().join("muchan.toml").to_str().expect("path")]);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary")).expect("json");
    let all = &summary["indicators"]["all"];
    let figure =
        |name: &str| (all[name]["current"].as_f64(), all[name]["previous"].as_f64(), all[name]["change"].as_f64());
    assert_eq!(figure("va_above"), (Some(4200.0), Some(3000.0), Some(0.4)));
    assert_eq!(figure("revenue_above"), (Some(19600.0), Some(12000.0), Some(19600.0 / 12000.0 - 1.0)));
    assert_eq!(figure("tax"), (Some(692.0), Some(550.0), Some(142.0 / 550.0)));
    assert_eq!(figure("electricity_kwh"), (Some(1560.0), Some(1250.0), Some(310.0 / 1250.0)));
    assert_eq!(figure("above_count"), (Some(3.0), Some(1.0), Some(2.0)));
    assert_eq!(figure("new_above"), (Some(2.0), None, None));
    assert_eq!(figure("revenue_over_100m"), (Some(1.0), Some(1.0), Some(0.0)));
    assert_eq!(all["above_count"]["current"], serde_json::json!(3), "a count is an integer");
    assert_eq!((all["va_above"]["target"].as_f64(), all["va_above"]["met"].as_bool()), (Some(0.5), Some(false)));
    assert_eq!(
        (all["revenue_above"]["target"].as_f64(), all["revenue_above"]["met"].as_bool()),
        (Some(19000.0), Some(true))
    );
    assert_eq!(all["new_above"]["met"].as_bool(), Some(true));
    assert!(all["tax"].get("target").is_none(), "no target, no met");
    assert_eq!(summary["indicators"].as_object().map(|o| o.len()), Some(1), "only `all` without partition");
    assert!(!out.join("counties.csv").exists(), "counties.csv only with partition");
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("above-scale value added 4,200.00 万元 (on the year before +40.0 %; target +50.0 %, not met)")
    );
}

/// Codes and parcels that name no county are the empty county, with a `no_county` warning.
#[test]
fn a_code_or_parcel_without_a_county_is_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (code(11), code(12));
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,区县\n{a},2024,黄岩区\n{b},2024,\n"));
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2024,10\n{b},2024,20\n"));
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 10.0), (&b, 10.0), ("", 5.0)]));
    let (eval, ledger) = evaluate(dir.path(), PARTITION);
    let warned: Vec<(String, String)> = ledger
        .sorted()
        .into_iter()
        .filter(|i| i.code == "no_county")
        .map(|i| (i.table.to_string(), i.key.clone()))
        .collect();
    assert_eq!(
        warned,
        [
            ("enterprises".to_string(), b.clone()),
            ("parcels".to_string(), "P2".to_string()),
            ("parcels".to_string(), "P3".to_string())
        ]
    );
    let counties: Vec<&str> = eval.rating.counties.iter().map(|c| c.county.as_str()).collect();
    assert_eq!(counties, ["", "黄岩区"]);
    let parcel_counties: Vec<&str> = eval.parcels.county.values().iter().map(|c| c.as_str()).collect();
    assert_eq!(parcel_counties, ["黄岩区", "", ""]);
}
