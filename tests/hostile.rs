//! Hostile input: each case has a clear outcome — a data_quality row or exit code 2 with a
//! message — and never a panic (exit code 101).

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const CODE: &str = "914403001922038216";

/// Runs `muchan run` on `dir`; (exit code, stderr).
fn run(dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(dir)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into())
}

fn county(enterprises: &str, parcels: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "enterprises.csv", enterprises);
    write(dir.path(), "parcels.geojson", parcels);
    write_no_tax(dir.path());
    dir
}

const NO_PARCELS: &str = r#"{"type":"FeatureCollection","features":[]}"#;

fn problems(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("out/data_quality.csv")).expect("data_quality.csv")
}

#[test]
fn empty_and_header_only_files_stop_with_a_message() {
    let dir = county("", NO_PARCELS);
    let (code, err) = run(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("credit_code"), "{err}");
    let dir = county("credit_code,year\n", NO_PARCELS);
    let (code, err) = run(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("--year"), "{err}");
}

#[test]
fn a_50_mb_single_line_csv_is_read() {
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), NO_PARCELS);
    let line: String = std::iter::once("credit_code,year,tax".to_string())
        .chain((0..1_000_000).map(|i| format!("c{i:049}")))
        .collect::<Vec<_>>()
        .join(",");
    assert!(line.len() > 50_000_000);
    write(dir.path(), "tax.csv", &line);
    assert_eq!(run(dir.path()).0, 0);
}

#[test]
fn non_finite_and_huge_json_numbers() {
    for bad in ["NaN", "Infinity", "-Infinity"] {
        let dir = county(
            &format!("credit_code,year\n{CODE},2024\n"),
            &format!("{{\"type\":\"FeatureCollection\",\n\"features\":[{bad}]}}"),
        );
        let (code, err) = run(dir.path());
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("line 2, column"), "{bad}: {err}");
    }
    let huge = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"features":[
      {"type":"Feature","properties":{"parcel_id":"H1"},"geometry":{"type":"Polygon","coordinates":[[[1e308,1e308],[1e308,-1e308],[0,0],[1e308,1e308]]]}},
      {"type":"Feature","properties":{"parcel_id":"H2"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1e400,0],[0,1],[0,0]]]}},
      {"type":"Feature","properties":{"parcel_id":"Z"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,0],[0,0],[0,0]]]}},
      {"type":"Feature","properties":{"parcel_id":"N"},"geometry":null},
      {"type":"Feature","properties":{"parcel_id":"OK1"},"geometry":{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300000]]]}},
      {"type":"Feature","properties":{"parcel_id":"OK2"},"geometry":{"type":"Polygon","coordinates":[[[501000,3300000],[501100,3300000],[501100,3300100],[501000,3300000]]]}},
      {"type":"Feature","properties":{"parcel_id":"OK3"},"geometry":{"type":"Polygon","coordinates":[[[502000,3300000],[502100,3300000],[502100,3300100],[502000,3300000]]]}}]}"#;
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), huge);
    assert_eq!(run(dir.path()).0, 0);
    let p = problems(dir.path());
    for id in ["H1", "H2", "Z", "N"] {
        assert!(p.lines().any(|l| l.contains(&format!(",{id},")) && l.contains("geometry")), "{id} not reported:\n{p}");
    }
}

#[test]
fn deeply_nested_json_is_a_problem_row_not_a_crash() {
    let nested =
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{}{}]}}", "[".repeat(100_000), "]".repeat(100_000));
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), &nested);
    let (code, err) = run(dir.path());
    assert!(code == 0 || code == 2, "exit {code}: {err}");
    if code == 0 {
        assert!(problems(dir.path()).contains("invalid_geometry"));
    }
}

#[test]
fn a_polygon_with_200_000_vertices() {
    let n = 200_000;
    let ring: Vec<String> = (0..=n)
        .map(|i| {
            let t = std::f64::consts::TAU * (i % n) as f64 / n as f64;
            format!("[{},{}]", 500_000.0 + 1000.0 * t.cos(), 3_300_000.0 + 1000.0 * t.sin())
        })
        .collect();
    let parcels = gk_parcels(&[("BIG", CODE, "工业", format!("[[{}]]", ring.join(",")))]);
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), &parcels);
    assert_eq!(run(dir.path()).0, 0);
    let out = std::fs::read_to_string(dir.path().join("out/enterprises.csv")).expect("csv");
    let land: f64 = out.lines().nth(1).and_then(|l| l.split(',').nth(6)).and_then(|v| v.parse().ok()).expect("land_mu");
    // π·1000² m² in mu, less the polygon's shortfall from the circle.
    assert!((land - std::f64::consts::PI * 1e6 / (10000.0 / 15.0)).abs() < 0.01, "{land}");
}

#[test]
fn duplicates_mixed_encodings_and_a_bom_in_the_middle() {
    let text = format!("\u{feff}credit_code,year,name\n{CODE},2024,甲\n\u{feff}{CODE},2024,乙\n");
    let dir = county(&text, NO_PARCELS);
    assert_eq!(run(dir.path()).0, 0);
    let p = problems(dir.path());
    assert!(p.contains("duplicate_row"), "{p}");
    assert!(!p.contains("invalid_code"), "the BOM is not part of the code:\n{p}");
    // A GBK tax file beside a UTF-8 enterprises file.
    let tax = format!("统一社会信用代码,年份,税收\n{CODE},2024,5\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&tax);
    std::fs::write(dir.path().join("tax.csv"), &gbk).expect("write");
    assert_eq!(run(dir.path()).0, 0);
    let out = std::fs::read_to_string(dir.path().join("out/enterprises.csv")).expect("csv");
    assert!(!problems(dir.path()).contains("no_tax_row"), "the GBK tax row joined:\n{out}");
}

#[test]
fn a_configuration_with_wrong_types_stops_with_exit_2() {
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), NO_PARCELS);
    write(dir.path(), "muchan.toml", "[scoring]\ncap = \"two\"\n");
    let (code, err) = run(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("muchan.toml") && err.contains("expected f64"), "{err}");
    assert!(err.contains("line 2, column 7, key `scoring.cap`"), "{err}");
}

/// The message of a wrongly typed key names the file, the line and column, and the key's
/// path, array items included.
#[test]
fn a_wrongly_typed_key_is_named_with_its_line() {
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), NO_PARCELS);
    let cases = [
        ("# evaluation settings\n[evaluation]\nyear = \"2024\"\n", "line 3, column 8, key `evaluation.year`"),
        (
            "[groups.above]\nindicators = [\n  { name = \"tax_per_mu\", weight = 1 },\n  { name = \"tax_per_mu\", weight = \"x\" },\n]\n",
            "line 4, column 35, key `groups.above.indicators[1].weight`",
        ),
        ("scoring = 3\n", "line 1, column 11, key `scoring`"),
    ];
    for (toml, location) in cases {
        write(dir.path(), "muchan.toml", toml);
        let (code, err) = run(dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("muchan.toml") && err.contains(location), "{err}");
    }
}

#[test]
fn outputs_stay_inside_out_and_leave_no_partial_files() {
    let dir = county(&format!("credit_code,year\n{CODE},2024\n"), NO_PARCELS);
    let before: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(run(dir.path()).0, 0);
    let after: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(after.len(), before.len() + 1, "only out/ is new");
    let written: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    assert!(written.iter().all(|n| !n.contains("partial")), "{written:?}");
}
