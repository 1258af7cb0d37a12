//! Inputs from fuzzing (fuzz/README.md) kept as regression tests: the seeds that exercise the
//! readers' trickiest paths, and every input a fuzz target failed on. Each runs the same code
//! path as its fuzz target, through the crate's own API. The inputs are files under
//! fuzz/corpus/ (seeds) and fuzz/regressions/ (failures).

use muchan::config::{Config, ConfigError, Land};
use muchan::domain::{Figure, Figures};
use muchan::input::crs::Crs;
use muchan::input::energy::KeptMonths;
use muchan::input::parcels::read_parcels;
use muchan::input::source::read_table;
use muchan::input::tables::{read_adjustments, read_energy, read_enterprises, read_leases, read_tax};
use muchan::keys::{check_code, normalize_code};
use muchan::land::area::{geodesic_area_m2, planar_area_m2};
use muchan::land::repair::repair;
use muchan::quality::Ledger;
use std::path::PathBuf;

/// Writes `bytes` as `name` in a new temporary folder (kept alive by the returned guard).
fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

/// The `table` target's path: read the table, then type it as every table kind.
fn read_as_every_table(name: &str, bytes: &[u8]) -> Ledger {
    let (_dir, path) = file(name, bytes);
    let ledger = Ledger::new();
    if let Ok(raw) = read_table(&path) {
        let _ = read_enterprises(&raw, &ledger);
        let _ = read_tax(&raw, &ledger);
        let _ = read_energy(&raw, 2024, KeptMonths::for_year(2024, 3), &ledger);
        let _ = read_leases(&raw, &ledger);
        let _ = read_adjustments(&raw, &ledger);
    }
    ledger
}

#[test]
fn credit_codes_written_full_width_with_invisible_characters() {
    let written = "\u{feff}９１４４\u{3000}０３００７０８４６１１３６ｔ\u{200b} ";
    let code = normalize_code(written);
    assert_eq!(code, "91440300708461136T");
    assert!(check_code(&code));
    assert_eq!(normalize_code(&code), code);
    // Multi-character upper cases (ß → SS, ŉ → ʼN) stay idempotent.
    let odd = normalize_code("ß\u{149}ǅ\u{345}ﬃ");
    assert_eq!(normalize_code(&odd), odd);
    assert!(!check_code(&odd));
}

#[test]
fn gbk_enterprises_with_chinese_headers_and_units() {
    let bytes = include_bytes!("../fuzz/corpus/table/enterprises_gbk.csv");
    let (_dir, path) = file("enterprises.csv", bytes);
    let raw = read_table(&path).expect("a GBK CSV reads");
    assert_eq!(raw.headers[0], "统一社会信用代码");
    assert_eq!(raw.headers[6], "营业收入(万元)");
    assert_eq!(raw.len(), 4);
    let ledger = Ledger::new();
    let e = read_enterprises(&raw, &ledger).expect("the header maps");
    // Row 3 has no code and row 4 an unreadable year: both are reported and left out.
    let rows: Vec<_> = e.rows.iter().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].code, "913301215RDY1AE6YK");
    assert_eq!(rows[0].year, Some(2023));
    assert_eq!(rows[0].figures.get(Figure::Revenue), Some(86303.3));
    assert_eq!(rows[0].above, Some(true));
    assert_eq!(rows[1].code, "91440300708461136T");
    assert_eq!(rows[1].above, Some(false));
    assert_eq!(rows[1].figures, Figures::default());
    let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
    assert!(codes.contains(&"empty_code") && codes.contains(&"unreadable_year"), "{codes:?}");
    // The typed readers of the other tables refuse it (their required columns are missing).
    assert!(read_tax(&raw, &ledger).is_err());
    assert!(read_leases(&raw, &ledger).is_err());
}

#[test]
fn xlsx_table_with_numbers_dates_booleans_and_error_cells() {
    let bytes = include_bytes!("../fuzz/corpus/table/tax_stored.xlsx");
    let (_dir, path) = file("tax.xlsx", bytes);
    let raw = read_table(&path).expect("the workbook reads");
    assert_eq!(raw.headers, ["统一社会信用代码", "年份", "月份", "实缴税收(万元)", "登记日期"]);
    assert_eq!(raw.len(), 3);
    assert_eq!(&raw.records().expect("records")[0][4], "2021-03-09");
    assert_eq!(&raw.records().expect("records")[1][0], "914403001922038000");
    assert!(raw.numeric_cells.contains(&(1, 0)));
    let ledger = Ledger::new();
    let rows = read_tax(&raw, &ledger).expect("tax columns map");
    // Row 2's month is a boolean cell (`true`, not 1–12): the row is left out.
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].tax, Some(12.5));
    assert_eq!(rows[1].year, Some(2024));
    let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
    assert!(codes.contains(&"code_stored_as_number") && codes.contains(&"bad_month"), "{codes:?}");
}

