//! Table reading with header aliasing: arbitrary bytes as a table file, read by
//! `input::source::read_table` (CSV: UTF-8 with or without BOM, or GBK/GB18030; XLSX when the
//! bytes start like a ZIP archive), then typed by every table reader — enterprises, tax,
//! energy, leases, adjustments — each with its own `quality::Ledger`.
//!
//! Errors (`InputError`) are fine; panics are not. Typed rows must keep the readers'
//! promises: a non-empty code, a row number within the file, a month in 1–12, finite
//! numbers, a lease area that is not negative, one extra cell per extra header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::domain::Figure;
use muchan_fuzz::input::energy::KeptMonths;
use muchan_fuzz::input::source::{RawTable, read_table};
use muchan_fuzz::input::tables::{read_adjustments, read_energy, read_enterprises, read_leases, read_tax};
use muchan_fuzz::quality::Ledger;

fn finite(values: &[Option<f64>]) {
    for v in values.iter().flatten() {
        assert!(v.is_finite(), "a non-finite number was read: {v}");
    }
}

fn row_in(raw: &RawTable, row: usize) {
    assert!((1..=raw.len()).contains(&row), "row {row} of {} records", raw.len());
}

fn check(raw: &RawTable) {
    if let Ok(e) = read_enterprises(raw, &Ledger::new()) {
        for r in &e.rows {
            row_in(raw, r.row);
            assert!(!r.code.is_empty());
            assert_eq!(r.extra.len(), e.extra_headers.len());
            let numbers: Vec<Option<f64>> = Figure::ALL.into_iter().map(|f| r.figures.get(f)).collect();
            finite(&numbers);
        }
    }
    if let Ok(rows) = read_tax(raw, &Ledger::new()) {
        for r in &rows {
            row_in(raw, r.row);
            assert!(!r.code.is_empty());
            assert!(r.month.is_none_or(|m| (1..=12).contains(&m)));
            finite(&[r.tax]);
        }
    }
    if let Ok(totals) = read_energy(raw, 2024, KeptMonths::for_year(2024, 3), &Ledger::new()) {
        assert!(totals.rows() <= raw.len());
        assert!(totals.years.iter().all(|(code, _, _)| !code.is_empty()));
    }
    if let Ok(rows) = read_leases(raw, &Ledger::new()) {
        for r in &rows {
            row_in(raw, r.row);
            if let Ok(Some(a)) = r.area_mu {
                assert!(a.is_finite() && a >= 0.0, "lease area {a}");
            }
        }
    }
    if let Ok(rows) = read_adjustments(raw, &Ledger::new()) {
        for r in &rows {
            row_in(raw, r.row);
            assert!(!r.code.is_empty());
            finite(&[r.points]);
        }
    }
}

fuzz_target!(
    init: {
        // One worker: the readers use rayon, and the machine is shared.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        // calamine's overflow panics unwind to read_spreadsheet's catch_unwind; any other panic aborts.
        muchan_fuzz::let_xlsx_catch_calamine_overflow();
    },
    |bytes: &[u8]| {
        let name = if bytes.starts_with(b"PK\x03\x04") { "table.xlsx" } else { "table.csv" };
        let path = muchan_fuzz::scratch_file(name, bytes);
        if let Ok(raw) = read_table(&path) {
            for record in &raw.records().expect("a table that was read can be walked") {
                assert!(!record.iter().all(|c| c.trim().is_empty()), "a blank record was kept");
            }
            check(&raw);
        }
    }
);
