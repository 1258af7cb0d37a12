//! Energy totals: the energy table (用电/能耗/排放) summed per code and year while it is read
//! (SPEC §2), so that millions of monthly rows are never held; electricity is also kept per
//! month for the months the rules read ([`KeptMonths`]): the evaluation year's for the
//! dormant-power rule (SPEC §8), and those the early warning compares them with (SPEC §16).
//!
//! Sums are exact and rounded once (`fsum`), so they do not depend on the order of the rows,
//! on how the file is cut into pieces or on the number of threads. A column with no value
//! present is missing, never zero. Once the file is read only the rounded sums are kept.

use compact_str::CompactString;
use foldhash::fast::RandomState;
use fsum::FSum;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// The sum of the values present of one column; `None` while no value is present.
#[derive(Debug, Clone, Default)]
pub struct Total(Sum);

/// A sum while it is taken: one value is held as it is (the exact sum of one value, which
/// most months of most codes have), partials only from the second on.
#[derive(Debug, Clone, Default)]
enum Sum {
    #[default]
    Empty,
    One(f64),
    Many(FSum),
}

impl Total {
    pub fn add(&mut self, value: Option<f64>) {
        let Some(v) = value else { return };
        self.0 = match std::mem::take(&mut self.0) {
            Sum::Empty => Sum::One(v),
            Sum::One(first) => Sum::Many(FSum::with_all([first, v])),
            Sum::Many(mut sum) => {
                sum.add(v);
                Sum::Many(sum)
            }
        };
    }

    /// The correctly rounded sum, or `None` when no value was present.
    pub fn value(&self) -> Option<f64> {
        match &self.0 {
            Sum::Empty => None,
            Sum::One(v) => Some(*v),
            Sum::Many(sum) => Some(sum.value()),
        }
    }
}

/// One code's energy in one year: each sum `None` when no row had a value.
#[derive(Debug, Clone, Default)]
pub struct YearEnergy {
    pub rows: usize,
    pub electricity_kwh: Option<f64>,
    pub energy_tce: Option<f64>,
    pub emissions: Option<f64>,
    /// Electricity by month of a year with kept months; years with no kept month keep none.
    pub months: Option<Box<Months>>,
}

/// One code's electricity by month in one year, compactly (a province keeps hundreds of
/// thousands): a sum per month, and which months have rows and which a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Months {
    kwh: [f64; 12],
    /// Bit m − 1: month m has rows.
    rows: u16,
    /// Bit m − 1: month m has a value.
    valued: u16,
}

impl Months {
    /// Month `m` (1–12): `None` without rows (or not kept), `Some(None)` when its rows have no
    /// value.
    pub fn get(&self, m: u32) -> Option<Option<f64>> {
        let bit = 1u16.checked_shl(m.checked_sub(1)?).filter(|b| *b & 0x0FFF != 0)?;
        (self.rows & bit != 0).then(|| (self.valued & bit != 0).then(|| self.kwh[m as usize - 1]))
    }

    /// The last month with rows.
    pub fn last_with_rows(&self) -> Option<u32> {
        (self.rows != 0).then(|| 16 - self.rows.leading_zeros())
    }
}

/// [`Months`] while they are summed: each month's first value as it is (most months of most
/// codes have one row), an exact sum only for a month with a second value: 128 bytes where
/// twelve [`Total`]s took 288, for each of the millions of code-years a nation keeps.
#[derive(Debug, Default)]
struct MonthSums {
    first: Months,
    /// (month − 1, the sum of every value of that month so far), for months with two or more.
    more: Vec<(u8, FSum)>,
}

impl MonthSums {
    /// Adds a row of month `m` (1–12).
    fn add(&mut self, m: u32, kwh: Option<f64>) {
        let i = m as usize - 1;
        let bit = 1u16 << i;
        self.first.rows |= bit;
        let Some(value) = kwh else { return };
        if self.first.valued & bit == 0 {
            self.first.valued |= bit;
            self.first.kwh[i] = value;
        } else if let Some((_, sum)) = self.more.iter_mut().find(|(month, _)| usize::from(*month) == i) {
            sum.add(value);
        } else {
            self.more.push((i as u8, FSum::with_all([self.first.kwh[i], value])));
        }
    }

    fn rounded(&self) -> Months {
        let mut months = self.first.clone();
        for (i, sum) in &self.more {
            months.kwh[usize::from(*i)] = sum.value();
        }
        months
    }
}

/// [`YearEnergy`] while it is being summed.
#[derive(Debug, Default)]
struct YearSums {
    rows: usize,
    electricity_kwh: Total,
    energy_tce: Total,
    emissions: Total,
    months: Option<Box<MonthSums>>,
}

