//! 低效用地 (SPEC §15): the four tests of a parcel — plot ratio under its industry's minimum,
//! coverage under `min_coverage`, the rated user's tax per mu under a share of its benchmark
//! (or an absolute floor), and completion overdue — each firing on its own.
//!
//! The building tests read the parcel's intensity (empty without building data: no test
//! fires); `low_tax` reads the rating of the parcel's user; `overdue` reads the completion
//! dates of the parcel's first commitment, else its own (or the ledger's).

use crate::buildings::Intensity;
use crate::commitments::{CommitmentReviews, Completion};
use crate::config::LowEfficiencySettings;
use crate::dates::Date;
use crate::domain::{LowTest, Status};
use crate::industry;
use crate::parcels::{Column, ParcelIx, Parcels};
use crate::rating::indicators::benchmark_column;
use crate::rating::{CodeRows, Rating};
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

/// What the tests know of a parcel's user (the rating of the evaluation year).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserFacts<'a> {
    pub rated: bool,
    pub industry: Option<&'a str>,
    /// tax ÷ land_mu (SPEC §6); `None` when either is missing or there is no land.
    pub tax_per_mu: Option<f64>,
    /// The tax_per_mu benchmark the rating applied to the user (none when tax_per_mu is not
    /// an indicator of its group).
    pub tax_benchmark: Option<f64>,
}

/// One parcel's tests and the figures they compared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LowEfficiency {
    /// The tests that fired, in SPEC §15's order.
    pub tests: Vec<LowTest>,
    /// The minimum plot ratio of the user's industry (industrial parcels with a user).
    pub min_plot_ratio: Option<f64>,
    pub tax_per_mu: Option<f64>,
    pub tax_benchmark: Option<f64>,
    pub completion: Completion,
}

impl LowEfficiency {
    /// The fired tests `;`-joined, as the outputs write them (empty when none).
    pub fn tests_text(&self) -> String {
        self.tests.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(";")
    }

    /// Whether a test that makes the parcel a reclaim candidate fired (all but `low_tax`).
    pub fn reclaimable(&self) -> bool {
        self.tests.iter().any(|t| *t != LowTest::LowTax)
    }
}

/// The minimum plot ratio of an industry: its GB/T 4754-2017 division (the two digits after
/// an optional section letter, `C3311` → 33, or the division's Chinese name) in
/// `min_plot_ratio`, else `default_min_plot_ratio`.
pub fn min_plot_ratio(industry: Option<&str>, settings: &LowEfficiencySettings) -> f64 {
    industry
        .and_then(industry::division)
        .and_then(|d| settings.min_plot_ratio.get(&format!("{:02}", d.code)))
        .copied()
        .unwrap_or(settings.default_min_plot_ratio)
}

/// `low_tax` (clarification 8): a rated user's tax_per_mu under `low_tax_share` × its
/// benchmark, or under `low_tax_per_mu` when that is set; never without a tax_per_mu.
pub fn low_tax(user: &UserFacts, settings: &LowEfficiencySettings) -> bool {
    let Some(value) = user.tax_per_mu.filter(|_| user.rated) else { return false };
    let share = user.tax_benchmark.is_some_and(|b| value < settings.low_tax_share * b);
    share || settings.low_tax_per_mu.is_some_and(|floor| value < floor)
}

/// `overdue`: completion_due + `years` ≤ as_of and no completed date.
pub fn overdue(completion: Completion, as_of: Date, years: i32) -> bool {
    completion.done.is_none() && completion.due.is_some_and(|due| due.plus_years(years) <= as_of)
}

/// The tests of one parcel with this intensity, user (none without a rated row) and
/// completion dates; `as_of` is `None` only when the evaluation has no "today".
pub fn judge(
    intensity: &Intensity,
    user: Option<&UserFacts>,
    completion: Completion,
    as_of: Option<Date>,
    settings: &LowEfficiencySettings,
) -> LowEfficiency {
    let min = intensity.plot_ratio.map(|_| min_plot_ratio(user.and_then(|u| u.industry), settings));
    let fired = [
        (intensity.plot_ratio.zip(min).is_some_and(|(r, m)| r < m), LowTest::LowPlotRatio),
        (intensity.coverage.is_some_and(|c| c < settings.min_coverage), LowTest::LowCoverage),
        (user.is_some_and(|u| low_tax(u, settings)), LowTest::LowTax),
        (as_of.is_some_and(|d| overdue(completion, d, settings.overdue_years)), LowTest::Overdue),
    ];
    LowEfficiency {
        tests: fired.into_iter().filter_map(|(fires, test)| fires.then_some(test)).collect(),
        min_plot_ratio: min,
        tax_per_mu: user.and_then(|u| u.tax_per_mu),
        tax_benchmark: user.and_then(|u| u.tax_benchmark),
        completion,
    }
}

