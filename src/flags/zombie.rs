//! Zombie enterprises (僵尸企业, SPEC §8): five rules fire independently for every code with
//! data; a code is a zombie when the weights of the fired rules sum to the threshold.

use crate::config::Zombie;
use crate::domain::{Evidence, ZombieRule};
use crate::input::energy::MonthlyElectricity;
use std::collections::BTreeMap;

/// One code's figures of one year (from the yearly figures).
#[derive(Debug, Clone, Copy, Default)]
pub struct YearFigures {
    pub has_row: bool,
    pub profit: Option<f64>,
    pub tax: Option<f64>,
    pub revenue: Option<f64>,
    pub total_assets: Option<f64>,
    pub total_liabilities: Option<f64>,
}

/// A month's electricity: `None` when the month has rows but no electricity value.
pub type MonthlyKwh = BTreeMap<u32, Option<f64>>;

/// The rules that fired, in the table's order, with the evidence of each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub rules: Vec<ZombieRule>,
    pub evidence: Vec<Evidence>,
    pub weight: f64,
    pub zombie: bool,
}

impl Verdict {
    /// The fired rules `;`-joined, as the outputs write them.
    pub fn rules_text(&self) -> String {
        self.rules.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(";")
    }
}

/// The monthly electricity of code `id` in `year`, when it has month rows that year (and that
/// year's months are kept: see `input::energy::KeptMonths`).
pub fn monthly_electricity(energy: &MonthlyElectricity, id: u32, year: i32) -> Option<MonthlyKwh> {
    let months = energy.of_year(id, year)?;
    Some((1..=12).filter_map(|m| Some((m, months.get(m)?))).collect())
}

/// Whether month `m` is dormant (SPEC §8): under `kwh`, an absent month counting as 0; `None`
/// when its rows have no value (unknown, which breaks a run).
fn dormant(months: &MonthlyKwh, m: u32, kwh: f64) -> Option<bool> {
    match months.get(&m) {
        None => Some(true),
        Some(Some(v)) => Some(*v < kwh),
        Some(None) => None,
    }
}

/// The longest run of consecutive dormant months among 1…`last` (the latest month of the
/// year's data). Returns (length, first month).
pub fn longest_low_run(months: &MonthlyKwh, kwh: f64, last: u32) -> (u32, u32) {
    let (mut best, mut best_start, mut run, mut start) = (0, 0, 0, 0);
    for m in 1..=last.min(12) {
        if dormant(months, m, kwh) == Some(true) {
            if run == 0 {
                start = m;
            }
            run += 1;
            if run > best {
                (best, best_start) = (run, start);
            }
        } else {
            run = 0;
        }
    }
    (best, best_start)
}

/// The run of consecutive dormant months ending at month `last` (0 when `last` is not
/// dormant): SPEC §16's dormant run, clarification 9.
pub fn low_run_ending(months: &MonthlyKwh, kwh: f64, last: u32) -> u32 {
    (1..=last.min(12)).rev().take_while(|m| dormant(months, *m, kwh) == Some(true)).count() as u32
}