impl YearSums {
    fn add(&mut self, row: &EnergyRow, kept: &KeptMonths) {
        self.rows += 1;
        self.electricity_kwh.add(row.electricity_kwh);
        self.energy_tce.add(row.energy_tce);
        self.emissions.add(row.emissions);
        if let Some(month) = row.month.filter(|m| kept.keeps(row.year, *m)) {
            self.months.get_or_insert_with(Default::default).add(month, row.electricity_kwh);
        }
    }

    fn rounded(&self) -> YearEnergy {
        YearEnergy {
            rows: self.rows,
            electricity_kwh: self.electricity_kwh.value(),
            energy_tce: self.energy_tce.value(),
            emissions: self.emissions.value(),
            months: self.months.as_deref().map(|sums| Box::new(sums.rounded())),
        }
    }
}

/// One energy row, as read.
#[derive(Debug, Clone)]
pub struct EnergyRow {
    pub code: CompactString,
    pub year: i32,
    pub month: Option<u32>,
    pub electricity_kwh: Option<f64>,
    pub energy_tce: Option<f64>,
    pub emissions: Option<f64>,
}

/// Energy per code and year.
#[derive(Debug, Default)]
pub struct EnergyTotals {
    /// (code, year, energy), sorted by code, then year.
    pub years: Vec<(CompactString, i32, YearEnergy)>,
}

impl EnergyTotals {
    /// The rows summed.
    pub fn rows(&self) -> usize {
        self.years.iter().map(|(_, _, e)| e.rows).sum()
    }

    /// The electricity by month of the years that keep months, by the code ids `id_of` gives
    /// (below `codes`), once the yearly figures hold the sums: what is read after them is
    /// months only (the zombie rule's dormant power and the early warning). A code without an
    /// id is left out. Each entry is let go as it is moved, so the years are never held twice.
    pub fn into_monthly(self, codes: usize, id_of: impl Fn(&str) -> Option<u32>) -> MonthlyElectricity {
        let ids: Vec<Option<u32>> = self
            .years
            .iter()
            .map(|(code, _, e)| e.months.as_ref().and_then(|_| id_of(code)).filter(|&id| (id as usize) < codes))
            .collect();
        let mut starts = vec![0usize; codes + 1];
        for &id in ids.iter().flatten() {
            starts[id as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut years = vec![(0, Months::default()); starts[codes]];
        for (id, (_, year, e)) in ids.into_iter().zip(self.years) {
            let (Some(id), Some(months)) = (id, e.months) else { continue };
            let slot = &mut next[id as usize];
            years[*slot] = (year, *months);
            *slot += 1;
        }
        MonthlyElectricity { years, starts }
    }

    /// The last month with rows in `year` (SPEC §16's latest month M), when any row has one.
    pub fn last_month(&self, year: i32) -> Option<u32> {
        let months = self.years.iter().filter(|(_, y, _)| *y == year).filter_map(|(_, _, e)| e.months.as_ref());
        months.filter_map(|m| m.last_with_rows()).max()
    }
}

/// The electricity by month of the kept months (see [`KeptMonths`]), by code id: each code's
/// years that keep months together, in year order, with no code text, box or yearly sums of
/// their own (a nation keeps millions).
#[derive(Debug, Default)]
pub struct MonthlyElectricity {
    /// (year, months), by code id, then year.
    years: Vec<(i32, Months)>,
    /// Code id i's years are `years[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

impl MonthlyElectricity {
    /// The years of code `id` that keep months, in year order.
    pub fn of_code(&self, id: u32) -> &[(i32, Months)] {
        let i = id as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&first), Some(&end)) => &self.years[first..end],
            _ => &[],
        }
    }

    /// The months of code `id` in `year`, when that year keeps months.
    pub fn of_year(&self, id: u32, year: i32) -> Option<&Months> {
        self.of_code(id).iter().find(|(y, _)| *y == year).map(|(_, months)| months)
    }
}

/// The months whose electricity is kept month by month: from `first` to `last`, each a
/// month index, year × 12 + month − 1.
#[derive(Debug, Clone, Copy)]
pub struct KeptMonths {
    first: i64,
    last: i64,
}

impl KeptMonths {
    /// The months of the evaluation year, of the year before and the `window − 1` months
    /// before that (the early warning compares up to `window` months with the same months a
    /// year earlier, reaching into the year before for a latest month early in the year).
    pub fn for_year(year: i32, window: u32) -> KeptMonths {
        let index = |y: i32| i64::from(y) * 12;
        KeptMonths { first: index(year - 1) - i64::from(window.saturating_sub(1)), last: index(year) + 11 }
    }

    /// The evaluation year's months only.
    pub fn of_year(year: i32) -> KeptMonths {
        KeptMonths { first: i64::from(year) * 12, last: i64::from(year) * 12 + 11 }
    }