#[test]
fn csv_oddities_read_without_panic() {
    for (name, bytes) in [
        ("quoted_newlines.csv", include_bytes!("../fuzz/corpus/table/quoted_newlines.csv").as_slice()),
        ("ragged.csv", include_bytes!("../fuzz/corpus/table/ragged.csv").as_slice()),
        ("english_aliases.csv", include_bytes!("../fuzz/corpus/table/english_aliases.csv").as_slice()),
        ("empty_sheet.xlsx", include_bytes!("../fuzz/corpus/table/empty_sheet.xlsx").as_slice()),
        ("not_a_workbook.xlsx", b"PK\x03\x04 this is not a workbook".as_slice()),
        ("empty.csv", b"".as_slice()),
        ("bom_only.csv", b"\xEF\xBB\xBF".as_slice()),
        ("invalid_utf8_and_gbk.csv", b"\xFF\xFE\x80,\x81\n\x82\x30\x81\n".as_slice()),
    ] {
        read_as_every_table(name, bytes);
    }
    let (_dir, path) = file("english_aliases.csv", include_bytes!("../fuzz/corpus/table/english_aliases.csv"));
    let raw = read_table(&path).expect("reads");
    let ledger = Ledger::new();
    assert_eq!(read_tax(&raw, &ledger).expect("tax").len(), 1);
    assert_eq!(read_leases(&raw, &ledger).expect("leases")[0].area_mu, Ok(Some(1.5)));
    assert!(read_adjustments(&raw, &ledger).expect("adjustments")[0].veto);
}

#[test]
fn bow_tie_holes_and_broken_features_geojson() {
    let bytes = include_bytes!("../fuzz/corpus/parcels/bow_tie_holes.geojson");
    let (_dir, path) = file("parcels.geojson", bytes);
    let ledger = Ledger::new();
    let parcels = read_parcels(&path, &Land::default(), &ledger).expect("reads leniently");
    assert_eq!(parcels.crs, Crs::LonLat);
    assert_eq!(parcels.features.len(), 17);
    assert_eq!(parcels.features[0].parcel_id, "B1");
    assert_eq!(parcels.features[5].parcel_id, "B1#2");
    assert_eq!(parcels.features[0].user, "91440300708461136T");
    assert_eq!(parcels.features[0].registered_mu, Some(1500.0));
    // The bow-tie (unclosed) becomes its two lobes.
    let bow_tie = repair(parcels.features[0].raw.as_ref().expect("coordinates"));
    let lobes = bow_tie.geometry.expect("a geometry");
    assert_eq!(lobes.0.len(), 2);
    for f in &parcels.features {
        let Some(raw) = &f.raw else { continue };
        if let Some(g) = repair(raw).geometry {
            let area = geodesic_area_m2(&g);
            assert!(area.is_finite() && area > 0.0, "{}: {area}", f.parcel_id);
        }
    }
    // The square with two holes: 0.004° square less two 0.001° squares, about 15/16 × 0.004².
    let holes = repair(parcels.features[1].raw.as_ref().expect("coordinates")).geometry.expect("valid");
    assert_eq!(holes.0[0].interiors().len(), 2);
    let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
    assert!(codes.contains(&"duplicate_parcel_id") && codes.contains(&"code_stored_as_number"), "{codes:?}");
}

