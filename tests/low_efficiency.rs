//! 低效用地 (SPEC §15) on a hand-made county: plot ratio under the industry's minimum, coverage
//! under 0.30, tax per mu under half the benchmark, completion overdue; the reclaim reason,
//! parcels.geojson, low_efficiency.csv and summary per park; bad building input as data
//! problems.

mod common;
use common::*;
use muchan::domain::{LowTest, ReclaimReason};
use muchan::output::{self, Extras};

fn feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}"#)
}

fn polygon(coords: String) -> String {
    format!(r#"{{"type":"Polygon","coordinates":{coords}}}"#)
}

#[test]
fn the_four_tests_reclaim_and_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (code(71), code(72), code(73));
    // a: metal products (33, minimum 0.7); b: clothing (18, minimum 1.0); c: no industry.
    write(
        dir.path(),
        "enterprises.csv",
        &format!(
            "credit_code,year,name,industry,revenue,value_added,park\n\
             {a},2024,甲,C3311,1000,200,东区\n{b},2024,乙,1810,1000,200,东区\n{c},2024,丙,,1000,200,西区\n"
        ),
    );
    // Tax per mu: a 300 ÷ 15 = 20, b 30 ÷ 15 = 2, c 150 ÷ 15 = 10; the benchmark of tax_per_mu
    // is the mean 32/3 ≈ 10.67 (default benchmark), half of it 5.33: only b is low.
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2024,300\n{b},2024,30\n{c},2024,150\n"));
    let mut parcels = parcels_for(&[(&a, 15.0), (&b, 15.0), (&c, 15.0)]);
    // P3 (c) was due for completion on 2022-12-31: two years later is as_of 2024-12-31.
    parcels = parcels.replacen(r#""宗地编号":"P3""#, r#""宗地编号":"P3","园区":"西区","约定竣工日期":"2022/12/31""#, 1);
    for id in ["P1", "P2"] {
        parcels = parcels.replacen(&format!(r#""宗地编号":"{id}""#), &format!(r#""宗地编号":"{id}","园区":"东区""#), 1);
    }
    write(dir.path(), "parcels.geojson", &parcels);
    // Each parcel is 100 × 100 m = 10,000 m² = 15 mu, at x = 500000 + 1000 i.
    let features = [
        // P1: 60 × 50 m, 1 floor, 8.5 m: 3,000 m² covered, counted twice → 6,000 m²: plot
        // ratio 0.6 < 0.7, coverage 0.30 (not under 0.30).
        feature(r#""层数":"1","建筑高度":"8.5""#, &polygon(rect(500_010.0, 3_300_010.0, 60.0, 50.0))),
        // P2: 40 × 50 m, 6 floors: coverage 0.20, plot ratio 1.2 (≥ 1.0).
        feature(r#""层数":"6""#, &polygon(rect(501_010.0, 3_300_010.0, 40.0, 50.0))),
        // Bad input: a point, a line, negative floors (one storey assumed).
        feature(r#""层数":"2""#, r#"{"type":"Point","coordinates":[502050,3300050]}"#),
        feature(r#""层数":"2""#, r#"{"type":"LineString","coordinates":[[502010,3300010],[502090,3300090]]}"#),
        feature(r#""层数":"-3""#, &polygon(rect(502_010.0, 3_300_010.0, 60.0, 60.0))),
    ];
    write(
        dir.path(),
        "buildings.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::4549"}}}},"features":[{}]}}"#,
            features.join(",")
        ),
    );
    let (mut eval, ledger) = evaluate(dir.path(), "");
    let rows: Vec<_> = eval.parcels.rows().collect();
    let [p1, p2, p3] = &rows[..] else { panic!("three parcels") };
    assert_close(p1.intensity.plot_ratio, 0.6, 1e-9);
    assert_close(p1.intensity.coverage, 0.3, 1e-9);
    assert_eq!(p1.low_efficiency.tests, vec![LowTest::LowPlotRatio]);
    assert_eq!(p1.low_efficiency.min_plot_ratio, Some(0.7));
    assert_close(p2.intensity.plot_ratio, 1.2, 1e-9);
    assert_eq!(p2.low_efficiency.tests, vec![LowTest::LowCoverage, LowTest::LowTax]);
    assert_eq!(p2.low_efficiency.min_plot_ratio, Some(1.0));
    assert_close(p2.low_efficiency.tax_per_mu, 2.0, 1e-9);
    // P3: 60 × 60 m, floors −3 read as one: plot ratio = coverage = 0.36; minimum 0.7 (no
    // industry): low_plot_ratio; and overdue.
    assert_close(p3.intensity.plot_ratio, 0.36, 1e-9);
    assert_eq!(p3.low_efficiency.tests, vec![LowTest::LowPlotRatio, LowTest::Overdue]);
    for p in [p1, p2, p3] {
        assert!(p.reclaim.reasons.contains(&ReclaimReason::LowEfficiency), "{}", p.feature.parcel_id);
    }
    let issues = ledger.sorted();
    let of_buildings: Vec<(usize, &str)> =
        issues.iter().filter(|i| i.table == "buildings").map(|i| (i.row, i.code)).collect();
    for expected in [(3, "invalid_geometry"), (4, "invalid_geometry"), (5, "floors_assumed")] {
        assert!(of_buildings.contains(&expected), "{expected:?} in {of_buildings:?}");
    }

    let out = dir.path().join("out");
    output::write_all(&mut eval, &ledger, &out, Extras::default()).expect("outputs");
    let csv = std::fs::read_to_string(out.join("low_efficiency.csv")).expect("low_efficiency.csv");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "a header and the three parcels");
    assert!(lines[2].starts_with(&format!("P2,东区,{b},乙,")), "{}", lines[2]);
    assert!(lines[2].ends_with(",low_coverage;low_tax"), "{}", lines[2]);
    assert!(lines[3].ends_with(",2022-12-31,,low_plot_ratio;overdue"), "{}", lines[3]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary")).expect("json");
    assert_eq!(summary["parks"]["东区"]["low_efficiency_parcels"], 2);
    assert_eq!(summary["parks"]["东区"]["low_efficiency_mu"].as_f64().map(|x| (x * 1e6).round() / 1e6), Some(30.0));
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("parcels.geojson")).expect("parcels")).expect("json");
    let props = &geojson["features"][1]["properties"];
    assert_eq!(props["low_efficiency"], "low_coverage;low_tax");
    assert_eq!(props["footprint_m2"].as_f64().map(f64::round), Some(2000.0));
}

#[test]
fn negative_building_areas_are_data_problems() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = code(74);
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n"));
    write_no_tax(dir.path());
    let parcels = parcels_for(&[(&a, 15.0)]).replacen(
        r#""宗地编号":"P1""#,
        r#""宗地编号":"P1","建筑面积":"-500","建筑基底面积":"3000""#,
        1,
    );
    write(dir.path(), "parcels.geojson", &parcels);
    let (eval, ledger) = evaluate(dir.path(), "");
    let p = eval.parcels.rows().next().expect("P1");
    assert_eq!(p.intensity.floor_area_m2, None, "a negative area is missing, never zero");
    assert_close(p.intensity.coverage, 0.3, 1e-9);
    let issues = ledger.sorted();
    assert!(issues.iter().any(|i| i.code == "unreadable_number" && i.field == "floor_area"), "{issues:?}");
}
