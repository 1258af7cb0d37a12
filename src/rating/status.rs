//! Status and group (SPEC §5): who is rated, and in which group (above 规上 / below 规下).

use crate::config::Config;
use polars::prelude::*;

pub const ABOVE: &str = "above";
pub const BELOW: &str = "below";

/// The statuses, in the order of SPEC §5 (the first that applies).
pub const STATUSES: [&str; 6] = ["unmatched", "exempt", "new", "no_land", "below_min_mu", "rated"];

/// Adds `group` (null for unmatched codes) and `status`.
///
/// The group is the scale given; when it is missing, above if revenue ≥ 2000 万元, else below
/// (a missing revenue counts as below).
pub fn with_status(facts: LazyFrame, config: &Config, year: i32) -> LazyFrame {
    let is_above = when(col("above").is_not_null())
        .then(col("above"))
        .otherwise(col("revenue").gt_eq(lit(2000.0)).fill_null(lit(false)));
    let group = when(col("has_row"))
        .then(when(is_above).then(lit(ABOVE)).otherwise(lit(BELOW)))
        .otherwise(lit(NULL).cast(DataType::String))
        .alias("group");
    let first_new_year = year - config.evaluation.new_years + 1;
    let no_land = col("land_mu").is_null().or(col("land_mu").lt_eq(lit(0.0)));
    let status = when(col("has_row").not())
        .then(lit("unmatched"))
        .when(col("exempt").fill_null(lit(false)))
        .then(lit("exempt"))
        .when(col("start_year").gt_eq(lit(first_new_year)).fill_null(lit(false)))
        .then(lit("new"))
        .when(no_land)
        .then(lit("no_land"))
        .when(col("group").eq(lit(BELOW)).and(col("land_mu").lt(lit(config.evaluation.min_mu_below))))
        .then(lit("below_min_mu"))
        .otherwise(lit("rated"))
        .alias("status");
    facts.with_column(group).with_column(status)
}

/// Whether a row is rated.
pub fn rated() -> Expr {
    col("status").eq(lit("rated"))
}