#[test]
fn gauss_kruger_bow_tie_with_crs_member_and_projected_gbk_file() {
    let bytes = include_bytes!("../fuzz/corpus/parcels/gauss_kruger_crs.geojson");
    let (_dir, path) = file("parcels.geojson", bytes);
    // Its member names zone 39 (EPSG:4527) for eastings of zone 40: the run stops (SPEC §13).
    let err = read_parcels(&path, &Land::default(), &Ledger::new()).expect_err("zone 39 named, zone 40 given");
    assert!(err.message.contains("EPSG:4527") && err.message.contains("fit EPSG:4528"), "{}", err.message);
    let corrected = String::from_utf8_lossy(bytes).replace("4527", "4528");
    let (_dir, path) = file("parcels.geojson", corrected.as_bytes());
    let parcels = read_parcels(&path, &Land::default(), &Ledger::new()).expect("reads");
    assert_eq!(parcels.crs, Crs::GaussKruger { epsg: 4528 });
    let bow_tie = repair(parcels.features[0].raw.as_ref().expect("coordinates")).geometry.expect("lobes");
    assert!((planar_area_m2(&bow_tie) - 20000.0).abs() < 1e-3);

    let gbk = include_bytes!("../fuzz/corpus/parcels/projected_gbk.geojson");
    let (_dir, path) = file("parcels.geojson", gbk);
    let err = read_parcels(&path, &Land::default(), &Ledger::new()).expect_err("projected without a CRS");
    assert!(err.to_string().contains("land.crs"), "{err}");
    let parcels = read_parcels(&path, &Land { crs: Some("EPSG:4549".into()), ..Land::default() }, &Ledger::new())
        .expect("with land.crs");
    assert_eq!(parcels.features[0].park.as_deref(), Some("经开区"));
}

#[test]
fn broken_geojson_files_are_errors() {
    for (bytes, line) in [
        (include_bytes!("../fuzz/corpus/parcels/invalid_json.geojson").as_slice(), Some(2)),
        (include_bytes!("../fuzz/corpus/parcels/no_features.geojson").as_slice(), None),
        (include_bytes!("../fuzz/corpus/parcels/bad_crs.geojson").as_slice(), None),
    ] {
        let (_dir, path) = file("parcels.geojson", bytes);
        let err = read_parcels(&path, &Land::default(), &Ledger::new()).expect_err("an error");
        assert_eq!(err.line, line, "{err}");
    }
}

#[test]
fn tiny_coordinates_repair_without_panic() {
    // 1e-300 coordinates: i_overlay's integer grid overflows inside repair's catch_unwind.
    let bytes = include_bytes!("../fuzz/corpus/parcels/bom_utf8.geojson");
    let (_dir, path) = file("parcels.geojson", bytes);
    let parcels = read_parcels(&path, &Land::default(), &Ledger::new()).expect("reads");
    let raw = parcels.features[0].raw.as_ref().expect("coordinates");
    if let Some(g) = repair(raw).geometry {
        assert!(geodesic_area_m2(&g) >= 0.0);
    }
}

#[test]
fn configurations_with_wrong_types_are_errors() {
    let invalid = |text: &str| match Config::from_toml(text, "fuzz.toml") {
        Err(ConfigError::Invalid { message, .. }) => message,
        other => panic!("{text:?} gave {other:?}"),
    };
    let message = invalid(include_str!("../fuzz/corpus/config/wrong_type.toml"));
    assert!(message.contains("expected f64"), "{message}");
    assert!(invalid(include_str!("../fuzz/corpus/config/unknown_key.toml")).contains("yeer"));
    assert!(invalid(include_str!("../fuzz/corpus/config/unknown_indicator.toml")).contains("water"));
    assert!(invalid(include_str!("../fuzz/corpus/config/bad_shares.toml")).contains("0 ≤ a ≤ b ≤ c ≤ 1"));
    assert!(invalid(include_str!("../fuzz/corpus/config/syntax_error.toml")).contains("line 1"));
    // A months count of −1 does not fit its unsigned type.
    invalid(include_str!("../fuzz/corpus/config/nan_inf.toml"));
    // A whole group replaced by a number.
    invalid(include_str!("../fuzz/corpus/config/group_replaced.toml"));
    let custom = Config::from_toml(include_str!("../fuzz/corpus/config/custom.toml"), "fuzz.toml").expect("valid");
    assert_eq!(custom.evaluation.year, Some(2024));
    assert_eq!(custom.groups.above.indicators[0].name, "water_per_mu");
    assert_eq!(
        Config::from_toml(include_str!("../fuzz/corpus/config/empty.toml"), "x").expect("ok"),
        Config::default()
    );
}

/// Found by the `parcels` target (fuzz/regressions/parcels_lonlat_crs_projected_coordinates.geojson).
/// A file whose `crs` member names a longitude/latitude system holds metres: once read as
/// degrees (a NaN geodesic area). The stated CRS is now checked against the coordinates (SPEC
/// §13): the run stops, naming the CRS and a vertex in plain decimals.
#[test]
fn lon_lat_crs_with_projected_coordinates_stops_the_run() {
    let bytes = include_bytes!("../fuzz/regressions/parcels_lonlat_crs_projected_coordinates.geojson");
    let (_dir, path) = file("parcels.geojson", bytes);
    let err = read_parcels(&path, &Land::default(), &Ledger::new()).expect_err("the crs member does not fit");
    assert!(err.message.contains("OGC:CRS84") && err.message.contains("vertex ["), "{}", err.message);
    assert!(!err.message.contains("e+") && !err.message.contains("e-"), "plain decimals: {}", err.message);
}

