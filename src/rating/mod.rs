//! Rating (SPEC §5–7): status and group, indicators, benchmarks, scores, ranks, classes and
//! the electricity surcharge, computed over the evaluation year's facts with polars.

pub mod benchmarks;
pub mod catalog;
pub mod classes;
pub mod indicators;
pub mod scores;
pub mod stability;
pub mod status;

use crate::config::Config;
use crate::domain::{Class, Group, Status};
use crate::input::tables::AdjustmentRow;
use crate::output::Lang;
use crate::quality::{At, Ledger, Message};
use benchmarks::Benchmarks;
use foldhash::HashMap;
use indicators::Indicator;
use polars::prelude::*;

/// The rated frame (one row per code, in the output order of SPEC §7) and the benchmarks.
pub struct Rating {
    pub frame: DataFrame,
    pub benchmarks: Benchmarks,
    pub indicators: Vec<Indicator>,
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

    /// The benchmark value of `indicator` in `group` (`None`: undefined).
    pub fn benchmark(&self, group: Group, indicator: &str) -> Option<f64> {
        self.benchmarks.get(&group).and_then(|b| b.get(indicator)).and_then(|b| b.value)
    }
}

/// Rates the facts of one year (one row per code; see `facts`, whose `d_before` column holds
/// each code's run of class-D years ending the year before).
pub fn rate(facts: DataFrame, config: &Config, year: i32, ledger: &Ledger) -> PolarsResult<Rating> {
    let indicators = Indicator::all(config);
    let values: Vec<Expr> = indicators.iter().map(Indicator::value).collect();
    let valued = status::with_status(facts.lazy(), config, year).with_columns(values).collect()?;
    let benchmarks = benchmarks::compute(&valued.clone().lazy(), &indicators, config)?;
    benchmarks::report_undefined(&benchmarks, config, ledger);
    let lf = scores::with_benchmarks(valued.lazy(), &indicators, &benchmarks);
    let lf = scores::with_scores(lf, config)?;
    let lf = classes::with_surcharge(classes::with_streak(classes::with_classes(lf, config)?), config);
    let frame = output_order(lf).collect()?;
    Ok(Rating { frame, benchmarks, indicators })
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
