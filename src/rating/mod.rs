//! Rating (SPEC §5–7): status and group, indicators, benchmarks, scores, ranks, classes and
//! the electricity surcharge, computed over the evaluation year's facts with polars.

pub mod benchmarks;
pub mod catalog;
pub mod classes;
pub mod indicators;
pub mod scores;
pub mod stability;
pub mod status;

use crate::config::{Config, Partition};
use crate::domain::{Class, County, Group, Status};
use crate::facts::Universe;
use crate::input::tables::AdjustmentRow;
use crate::output::Lang;
use crate::quality::{At, Ledger, Message};
use benchmarks::Benchmarks;
use foldhash::HashMap;
use indicators::Indicator;
use polars::prelude::*;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

/// The rated frame (one row per code, in the output order of SPEC §7, county by county when
/// partitioned) and each county's benchmarks.
pub struct Rating {
    pub frame: DataFrame,
    /// The counties in order, each with its rows of the frame; one, the empty county holding
    /// every row, unless the run is partitioned (SPEC §17).
    pub counties: Vec<CountyRating>,
    pub partitioned: bool,
    pub indicators: Vec<Indicator>,
    /// Each code's row of the frame.
    pub rows: CodeRows,
}

/// Each code's row of a rating frame, found through the universe of codes: the stages that
/// look a parcel's user or a commitment's enterprise up in the rating read its row when they
/// ask, instead of each copying a nation's three million codes into a map of their own.
pub struct CodeRows {
    universe: Arc<Universe>,
    /// By code id.
    rows: Vec<Option<u32>>,
}

impl CodeRows {
    fn new(frame: &DataFrame, universe: Arc<Universe>) -> PolarsResult<CodeRows> {
        let mut rows = vec![None; universe.codes.len()];
        for (row, id) in frame.column("code_id")?.u32()?.iter().enumerate() {
            if let Some(slot) = id.and_then(|id| rows.get_mut(id as usize)) {
                *slot = Some(row as u32);
            }
        }
        Ok(CodeRows { universe, rows })
    }

    /// The row of `code`, when the frame has one.
    pub fn row(&self, code: &str) -> Option<usize> {
        self.id_and_row(code).map(|(_, row)| row)
    }

    /// The id and the row of `code`, when the frame has one.
    pub fn id_and_row(&self, code: &str) -> Option<(u32, usize)> {
        let id = self.universe.lookup(code)?;
        self.rows.get(id as usize).copied().flatten().map(|row| (id, row as usize))
    }
}

/// Each code's class and evaluation-year tax, read from its row of the rating (what
/// reclaiming asks of a parcel's user).
pub struct ClassAndTax<'a> {
    rows: &'a CodeRows,
    classes: &'a StringChunked,
    tax: &'a Float64Chunked,
}

impl<'a> ClassAndTax<'a> {
    pub fn new(rating: &'a Rating) -> PolarsResult<ClassAndTax<'a>> {
        let frame = &rating.frame;
        Ok(ClassAndTax { rows: &rating.rows, classes: frame.column("class")?.str()?, tax: frame.column("tax")?.f64()? })
    }

    /// The class of `code`, when it has one.
    pub fn class(&self, code: &str) -> Option<Class> {
        self.classes.get(self.rows.row(code)?).and_then(Class::parse)
    }

    /// The evaluation year's tax of `code`, when it has a value.
    pub fn tax(&self, code: &str) -> Option<f64> {
        self.tax.get(self.rows.row(code)?)
    }
}

/// One county's part of a rating: rated as if it were run alone.
pub struct CountyRating {
    pub county: County,
    /// Its rows of the rating frame.
    pub rows: Range<usize>,
    pub benchmarks: Benchmarks,
}

impl Rating {
    /// A veto on a code that is not rated is a notice on its adjustments row, and is ignored
    /// (SPEC §7).
    pub fn report_unrated_vetoes(&self, rows: &[AdjustmentRow], year: i32, ledger: &Ledger) -> PolarsResult<()> {
        let codes = self.frame.column("code")?.str()?;
        let status = self.frame.column("status")?.str()?;
        let status_of: HashMap<&str, Status> =
            codes.iter().zip(status.iter()).filter_map(|(c, s)| Some((c?, Status::parse(s?)?))).collect();
        for r in rows.iter().filter(|r| r.veto && r.year.is_none_or(|y| y == year)) {
            let status = status_of.get(r.code.as_str()).copied().unwrap_or(Status::Unmatched);
            if status != Status::Rated {
                ledger.notice(
                    At::new("adjustments", r.row, &r.code, "veto"),
                    "veto_unrated",
                    Message::new(
                        format!("veto on {}, which is not rated ({status}); ignored", r.code),
                        format!("{} 未参评（{}），其一票否决不予采用", r.code, Lang::Zh.status(status)),
                    ),
                );
            }
        }
        Ok(())
    }

