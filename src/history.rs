//! Class history (SPEC §16): the evaluation year and the `history.years − 1` years before it,
//! each evaluated as if it were the evaluation year — §5–§7 with that year's rows and
//! benchmarks, today's land, and rows of tables without a year column counted in the evaluation
//! year only (clarification 14). This module owns the walk over the years, the results it
//! keeps (`history.csv`), `class_prev` and the class-D run (`d_streak`).
//!
//! Each year is rated by the one rating function (`rating::rate`, through the caller's
//! `rate_year`). Years are rated oldest first: a year's surcharge ladder needs the run of
//! class-D years ending the year before (`d_before`), so that every year, the evaluation year
//! included, is charged as it would be were it the evaluation year.

use crate::domain::{Class, Group, Status};
use crate::quality::Ledger;
use crate::rating::Rating;
use polars::prelude::*;
use std::collections::BTreeSet;
use std::ops::Range;

/// One code's result in one year (codes with an enterprises row that year).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct YearResult {
    pub year: i32,
    pub group: Option<Group>,
    pub status: Status,
    pub total_score: Option<f64>,
    pub rank: Option<i64>,
    pub class: Class,
}

/// Every code's results, year by year.
#[derive(Debug, Default)]
pub struct History {
    /// The code id of each result; ids sort as codes do, so this is by code, then year.
    ids: Vec<u32>,
    results: Vec<YearResult>,
    /// Where each code id's results lie.
    ranges: Vec<Range<usize>>,
}

impl History {
    /// The results of the code with id `code_id`, oldest year first.
    pub fn of(&self, code_id: u32) -> &[YearResult] {
        self.ranges.get(code_id as usize).map_or(&[], |r| &self.results[r.clone()])
    }

    /// Every result with its code id, by code then year.
    pub fn rows(&self) -> impl Iterator<Item = (u32, &YearResult)> {
        self.ids.iter().copied().zip(&self.results)
    }

    /// The class of `year − 1` when it was A–D (SPEC §16 `class_prev`, clarification 6).
    pub fn class_prev(&self, code_id: u32, year: i32) -> Option<Class> {
        self.last_year(code_id, year).map(|r| r.class).filter(|c| Class::RATED.contains(c))
    }

    /// The result of `year − 1`.
    pub fn last_year(&self, code_id: u32, year: i32) -> Option<&YearResult> {
        self.of(code_id).iter().find(|r| r.year == year - 1)
    }

    /// `class_prev` per row of a rating frame of `year`.
    pub fn class_prev_column(&self, frame: &DataFrame, year: i32) -> PolarsResult<Column> {
        let ids = frame.column("code_id")?.u32()?;
        let classes: Vec<Option<&str>> = ids.iter().map(|id| self.class_prev(id?, year).map(Class::as_str)).collect();
        Ok(Column::new("class_prev".into(), classes))
    }

    fn new(mut rows: Vec<(u32, YearResult)>, codes: usize) -> History {
        rows.sort_by_key(|(id, r)| (*id, r.year));
        let (ids, results): (Vec<u32>, Vec<YearResult>) = rows.into_iter().unzip();
        let mut ranges = vec![0..0; codes];
        for (start, run) in runs(&ids) {
            ranges[ids[start] as usize] = start..start + run;
        }
        History { ids, results, ranges }
    }
}

/// (start, length) of each run of equal ids.
fn runs(ids: &[u32]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    ids.chunk_by(|a, b| a == b).map(move |run| {
        let at = start;
        start += run.len();
        (at, run.len())
    })
}

/// The years before the evaluation year, rated: their results and the class-D run ending at
/// the last of them.
pub struct Earlier {
    rows: Vec<(u32, YearResult)>,
    /// Per code id, the run of class-D years ending at `last`.
    d_streak: Vec<u32>,
    last: Option<i32>,
}

impl Earlier {
    /// Per code id, the run of class-D years ending the year before `year` (0 for a code not
    /// in class D then, and for every code when that year was not evaluated).
    pub fn d_before(&self, year: i32) -> Vec<u32> {
        match self.last {
            Some(last) if last == year - 1 => self.d_streak.clone(),
            _ => vec![0; self.d_streak.len()],
        }
    }

    /// The history: these years and the evaluation year's `rating`.
    pub fn with_evaluation_year(mut self, rating: &Rating, year: i32) -> PolarsResult<History> {
        self.rows.extend(year_results(&rating.frame, year)?);
        Ok(History::new(self.rows, self.d_streak.len()))
    }
}