/// Judges one code. `years` holds its figures by year; `months` its evaluation-year
/// monthly electricity when it has month rows, read up to month `last`.
pub fn judge(
    years: &BTreeMap<i32, YearFigures>,
    months: Option<&MonthlyKwh>,
    last: u32,
    year: i32,
    rules: &Zombie,
) -> Verdict {
    let mut v = Verdict::default();
    let mut fire = |rule: ZombieRule, weight: f64, evidence: Evidence| {
        v.rules.push(rule);
        v.evidence.push(evidence);
        v.weight += weight;
    };
    let get = |y: i32| years.get(&y).copied().unwrap_or_default();
    let now = get(year);

    if let Some(months) = months {
        let (run, start) = longest_low_run(months, rules.dormant_power.kwh, last);
        if run >= rules.dormant_power.months {
            let evidence = Evidence::DormantPower {
                months: run,
                first: start,
                last: start + run - 1,
                kwh: rules.dormant_power.kwh,
                year,
            };
            fire(ZombieRule::DormantPower, rules.dormant_power.weight, evidence);
        }
    }

    let loss_years: Vec<i32> = (0..rules.persistent_losses.years as i32).map(|k| year - k).collect();
    let profits: Vec<Option<f64>> = loss_years.iter().map(|y| get(*y).profit).collect();
    if !loss_years.is_empty() && profits.iter().all(|p| p.is_some_and(|p| p < 0.0)) {
        let profits = loss_years.iter().zip(&profits).map(|(y, p)| (*y, p.unwrap_or(0.0))).collect();
        fire(ZombieRule::PersistentLosses, rules.persistent_losses.weight, Evidence::PersistentLosses { profits });
    }

    let tax_years: Vec<i32> = (0..rules.no_tax.years as i32).map(|k| year - k).collect();
    let no_tax = tax_years.iter().all(|y| {
        let f = get(*y);
        f.has_row && f.tax.is_some_and(|t| t <= 0.0)
    });
    if !tax_years.is_empty() && no_tax {
        let taxes = tax_years.iter().map(|y| (*y, get(*y).tax.unwrap_or(0.0))).collect();
        fire(ZombieRule::NoTax, rules.no_tax.weight, Evidence::NoTax { taxes });
    }

    if let (Some(assets), Some(debt)) = (now.total_assets, now.total_liabilities)
        && assets > 0.0
        && debt / assets > rules.insolvent.debt_ratio
    {
        let evidence = Evidence::Insolvent { liabilities: debt, assets, limit: rules.insolvent.debt_ratio };
        fire(ZombieRule::Insolvent, rules.insolvent.weight, evidence);
    }

    if let (Some(prev), Some(cur)) = (get(year - 1).revenue, now.revenue)
        && prev > 0.0
        && (prev - cur) / prev >= rules.revenue_collapse.drop
    {
        let evidence = Evidence::RevenueCollapse { previous: prev, current: cur };
        fire(ZombieRule::RevenueCollapse, rules.revenue_collapse.weight, evidence);
    }
    v.zombie = v.weight >= rules.threshold;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(profit: f64, tax: f64, revenue: f64) -> YearFigures {
        YearFigures {
            has_row: true,
            profit: Some(profit),
            tax: Some(tax),
            revenue: Some(revenue),
            ..Default::default()
        }
    }

    #[test]
    fn low_runs() {
        let mut m: MonthlyKwh = (1..=12).map(|m| (m, Some(5000.0))).collect();
        assert_eq!(longest_low_run(&m, 1000.0, 12), (0, 0));
        for k in 4..=9 {
            m.insert(k, Some(999.0));
        }
        assert_eq!(longest_low_run(&m, 1000.0, 12), (6, 4));
        assert_eq!(longest_low_run(&m, 1000.0, 7), (4, 4), "months after the latest are not read");
        assert_eq!((low_run_ending(&m, 1000.0, 9), low_run_ending(&m, 1000.0, 10)), (6, 0));
        m.insert(6, None);
        assert_eq!(longest_low_run(&m, 1000.0, 12), (3, 7));
        assert_eq!(low_run_ending(&m, 1000.0, 8), 2, "an unknown month breaks the run");
        m.remove(&6);
        assert_eq!(longest_low_run(&m, 1000.0, 12), (6, 4), "an absent month counts as 0 kWh");
        let mid_year: MonthlyKwh = (1..=6).map(|m| (m, Some(5000.0))).collect();
        assert_eq!(longest_low_run(&mid_year, 1000.0, 6), (0, 0), "July to December are not yet absent");
    }

    #[test]
    fn dormant_power_alone_makes_a_zombie() {
        let months: MonthlyKwh = (1..=12).map(|m| (m, Some(if m <= 6 { 0.0 } else { 9000.0 }))).collect();
        let years = BTreeMap::from([(2024, figures(10.0, 5.0, 100.0))]);
        let v = judge(&years, Some(&months), 12, 2024, &Zombie::default());
        assert_eq!(v.rules, vec![ZombieRule::DormantPower]);
        assert!(v.zombie);
    }

    #[test]
    fn two_half_rules_make_a_zombie_one_does_not() {
        let years = BTreeMap::from([
            (2022, figures(-1.0, 1.0, 100.0)),
            (2023, figures(-2.0, 0.0, 100.0)),
            (2024, figures(-3.0, 0.0, 50.0)),
        ]);
        let v = judge(&years, None, 12, 2024, &Zombie::default());
        assert_eq!(v.rules, vec![ZombieRule::PersistentLosses, ZombieRule::NoTax, ZombieRule::RevenueCollapse]);
        assert!(v.zombie);
        assert_eq!(v.weight, 1.5);
        let one = BTreeMap::from([(2023, figures(1.0, 1.0, 100.0)), (2024, figures(1.0, 1.0, 50.1))]);
        let v = judge(&one, None, 12, 2024, &Zombie::default());
        assert!(v.rules.is_empty() && !v.zombie);
    }

    #[test]
    fn losses_need_all_three_years_present() {
        let years = BTreeMap::from([(2023, figures(-2.0, 1.0, 100.0)), (2024, figures(-3.0, 1.0, 100.0))]);
        assert!(judge(&years, None, 12, 2024, &Zombie::default()).rules.is_empty());
    }

    #[test]
    fn insolvency_ratio() {
        let mut f = figures(1.0, 1.0, 100.0);
        f.total_assets = Some(100.0);
        f.total_liabilities = Some(86.0);
        let years = BTreeMap::from([(2024, f)]);
        assert_eq!(judge(&years, None, 12, 2024, &Zombie::default()).rules, vec![ZombieRule::Insolvent]);
        f.total_liabilities = Some(85.0);
        let years = BTreeMap::from([(2024, f)]);
        assert!(judge(&years, None, 12, 2024, &Zombie::default()).rules.is_empty());
    }

    #[test]
    fn no_tax_needs_enterprise_rows_both_years() {
        let mut prev = figures(1.0, 0.0, 100.0);
        prev.has_row = false;
        let years = BTreeMap::from([(2023, prev), (2024, figures(1.0, 0.0, 100.0))]);
        assert!(judge(&years, None, 12, 2024, &Zombie::default()).rules.is_empty());
    }
}