/// The facts of each parcel user, read from its row of the rating frame (columns status,
/// industry, tax, land_mu and tax_per_mu's benchmark when it is an indicator) when a parcel
/// asks.
pub struct Users<'a> {
    rows: &'a CodeRows,
    status: &'a StringChunked,
    industries: &'a StringChunked,
    tax: Float64Chunked,
    land: Float64Chunked,
    benchmark: Option<Float64Chunked>,
}

impl<'a> Users<'a> {
    pub fn of_rating(rating: &'a Rating) -> PolarsResult<Users<'a>> {
        let frame = &rating.frame;
        let number = |name: &str| -> PolarsResult<Float64Chunked> {
            Ok(frame.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
        };
        Ok(Users {
            rows: &rating.rows,
            status: frame.column("status")?.str()?,
            industries: frame.column("industry")?.str()?,
            tax: number("tax")?,
            land: number("land_mu")?,
            benchmark: number(&benchmark_column("tax_per_mu")).ok(),
        })
    }

    /// The facts of `code`, when it has a row of the rating.
    pub fn facts_of(&self, code: &str) -> Option<UserFacts<'a>> {
        let i = self.rows.row(code)?;
        Some(UserFacts {
            rated: self.status.get(i) == Some(Status::Rated.as_str()),
            industry: self.industries.get(i),
            tax_per_mu: self.tax.get(i).zip(self.land.get(i).filter(|l| *l > 0.0)).map(|(t, l)| t / l),
            tax_benchmark: self.benchmark.as_ref().and_then(|b| b.get(i)),
        })
    }
}

/// Every parcel's tests (SPEC §15).
pub fn judge_all(
    parcels: &Parcels,
    intensity: &Column<Intensity>,
    users: &Users,
    reviews: Option<&CommitmentReviews>,
    as_of: Option<Date>,
    settings: &LowEfficiencySettings,
) -> Column<LowEfficiency> {
    let mut committed: HashMap<ParcelIx, Completion> = HashMap::new();
    for r in reviews.iter().flat_map(|r| &r.reviews) {
        if let Some(p) = r.parcel {
            committed.entry(p).or_insert(r.completion);
        }
    }
    parcels.par_map(|ix, f, _| {
        let completion = committed.get(&ix).copied().unwrap_or_else(|| Completion::of_parcel(f));
        let user = (!f.user.is_empty()).then(|| users.facts_of(f.user.as_str())).flatten();
        judge(&intensity[ix], user.as_ref(), completion, as_of, settings)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LowEfficiencySettings {
        LowEfficiencySettings::default()
    }

    fn date(y: i32, m: u32, d: u32) -> Option<Date> {
        Date::new(y, m, d)
    }

    #[test]
    fn minimum_plot_ratio_by_division() {
        let s = settings();
        assert_eq!(min_plot_ratio(Some("C1810"), &s), 1.0, "18 clothing");
        assert_eq!(min_plot_ratio(Some("2614"), &s), 0.6, "26 chemicals");
        assert_eq!(min_plot_ratio(Some("C2511"), &s), 0.5, "25 petroleum");
        assert_eq!(min_plot_ratio(Some("3311"), &s), 0.7, "33 metal products");
        assert_eq!(min_plot_ratio(Some("2110"), &s), 0.8, "21 furniture");
        assert_eq!(min_plot_ratio(Some("纺织业"), &s), 0.8, "17 by its Chinese name");
        assert_eq!(min_plot_ratio(Some("5110"), &s), 0.7, "51 wholesale: not in the table, the default");
        assert_eq!(min_plot_ratio(None, &s), 0.7, "no industry: the default");
        let mut own = settings();
        own.min_plot_ratio.insert("33".into(), 1.2);
        own.default_min_plot_ratio = 0.9;
        assert_eq!(min_plot_ratio(Some("C3311"), &own), 1.2, "a configured division");
        assert_eq!(min_plot_ratio(Some("C2511"), &own), 0.5, "the others stay");
        assert_eq!(min_plot_ratio(Some("5110"), &own), 0.9);
    }

    #[test]
    fn each_test_fires_on_its_own() {
        let s = settings();
        // A 15-mu parcel (10000 m²) of a metal-products firm (min 0.7): 6,500 m² of floors on
        // 2,800 m² of footprint → plot ratio 0.65 < 0.7 and coverage 0.28 < 0.30.
        let low = Intensity { plot_ratio: Some(0.65), coverage: Some(0.28), ..Intensity::default() };
        // Rated, tax 36 万元 on 12 mu = 3 万元/亩 against a benchmark of 8: 3 < 0.5 × 8 = 4.
        let user = UserFacts { rated: true, industry: Some("C3311"), tax_per_mu: Some(3.0), tax_benchmark: Some(8.0) };
        // Completion due 2022-06-30, two years later 2024-06-30 ≤ 2024-12-31, not completed.
        let late = Completion { due: date(2022, 6, 30), done: None };
        let all = judge(&low, Some(&user), late, date(2024, 12, 31), &s);
        use LowTest::*;
        assert_eq!(all.tests, vec![LowPlotRatio, LowCoverage, LowTax, Overdue]);
        assert_eq!(all.tests_text(), "low_plot_ratio;low_coverage;low_tax;overdue");
        assert_eq!(all.min_plot_ratio, Some(0.7));
        // At the minimum nothing fires: plot ratio 0.7, coverage 0.30, tax 4 = 0.5 × 8.
        let at = Intensity { plot_ratio: Some(0.7), coverage: Some(0.30), ..Intensity::default() };
        let even = UserFacts { tax_per_mu: Some(4.0), ..user.clone() };
        let none = judge(
            &at,
            Some(&even),
            Completion { due: date(2022, 6, 30), done: date(2024, 1, 5) },
            date(2024, 12, 31),
            &s,
        );
        assert_eq!(none.tests, vec![]);
        assert!(!none.reclaimable());
        // Only low_tax: not a reclaim reason.
        let tax_only = judge(&Intensity::default(), Some(&user), Completion::default(), date(2024, 12, 31), &s);
        assert_eq!(tax_only.tests, vec![LowTax]);
        assert!(!tax_only.reclaimable());
        assert_eq!(tax_only.min_plot_ratio, None, "no building data: no minimum shown");
    }

    #[test]
    fn low_tax_share_or_floor() {
        let mut s = settings();
        let user = UserFacts { rated: true, industry: None, tax_per_mu: Some(4.5), tax_benchmark: Some(8.0) };
        assert!(!low_tax(&user, &s), "4.5 ≥ 0.5 × 8");
        s.low_tax_per_mu = Some(5.0);
        assert!(low_tax(&user, &s), "4.5 < the floor of 5");
        let no_benchmark = UserFacts { tax_benchmark: None, ..user.clone() };
        assert!(low_tax(&no_benchmark, &s), "the floor alone suffices");
        assert!(!low_tax(&UserFacts { rated: false, ..user.clone() }, &s), "not rated");
        assert!(!low_tax(&UserFacts { tax_per_mu: None, ..user }, &s), "missing tax is not zero");
    }

    #[test]
    fn overdue_by_the_calendar() {
        let due = |y, m, d| Completion { due: date(y, m, d), done: None };
        let as_of = date(2024, 2, 28).expect("date");
        assert!(overdue(due(2022, 2, 28), as_of, 2), "2022-02-28 + 2 years = as_of");
        assert!(!overdue(due(2022, 3, 1), as_of, 2));
        // 2020-02-29 + 4 years = 2024-02-29, a day after as_of; + 2 years = 2022-02-28.
        assert!(!overdue(due(2020, 2, 29), as_of, 4));
        assert!(overdue(due(2020, 2, 29), as_of, 2));
        assert!(!overdue(Completion { due: date(2020, 1, 1), done: date(2023, 1, 1) }, as_of, 2), "completed");
        assert!(!overdue(Completion::default(), as_of, 2), "no completion_due");
    }
}
