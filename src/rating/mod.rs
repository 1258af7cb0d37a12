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
use crate::input::tables::AdjustmentRow;
use crate::output::Lang;
use crate::quality::{At, Ledger, Message};
use benchmarks::Benchmarks;
use foldhash::HashMap;
use indicators::Indicator;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;

/// The rated frame (one row per code, in the output order of SPEC §7, county by county when
/// partitioned) and each county's benchmarks.
pub struct Rating {
    pub frame: DataFrame,
    /// The counties in order, each with its rows of the frame; one, the empty county holding
    /// every row, unless the run is partitioned (SPEC §17).
    pub counties: Vec<CountyRating>,
    pub partitioned: bool,
    pub indicators: Vec<Indicator>,
}

/// One county's part of a rating: rated as if it were run alone.
pub struct CountyRating {
    pub county: County,
    /// Its rows of the rating frame.
    pub rows: Range<usize>,
    pub benchmarks: Benchmarks,
}

impl Rating {
    /// The class of each credit code that has one.
    pub fn classes_by_code(&self) -> PolarsResult<HashMap<&str, Class>> {
        let codes = self.frame.column("code")?.str()?;
        let classes = self.frame.column("class")?.str()?;
        Ok(codes.iter().zip(classes.iter()).filter_map(|(c, k)| Some((c?, Class::parse(k?)?))).collect())
    }

    /// The evaluation year's tax per code (codes with a value).
    pub fn tax_by_code(&self) -> PolarsResult<HashMap<&str, f64>> {
        let codes = self.frame.column("code")?.str()?;
        let tax = self.frame.column("tax")?.f64()?;
        Ok(codes.iter().zip(tax.iter()).filter_map(|(c, t)| Some((c?, t?))).collect())
    }

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

/// Rates the facts of one year (one row per code; see `facts`, whose `d_before` column holds
/// each code's run of class-D years ending the year before); under `evaluation.partition`
/// every county on its own, side by side.
pub fn rate(facts: DataFrame, config: &Config, year: i32, ledger: &Ledger) -> PolarsResult<Rating> {
    let indicators = Indicator::all(config);
    let values: Vec<Expr> = indicators.iter().map(Indicator::value).collect();
    let valued = status::with_status(facts.lazy(), config, year).with_columns(values).collect()?;
    let parts = match config.evaluation.partition {
        None => vec![(County::default(), valued.clone())],
        Some(Partition::County) => by_county(&valued)?,
    };
    let partitioned = config.evaluation.partition.is_some();
    let counties: Vec<County> = parts.iter().map(|(county, _)| county.clone()).collect();
    let benchmarks = benchmarks::compute(&valued.lazy(), &indicators, config, &counties, partitioned)?;
    let rated: Vec<(County, DataFrame, Benchmarks)> = parts
        .into_par_iter()
        .zip(benchmarks)
        .map(|((county, valued), benchmarks)| {
            benchmarks::report_undefined(&benchmarks, config, partitioned.then_some(&county), ledger);
            let frame = rate_alone(valued, &indicators, &benchmarks, config)?;
            Ok((county, frame, benchmarks))
        })
        .collect::<PolarsResult<_>>()?;
    let mut frame: Option<DataFrame> = None;
    let mut counties = Vec::with_capacity(rated.len());
    for (county, part, benchmarks) in rated {
        let start = frame.as_ref().map_or(0, DataFrame::height);
        counties.push(CountyRating { county, rows: start..start + part.height(), benchmarks });
        match &mut frame {
            Some(f) => {
                f.vstack_mut(&part)?;
            }
            None => frame = Some(part),
        }
    }
    let mut frame = frame.unwrap_or_default();
    // One chunk per column again, not one per county: rows are read by index downstream.
    frame.rechunk_mut();
    Ok(Rating { frame, counties, partitioned, indicators })
}

/// The valued facts split by county (the empty county for a code with none, whose `county`
/// stays null), counties in order.
fn by_county(valued: &DataFrame) -> PolarsResult<Vec<(County, DataFrame)>> {
    let names = valued.column("county")?.str()?;
    let mut rows: BTreeMap<County, Vec<IdxSize>> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        rows.entry(County::new(name)).or_default().push(i as IdxSize);
    }
    rows.into_iter().map(|(county, rows)| Ok((county, valued.take(&IdxCa::from_vec("rows".into(), rows))?))).collect()
}

/// Scores, ranks, classes and surcharge over one set of valued facts with its benchmarks, as
/// if it were the whole run.
fn rate_alone(
    valued: DataFrame,
    indicators: &[Indicator],
    benchmarks: &Benchmarks,
    config: &Config,
) -> PolarsResult<DataFrame> {
    let lf = scores::with_benchmarks(valued.lazy(), indicators, benchmarks);
    let lf = scores::with_scores(lf, config)?;
    let lf = classes::with_surcharge(classes::with_streak(classes::with_classes(lf, config)?), config);
    output_order(lf).collect()
}

/// SPEC §7: rated above, then rated below, each by rounded total descending then code
/// ascending; then all other codes by code (sorted by code id, which sorts as the code).
fn output_order(lf: LazyFrame) -> LazyFrame {
    let block = when(status::rated_in(Group::Above))
        .then(lit(0))
        .when(status::rated())
        .then(lit(1))
        .otherwise(lit(2))
        .alias("__block");
    lf.with_columns([block, classes::rounded_total().alias("__rounded")])
        .sort(
            ["__block", "__rounded", "code_id"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]).with_nulls_last(true),
        )
        .drop(by_name(["__block", "__rounded"], true, false))
}
