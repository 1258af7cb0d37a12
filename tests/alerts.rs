//! The monthly early warning (SPEC §16) in a run in the middle of the year: data up to June,
//! `alerts.csv`, the `alerts` column, the summary's counts, and `--month`.

mod common;
use common::*;
use std::path::Path;

/// Three firms with rows for 2023 and 2024, electricity by month through June 2024:
/// - P uses 100,000 kWh a month in 2023 and from January to March 2024, then 50,000 (−50 %);
/// - Q uses 100,000 kWh every month;
/// - R pays 10 万元 of tax a month in 2023 and 5 in 2024 (January–June: 30 against 60), so it
///   falls from A (all three tie in 2023) to C, last of three, in 2024.
fn mid_year(dir: &Path) -> (String, String, String) {
    let (p, q, r) = (code(41), code(42), code(43));
    let firms = [&p, &q, &r];
    let enterprises: String =
        [2023, 2024].iter().flat_map(|y| firms.map(|c| format!("{c},{y},3000,above,900,100,50\n"))).collect();
    write(
        dir,
        "enterprises.csv",
        &format!("credit_code,year,revenue,scale,value_added,employees,rd_expense\n{enterprises}"),
    );
    let mut tax = String::from("credit_code,year,month,tax\n");
    let mut energy = String::from("credit_code,year,month,electricity_kwh,energy_tce,emissions\n");
    for (year, months) in [(2023, 12), (2024, 6)] {
        for m in 1..=months {
            for c in firms {
                let paid = if *c == r && year == 2024 { 5 } else { 10 };
                tax += &format!("{c},{year},{m},{paid}\n");
                let kwh = if *c == p && year == 2024 && m >= 4 { 50_000 } else { 100_000 };
                energy += &format!("{c},{year},{m},{kwh},10,1\n");
            }
        }
    }
    write(dir, "tax.csv", &tax);
    write(dir, "energy.csv", &energy);
    write(dir, "parcels.geojson", &parcels_for(&[(&p, 20.0), (&q, 20.0), (&r, 20.0)]));
    (p, q, r)
}

/// The rows of a CSV output (BOM dropped), header first.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("read");
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.expect("record").iter().map(str::to_string).collect()).collect()
}

fn column<'a>(table: &'a [Vec<String>], code: &str, name: &str) -> &'a str {
    let at = table[0].iter().position(|h| h == name).expect("column");
    &table.iter().find(|r| r[0] == code).expect("row")[at]
}

#[test]
fn a_mid_year_run_warns_at_the_latest_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    let (p, q, r) = mid_year(&data);
    let out = dir.path().join("out");
    run_muchan(&data, &out);
    let alerts = rows(&out.join("alerts.csv"));
    assert_eq!(alerts[0], ["credit_code", "name", "park", "class", "alert", "evidence", "month"]);
    let fired: Vec<(&str, &str, &str, &str)> =
        alerts[1..].iter().map(|a| (a[0].as_str(), a[4].as_str(), a[5].as_str(), a[6].as_str())).collect();
    let expected = [
        (p.as_str(), "power_drop", "2024-04..06 kWh −50%, −50%, −50% y/y", "6"),
        (r.as_str(), "tax_drop", "2024-01..06 tax 30 vs 60 a year before (−50%)", "6"),
        (r.as_str(), "sliding", "class A (2023) → C (2024)", "6"),
    ];
    assert_eq!(fired, expected, "June is the last month with energy rows in 2024");
    let enterprises = rows(&out.join("enterprises.csv"));
    assert_eq!(column(&enterprises, &p, "alerts"), "power_drop");
    assert_eq!(column(&enterprises, &q, "alerts"), "");
    assert_eq!(column(&enterprises, &q, "zombie"), "false", "July to December 2024 are not yet dormant");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary")).expect("json");
    assert_eq!(summary["alerts"]["month"], 6);
    assert_eq!(summary["alerts"]["counts"]["power_drop"], 1);
    assert_eq!(summary["alerts"]["counts"]["fragile"], 0);

    // --month 5: March to May, where March did not drop; tax of January to May, 25 against 50.
    run_muchan_with(&data, &out, &["--month", "5", "--lang", "zh"]);
    let alerts = rows(&out.join("alerts.csv"));
    assert_eq!(alerts[0], ["统一社会信用代码", "企业名称", "园区", "类别", "预警规则", "依据", "月份"]);
    let fired: Vec<(&str, &str, &str)> =
        alerts[1..].iter().map(|a| (a[0].as_str(), a[4].as_str(), a[6].as_str())).collect();
    assert_eq!(fired, [(r.as_str(), "税收下降", "5"), (r.as_str(), "效益下滑", "5")], "rules in Chinese");
    assert!(alerts[1][5].starts_with("2024-01..05 tax 25 vs 50"), "{}", alerts[1][5]);
    let enterprises = rows(&out.join("enterprises.csv"));
    assert_eq!(column(&enterprises, &r, "预警"), "税收下降;效益下滑");
}

/// `explain` tells R's classes by year (A in 2023, C now) and its two warnings at June.
#[test]
fn explain_tells_the_class_by_year_and_the_warnings() {
    use muchan::domain::Class;
    use muchan::output::Lang;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, _, r) = mid_year(dir.path());
    let (eval, _) = evaluate(dir.path(), "");
    let e = muchan::explain::explain(&eval, &[], &r).expect("explained");
    assert_eq!(e.history.iter().map(|y| (y.year, y.class)).collect::<Vec<_>>(), [(2023, Class::A), (2024, Class::C)]);
    assert_eq!((e.class_prev, e.d_streak, e.alert_month), (Some(Class::A), Some(0), Some(6)));
    let en = e.text(Lang::En);
    assert!(en.contains("class last year A; consecutive years of class D 0\n"), "{en}");
    let warnings = "early warnings (month 6):\n  tax_drop: 2024-01..06 tax 30 vs 60 a year before (−50%)\n  \
                    sliding: class A (2023) → C (2024)\n";
    assert!(en.contains(warnings), "{en}");
    let zh = e.text(Lang::Zh);
    assert!(zh.contains("上年类别 A类; 连续D类年数 0\n"), "{zh}");
    assert!(zh.contains("监测预警（6月）:\n  税收下降 (tax_drop): 2024-01..06 tax 30 vs 60"), "{zh}");
    assert!(zh.contains("历年类别: 2023年 A类（综合得分 "), "{zh}");
}
