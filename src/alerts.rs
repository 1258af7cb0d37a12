//! Early warning (月度监测预警, SPEC §16): five rules judged at the latest month M for every
//! code with the data each needs — `power_drop`, `tax_drop`, `dormant_watch`, `sliding`,
//! `fragile` — each fired rule with evidence that carries its numbers. This module owns the
//! latest month, the tax of the year to date the rules read, the rules and the alerts they
//! give (`alerts.csv`, the `alerts` column, the summary's counts).

use crate::config::{Alerts as Settings, Config};
use crate::domain::{AlertRule, Class};
use crate::flags::Flags;
use crate::flags::zombie::{MonthlyKwh, low_run_ending, monthly_electricity};
use crate::history::History;
use crate::input::energy::{EnergyTotals, MonthlyElectricity, Months, Total};
use crate::input::tables::TaxRow;
use crate::rating::Rating;
use crate::rating::stability::{Spread, Stability};
use compact_str::CompactString;
use foldhash::HashMap;
use polars::prelude::*;
use rayon::prelude::*;

/// The latest month M: `alerts.month` (`--month`), else the last month with energy rows in
/// the evaluation year; `None` when neither gives one.
pub fn latest_month(config: &Config, energy: &EnergyTotals, year: i32) -> Option<u32> {
    config.alerts.month.or_else(|| energy.last_month(year))
}

/// Tax of months 1…M per code, the year before and the evaluation year (each `None` when no
/// row has a value), for the codes with monthly tax rows among months 1…M in both years.
#[derive(Debug, Default)]
pub struct TaxToDate(HashMap<CompactString, [Option<f64>; 2]>);

impl TaxToDate {
    /// Sums the tax rows of months 1…`month` of `year − 1` and `year` exactly (a row without
    /// a year belongs to the evaluation year).
    pub fn from_rows(rows: &[TaxRow], year: i32, month: Option<u32>) -> TaxToDate {
        let Some(month) = month else { return TaxToDate::default() };
        let mut sums: HashMap<&str, [Option<Total>; 2]> = HashMap::default();
        for r in rows {
            let slot = match r.year.unwrap_or(year) {
                y if y == year => 1,
                y if y == year - 1 => 0,
                _ => continue,
            };
            if r.month.is_some_and(|m| m <= month) {
                sums.entry(r.code.as_str()).or_default()[slot].get_or_insert_with(Total::default).add(r.tax);
            }
        }
        let both = sums
            .into_iter()
            .filter_map(|(code, [before, now])| Some((CompactString::from(code), [before?.value(), now?.value()])));
        TaxToDate(both.collect())
    }
}

/// One fired rule with its evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alert {
    pub rule: AlertRule,
    pub evidence: String,
}

/// The alerts of every code.
#[derive(Debug, Default)]
pub struct Alerts {
    /// The latest month M the rules were judged at.
    pub month: Option<u32>,
    /// Per row of the rating frame, its alerts in rule order.
    pub by_row: Vec<Vec<Alert>>,
}

impl Alerts {
    /// The `alerts` column (fired rules `;`-joined), aligned with the rating frame's rows.
    pub fn column(&self) -> Column {
        let texts: Vec<String> =
            self.by_row.iter().map(|a| a.iter().map(|a| a.rule.as_str()).collect::<Vec<_>>().join(";")).collect();
        Column::new("alerts".into(), texts)
    }

    /// How many codes each rule fired for, every rule listed.
    pub fn counts(&self) -> Vec<(AlertRule, usize)> {
        AlertRule::ALL.map(|rule| (rule, self.by_row.iter().flatten().filter(|a| a.rule == rule).count())).into()
    }

    /// The rows of the rating frame with alerts, by credit code.
    pub fn rows_by_code(&self, frame: &DataFrame) -> PolarsResult<Vec<usize>> {
        let ids = frame.column("code_id")?.u32()?;
        let mut rows: Vec<usize> = (0..self.by_row.len()).filter(|&i| !self.by_row[i].is_empty()).collect();
        rows.sort_by_key(|&i| ids.get(i));
        Ok(rows)
    }
}

/// What the rules read.
pub struct Inputs<'a> {
    pub rating: &'a Rating,
    pub history: &'a History,
    pub stability: &'a Stability,
    pub flags: &'a Flags,
    pub energy: &'a MonthlyElectricity,
    pub tax: &'a TaxToDate,
    pub config: &'a Config,
    pub year: i32,
    pub month: Option<u32>,
}

