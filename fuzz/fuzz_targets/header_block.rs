//! The header finder (SPEC §13): arbitrary bytes as a table file (`.xlsx` when they start like
//! a ZIP archive, else CSV), read by `input::source::read_table`, then its header block found
//! for every table's schema (`RawTable::with_header_block`: title rows, two-row headers, a
//! units row, units converted) and the rows typed.
//!
//! Errors are fine (no key column in the first 20 rows, a unit a column does not accept);
//! panics are not. After the header block: the data records are at most the records read, each
//! typed row's number is within them, and every number a reader returns is finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::domain::Figure;
use muchan_fuzz::input::headers::{ADJUSTMENTS, ENERGY, ENTERPRISES, LEASES, PARCEL_LEDGER, TAX};
use muchan_fuzz::input::source::read_table;
use muchan_fuzz::input::tables::{read_enterprises, read_leases, read_parcel_ledger, read_tax};
use muchan_fuzz::quality::Ledger;

fuzz_target!(
    init: {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        muchan_fuzz::let_xlsx_catch_calamine_overflow();
    },
    |bytes: &[u8]| {
        let name = if bytes.starts_with(b"PK\x03\x04") { "table.xlsx" } else { "table.csv" };
        let path = muchan_fuzz::scratch_file(name, bytes);
        let schemas = [
            ("enterprises", ENTERPRISES),
            ("tax", TAX),
            ("energy", ENERGY),
            ("leases", LEASES),
            ("adjustments", ADJUSTMENTS),
            ("parcel_ledger", PARCEL_LEDGER),
        ];
        for (table, schema) in schemas {
            let Ok(raw) = read_table(&path) else { return };
            let records = raw.len();
            let Ok(raw) = raw.with_header_block(table, schema, &Ledger::new()) else { continue };
            assert!(raw.len() <= records, "{table}: {} data records of {records}", raw.len());
            let within = |row: usize| assert!((1..=raw.len()).contains(&row), "{table}: row {row} of {}", raw.len());
            match table {
                "enterprises" => {
                    for r in read_enterprises(&raw, &Ledger::new()).map(|e| e.rows).unwrap_or_default() {
                        within(r.row);
                        for v in Figure::ALL.into_iter().filter_map(|f| r.figures.get(f)) {
                            assert!(v.is_finite(), "{table}: {v}");
                        }
                    }
                }
                "tax" => {
                    for r in read_tax(&raw, &Ledger::new()).unwrap_or_default() {
                        within(r.row);
                        assert!(r.tax.is_none_or(f64::is_finite));
                    }
                }
                "leases" => {
                    for r in read_leases(&raw, &Ledger::new()).unwrap_or_default() {
                        within(r.row);
                        if let Ok(Some(a)) = r.area_mu {
                            assert!(a.is_finite() && a >= 0.0, "lease area {a}");
                        }
                    }
                }
                "parcel_ledger" => {
                    for r in read_parcel_ledger(&raw, &Ledger::new()).unwrap_or_default() {
                        within(r.row);
                        assert!(!r.parcel_id.is_empty());
                    }
                }
                _ => {}
            }
        }
    }
);
