//! Facts of the evaluation year: one row per credit code seen in any table, with its
//! enterprise figures, summed tax and energy, land and adjustments — what rating reads.

use crate::input::tables::AdjustmentRow;
use crate::land::leases::LandBook;
use crate::numbers::sorted_sum;
use crate::quality::{At, Ledger};
use foldhash::HashSet;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Every code seen: enterprises (any year), tax, energy, parcel users, lessees, adjustments.
pub fn all_codes<'a>(sources: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let set: HashSet<&str> = sources.into_iter().filter(|c| !c.is_empty()).collect();
    let mut codes: Vec<String> = set.into_iter().map(str::to_string).collect();
    codes.sort_unstable();
    codes
}

/// Adjustments of the evaluation year: Σ points (in sorted order) and any veto, per code.
/// Rows of another year are ignored, each a notice.
pub fn adjustments_frame(rows: &[AdjustmentRow], year: i32, ledger: &Ledger) -> PolarsResult<DataFrame> {
    let mut points: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut veto: BTreeMap<&str, bool> = BTreeMap::new();
    for r in rows {
        if let Some(y) = r.year.filter(|y| *y != year) {
            ledger.notice(
                At::new("adjustments", r.row, &r.code, "year"),
                "other_year",
                format!("adjustment of year {y} ignored (evaluating {year})"),
            );
            continue;
        }
        points.entry(&r.code).or_default().extend(r.points);
        *veto.entry(&r.code).or_insert(false) |= r.veto;
    }
    let codes: Vec<&str> = veto.keys().copied().collect();
    let sums: Vec<f64> = codes.iter().map(|c| sorted_sum(points.get(c).into_iter().flatten().copied())).collect();
    let vetoes: Vec<bool> = codes.iter().map(|c| veto[c]).collect();
    DataFrame::new(
        codes.len(),
        vec![
            Column::new("code".into(), codes),
            Column::new("adjustment".into(), sums),
            Column::new("veto".into(), vetoes),
        ],
    )
}

/// land_mu per code.
pub fn land_frame(book: &LandBook, codes: &[String]) -> PolarsResult<DataFrame> {
    let land: Vec<Option<f64>> = codes.iter().map(|c| book.land_mu(c)).collect();
    DataFrame::new(codes.len(), vec![Column::new("code".into(), codes.to_vec()), Column::new("land_mu".into(), land)])
}

/// The facts frame: the universe of codes, left-joined with the evaluation year's yearly
/// figures, land and adjustments.
pub fn facts(
    codes: &[String],
    yearly: &DataFrame,
    land: DataFrame,
    adjustments: DataFrame,
    year: i32,
) -> PolarsResult<DataFrame> {
    let universe = DataFrame::new(codes.len(), vec![Column::new("code".into(), codes.to_vec())])?;
    let this_year = yearly.clone().lazy().filter(col("year").eq(lit(year))).drop(by_name(["year"], true, false));
    let left = |l: LazyFrame, r: LazyFrame| l.left_join(r, col("code"), col("code"));
    left(left(left(universe.lazy(), this_year), land.lazy()), adjustments.lazy())
        .with_columns([
            col("has_row").fill_null(lit(false)),
            col("veto").fill_null(lit(false)),
            col("adjustment").fill_null(lit(0.0)),
        ])
        .collect()
}
