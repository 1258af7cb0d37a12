//! Facts of the evaluation year: one row per credit code seen in any table, with its
//! enterprise figures, summed tax and energy, land and adjustments — what rating reads.

use crate::domain::Figure;
use crate::input::source::Pieces;
use crate::input::tables::{AdjustmentRow, EnterpriseRow};
use crate::land::leases::LandBook;
use crate::numbers::sorted_sum;
use crate::quality::{At, Ledger, Message};
use compact_str::CompactString;
use foldhash::{HashMap, HashSet};
use polars::prelude::*;

/// The universe of codes: every code seen in any table (enterprises of any year, tax,
/// energy, parcel users, lessees, adjustments), sorted. A code's id is its position, so ids
/// sort as codes do, and a (code, year) pair packs into one integer key that sorts as the
/// pair: tables join and sort on numbers, not on strings.
pub struct Universe {
    pub codes: Vec<CompactString>,
    ids: HashMap<CompactString, u32>,
}

impl Universe {
    /// The codes of `sources` (which mostly keep a code's rows together).
    pub fn gather<'a>(sources: impl IntoIterator<Item = &'a str>) -> Universe {
        let mut set: HashSet<&str> = HashSet::default();
        let mut last = "";
        for code in sources {
            if code != last && !code.is_empty() {
                set.insert(code);
                last = code;
            }
        }
        let mut codes: Vec<CompactString> = set.into_iter().map(CompactString::from).collect();
        codes.sort_unstable();
        let ids = codes.iter().enumerate().map(|(id, code)| (code.clone(), id as u32)).collect();
        Universe { codes, ids }
    }

    /// The id of a code of the universe.
    pub fn id(&self, code: &str) -> PolarsResult<u32> {
        self.lookup(code).ok_or_else(|| polars_err!(ComputeError: "code {code} is not in the universe of codes"))
    }

    /// The id of `code`, `None` when no table has it.
    pub fn lookup(&self, code: &str) -> Option<u32> {
        self.ids.get(code).copied()
    }

    /// The keys of (code, year) pairs: the id in the high half, the year (its sign bit
    /// flipped, so that the order of years is kept) in the low half. A run of pairs of one
    /// code looks the code up once.
    pub fn keys<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, i32)>) -> PolarsResult<Vec<u64>> {
        let mut last: Option<(&str, u64)> = None;
        let mut keys = Vec::new();
        for (code, year) in pairs {
            let id = match last {
                Some((c, id)) if c == code => id,
                _ => self.id(code)? as u64,
            };
            last = Some((code, id));
            keys.push((id << 32) | ((year as u32) ^ (1 << 31)) as u64);
        }
        Ok(keys)
    }

    /// The (code id, year) of a key.
    pub fn unpack(key: u64) -> (u32, i32) {
        ((key >> 32) as u32, ((key as u32) ^ (1 << 31)) as i32)
    }

    pub fn code(&self, id: u32) -> &str {
        &self.codes[id as usize]
    }

    /// Codes with data but no enterprises row in the evaluation year (SPEC §5 `unmatched`):
    /// one notice each.
    pub fn report_unmatched(&self, enterprise_rows: &Pieces<EnterpriseRow>, year: i32, ledger: &Ledger) {
        let matched: HashSet<&str> =
            enterprise_rows.iter().filter(|r| r.year.unwrap_or(year) == year).map(|r| r.code.as_str()).collect();
        for code in self.codes.iter().filter(|c| !matched.contains(c.as_str())) {
            ledger.notice(
                At::new("enterprises", 0, code, "credit_code"),
                "unmatched_code",
                Message::new(
                    format!("{code} appears in the data but has no enterprises row for {year}; it is not rated"),
                    format!("{code} 出现在数据中，但没有 {year} 年的企业数据，不参评"),
                ),
            );
        }
    }

    /// The universe as a frame: `code` and `code_id`, one row per code in order.
    fn frame(&self) -> PolarsResult<DataFrame> {
        let ids: Vec<u32> = (0..self.codes.len() as u32).collect();
        DataFrame::new(
            self.codes.len(),
            vec![
                Column::new("code".into(), self.codes.iter().map(CompactString::as_str).collect::<Vec<_>>()),
                Column::new("code_id".into(), ids),
            ],
        )
    }
}

/// Whether `column` is a numeric fact of the facts frame (one an indicator may read without
/// a custom column): land, tax, energy, the enterprise figures, adjustments, start year.
pub fn is_fact_column(column: &str) -> bool {
    ["land_mu", "tax", "adjustment", "start_year"].contains(&column)
        || Figure::parse(column).is_some()
        || crate::yearly::ENERGY_NUMBERS.contains(&column)
}