    fn keeps(&self, year: i32, month: u32) -> bool {
        (self.first..=self.last).contains(&(i64::from(year) * 12 + i64::from(month) - 1))
    }
}

/// Shards of the totals, each behind its own lock, so that pieces of the file are summed in
/// parallel; a code always falls in the same shard.
pub struct EnergySums {
    kept: KeptMonths,
    hasher: RandomState,
    shards: Vec<Mutex<Shard>>,
}

const SHARDS: usize = 64;

/// The sums of the (code, year) pairs whose codes hash to one shard.
type Shard = HashMap<(CompactString, i32), YearSums, RandomState>;

impl EnergySums {
    /// Sums that keep the electricity of the `kept` months month by month.
    pub fn new(kept: KeptMonths) -> Self {
        let shards = (0..SHARDS).map(|_| Mutex::new(HashMap::default())).collect();
        EnergySums { kept, hasher: RandomState::default(), shards }
    }

    /// Adds the rows of one piece of the file. A run of rows of one code and year (files
    /// usually keep a code's months together) takes one lock and one lookup.
    pub fn add(&self, rows: Vec<EnergyRow>) {
        for run in rows.chunk_by(|a, b| a.code == b.code && a.year == b.year) {
            let first = &run[0];
            let shard = &self.shards[self.hasher.hash_one(first.code.as_str()) as usize % SHARDS];
            let mut shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let entry = shard.entry((first.code.clone(), first.year)).or_default();
            for row in run {
                entry.add(row, &self.kept);
            }
        }
    }

    /// The rounded totals, sorted by code and year.
    pub fn finish(self) -> EnergyTotals {
        let mut years: Vec<(CompactString, i32, YearEnergy)> = self
            .shards
            .into_par_iter()
            .flat_map_iter(|shard| {
                let shard = shard.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
                shard.into_iter().map(|((code, year), sums)| (code, year, sums.rounded()))
            })
            .collect();
        years.par_sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        EnergyTotals { years }
    }
}

