//! 标准地 commitments (SPEC §14) on a hand-made county: a review with two shortfalls and its
//! damages, a review that meets, idle land feeding §9's `idle`, a commitment whose parcel is
//! unknown, commitments.csv and the summary.

mod common;
use common::*;
use muchan::domain::{ReclaimReason, ReviewStatus};
use muchan::output::{self, Extras};

#[test]
fn reviews_damages_idle_land_and_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (code(61), code(62), code(63));
    write(
        dir.path(),
        "enterprises.csv",
        &format!(
            "credit_code,year,name,revenue,value_added,固定资产投资(元)\n\
             {a},2022,甲,6000,1200,\n{a},2024,甲,7000,1500,\n\
             {b},2022,乙,100,10,90000000\n{b},2024,乙,100,10,\n\
             {c},2024,丙,100,10,\n"
        ),
    );
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2022,300\n{b},2022,50\n{a},2024,1\n"));
    // P1 20 mu of a, P2 10 mu of b, P3 15 mu of c (idle since its start_due).
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 20.0), (&b, 10.0), (&c, 15.0)]));
    write(
        dir.path(),
        "标准地.csv",
        "宗地编号,出让价款(元),约定开工日期,实际开工日期,约定投产日期,复核年度,实际投资,投资强度(万元/亩),亩均税收,亩均产出\n\
         P1,10000000,2020/3/1,2020/3/20,2020年6月30日,2022,6000,400,20,250\n\
         P2,5000000,2020-03-01,2020-04-01,2020-06-30,,,800,4,\n\
         P3,2000000,2022-02-28,,2023-06-30,,,300,10,\n\
         P9,1000000,20230101,下月,2024.6.30,,,300,10,\n",
    );
    let (mut eval, ledger) = evaluate(dir.path(), "");
    let reviews = eval.commitments.as_ref().expect("a commitments table");
    assert_eq!(reviews.columns, vec![0, 1, 2], "investment_intensity, tax_per_mu, revenue_per_mu");
    let [p1, p2, p3, p9] = &reviews.reviews[..] else { panic!("four reviews") };

    // P1, reviewed in 2022: investment 6000 ÷ 20 mu = 300 of 400 (0.75); tax 300 ÷ 20 = 15
    // of 20 (0.75); revenue 6000 ÷ 20 = 300 of 250 (met). Damages: 1000 × 0.25 = 250 and
    // (20 − 15) × 20 = 100.
    assert_eq!(p1.status, ReviewStatus::Shortfall);
    assert_close(p1.indicators[0].ratio, 0.75, 1e-6);
    assert_close(p1.indicators[1].actual, 15.0, 1e-6);
    assert_close(p1.indicators[2].ratio, 1.2, 1e-6);
    let d = p1.damages.expect("reviewed");
    assert_close(d.investment, 250.0, 1e-6);
    assert_close(d.tax, 100.0, 1e-6);
    assert_eq!(d.other, Some(0.0));
    assert_close(Some(d.total), 350.0, 1e-6);
    assert_eq!((p1.idle_years, p1.idle_fee), (0, Some(0.0)));

    // P2: review year 2020 + 2 = 2022; investment from b's 固定资产投资 9000 万元 ÷ 10 mu = 900
    // of 800; tax 50 ÷ 10 = 5 of 4: met, no damages.
    assert_eq!(p2.review_year, Some(2022));
    assert_eq!(p2.status, ReviewStatus::Met);
    assert_close(p2.indicators[0].actual, 900.0, 1e-6);
    assert_eq!(p2.damages.map(|d| d.total), Some(0.0));

    // P3: due to start 2022-02-28, not started by 2024-12-31: idle 2 whole years, fee 0.2 ×
    // 200 万元 = 40; its review (2025) is due next year and pending; the parcel is idle for §9.
    assert_eq!(p3.status, ReviewStatus::Pending);
    assert!(p3.due_next_year && p3.damages.is_none());
    assert_eq!(p3.idle_years, 2);
    assert_close(p3.idle_fee, 40.0, 1e-6);
    let parcel = p3.parcel.expect("P3 is known");
    assert_eq!(eval.parcels.reclaim[parcel].reasons, vec![ReclaimReason::Idle]);

    // P9: no such parcel (a warning, still a row); its started date is unreadable, so it is
    // idle since 2023-01-01: one whole year, fee 0.2 × 100 = 20 (idle_parcels counts P3 and P9).
    assert_eq!(p9.parcel, None);
    assert_eq!(p9.code, None);
    assert_eq!(p9.status, ReviewStatus::Pending, "review 2026");
    let issues = ledger.sorted();
    let of_row = |row: usize| -> Vec<&str> {
        issues.iter().filter(|i| i.table == "commitments" && i.row == row).map(|i| i.code).collect()
    };
    assert_eq!(of_row(4), vec!["unknown_parcel", "unreadable_date"]);

    let out = tempfile::tempdir().expect("out");
    output::write_all(&mut eval, &ledger, out.path(), Extras::default()).expect("outputs");
    let csv = std::fs::read_to_string(out.path().join("commitments.csv")).expect("commitments.csv");
    let csv = csv.strip_prefix('\u{feff}').expect("a BOM");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "parcel_id,credit_code,name,area_mu,review_year,review_status,\
         investment_intensity_committed,investment_intensity_actual,investment_intensity_ratio,\
         tax_per_mu_committed,tax_per_mu_actual,tax_per_mu_ratio,\
         revenue_per_mu_committed,revenue_per_mu_actual,revenue_per_mu_ratio,\
         penalty_investment,penalty_tax,penalty_other,penalty_total,idle_years,idle_fee,due_next_year,dq"
    );
    assert!(
        lines[3].starts_with(&format!("P3,{c},丙,")) && lines[3].contains(",2025,pending,300,,,10,,,,,,,,,,2,40,true,"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("P9,,,,2026,pending,") && lines[4].ends_with(",1,20,false,unknown_parcel;unreadable_date"),
        "{}",
        lines[4]
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).expect("summary")).expect("json");
    let s = &summary["commitments"];
    assert_eq!(s["review_status"]["shortfall"], 1);
    assert_eq!(s["review_status"]["pending"], 2);
    assert_eq!(s["idle_parcels"], 2);
    assert_eq!(s["due_next_year"], 1);
    assert!((s["penalty_total"].as_f64().expect("number") - 350.0).abs() < 1e-6);
}