/// Found by the `table` target (fuzz/regressions/table_calamine_reference_overflow*.xlsx).
/// calamine 0.38 reads a cell reference with unchecked `u32` arithmetic
/// (`get_row_and_optional_column`, calamine-0.38.0/src/xlsx/mod.rs:3096–3097): `r="AAAAAAAA2"`
/// overflows it. With overflow checks (the test profile) calamine panics, which `read_spreadsheet`
/// catches; in a release build the column wraps to about 4·10⁹ and calamine's dense range asked
/// for 259 GB, so the process aborted. The sheet is now streamed sparsely and a cell beyond
/// XFD1048576 is an input error; the fuzzed file, whose reference also holds a `.`, is an
/// unreadable sheet. Either way: an `InputError` naming the file, in both builds.
#[test]
fn xlsx_cell_reference_overflow_is_an_input_error() {
    for bytes in [
        include_bytes!("../fuzz/regressions/table_calamine_reference_overflow.xlsx").as_slice(),
        include_bytes!("../fuzz/regressions/table_calamine_reference_overflow_fuzzed.xlsx").as_slice(),
    ] {
        let (_dir, path) = file("tax.xlsx", bytes);
        let err = read_table(&path).err().expect("an input error");
        assert!(err.to_string().contains("tax.xlsx"), "{err}");
    }
}

/// Made while looking at the finding above: a workbook with one stray cell at Excel's last cell
/// (XFD1048576) made calamine's `worksheet_range` allocate 16384 × 1048576 cells (hundreds of
/// GB), so the allocation failed and the process aborted. Now only the rows holding a value
/// are built: the stray cell is a record of its own (row 2 of the data), which has no code.
#[test]
fn xlsx_with_a_cell_at_the_last_excel_cell_is_read_sparsely() {
    let bytes = include_bytes!("../fuzz/regressions/table_xlsx_huge_dimension.xlsx");
    let (_dir, path) = file("tax.xlsx", bytes);
    let raw = read_table(&path).expect("reads");
    assert_eq!(raw.headers, ["credit_code", "tax"]);
    assert_eq!(raw.len(), 2);
    assert_eq!(raw.records().expect("records")[0].iter().collect::<Vec<_>>(), ["914403001922038216"]);
    assert_eq!(raw.records().expect("records")[1].len(), 16_384);
    assert_eq!(&raw.records().expect("records")[1][16_383], "x");
    assert!(raw.records().expect("records")[1].iter().take(16_383).all(str::is_empty));
    let ledger = Ledger::new();
    let rows = read_tax(&raw, &ledger).expect("typed");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 1);
    let issues = ledger.sorted();
    let empty: Vec<usize> = issues.iter().filter(|i| i.code == "empty_code").map(|i| i.row).collect();
    assert_eq!(empty, [2]);
}

/// A cell placed beyond Excel's last column (`XFE2`, column 16,385) is a damaged workbook: an
/// input error naming the file and the cell, not a grid of 16,385 columns.
#[test]
fn xlsx_cell_beyond_the_last_column_is_an_input_error() {
    let bytes = include_bytes!("data/xlsx_cell_beyond_last_column.xlsx");
    let (_dir, path) = file("tax.xlsx", bytes);
    let err = read_table(&path).err().expect("an input error");
    let message = err.to_string();
    assert!(message.contains("tax.xlsx") && message.contains("XFE2"), "{message}");
    assert!(message.contains("row 2, column 16385") && message.contains("XFD1048576"), "{message}");
}

/// Found by the `repair` target (fuzz/regressions/repair_far_vertex_zero_area.bin, in the
/// target's byte encoding): a triangle with one vertex at 1.14e46 and two at 1. repair keeps it
/// (it is valid); its area is 1, but the shoelace sum cancels to 0 in f64. Not a bug of repair,
/// so no area is asserted: the geometry must be valid and the measured area not negative.
#[test]
fn far_vertex_repairs_to_a_valid_geometry() {
    use geo::Validation;
    let raw = vec![vec![vec![[1.1417981541647678e46, 0.0], [1.0, 1.0], [3.0, 1.0]]], vec![]];
    let repaired = repair(&raw);
    let geometry = repaired.geometry.expect("the triangle is kept");
    assert!(geometry.is_valid());
    let area = planar_area_m2(&geometry);
    assert!(area.is_finite() && area >= 0.0, "{area}");
}