/// The years in which the yearly figures hold an enterprises row.
pub fn years_with_rows(yearly: &DataFrame) -> PolarsResult<BTreeSet<i32>> {
    let years = yearly.column("year")?.i32()?;
    let has_row = yearly.column("has_row")?.bool()?;
    Ok(years.iter().zip(has_row.iter()).filter_map(|(y, has)| y.filter(|_| has == Some(true))).collect())
}

/// The columns of a year's rating that the history keeps of it.
pub const RESULT_COLUMNS: [&str; 8] =
    ["code_id", "has_row", "group", "status", "class", "total_score", "rank", "d_streak"];

/// Rates each year of `years` (those with enterprises rows) from `year − span + 1` up to the
/// year before `year`, oldest first, through `rate_year(y, d_before)`, which gives the
/// [`RESULT_COLUMNS`] of its rating. Their data problems are the evaluation year's to report,
/// so `rate_year` gets a ledger of its own that is let go.
pub fn rate_earlier(
    years: &BTreeSet<i32>,
    year: i32,
    span: u32,
    codes: usize,
    mut rate_year: impl FnMut(i32, Vec<u32>, &Ledger) -> PolarsResult<DataFrame>,
) -> PolarsResult<Earlier> {
    let first = year - span.saturating_sub(1) as i32;
    let mut earlier = Earlier { rows: Vec::new(), d_streak: vec![0; codes], last: None };
    for &y in years.range(first..year) {
        let results = rate_year(y, earlier.d_before(y), &Ledger::new())?;
        earlier.rows.extend(year_results(&results, y)?);
        earlier.d_streak = streaks(&results, codes)?;
        earlier.last = Some(y);
    }
    Ok(earlier)
}

/// The `d_streak` of each code id of a rating frame.
fn streaks(frame: &DataFrame, codes: usize) -> PolarsResult<Vec<u32>> {
    let mut out = vec![0; codes];
    let ids = frame.column("code_id")?.u32()?;
    let streak = frame.column("d_streak")?.i64()?;
    for (id, s) in ids.iter().zip(streak.iter()) {
        if let (Some(id), Some(s)) = (id, s) {
            out[id as usize] = s as u32;
        }
    }
    Ok(out)
}

/// The results of the codes with an enterprises row in a year's rating frame.
fn year_results(frame: &DataFrame, year: i32) -> PolarsResult<Vec<(u32, YearResult)>> {
    let ids = frame.column("code_id")?.u32()?;
    let has_row = frame.column("has_row")?.bool()?;
    let (group, status, class) =
        (frame.column("group")?.str()?, frame.column("status")?.str()?, frame.column("class")?.str()?);
    let total = frame.column("total_score")?.f64()?;
    let rank = frame.column("rank")?.i64()?;
    Ok((0..frame.height())
        .filter(|&i| has_row.get(i) == Some(true))
        .filter_map(|i| {
            let result = YearResult {
                year,
                group: group.get(i).and_then(Group::parse),
                status: status.get(i).and_then(Status::parse)?,
                total_score: total.get(i),
                rank: rank.get(i),
                class: class.get(i).and_then(Class::parse)?,
            };
            Some((ids.get(i)?, result))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(year: i32, class: Class) -> YearResult {
        YearResult { year, group: Some(Group::Above), status: Status::Rated, total_score: None, rank: None, class }
    }

    #[test]
    fn results_by_code_then_year_and_the_class_before() {
        let rows = vec![(1, result(2024, Class::D)), (0, result(2024, Class::A)), (1, result(2023, Class::T))];
        let h = History::new(rows, 3);
        assert_eq!(h.rows().map(|(id, r)| (id, r.year)).collect::<Vec<_>>(), [(0, 2024), (1, 2023), (1, 2024)]);
        assert_eq!(h.of(1).len(), 2);
        assert!(h.of(2).is_empty() && h.of(9).is_empty());
        assert_eq!(h.class_prev(1, 2024), None, "T last year is no class_prev");
        assert_eq!(h.class_prev(0, 2025), Some(Class::A));
        assert_eq!(h.class_prev(0, 2024), None);
    }

    #[test]
    fn the_run_before_a_year_needs_the_year_just_before() {
        let earlier = Earlier { rows: Vec::new(), d_streak: vec![2, 0], last: Some(2022) };
        assert_eq!(earlier.d_before(2023), [2, 0]);
        assert_eq!(earlier.d_before(2024), [0, 0], "2023 was not evaluated: no run reaches 2024");
    }
}
