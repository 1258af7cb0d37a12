//! Real file formats (SPEC §2) and fatal errors (exit code 2, naming file, line, column).

mod common;
use common::*;
use std::process::Command;

fn muchan(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_muchan")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn small_county(dir: &std::path::Path) -> (String, String) {
    let (a, b) = (code(71), code(72));
    write(dir, "parcels.geojson", &parcels_for(&[(&a, 10.0), (&b, 10.0)]));
    write_no_tax(dir);
    (a, b)
}

#[test]
fn gbk_and_bom_files_with_chinese_headers_and_messy_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = small_county(dir.path());
    let lower_full_width: String =
        a.to_lowercase().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
    let text = format!(
        "统一社会信用代码,企业名称,年份,营业收入（万元）,利润总额\n{lower_full_width},甲公司,2024年,\"1,500\",-\n{b},乙公司,2024,-,N/A\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(dir.path().join("enterprises.csv"), &gbk).expect("write");
    let tax = format!("\u{feff}社会信用代码,年度,实缴税金[万元]\n{a},2024,30\n{b},2024,10\n");
    write(dir.path(), "tax.csv", &tax);
    let (eval, ledger) = evaluate(dir.path(), "");
    assert_eq!(str_at(&eval, &a, "name").as_deref(), Some("甲公司"));
    assert_close(f64_at(&eval, &a, "revenue"), 1500.0, 0.0);
    assert_eq!(f64_at(&eval, &a, "profit"), None, "`-` is missing, never zero");
    assert_eq!(f64_at(&eval, &b, "revenue"), None);
    assert_close(f64_at(&eval, &a, "tax_per_mu_value"), 3.0, 1e-9);
    assert!(ledger.sorted().iter().all(|i| i.code != "invalid_code"), "normalised codes are valid");
}

#[test]
fn missing_required_column_exits_2_naming_file_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    small_county(dir.path());
    write(dir.path(), "enterprises.csv", "企业名称,年份\n甲,2024\n");
    let data = dir.path().to_str().expect("utf-8 path");
    let out = dir.path().join("out");
    let (code, _, stderr) = muchan(&["run", "--data", data, "--out", out.to_str().expect("utf-8"), "--quiet"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("enterprises.csv") && stderr.contains("credit_code") && stderr.contains("line 1"),
        "{stderr}"
    );
}

#[test]
fn invalid_json_and_two_files_for_one_table_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = small_county(dir.path());
    write(dir.path(), "enterprises.csv", &format!("credit_code,year\n{a},2024\n"));
    write(dir.path(), "parcels.geojson", "{\"type\": \"FeatureCollection\",\n \"features\": [Infinity]}");
    let data = dir.path().to_str().expect("utf-8 path");
    let (code, _, stderr) = muchan(&["validate", "--data", data, "--out", data, "--quiet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("parcels.geojson") && stderr.contains("line 2, column"), "{stderr}");
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 10.0)]));
    write(dir.path(), "tax.csv", "credit_code,tax\n");
    write(dir.path(), "tax.parquet", "");
    let (code, _, stderr) = muchan(&["validate", "--data", data, "--out", data, "--quiet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("tax.csv") && stderr.contains("tax.parquet"), "{stderr}");
}

#[test]
fn bad_config_key_exits_2_and_validate_exits_1_on_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = small_county(dir.path());
    write(dir.path(), "enterprises.csv", &format!("credit_code,year\n{a},2024\n{a},2024\n"));
    let data = dir.path().to_str().expect("utf-8 path");
    let (code, _, _) = muchan(&["validate", "--data", data, "--out", data, "--quiet"]);
    assert_eq!(code, 1, "a duplicate row is an error-severity problem");
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[scoring]\ncapp = 3\n").expect("write");
    let (code, _, stderr) =
        muchan(&["run", "--data", data, "--out", data, "--config", config.to_str().expect("utf-8"), "--quiet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("capp") && stderr.contains("bad.toml"), "{stderr}");
}

/// SPEC §13: an Excel 97–2003 file as a statistics office exports it — a merged title row, a
/// merged two-row header, a units row in 元 and 千元, a 合计 row — named in Chinese.
#[test]
fn a_government_xls_reads_with_its_header_block_and_units() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = ("914403001922038216", "91440300708461136T");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/enterprises_government.xls"),
        dir.path().join("企业数据.xls"),
    )
    .expect("copy");
    write(dir.path(), "parcels.geojson", &parcels_for(&[(a, 10.0), (b, 10.0)]));
    write_no_tax(dir.path());
    let (eval, ledger) = evaluate(dir.path(), "");
    assert_close(f64_at(&eval, a, "revenue"), 5_234.0, 1e-9);
    assert_close(f64_at(&eval, a, "value_added"), 1_234.56, 1e-9);
    assert_close(f64_at(&eval, a, "total_assets"), 800.0, 1e-9);
    assert_eq!(f64_at(&eval, b, "revenue"), None, "`-` is missing, never 0");
    let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
    for expected in ["title_rows_skipped", "unit_converted", "total_row_skipped"] {
        assert!(codes.contains(&expected), "{expected} in {codes:?}");
    }
    assert!(!codes.contains(&"empty_code"), "the 合计 row is no enterprise: {codes:?}");
}

/// SPEC §13: in a yearly table with a year column, an empty year is an error and the row is
/// not used (it once silently replaced the evaluation year's row).
#[test]
fn an_empty_year_cell_is_missing_year_and_the_row_is_not_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = small_county(dir.path());
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n{a},,999\n"));
    let (eval, ledger) = evaluate(dir.path(), "");
    assert_close(f64_at(&eval, &a, "revenue"), 100.0, 1e-9);
    let issues = ledger.sorted();
    let missing = issues.iter().find(|i| i.code == "missing_year").expect("missing_year");
    assert_eq!((missing.table.as_str(), missing.row), ("enterprises", 2));
}

/// SPEC §13: `--year` that no enterprises row carries stops the run, listing the years there
/// are; an unrecognised file in a run that goes on is an `unknown_file` warning.
#[test]
fn a_year_without_rows_stops_and_unknown_files_are_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = small_county(dir.path());
    write(dir.path(), "enterprises.csv", &format!("credit_code,year\n{a},2023\n{a},2024\n"));
    write(dir.path(), "energy_2024.csv", "credit_code,year,用电量\n");
    let data = dir.path().to_str().expect("utf-8 path");
    let out = dir.path().join("out");
    let out = out.to_str().expect("utf-8 path");
    let (code, _, stderr) = muchan(&["run", "--data", data, "--out", out, "--quiet", "--year", "2019"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("2019") && stderr.contains("2023, 2024"), "{stderr}");
    let (code, _, _) = muchan(&["run", "--data", data, "--out", out, "--quiet"]);
    assert_eq!(code, 0);
    let problems = std::fs::read_to_string(dir.path().join("out/data_quality.csv")).expect("data_quality.csv");
    assert!(problems.lines().any(|l| l.contains("unknown_file") && l.contains("energy_2024.csv")), "{problems}");
}
