//! 标准地 commitments (SPEC §14): the review at full production (达产复核), liquidated damages
//! (违约金) and idle land (闲置土地).
//!
//! Each commitment's committed indicators are compared with the committed enterprise's actual
//! values of the review year (its §6 indicators from its rows of that year, today's land),
//! the parcel's investment intensity and its building intensity (§15). Idle land is judged by
//! the calendar against `evaluation.as_of`; idle for two whole years or more makes the parcel
//! idle for §9.

use crate::buildings::Intensity;
use crate::config::CommitmentSettings;
use crate::dates::Date;
use crate::domain::ReviewStatus;
use crate::input::headers::PARCEL_LEDGER;
use crate::input::parcels::ParcelFeature;
use crate::input::tables::{COMMITTED, CommitmentRow, Commitments};
use crate::numbers::sorted_sum;
use crate::parcels::{Column, ParcelIx, Parcels};
use crate::quality::{At, Ledger, Message};
use crate::rating::catalog::BUILT_IN;
use crate::rating::{CodeRows, Rating};
use foldhash::{HashMap, HashMapExt, HashSet};
use polars::prelude::*;

/// The table name data problems of commitments carry.
pub const TABLE: &str = "commitments";

/// One committed indicator of a commitment: committed, actual, ratio.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reviewed {
    pub committed: Option<f64>,
    pub actual: Option<f64>,
    /// actual ÷ committed; `None` when either is missing or nothing (> 0) is committed.
    pub ratio: Option<f64>,
}

/// Liquidated damages of a reviewed commitment (万元); `None` in a component: it applies but
/// cannot be computed (land_price or area missing).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Damages {
    pub investment: Option<f64>,
    pub tax: Option<f64>,
    pub other: Option<f64>,
    /// The sum of the defined components.
    pub total: f64,
}

/// One commitment, reviewed.
#[derive(Debug, Clone)]
pub struct Review {
    /// 1-based data row of the commitments table.
    pub row: usize,
    pub parcel_id: String,
    /// The parcel it names (the first of that id); `None` when unknown.
    pub parcel: Option<ParcelIx>,
    /// The committed enterprise: the row's, else the parcel's user.
    pub code: Option<String>,
    pub name: Option<String>,
    pub area_mu: Option<f64>,
    pub review_year: Option<i32>,
    pub status: ReviewStatus,
    /// One per indicator of [`COMMITTED`] (by position).
    pub indicators: [Reviewed; 9],
    /// `None` while pending.
    pub damages: Option<Damages>,
    pub idle_years: u32,
    /// idle_fee_rate × land_price when idle a whole year or more; 0 when not idle; `None`
    /// without a land price.
    pub idle_fee: Option<f64>,
    pub due_next_year: bool,
    /// completion_due and completed, the row's or else the parcel's (SPEC §15's `overdue`).
    pub completion: Completion,
}

/// A parcel's completion dates: due (约定竣工日期) and done (实际竣工日期).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Completion {
    pub due: Option<Date>,
    pub done: Option<Date>,
}

impl Completion {
    /// The parcel's own completion dates (its properties, or the ledger's applied to them).
    pub fn of_parcel(f: &ParcelFeature) -> Completion {
        Completion { due: parcel_date(Some(f), "completion_due"), done: parcel_date(Some(f), "completed") }
    }
}

/// The reviews of a run: one per commitment row, in file order, and the committed indicator
/// columns its table has.
#[derive(Debug, Clone, Default)]
pub struct CommitmentReviews {
    pub reviews: Vec<Review>,
    /// Positions in [`COMMITTED`] of the table's indicator columns (§14's order).
    pub columns: Vec<usize>,
}

impl CommitmentReviews {
    /// The parcels idle for two whole years or more (SPEC §14: counted idle for §9).
    pub fn idle_parcels(&self) -> HashSet<ParcelIx> {
        self.reviews.iter().filter(|r| r.idle_years >= 2).filter_map(|r| r.parcel).collect()
    }
}

