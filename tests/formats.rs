//! SPEC §2: every table may come as CSV, XLSX (first sheet) or Parquet and is read exactly
//! like its CSV twin — the same county in the three formats gives identical outputs.

mod common;
use common::run_muchan;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use polars::prelude::*;
use std::path::Path;

const TABLES: [&str; 6] = ["enterprises", "tax", "energy", "leases", "adjustments", "commitments"];
/// Columns that hold codes or ids: kept as text in the workbook.
const TEXT_COLUMNS: [&str; 4] = ["统一社会信用代码", "承租方代码", "宗地编号", "受让人代码"];

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = muchan::input::text::decode_text(std::fs::read(path).expect("read"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("headers").iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

fn write_xlsx(headers: &[String], rows: &[Vec<String>], path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, col) = (r as u32 + 1, c as u16);
            let numeric = cell.parse::<f64>().ok().filter(|_| !TEXT_COLUMNS.contains(&headers[c].as_str()));
            match numeric {
                Some(x) => sheet.write_number(r, col, x).map(drop).expect("number"),
                None if cell.is_empty() => {}
                None => sheet.write_string(r, col, cell).map(drop).expect("text"),
            }
        }
    }
    book.save(path).expect("save xlsx");
}

fn write_parquet(headers: &[String], rows: &[Vec<String>], path: &Path) {
    let columns: Vec<Column> = headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let values: Vec<Option<&str>> =
                rows.iter().map(|r| r.get(c).map(String::as_str).filter(|v| !v.is_empty())).collect();
            Column::new(h.as_str().into(), values)
        })
        .collect();
    let mut frame = DataFrame::new(rows.len(), columns).expect("frame");
    let file = std::fs::File::create(path).expect("create");
    ParquetWriter::new(file).finish(&mut frame).expect("parquet");
}

#[test]
fn csv_xlsx_and_parquet_tables_give_identical_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_dir = dir.path().join("csv");
    let options =
        GenerateOptions { enterprises: 200, seed: 4, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
    generate(&options, &csv_dir).expect("generate");
    let (xlsx_dir, parquet_dir) = (dir.path().join("xlsx"), dir.path().join("parquet"));
    for d in [&xlsx_dir, &parquet_dir] {
        std::fs::create_dir_all(d).expect("mkdir");
        for layer in ["parcels.geojson", "buildings.geojson"] {
            std::fs::copy(csv_dir.join(layer), d.join(layer)).expect("copy");
        }
    }
    for table in TABLES {
        let (headers, rows) = read_csv(&csv_dir.join(format!("{table}.csv")));
        write_xlsx(&headers, &rows, &xlsx_dir.join(format!("{table}.xlsx")));
        write_parquet(&headers, &rows, &parquet_dir.join(format!("{table}.parquet")));
    }
    let outs: Vec<_> = ["csv", "xlsx", "parquet"].iter().map(|k| dir.path().join(format!("out-{k}"))).collect();
    for (data, out) in [&csv_dir, &xlsx_dir, &parquet_dir].iter().zip(&outs) {
        run_muchan(data, out);
    }
    let files = ["enterprises.csv", "summary.json", "parcels.geojson", "reclaim_blocks.geojson", "data_quality.csv"];
    for file in files.into_iter().chain(["commitments.csv", "low_efficiency.csv"]) {
        let base = std::fs::read(outs[0].join(file)).expect("csv output");
        for out in &outs[1..] {
            assert!(std::fs::read(out.join(file)).expect("output") == base, "{file} differs in {}", out.display());
        }
    }
}

/// SPEC §3: a code a spreadsheet stores as a number has lost its digits beyond the 15th; it
/// is a data_quality error naming the cell, and is used as written.
#[test]
fn a_code_stored_as_a_number_is_an_error_and_used_as_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "统一社会信用代码").expect("header");
    sheet.write_string(0, 1, "年份").expect("header");
    sheet.write_number(1, 0, 914403001922038216.0).expect("code as number");
    sheet.write_number(1, 1, 2024).expect("year");
    book.save(dir.path().join("enterprises.xlsx")).expect("save");
    std::fs::write(dir.path().join("parcels.geojson"), r#"{"type":"FeatureCollection","features":[]}"#).expect("write");
    std::fs::write(dir.path().join("tax.csv"), "credit_code,tax\n").expect("write");
    let ledger = muchan::quality::Ledger::new();
    let eval = muchan::pipeline::evaluate(
        dir.path(),
        muchan::config::Config::default(),
        muchan::pipeline::Context::new(&ledger),
    )
    .expect("evaluates");
    let issues = ledger.sorted();
    let issue = issues.iter().find(|i| i.code == "code_stored_as_number").expect("reported");
    assert_eq!((issue.table.as_str(), issue.row, issue.field.as_str()), ("enterprises", 1, "credit_code"));
    // The stored f64 is 914403001922038272; its shortest round-trip digits are written in full.
    assert_eq!(issue.key, "914403001922038300");
    assert_eq!(eval.rating.frame.height(), 1);
}