/// Whether a row of a table whose year is `row_year` belongs to `year`: a row without a year
/// belongs to the evaluation year only (SPEC §2; in an earlier year's evaluation, clarification
/// 14 of SPEC §16).
pub fn belongs_to(row_year: Option<i32>, year: i32, evaluation_year: i32) -> bool {
    row_year.unwrap_or(evaluation_year) == year
}

/// Adjustments of `year` per code of the universe: Σ points (in sorted order, 0 without
/// any) and whether any row vetoes. Rows of other years play no part (see
/// [`report_other_year_adjustments`]).
pub fn adjustment_columns(
    rows: &[AdjustmentRow],
    universe: &Universe,
    year: i32,
    evaluation_year: i32,
) -> PolarsResult<[Column; 2]> {
    let mut points: Vec<Option<Vec<f64>>> = vec![None; universe.codes.len()];
    let mut veto = vec![false; universe.codes.len()];
    for r in rows.iter().filter(|r| belongs_to(r.year, year, evaluation_year)) {
        let id = universe.id(&r.code)? as usize;
        points[id].get_or_insert_default().extend(r.points);
        veto[id] |= r.veto;
    }
    let sums: Vec<f64> = points.into_iter().map(|p| p.map_or(0.0, sorted_sum)).collect();
    Ok([Column::new("adjustment".into(), sums), Column::new("veto".into(), veto)])
}

/// Adjustments rows of another year than the evaluation year are ignored, each a notice.
pub fn report_other_year_adjustments(rows: &[AdjustmentRow], year: i32, ledger: &Ledger) {
    for r in rows {
        if let Some(y) = r.year.filter(|y| *y != year) {
            ledger.notice(
                At::new("adjustments", r.row, &r.code, "year"),
                "other_year",
                Message::new(
                    format!("adjustment of year {y} ignored (evaluating {year})"),
                    format!("{y} 年的加减分记录不予采用（评价年度 {year}）"),
                ),
            );
        }
    }
}

/// land_mu per code of the universe.
pub fn land_column(book: &LandBook, universe: &Universe) -> Column {
    let land: Vec<Option<f64>> = universe.codes.iter().map(|c| book.land_mu(c)).collect();
    Column::new("land_mu".into(), land)
}

/// The facts frame of `year`: the universe of codes with its per-code columns (land,
/// adjustments, the zombie flag, the class-D run before the year; one value per code, in
/// order), left-joined with that year's yearly figures.
pub fn facts(
    universe: &Universe,
    yearly: &DataFrame,
    per_code: impl IntoIterator<Item = Column>,
    year: i32,
) -> PolarsResult<DataFrame> {
    let mut codes = universe.frame()?;
    for column in per_code {
        codes.with_column(column)?;
    }
    let this_year =
        yearly.clone().lazy().filter(col("year").eq(lit(year))).drop(by_name(["year", "code"], true, false));
    codes
        .lazy()
        .left_join(this_year, col("code_id"), col("code_id"))
        .with_column(col("has_row").fill_null(lit(false)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_sorted_once_and_keys_unpack() {
        let universe = Universe::gather(["B", "A", "A", "", "C", "B"]);
        assert_eq!(universe.codes, ["A", "B", "C"]);
        let keys = universe.keys([("C", 2024), ("A", -1)]).expect("known codes");
        assert_eq!(keys, [(2 << 32) | (2024 + (1u64 << 31)), (1u64 << 31) - 1]);
        assert_eq!(Universe::unpack(keys[0]), (2, 2024));
        assert_eq!(universe.code(Universe::unpack(keys[1]).0), "A");
        assert!(universe.keys([("D", 2024)]).is_err());
    }

    proptest! {
        #[test]
        fn keys_sort_as_their_code_and_year(
            pairs in proptest::collection::vec(("[A-C]{1,2}", any::<i32>()), 1..40)
        ) {
            let universe = Universe::gather(pairs.iter().map(|(c, _)| c.as_str()));
            let keys = universe.keys(pairs.iter().map(|(c, y)| (c.as_str(), *y))).expect("known codes");
            for (a, ka) in pairs.iter().zip(&keys) {
                for (b, kb) in pairs.iter().zip(&keys) {
                    prop_assert_eq!(a.cmp(b), ka.cmp(kb));
                }
            }
        }
    }
}