/// Judges every code of the rating frame.
pub fn judge(inputs: &Inputs<'_>) -> PolarsResult<Alerts> {
    let frame = &inputs.rating.frame;
    let (codes, ids) = (frame.column("code")?.str()?, frame.column("code_id")?.u32()?);
    let (classes, totals) = (frame.column("class")?.str()?, frame.column("total_score")?.f64()?);
    let by_row = (0..frame.height())
        .into_par_iter()
        .map(|i| {
            let code = Code {
                code: codes.get(i).unwrap_or(""),
                id: ids.get(i),
                class: classes.get(i).and_then(Class::parse),
                total: totals.get(i),
                spread: inputs.stability.by_row.get(i).copied().flatten(),
            };
            code_alerts(inputs, &code)
        })
        .collect();
    Ok(Alerts { month: inputs.month, by_row })
}

/// One code as the rules see it.
struct Code<'a> {
    code: &'a str,
    id: Option<u32>,
    class: Option<Class>,
    total: Option<f64>,
    spread: Option<Spread>,
}

fn code_alerts(inputs: &Inputs<'_>, c: &Code<'_>) -> Vec<Alert> {
    let (settings, year) = (&inputs.config.alerts, inputs.year);
    let energy = c.id.map_or(&[][..], |id| inputs.energy.of_code(id));
    let months = c.id.and_then(|id| monthly_electricity(inputs.energy, id, year));
    let zombie = inputs.flags.get(c.code).is_some_and(|f| f.zombie.zombie);
    let last_year = c.id.and_then(|id| inputs.history.last_year(id, year));
    let kwh = inputs.config.zombie.dormant_power.kwh;
    let fired = [
        inputs.month.and_then(|m| power_drop(energy, year, m, settings)),
        inputs.month.and_then(|m| tax_drop(inputs.tax.0.get(c.code)?, year, m, settings.drop)),
        inputs.month.zip(months).and_then(|(m, months)| dormant_watch(&months, year, m, kwh, settings, zombie)),
        last_year.and_then(|prev| sliding((prev.class, prev.total_score), (c.class?, c.total), year, settings)),
        c.spread.and_then(|s| fragile(c.class?, &s, settings)),
    ];
    AlertRule::ALL
        .into_iter()
        .zip(fired)
        .filter_map(|(rule, evidence)| Some(Alert { rule, evidence: evidence? }))
        .collect()
}

/// The electricity of month `m` of `y`, when that month has rows with a value.
fn kwh_at(energy: &[(i32, Months)], y: i32, m: u32) -> Option<f64> {
    let (_, months) = energy.iter().find(|(year, _)| *year == y)?;
    months.get(m)?
}

/// The month `back` months before month `m` of `y`.
fn months_before(y: i32, m: u32, back: u32) -> (i32, u32) {
    let index = i64::from(y) * 12 + i64::from(m) - 1 - i64::from(back);
    (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1)
}

/// `2024-07..09`, `2023-12..2024-02`, or `2024-09` for one month.
fn span((y0, m0): (i32, u32), (y1, m1): (i32, u32)) -> String {
    match (y0 == y1, m0 == m1) {
        (true, true) => format!("{y0}-{m0:02}"),
        (true, false) => format!("{y0}-{m0:02}..{m1:02}"),
        _ => format!("{y0}-{m0:02}..{y1}-{m1:02}"),
    }
}

/// A change as a whole percentage, with a true minus sign: `−42%`.
fn percent(now: f64, before: f64) -> String {
    let p = ((now - before) / before * 100.0).round();
    if p < 0.0 { format!("−{}%", -p) } else { format!("+{p}%") }
}

/// `power_drop`: in each of the `months` months up to M, electricity < (1 − drop) × the same
/// month a year before, both present and the earlier > 0; an absent month does not fire
/// (clarification 9), and months before January are the previous year's.
fn power_drop(energy: &[(i32, Months)], year: i32, m: u32, s: &Settings) -> Option<String> {
    let window: Vec<(i32, u32)> = (0..s.months).rev().map(|back| months_before(year, m, back)).collect();
    let mut changes = Vec::with_capacity(window.len());
    for &(y, month) in &window {
        let (now, before) = (kwh_at(energy, y, month)?, kwh_at(energy, y - 1, month)?);
        if !(before > 0.0 && now < (1.0 - s.drop) * before) {
            return None;
        }
        changes.push(percent(now, before));
    }
    let (first, last) = (window.first()?, window.last()?);
    Some(format!("{} kWh {} y/y", span(*first, *last), changes.join(", ")))
}