#[cfg(test)]
impl EnergyTotals {
    /// The energy of `code`, every year, in year order.
    pub fn of_code(&self, code: &str) -> Vec<&(CompactString, i32, YearEnergy)> {
        self.years.iter().filter(|(c, _, _)| c == code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, year: i32, month: Option<u32>, kwh: Option<f64>) -> EnergyRow {
        EnergyRow { code: code.into(), year, month, electricity_kwh: kwh, energy_tce: None, emissions: Some(0.1) }
    }

    #[test]
    fn sums_per_code_and_year_with_the_evaluation_year_by_month() {
        let sums = EnergySums::new(KeptMonths::of_year(2024));
        sums.add(vec![row("B", 2024, Some(1), Some(0.1)), row("A", 2023, Some(1), Some(5.0))]);
        sums.add(vec![row("B", 2024, Some(1), Some(0.2)), row("B", 2024, Some(3), None), row("B", 2023, None, None)]);
        let totals = sums.finish();
        assert_eq!(totals.rows(), 5);
        let keys: Vec<(&str, i32)> = totals.years.iter().map(|(c, y, _)| (c.as_str(), *y)).collect();
        assert_eq!(keys, [("A", 2023), ("B", 2023), ("B", 2024)]);
        let b = &totals.of_code("B")[1].2;
        assert_eq!(b.rows, 3);
        // 0.1 + 0.2 rounded once: the double nearest the exact sum of the two doubles.
        assert_eq!(b.electricity_kwh, Some(0.30000000000000004));
        assert_eq!(b.energy_tce, None, "no value present is missing, not 0");
        assert_eq!(b.emissions, Some(0.30000000000000004));
        let months = b.months.as_ref().expect("evaluation year months");
        assert_eq!(months.get(1), Some(Some(0.30000000000000004)));
        assert!(months.get(2).is_none(), "February has no rows");
        assert_eq!(months.get(3), Some(None), "March has rows, no value");
        assert_eq!((months.get(0), months.get(13), months.last_with_rows()), (None, None, Some(3)));
        assert!(totals.of_code("A")[0].2.months.is_none(), "other years keep no months");
        assert!(totals.of_code("C").is_empty());
        assert_eq!(totals.last_month(2024), Some(3), "March has rows, though no value");
        assert_eq!(totals.last_month(2023), None);
    }

    #[test]
    fn the_monthly_electricity_keeps_the_months_by_code_id_and_nothing_else() {
        let sums = EnergySums::new(KeptMonths::for_year(2024, 3));
        sums.add(vec![row("A", 2023, Some(1), Some(5.0)), row("A", 2024, Some(2), Some(7.0))]);
        sums.add(vec![row("B", 2022, None, Some(1.0)), row("C", 2024, Some(12), None), row("D", 2021, None, None)]);
        sums.add(vec![row("E", 2024, Some(3), Some(2.0))]);
        let totals = sums.finish();
        let months_of = |code: &str, year: i32| {
            let (_, _, e) = totals.of_code(code).iter().find(|(_, y, _)| *y == year)?;
            e.months.as_deref().cloned()
        };
        let before = [months_of("A", 2023), months_of("A", 2024), months_of("C", 2024)];
        // Ids in another order than the codes; E has none.
        let id_of = |code: &str| ["C", "B", "A", "D"].iter().position(|c| *c == code).map(|i| i as u32);
        let monthly = totals.into_monthly(4, id_of);
        let years = |id: u32| monthly.of_code(id).iter().map(|(y, _)| *y).collect::<Vec<_>>();
        assert_eq!([years(0), years(1), years(2), years(3)], [vec![2024], vec![], vec![2023, 2024], vec![]]);
        let after =
            [monthly.of_year(2, 2023).cloned(), monthly.of_year(2, 2024).cloned(), monthly.of_year(0, 2024).cloned()];
        assert_eq!(after, before);
        assert_eq!(monthly.of_year(2, 2024).and_then(|m| m.get(2)), Some(Some(7.0)));
        assert_eq!(monthly.of_year(0, 2024).and_then(|m| m.get(12)), Some(None), "rows, no value");
        assert!(monthly.of_year(2, 2022).is_none() && monthly.of_code(4).is_empty() && monthly.of_code(9).is_empty());
    }

    #[test]
    fn the_early_warning_keeps_last_year_and_the_window_before_it() {
        let kept = KeptMonths::for_year(2024, 3);
        assert!(kept.keeps(2024, 12) && kept.keeps(2023, 1) && kept.keeps(2022, 11) && kept.keeps(2022, 12));
        assert!(!kept.keeps(2022, 10) && !kept.keeps(2025, 1));
        let sums = EnergySums::new(kept);
        sums.add(vec![row("A", 2022, Some(12), Some(7.0)), row("A", 2022, Some(1), Some(1.0))]);
        let totals = sums.finish();
        let months = totals.of_code("A")[0].2.months.as_ref().expect("December 2022 is kept");
        assert_eq!((months.get(12), months.get(1)), (Some(Some(7.0)), None));
        assert_eq!(totals.years[0].2.electricity_kwh, Some(8.0), "the year's sum has every month");
    }

    #[test]
    fn one_value_is_its_own_sum() {
        for v in [0.1, -0.0, 1e300, -3.5] {
            let mut total = Total::default();
            total.add(Some(v));
            assert_eq!(total.value().map(f64::to_bits), Some(FSum::with_all([v]).value().to_bits()));
            total.add(None);
            total.add(Some(0.2));
            assert_eq!(total.value().map(f64::to_bits), Some(FSum::with_all([v, 0.2]).value().to_bits()));
        }
        assert_eq!(Total::default().value(), None);
        assert_eq!(std::mem::size_of::<Option<Total>>(), std::mem::size_of::<FSum>(), "no bigger than a sum");
    }

    #[test]
    fn a_month_with_many_rows_is_summed_exactly_and_rounded_once() {
        let mut sums = MonthSums::default();
        for (m, kwh) in [(2, None), (2, Some(0.1)), (5, Some(1e16)), (2, Some(0.2)), (5, Some(1.0)), (2, Some(0.3))] {
            sums.add(m, kwh);
        }
        sums.add(5, Some(-1e16));
        sums.add(12, None);
        let months = sums.rounded();
        // 0.1 + 0.2 + 0.3 is 0.6000000000000001 added left to right; the exact sum rounds to 0.6.
        assert_eq!(months.get(2), Some(Some(0.6)));
        assert_eq!(months.get(5), Some(Some(1.0)), "1e16 + 1 − 1e16 is exactly 1");
        assert_eq!((months.get(12), months.get(1)), (Some(None), None));
        assert_eq!(std::mem::size_of::<MonthSums>(), 128, "twelve Totals took 288 bytes");
    }

    #[test]
    fn sums_do_not_depend_on_order() {
        let values = [1e16, 0.1, -1e16, 0.2, 3.0, 1e-3];
        let forward = EnergySums::new(KeptMonths::of_year(2024));
        forward.add(values.iter().map(|v| row("A", 2024, None, Some(*v))).collect());
        let backward = EnergySums::new(KeptMonths::of_year(2024));
        for v in values.iter().rev() {
            backward.add(vec![row("A", 2024, None, Some(*v))]);
        }
        let (f, b) = (forward.finish(), backward.finish());
        let value = |t: &EnergyTotals| t.years[0].2.electricity_kwh.expect("sum");
        assert_eq!(value(&f).to_bits(), value(&b).to_bits());
        assert_eq!(value(&f), 3.301);
    }
}