    /// The rating of `county` (the only one when not partitioned).
    pub fn county(&self, county: &County) -> Option<&CountyRating> {
        if !self.partitioned {
            return self.counties.first();
        }
        self.counties.binary_search_by(|c| c.county.cmp(county)).ok().map(|i| &self.counties[i])
    }

    /// The benchmark value of `indicator` in `group` of `county` (`None`: undefined).
    pub fn benchmark(&self, county: &County, group: Group, indicator: &str) -> Option<f64> {
        let benchmarks = &self.county(county)?.benchmarks;
        benchmarks.get(&group).and_then(|b| b.get(indicator)).and_then(|b| b.value)
    }

    /// The county of each row of the frame, in order.
    pub fn county_of_rows(&self) -> impl Iterator<Item = &County> {
        self.counties.iter().flat_map(|c| std::iter::repeat_n(&c.county, c.rows.len()))
    }
}

/// The column every rule that works within a county (benchmarks, `missing = "average"`,
/// ranks, the output order) partitions by: the row's county under `evaluation.partition`
/// (`""` for none), else `""` for every row, the whole run being one county.
const COUNTY_KEY: &str = "__county";

/// Rates the facts of one year (one row per code; see `facts`, whose `d_before` column holds
/// each code's run of class-D years ending the year before); under `evaluation.partition`
/// every county on its own, in one query whose windows and joins are keyed by county. Each
/// code's row is found through `universe`.
pub fn rate(
    facts: DataFrame,
    universe: Arc<Universe>,
    config: &Config,
    year: i32,
    ledger: &Ledger,
) -> PolarsResult<Rating> {
    let Rated { lf, indicators, counties, benchmarks } = rated(facts, config, year, ledger)?;
    let partitioned = config.evaluation.partition.is_some();
    let mut frame = in_output_order(lf.collect()?)?;
    let rows = county_rows(&frame, partitioned)?;
    let _ = frame.drop_in_place(COUNTY_KEY)?;
    let counties = counties
        .into_iter()
        .zip(benchmarks)
        .zip(rows)
        .map(|((county, benchmarks), rows)| CountyRating { county, rows, benchmarks })
        .collect();
    let rows = CodeRows::new(&frame, universe)?;
    Ok(Rating { frame, counties, partitioned, indicators, rows })
}

/// Rates the facts of one year as [`rate`] does, keeping only `columns` of the rating, in no
/// particular order: what the history keeps of an earlier year (SPEC §16). The query computes
/// only what those columns need, and no output order gathers the other sixty.
pub fn rate_columns(
    facts: DataFrame,
    config: &Config,
    year: i32,
    ledger: &Ledger,
    columns: &[&str],
) -> PolarsResult<DataFrame> {
    let Rated { lf, .. } = rated(facts, config, year, ledger)?;
    lf.select(columns.iter().map(|c| col(*c)).collect::<Vec<_>>()).collect()
}

/// A year's rating as a query, with what it was computed from.
struct Rated {
    lf: LazyFrame,
    indicators: Vec<Indicator>,
    counties: Vec<County>,
    benchmarks: Vec<Benchmarks>,
}

/// The rating of [`rate`] up to its output order: values, benchmarks (their undefined ones
/// reported), scores, classes, the class-D run and the surcharge.
fn rated(facts: DataFrame, config: &Config, year: i32, ledger: &Ledger) -> PolarsResult<Rated> {
    let indicators = Indicator::all(config);
    let partitioned = config.evaluation.partition.is_some();
    let county_key = match config.evaluation.partition {
        None => lit(""),
        Some(Partition::County) => col("county").fill_null(lit("")),
    };
    let mut values: Vec<Expr> = indicators.iter().map(Indicator::value).collect();
    values.push(county_key.alias(COUNTY_KEY));
    let valued = status::with_status(facts.lazy(), config, year).with_columns(values).collect()?;
    let counties = if partitioned { counties_of(&valued)? } else { vec![County::default()] };
    let benchmarks = benchmarks::compute(&valued.clone().lazy(), &indicators, config, &counties, partitioned)?;
    for (county, benchmarks) in counties.iter().zip(&benchmarks) {
        benchmarks::report_undefined(benchmarks, config, partitioned.then_some(county), ledger);
    }
    let in_force = benchmarks::in_force(&valued, &indicators, &counties, &benchmarks)?;
    let lf = scores::with_benchmarks(valued.lazy(), in_force);
    let lf = scores::with_scores(lf, config)?;
    let lf = classes::with_surcharge(classes::with_streak(classes::with_classes(lf, config)?), config);
    Ok(Rated { lf, indicators, counties, benchmarks })
}

/// The counties of the valued facts, in order (the empty county for codes with none).
fn counties_of(valued: &DataFrame) -> PolarsResult<Vec<County>> {
    let keys = valued.column(COUNTY_KEY)?.str()?;
    let counties: BTreeSet<&str> = keys.iter().flatten().collect();
    Ok(counties.into_iter().map(|c| County::new(Some(c))).collect())
}

/// Each county's rows of the rated frame, which the output order keeps together, county by
/// county in order; all rows when the run is not partitioned.
fn county_rows(frame: &DataFrame, partitioned: bool) -> PolarsResult<Vec<Range<usize>>> {
    if !partitioned {
        return Ok(std::iter::once(0..frame.height()).collect());
    }
    let keys = frame.column(COUNTY_KEY)?.str()?;
    let mut rows: Vec<Range<usize>> = Vec::new();
    let mut previous = None;
    for (i, key) in keys.iter().enumerate() {
        match rows.last_mut() {
            Some(last) if previous == Some(key) => last.end = i + 1,
            _ => rows.push(i..i + 1),
        }
        previous = Some(key);
    }
    Ok(rows)
}

/// SPEC §7, county by county: rated above, then rated below, each by rounded total descending then code
/// ascending; then all other codes by code (sorted by code id, which sorts as the code). The
/// order is found on the five columns it needs; then each column is gathered into it and let
/// go, so that the rating (seventy columns, a nation's gigabytes) is never held twice.
fn in_output_order(frame: DataFrame) -> PolarsResult<DataFrame> {
    let block = when(status::rated_in(Group::Above))
        .then(lit(0))
        .when(status::rated())
        .then(lit(1))
        .otherwise(lit(2))
        .alias("__block");
    let order = frame
        .clone()
        .lazy()
        .with_row_index("__row", None)
        .select([col("__row"), col(COUNTY_KEY), block, classes::rounded_total().alias("__rounded"), col("code_id")])
        .sort(
            [COUNTY_KEY, "__block", "__rounded", "code_id"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true, false])
                .with_nulls_last(true),
        )
        .select([col("__row")])
        .collect()?;
    let rows = order.column("__row")?.idx()?;
    let height = frame.height();
    let columns = frame.into_columns().into_iter().map(|c| c.take(rows)).collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(height, columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids follow the sorted codes (A 0, B 1, C 2); the frame holds C in row 0 and A in row 1.
    #[test]
    fn each_code_is_found_in_its_row_through_the_universe() {
        let universe = Universe::gather(["B", "A", "C"]);
        let frame = DataFrame::new(2, vec![Column::new("code_id".into(), [2u32, 0])]).expect("frame");
        let rows = CodeRows::new(&frame, Arc::new(universe)).expect("rows");
        assert_eq!([rows.row("A"), rows.row("B"), rows.row("C"), rows.row("D")], [Some(1), None, Some(0), None]);
    }
}