/// `tax_drop`: tax of months 1…M < (1 − drop) × tax of months 1…M the year before (both
/// years with monthly tax rows, the earlier > 0).
fn tax_drop(&[before, now]: &[Option<f64>; 2], year: i32, m: u32, drop: f64) -> Option<String> {
    let (before, now) = (before?, now?);
    (before > 0.0 && now < (1.0 - drop) * before).then(|| {
        format!("{} tax {now} vs {before} a year before ({})", span((year, 1), (year, m)), percent(now, before))
    })
}

/// `dormant_watch`: the dormant run of SPEC §8 ending at M is ≥ `watch_months`, and the code
/// is not a zombie.
fn dormant_watch(months: &MonthlyKwh, year: i32, m: u32, kwh: f64, s: &Settings, zombie: bool) -> Option<String> {
    let run = low_run_ending(months, kwh, m);
    (run >= s.watch_months && !zombie)
        .then(|| format!("{run} months under {kwh} kWh up to {}", span((year, m), (year, m))))
}

/// `sliding`: class A or B last year and C or D now, or the total fell by ≥ `score_drop` of
/// last year's (last year's > 0).
fn sliding(
    (class_before, total_before): (Class, Option<f64>),
    (class, total): (Class, Option<f64>),
    year: i32,
    s: &Settings,
) -> Option<String> {
    let mut evidence = Vec::new();
    if matches!(class_before, Class::A | Class::B) && matches!(class, Class::C | Class::D) {
        evidence.push(format!("class {class_before} ({}) → {class} ({year})", year - 1));
    }
    if let (Some(before), Some(now)) = (total_before, total)
        && before > 0.0
        && before - now >= s.score_drop * before
    {
        evidence.push(format!("total {before:.2} ({}) → {now:.2} ({year}), {}", year - 1, percent(now, before)));
    }
    (!evidence.is_empty()).then(|| evidence.join("; "))
}