/// An enterprise's figures of one year, by the fact names of §6's catalogue.
#[derive(Debug, Clone, Default)]
pub struct YearFigures(pub HashMap<&'static str, f64>);

/// The columns of the yearly figures a review reads.
const FIGURES: [&str; 7] =
    ["tax", "value_added", "revenue", "energy_tce", "emissions", "rd_expense", "fixed_investment"];

/// The figures of every (code, year) of the yearly frame that a review asks for.
pub fn figures_of(
    yearly: &DataFrame,
    wanted: &HashSet<(String, i32)>,
) -> PolarsResult<HashMap<(String, i32), YearFigures>> {
    let mut out = HashMap::with_capacity(wanted.len());
    if wanted.is_empty() {
        return Ok(out);
    }
    let codes = yearly.column("code")?.str()?;
    let years = yearly.column("year")?.cast(&DataType::Int32)?;
    let years = years.i32()?;
    let columns: Vec<(&'static str, Float64Chunked)> = FIGURES
        .iter()
        .filter_map(|&name| {
            let c = yearly.column(name).ok()?.cast(&DataType::Float64).ok()?;
            Some((name, c.f64().ok()?.clone()))
        })
        .collect();
    for i in 0..yearly.height() {
        let (Some(code), Some(year)) = (codes.get(i), years.get(i)) else { continue };
        let key = (code.to_string(), year);
        if !wanted.contains(&key) {
            continue;
        }
        let figures = columns.iter().filter_map(|(name, c)| Some((*name, c.get(i)?))).collect();
        out.insert(key, YearFigures(figures));
    }
    Ok(out)
}

/// What the review knows of one commitment besides its row.
pub struct ReviewFacts<'a> {
    /// The committed enterprise's figures of the review year.
    pub figures: Option<&'a YearFigures>,
    /// The enterprise's land today (SPEC §4).
    pub land_mu: Option<f64>,
    /// The parcel's area (§4) and building intensity (§15).
    pub area_mu: Option<f64>,
    pub intensity: Option<&'a Intensity>,
    /// Investment to date: the row's (or the ledger's) `invested`.
    pub invested: Option<f64>,
}

/// `n ÷ d` when both are present and d > 0 (SPEC §6).
fn ratio(n: Option<f64>, d: Option<f64>) -> Option<f64> {
    match (n, d) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

/// The actual value of committed indicator `k` (a name of [`COMMITTED`]).
pub fn actual(k: &str, facts: &ReviewFacts<'_>) -> Option<f64> {
    let figure = |name: &str| match name {
        "land_mu" => facts.land_mu,
        other => facts.figures.and_then(|f| f.0.get(other).copied()),
    };
    match k {
        "investment_intensity" => ratio(facts.invested.or_else(|| figure("fixed_investment")), facts.area_mu),
        "plot_ratio" => facts.intensity.and_then(|i| i.plot_ratio),
        "coverage" => facts.intensity.and_then(|i| i.coverage),
        indicator => {
            let b = BUILT_IN.iter().find(|b| b.name == indicator)?;
            ratio(figure(b.numerator), figure(b.denominator)).map(|v| v * b.factor)
        }
    }
}

/// The status of a reviewed commitment from its committed indicators (SPEC §14,
/// clarification 3): `no_data` without a review year or a committed indicator, or when some
/// ratio is undefined; else `shortfall` when some ratio < 1, else `met`.
pub fn status_of(indicators: &[Reviewed; 9], review_year: Option<i32>, year: i32) -> ReviewStatus {
    let Some(review_year) = review_year else { return ReviewStatus::NoData };
    if review_year > year {
        return ReviewStatus::Pending;
    }
    let committed: Vec<&Reviewed> = indicators.iter().filter(|r| r.committed.is_some_and(|c| c > 0.0)).collect();
    if committed.is_empty() || committed.iter().any(|r| r.ratio.is_none()) {
        ReviewStatus::NoData
    } else if committed.iter().any(|r| r.ratio.is_some_and(|x| x < 1.0)) {
        ReviewStatus::Shortfall
    } else {
        ReviewStatus::Met
    }
}

/// Liquidated damages (SPEC §14, clarification 3): investment land_price × (1 − r) when
/// r < 1; tax (c − a) × area_mu when short; `other_rate` × land_price once per other short
/// indicator. Each component is 0 when it does not apply.
pub fn damages(indicators: &[Reviewed; 9], land_price: Option<f64>, area_mu: Option<f64>, other_rate: f64) -> Damages {
    let short = |r: &Reviewed| r.ratio.is_some_and(|x| x < 1.0);
    let mut d = Damages { investment: Some(0.0), tax: Some(0.0), other: Some(0.0), total: 0.0 };
    let mut others = 0u32;
    for (k, r) in COMMITTED.iter().zip(indicators).filter(|(_, r)| short(r)) {
        match *k {
            "investment_intensity" => d.investment = land_price.zip(r.ratio).map(|(p, x)| p * (1.0 - x)),
            "tax_per_mu" => {
                d.tax = match (r.committed, r.actual, area_mu) {
                    (Some(c), Some(a), Some(mu)) => Some((c - a) * mu),
                    _ => None,
                }
            }
            _ => others += 1,
        }
    }
    if others > 0 {
        d.other = land_price.map(|p| p * other_rate * f64::from(others));
    }
    d.total = sorted_sum([d.investment, d.tax, d.other].into_iter().flatten());
    d
}

/// Idle years (SPEC §14): the whole years from start_due to as_of when no `started` date is
/// on or before as_of; 0 otherwise (or without a start_due).
pub fn idle_years(start_due: Option<Date>, started: Option<Date>, as_of: Date) -> u32 {
    match start_due {
        Some(due) if started.is_none_or(|s| s > as_of) => due.whole_years_until(as_of),
        _ => 0,
    }
}

/// A ledger (or feature) date property of the parcel, by its name or any alias of the
/// parcel ledger (`约定竣工日期`), when the commitment has none.
fn parcel_date(f: Option<&ParcelFeature>, column: &str) -> Option<Date> {
    let aliases = PARCEL_LEDGER.iter().find(|c| c.name == column).map_or(&[][..], |c| c.aliases);
    let f = f?;
    std::iter::once(column)
        .chain(aliases.iter().copied())
        .find_map(|n| f.property_text(n))
        .and_then(|t| Date::parse(&t))
}

/// Each code's land_mu (SPEC §4) and name, read from its row of the rating's frame when a
/// review asks (a copy of every code and name of a nation is half a gigabyte).
pub struct EnterpriseLand<'a> {
    rows: &'a CodeRows,
    land: Float64Chunked,
    names: &'a StringChunked,
}

impl<'a> EnterpriseLand<'a> {
    pub fn of_rating(rating: &'a Rating) -> PolarsResult<EnterpriseLand<'a>> {
        let frame = &rating.frame;
        Ok(EnterpriseLand {
            rows: &rating.rows,
            land: frame.column("land_mu")?.cast(&DataType::Float64)?.f64()?.clone(),
            names: frame.column("name")?.str()?,
        })
    }

    /// The land_mu and name of `code`, when the rating has a row of it.
    fn get(&self, code: &str) -> Option<(Option<f64>, Option<&'a str>)> {
        let i = self.rows.row(code)?;
        Some((self.land.get(i), self.names.get(i)))
    }
}

/// What the run knows that the reviews read.
pub struct Context<'a> {
    pub year: i32,
    pub as_of: Date,
    pub settings: &'a CommitmentSettings,
    pub parcels: &'a Parcels,
    pub intensity: &'a Column<Intensity>,
    /// Each code's land_mu and name (the rating's frame).
    pub enterprises: &'a EnterpriseLand<'a>,
    pub yearly: &'a DataFrame,
}

/// Reviews every commitment (SPEC §14), in file order.
pub fn review_all(commitments: Commitments, ctx: &Context<'_>, ledger: &Ledger) -> PolarsResult<CommitmentReviews> {
    let mut first_with_id: HashMap<&str, ParcelIx> = HashMap::new();
    for (ix, f) in ctx.parcels.features.iter() {
        if let Some(id) = &f.input_id {
            first_with_id.entry(id.as_str()).or_insert(ix);
        }
    }
    let parcel_of = |row: &CommitmentRow| first_with_id.get(row.parcel_id.as_str()).copied();
    let code_of = |row: &CommitmentRow, parcel: Option<ParcelIx>| {
        row.code
            .clone()
            .or_else(|| parcel.map(|p| &ctx.parcels.features[p].user).filter(|u| !u.is_empty()).map(|u| u.to_string()))
    };
    let review_year_of = |row: &CommitmentRow| {
        row.review_year.or_else(|| row.production_due.map(|d| d.year() + ctx.settings.review_after_years))
    };
    let wanted: HashSet<(String, i32)> =
        commitments.rows.iter().filter_map(|row| Some((code_of(row, parcel_of(row))?, review_year_of(row)?))).collect();
    let figures = figures_of(ctx.yearly, &wanted)?;
    let reviews = commitments
        .rows
        .into_iter()
        .map(|row| {
            let parcel = parcel_of(&row);
            if parcel.is_none() {
                ledger.warning(
                    At::new(TABLE, row.row, &row.parcel_id, "parcel_id"),
                    "unknown_parcel",
                    Message::new(
                        format!(
                            "parcel `{}` is not in the parcel file; the commitment is reviewed without its land",
                            row.parcel_id
                        ),
                        format!("宗地 `{}` 不在宗地图层中，该承诺在无宗地信息下复核", row.parcel_id),
                    ),
                );
            }
            let feature = parcel.map(|p| &ctx.parcels.features[p]);
            let code = code_of(&row, parcel);
            let review_year = review_year_of(&row);
            let (land_mu, name) = code.as_deref().and_then(|c| ctx.enterprises.get(c)).unwrap_or_default();
            let area_mu = parcel.map(|p| ctx.parcels.land[p].area_mu);
            let invested = row.invested.or_else(|| feature.and_then(|f| f.property_text("invested")?.parse().ok()));
            let facts = ReviewFacts {
                figures: code.clone().zip(review_year).and_then(|key| figures.get(&key)),
                land_mu,
                area_mu,
                intensity: parcel.map(|p| &ctx.intensity[p]),
                invested,
            };
            let pending = review_year.is_none_or(|y| y > ctx.year);
            let indicators: [Reviewed; 9] = std::array::from_fn(|k| {
                let committed = row.committed[k];
                let actual = if pending && review_year.is_some() { None } else { actual(COMMITTED[k], &facts) };
                let ratio = committed.filter(|c| *c > 0.0).zip(actual).map(|(c, a)| a / c);
                Reviewed { committed, actual, ratio }
            });
            let status = status_of(&indicators, review_year, ctx.year);
            let damages = (status != ReviewStatus::Pending)
                .then(|| damages(&indicators, row.land_price, area_mu, ctx.settings.other_rate));
            let start_due = row.start_due.or_else(|| parcel_date(feature, "start_due"));
            let started = row.started.or_else(|| parcel_date(feature, "started"));
            let idle_years = idle_years(start_due, started, ctx.as_of);
            let idle_fee =
                if idle_years >= 1 { row.land_price.map(|p| ctx.settings.idle_fee_rate * p) } else { Some(0.0) };
            Review {
                row: row.row,
                parcel_id: row.parcel_id,
                parcel,
                code,
                name: name.map(str::to_string),
                area_mu,
                review_year,
                status,
                indicators,
                damages,
                idle_years,
                idle_fee,
                due_next_year: review_year == Some(ctx.year + 1),
                completion: Completion {
                    due: row.completion_due.or_else(|| parcel_date(feature, "completion_due")),
                    done: row.completed.or_else(|| parcel_date(feature, "completed")),
                },
            }
        })
        .collect();
    Ok(CommitmentReviews { reviews, columns: commitments.columns })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(k: &str) -> usize {
        COMMITTED.iter().position(|c| *c == k).expect("a committed indicator")
    }

    fn reviewed(pairs: &[(&str, f64, Option<f64>)]) -> [Reviewed; 9] {
        let mut out = [Reviewed::default(); 9];
        for &(k, c, a) in pairs {
            out[at(k)] = Reviewed { committed: Some(c), actual: a, ratio: a.map(|a| a / c) };
        }
        out
    }

    #[test]
    fn actual_values_from_the_review_year_and_the_parcel() {
        let figures = YearFigures(
            [
                ("tax", 300.0),
                ("value_added", 1200.0),
                ("revenue", 6000.0),
                ("rd_expense", 120.0),
                ("energy_tce", 400.0),
            ]
            .into_iter()
            .collect(),
        );
        let intensity = Intensity { plot_ratio: Some(1.1), coverage: Some(0.45), ..Intensity::default() };
        let facts = ReviewFacts {
            figures: Some(&figures),
            land_mu: Some(20.0),
            area_mu: Some(25.0),
            intensity: Some(&intensity),
            invested: Some(7500.0),
        };
        assert_eq!(actual("tax_per_mu", &facts), Some(15.0), "300 ÷ 20 mu of today's land");
        assert_eq!(actual("revenue_per_mu", &facts), Some(300.0));
        assert_eq!(actual("va_per_energy", &facts), Some(3.0));
        assert_eq!(actual("rd_intensity", &facts), Some(0.02));
        assert_eq!(actual("va_per_emission", &facts), None, "no emissions: undefined, never zero");
        assert_eq!(actual("investment_intensity", &facts), Some(300.0), "7500 ÷ the parcel's 25 mu");
        assert_eq!(actual("plot_ratio", &facts), Some(1.1));
        let no_invested = ReviewFacts { invested: None, ..facts };
        assert_eq!(actual("investment_intensity", &no_invested), None, "no fixed_investment either");
    }

    #[test]
    fn a_review_with_two_shortfalls_and_its_damages() {
        // Committed: investment 400 万元/亩, tax 20 万元/亩, plot ratio 1.2. Actual: 300, 15, 1.5.
        let r = reviewed(&[
            ("investment_intensity", 400.0, Some(300.0)),
            ("tax_per_mu", 20.0, Some(15.0)),
            ("plot_ratio", 1.2, Some(1.5)),
        ]);
        assert_eq!(status_of(&r, Some(2024), 2024), ReviewStatus::Shortfall);
        // Land price 1000 万元, parcel 25 mu: investment 1000 × (1 − 0.75) = 250;
        // tax (20 − 15) × 25 = 125; nothing else short.
        let d = damages(&r, Some(1000.0), Some(25.0), 0.05);
        assert_eq!(d, Damages { investment: Some(250.0), tax: Some(125.0), other: Some(0.0), total: 375.0 });
        // Two other shortfalls at other_rate 5 %: 2 × 0.05 × 1000 = 100.
        let r2 =
            reviewed(&[("plot_ratio", 1.2, Some(0.9)), ("coverage", 0.4, Some(0.3)), ("tax_per_mu", 20.0, Some(25.0))]);
        let d2 = damages(&r2, Some(1000.0), Some(25.0), 0.05);
        assert_eq!(d2, Damages { investment: Some(0.0), tax: Some(0.0), other: Some(100.0), total: 100.0 });
        // No land price: the components that apply are empty, the tax gap still counts.
        let d3 = damages(&r, None, Some(25.0), 0.05);
        assert_eq!(d3, Damages { investment: None, tax: Some(125.0), other: Some(0.0), total: 125.0 });
    }

    #[test]
    fn statuses() {
        let met = reviewed(&[("tax_per_mu", 20.0, Some(20.0))]);
        assert_eq!(status_of(&met, Some(2024), 2024), ReviewStatus::Met);
        assert_eq!(damages(&met, Some(1000.0), Some(10.0), 0.1).total, 0.0);
        assert_eq!(status_of(&met, Some(2025), 2024), ReviewStatus::Pending);
        assert_eq!(status_of(&met, None, 2024), ReviewStatus::NoData, "no review year, no production_due");
        let both = reviewed(&[("tax_per_mu", 20.0, Some(10.0)), ("va_per_mu", 50.0, None)]);
        assert_eq!(status_of(&both, Some(2023), 2024), ReviewStatus::NoData, "no_data wins over shortfall");
        assert_eq!(damages(&both, Some(100.0), Some(2.0), 0.0).tax, Some(20.0), "the defined shortfall still shown");
        assert_eq!(status_of(&[Reviewed::default(); 9], Some(2023), 2024), ReviewStatus::NoData, "nothing committed");
    }

    #[test]
    fn idle_years_by_the_calendar_across_a_leap_day() {
        let d = |y, m, day| Date::new(y, m, day);
        let as_of = d(2024, 2, 28).expect("date");
        // Due 2022-02-29 does not exist; due 2020-02-29: 2024-02-28 is one day short of 4 years.
        assert_eq!(idle_years(d(2020, 2, 29), None, as_of), 3);
        assert_eq!(idle_years(d(2020, 2, 29), None, as_of.plus_years(0).plus_years(1)), 5, "2025-02-28");
        assert_eq!(idle_years(d(2022, 2, 28), None, as_of), 2);
        assert_eq!(idle_years(d(2022, 3, 1), None, as_of), 1);
        assert_eq!(idle_years(d(2022, 3, 1), d(2024, 3, 1), as_of), 1, "started after as_of: still idle");
        assert_eq!(idle_years(d(2022, 3, 1), d(2023, 1, 1), as_of), 0, "started");
        assert_eq!(idle_years(None, None, as_of), 0);
        assert_eq!(idle_years(d(2025, 1, 1), None, as_of), 0, "not yet due");
    }
}
