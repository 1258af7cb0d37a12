//! How far the next class is (clarification 12) and `zombie.class_d` (clarification 13), on a
//! hand-made county with hand-computed numbers.

mod common;
use common::*;

/// Ten below-scale enterprises on 10 mu each, scored by tax_per_mu alone (weight 100). Taxes
/// sum to 100 on 100 mu, so the benchmark is 1 and each score is 10 × tax: 200 (20 万元 is
/// ratio 2, the cap), 150, 120, 120, 100, 90, 80, 70, 40, 30. Ranks 1, 2, 3, 3, 5, 6, 7, 8,
/// 9, 10 of n = 10. Share classes: A for r − 1 < 2 (ranks 1–2), B for r − 1 < 6 (ranks 3–6),
/// C for the rest (the D band needs r − 1 ≥ 9.5). The fifth (100 points) is vetoed: D. The
/// sixth (90 points) is a zombie by dormant power (months 1–6 at 0 kWh, 30,000 kWh in all).
struct County {
    dir: tempfile::TempDir,
    codes: Vec<String>,
}

const TAXES: [u32; 10] = [20, 15, 12, 12, 10, 9, 8, 7, 4, 3];
const VETOED: usize = 4;
const ZOMBIE: usize = 5;

fn county() -> County {
    let dir = tempfile::tempdir().expect("tempdir");
    let codes: Vec<String> = (0..TAXES.len() as u32).map(|i| code(300 + i)).collect();
    let rows = |f: &dyn Fn(usize, &str) -> String| codes.iter().enumerate().map(|(i, c)| f(i, c)).collect::<String>();
    write(dir.path(), "enterprises.csv", &format!("credit_code,year\n{}", rows(&|_, c| format!("{c},2024\n"))));
    write(
        dir.path(),
        "tax.csv",
        &format!("credit_code,year,tax\n{}", rows(&|i, c| format!("{c},2024,{}\n", TAXES[i]))),
    );
    let months: String =
        (1..=12).map(|m| format!("{},2024,{m},{}\n", codes[ZOMBIE], if m <= 6 { 0 } else { 5000 })).collect();
    write(dir.path(), "energy.csv", &format!("credit_code,year,month,electricity_kwh\n{months}"));
    write(dir.path(), "adjustments.csv", &format!("credit_code,points,veto\n{},0,是\n", codes[VETOED]));
    let holdings: Vec<(&str, f64)> = codes.iter().map(|c| (c.as_str(), 10.0)).collect();
    write(dir.path(), "parcels.geojson", &parcels_for(&holdings));
    County { dir, codes }
}

const BELOW_BY_TAX: &str = "[groups.below]\nindicators = [ { name = \"tax_per_mu\", weight = 100 } ]\n";

impl County {
    fn run(&self, extra: &str) -> muchan::pipeline::Evaluation {
        evaluate(self.dir.path(), &format!("{BELOW_BY_TAX}{extra}")).0
    }
}

fn classes(eval: &muchan::pipeline::Evaluation, codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| str_at(eval, c, "class").expect("class")).collect()
}

fn points(eval: &muchan::pipeline::Evaluation, codes: &[String]) -> Vec<Option<f64>> {
    codes.iter().map(|c| f64_at(eval, c, "points_to_next_class")).collect()
}

/// Share classes: A has none; B members need the lowest A's 150; C members the lowest B's 90
/// (the vetoed 100 is D, not B); the two tied at 120 need the same 30; the vetoed has none.
#[test]
fn share_classes_by_hand() {
    let county = county();
    let eval = county.run("");
    assert_eq!(classes(&eval, &county.codes), ["A", "A", "B", "B", "D", "B", "C", "C", "C", "C"]);
    assert_eq!(f64_at(&eval, &county.codes[2], "rank"), Some(3.0));
    assert_eq!(f64_at(&eval, &county.codes[3], "rank"), Some(3.0));
    let expected =
        [None, None, Some(30.0), Some(30.0), None, Some(60.0), Some(10.0), Some(20.0), Some(50.0), Some(60.0)];
    assert_eq!(points(&eval, &county.codes), expected);
    assert_eq!(str_at(&eval, &county.codes[6], "next_class").as_deref(), Some("B"));
    assert_eq!(str_at(&eval, &county.codes[2], "next_class").as_deref(), Some("A"));
}

/// Score classes with cut-offs 150, 100, 50: the next cut-off minus the total; a veto still
/// forces D and has none.
#[test]
fn score_classes_by_hand() {
    let county = county();
    let eval = county.run("classes = { mode = \"score\", a = 150, b = 100, c = 50 }\n");
    assert_eq!(classes(&eval, &county.codes), ["A", "A", "B", "B", "D", "C", "C", "C", "D", "D"]);
    let expected =
        [None, None, Some(30.0), Some(30.0), None, Some(10.0), Some(20.0), Some(30.0), Some(10.0), Some(20.0)];
    assert_eq!(points(&eval, &county.codes), expected);
}

/// `zombie.class_d = true`: the zombie (90 points, rank 6) is D, still ranked 6th of 10; the
/// lowest B is now a 120, so C members need 40, 50, 80, 90. Off (the default), the zombie is
/// flagged and stays B.
#[test]
fn zombies_are_class_d_when_configured() {
    let county = county();
    let zombie = &county.codes[ZOMBIE];
    let off = county.run("");
    assert_eq!(str_at(&off, zombie, "class").as_deref(), Some("B"));
    assert!(off.flags.get(zombie).expect("flagged").zombie.zombie, "judged a zombie either way");
    let on = county.run("[zombie]\nclass_d = true\n");
    assert_eq!(classes(&on, &county.codes), ["A", "A", "B", "B", "D", "D", "C", "C", "C", "C"]);
    assert_eq!(f64_at(&on, zombie, "rank"), Some(6.0));
    assert_eq!(f64_at(&on, zombie, "rated_in_group"), Some(10.0));
    let expected = [None, None, Some(30.0), Some(30.0), None, None, Some(40.0), Some(50.0), Some(80.0), Some(90.0)];
    assert_eq!(points(&on, &county.codes), expected);
    // 30,000 kWh is under min_kwh: a D that pays nothing.
    assert_eq!(f64_at(&on, zombie, "surcharge_yuan"), Some(0.0));
}

/// enterprises.csv carries points_to_next_class after dq, in clarification 4's order.
#[test]
fn the_column_follows_dq() {
    let county = county();
    let out = tempfile::tempdir().expect("tempdir");
    std::fs::write(county.dir.path().join("muchan.toml"), BELOW_BY_TAX).expect("config");
    run_muchan(county.dir.path(), out.path());
    let csv = std::fs::read_to_string(out.path().join("enterprises.csv")).expect("csv");
    let header = csv.lines().next().expect("header");
    assert!(header.contains(",dq,class_prev,d_streak,points_to_next_class,class_stability,"), "{header}");
    let at = header.split(',').position(|h| h == "points_to_next_class").expect("column");
    let row = csv.lines().find(|l| l.starts_with(&county.codes[6])).expect("row");
    assert_eq!(row.split(',').nth(at), Some("10"), "{row}");
}