/// `fragile`: class stability < `min_stability`.
fn fragile(class: Class, spread: &Spread, s: &Settings) -> Option<String> {
    (spread.share < s.min_stability).then(|| {
        format!("class {class} in {}% of draws (range {})", (spread.share * 100.0).round(), spread.range_text())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::energy::{EnergyRow, EnergySums, KeptMonths};

    fn energy(rows: &[(i32, u32, f64)]) -> MonthlyElectricity {
        let sums = EnergySums::new(KeptMonths::for_year(2024, 3));
        let row = |&(year, month, kwh): &(i32, u32, f64)| EnergyRow {
            code: "A".into(),
            year,
            month: Some(month),
            electricity_kwh: Some(kwh),
            energy_tce: None,
            emissions: None,
        };
        sums.add(rows.iter().map(row).collect());
        sums.finish().into_monthly(1, |code| (code == "A").then_some(0))
    }

    fn settings() -> Settings {
        Config::default().alerts
    }

    /// July–September 2024 against 2023's 100,000 kWh a month: 58,000, 62,000, 49,000 are
    /// −42 %, −38 %, −51 %, each below (1 − 0.3) × 100,000 = 70,000.
    #[test]
    fn a_power_drop_needs_each_of_the_three_months() {
        let mut rows: Vec<(i32, u32, f64)> = (1..=12).map(|m| (2023, m, 100_000.0)).collect();
        rows.extend([(2024, 6, 100_000.0), (2024, 7, 58_000.0), (2024, 8, 62_000.0), (2024, 9, 49_000.0)]);
        let totals = energy(&rows);
        assert_eq!(
            power_drop(totals.of_code(0), 2024, 9, &settings()).as_deref(),
            Some("2024-07..09 kWh −42%, −38%, −51% y/y")
        );
        assert_eq!(power_drop(totals.of_code(0), 2024, 10, &settings()), None, "October 2024 is absent");
        // One month at 75,000 (−25 %) is not below 70,000: no drop.
        rows[13] = (2024, 8, 75_000.0);
        assert_eq!(power_drop(energy(&rows).of_code(0), 2024, 9, &settings()), None);
        // Exactly 70,000 is not below (1 − 0.3) × 100,000.
        rows[13] = (2024, 8, 70_000.0);
        assert_eq!(power_drop(energy(&rows).of_code(0), 2024, 9, &settings()), None);
    }

    /// M = 2: December 2023, January and February 2024 against December 2022, January and
    /// February 2023 (clarification 9).
    #[test]
    fn a_power_drop_early_in_the_year_reaches_into_the_year_before() {
        let rows = [
            (2022, 12, 1000.0),
            (2023, 1, 1000.0),
            (2023, 2, 1000.0),
            (2023, 12, 500.0),
            (2024, 1, 400.0),
            (2024, 2, 100.0),
        ];
        let totals = energy(&rows);
        assert_eq!(
            power_drop(totals.of_code(0), 2024, 2, &settings()).as_deref(),
            Some("2023-12..2024-02 kWh −50%, −60%, −90% y/y")
        );
        assert_eq!((months_before(2024, 2, 2), months_before(2024, 1, 13)), ((2023, 12), (2022, 12)));
    }

    fn tax(year: i32, month: u32, tax: f64) -> TaxRow {
        TaxRow { row: 1, code: "A".into(), year: Some(year), month: Some(month), tax: Some(tax) }
    }

    /// M = 7: 2023 pays 40 a month, so January–July 2023 is 280 (August–December do not
    /// count); 2024 pays 20 a month, 140 to date, below (1 − 0.3) × 280 = 196.
    #[test]
    fn a_tax_drop_compares_the_year_to_date() {
        let mut rows: Vec<TaxRow> = (1..=12).map(|m| tax(2023, m, 40.0)).collect();
        rows.extend((1..=7).map(|m| tax(2024, m, 20.0)));
        let to_date = TaxToDate::from_rows(&rows, 2024, Some(7));
        assert_eq!(to_date.0["A"], [Some(280.0), Some(140.0)]);
        assert_eq!(
            tax_drop(&to_date.0["A"], 2024, 7, 0.3).as_deref(),
            Some("2024-01..07 tax 140 vs 280 a year before (−50%)")
        );
        // 2024 at 200 to date is not below 196.
        assert_eq!(tax_drop(&[Some(280.0), Some(200.0)], 2024, 7, 0.3), None);
        // Without monthly rows in 2023 there is nothing to compare.
        let this_year: Vec<TaxRow> = (1..=7).map(|m| tax(2024, m, 20.0)).collect();
        assert!(TaxToDate::from_rows(&this_year, 2024, Some(7)).0.is_empty());
        let annual = vec![TaxRow { month: None, ..tax(2023, 1, 480.0) }, tax(2024, 1, 20.0)];
        assert!(TaxToDate::from_rows(&annual, 2024, Some(7)).0.is_empty(), "an annual row is no monthly row");
    }

    #[test]
    fn a_dormant_run_ending_at_the_latest_month_is_watched_unless_a_zombie() {
        let months: MonthlyKwh = [(5, Some(5000.0)), (6, Some(10.0)), (8, Some(999.0)), (9, Some(0.0))].into();
        // July has no row (0 kWh): June–September is a run of 4 under 1,000 kWh.
        let watch = dormant_watch(&months, 2024, 9, 1000.0, &settings(), false);
        assert_eq!(watch.as_deref(), Some("4 months under 1000 kWh up to 2024-09"));
        assert_eq!(dormant_watch(&months, 2024, 9, 1000.0, &settings(), true), None, "a zombie already");
        assert_eq!(dormant_watch(&months, 2024, 5, 1000.0, &settings(), false), None, "May is not dormant");
    }

    #[test]
    fn sliding_by_class_or_by_total() {
        let s = settings();
        assert_eq!(sliding((Class::B, None), (Class::C, None), 2024, &s).as_deref(), Some("class B (2023) → C (2024)"));
        assert_eq!(sliding((Class::C, None), (Class::D, None), 2024, &s), None, "C to D is not A/B to C/D");
        // 100 → 80 fell by exactly 20 % of last year's: sliding; 100 → 80.01 is not.
        assert_eq!(
            sliding((Class::A, Some(100.0)), (Class::A, Some(80.0)), 2024, &s).as_deref(),
            Some("total 100.00 (2023) → 80.00 (2024), −20%")
        );
        assert_eq!(sliding((Class::A, Some(100.0)), (Class::A, Some(80.01)), 2024, &s), None);
        assert_eq!(sliding((Class::A, Some(-5.0)), (Class::A, Some(-50.0)), 2024, &s), None, "last year's ≤ 0");
    }

    #[test]
    fn fragile_below_the_minimum_stability() {
        let spread = Spread { share: 0.79, best: Class::A, worst: Class::B };
        assert_eq!(fragile(Class::B, &spread, &settings()).as_deref(), Some("class B in 79% of draws (range A-B)"));
        assert_eq!(fragile(Class::B, &Spread { share: 0.8, ..spread }, &settings()), None);
    }
}