/// Found by the `repair` target (fuzz/regressions/repair_huge_coordinates_invalid_output.bin):
/// a quadrilateral at 1.7e289 is made valid into a rectangle that geo's `Validation` calls
/// invalid, because its own products overflow f64 there. Not a bug of repair: it must not
/// panic, and what it returns must be non-empty and measure no negative area.
#[test]
fn huge_coordinates_repair_without_panic() {
    let raw = vec![vec![vec![
        [0.0, 0.0],
        [0.0, -1.7042965953448835e289],
        [-1.7044745290527055e289, -1.7044745290527055e289],
        [-1.7044745290527055e289, -1.0891478794464722e270],
    ]]];
    if let Some(geometry) = repair(&raw).geometry {
        assert!(!geometry.0.is_empty());
        let area = planar_area_m2(&geometry);
        assert!(area >= 0.0 || area.is_nan(), "{area}");
    }
}

/// The seeds of the `shapefile` target (a .shp and a GBK .dbf in one file, the .dbf's
/// encoding told by a .cpg or by its language byte alone) read as muchan reads them.
#[test]
fn shapefile_seeds_read_with_their_gbk_attributes() {
    for (seed, decided) in [("gbk_cpg.bin", "gb18030 (.cpg)"), ("gbk_language_byte.bin", "gb18030 (language byte)")] {
        let bytes = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/shapefile").join(seed))
            .expect("seed");
        let split = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
        let (shp, rest) = bytes[2..].split_at(split);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("parcels.shp"), shp).expect("shp");
        std::fs::write(dir.path().join("parcels.dbf"), &rest[..rest.len() - 1]).expect("dbf");
        if rest.last() == Some(&1) {
            std::fs::write(dir.path().join("parcels.cpg"), "GBK").expect("cpg");
        }
        let layer =
            muchan::input::shp::read_layer(&dir.path().join("parcels.shp"), None, &Ledger::new()).expect("reads");
        assert_eq!(layer.encoding.as_deref(), Some(decided));
        let ids: Vec<&str> = layer.features.iter().map(|f| f.parcel_id.as_str()).collect();
        assert_eq!(ids, ["P1", "P2", "P3"]);
        assert_eq!(layer.features[0].land_use.as_deref(), Some("工业用地"));
        assert_eq!(layer.features[1].registered_mu, Some(14.85));
        assert_eq!(layer.features[1].raw.as_ref().map(|p| (p.len(), p[0].len())), Some((1, 2)), "a shell and its hole");
        assert!(layer.features[2].raw.is_none(), "a null shape");
    }
}

/// Found by the `shapefile` target (fuzz/regressions/shapefile_huge_part_count.bin, and
/// shapefile_huge_count_polyline.bin: a polyline's): a .shp record claiming 10⁸-odd parts made
/// the `shapefile` crate reserve gigabytes and abort the process; and
/// shapefile_part_start_past_points.bin: a polygon of 10 points whose second part starts at
/// point 1,409,286,149, so the crate reserved the difference of two part starts, 22.5 GB, for
/// its first part. Record sizes and part starts are now checked first: the run stops naming
/// the record.
#[test]
fn a_damaged_shapefile_record_is_an_error_not_an_abort() {
    let inputs: [&[u8]; 3] = [
        include_bytes!("../fuzz/regressions/shapefile_huge_part_count.bin"),
        include_bytes!("../fuzz/regressions/shapefile_huge_count_polyline.bin"),
        include_bytes!("../fuzz/regressions/shapefile_part_start_past_points.bin"),
    ];
    for bytes in inputs {
        let split = usize::from(u16::from_le_bytes([bytes[0], bytes[1]])).min(bytes.len() - 2);
        let (shp, dbf) = bytes[2..].split_at(split);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("parcels.shp"), shp).expect("shp");
        std::fs::write(dir.path().join("parcels.dbf"), dbf).expect("dbf");
        let err = muchan::input::shp::read_layer(&dir.path().join("parcels.shp"), None, &Ledger::new())
            .err()
            .expect("a damaged record is an error");
        assert!(err.message.contains("is damaged"), "stopped by muchan's check, not the crate: {}", err.message);
    }
}