#[test]
fn no_commitments_table_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = code(64);
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n"));
    write_no_tax(dir.path());
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 20.0)]));
    let (eval, _) = evaluate(dir.path(), "");
    assert!(eval.commitments.is_none());
}

#[test]
fn a_bad_as_of_is_a_configuration_error() {
    let err = muchan::config::Config::from_toml("[evaluation]\nas_of = \"someday\"\n", "t.toml").expect_err("bad");
    assert!(err.to_string().contains("as_of"), "{err}");
}

#[test]
fn a_buildings_layer_gives_plot_ratio_and_coverage_to_the_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = code(65);
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n"));
    write_no_tax(dir.path());
    // P1: 100 × 100 m = 15 mu at (500000, 3300000).
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&a, 15.0)]));
    let building = |props: &str, coords: String| {
        format!(
            r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
        )
    };
    let features = [
        // 50 × 40 m, 2 floors: 2,000 m² covered, 4,000 m² of floors.
        building(r#""层数":"2""#, rect(500_010.0, 3_300_010.0, 50.0, 40.0)),
        // 20 × 10 m, no floors, 9 m high: one storey (floors_assumed) above 8 m, counted twice.
        building(r#""建筑高度":"9""#, rect(500_010.0, 3_300_060.0, 20.0, 10.0)),
        // Far from any parcel.
        building(r#""floors":3"#, rect(600_000.0, 3_300_000.0, 10.0, 10.0)),
    ];
    write(
        dir.path(),
        "建筑物.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::4549"}}}},"features":[{}]}}"#,
            features.join(",")
        ),
    );
    write(dir.path(), "commitments.csv", "parcel_id,review_year,容积率,建筑系数(%)\nP1,2024,1.0,20\n");
    let (eval, ledger) = evaluate(dir.path(), "");
    let ix = eval.parcels.parcels.features.ixs().next().expect("P1");
    let i = eval.parcels.intensity[ix];
    assert_close(i.footprint_m2, 2200.0, 1e-6);
    assert_close(i.floor_area_m2, 4400.0, 1e-6);
    assert_close(i.plot_ratio, 0.44, 1e-9);
    assert_close(i.coverage, 0.22, 1e-9);
    let review = &eval.commitments.as_ref().expect("commitments").reviews[0];
    assert_eq!(review.status, ReviewStatus::Shortfall, "plot ratio 0.44 of 1.0; coverage 0.22 of 0.20 met");
    assert_close(review.indicators[7].ratio, 0.44, 1e-9);
    assert_close(review.indicators[8].ratio, 1.1, 1e-9);
    let issues = ledger.sorted();
    let of_buildings: Vec<(usize, &str)> =
        issues.iter().filter(|i| i.table == "buildings").map(|i| (i.row, i.code)).collect();
    assert!(
        of_buildings.contains(&(2, "floors_assumed")) && of_buildings.contains(&(3, "building_outside")),
        "{of_buildings:?}"
    );
}
