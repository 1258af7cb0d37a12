//! Status and group (SPEC §5): who is rated, and in which group (above 规上 / below 规下).

use crate::config::Config;
use crate::domain::{Group, Status};
use polars::prelude::*;

/// Adds `group` (null for unmatched codes) and `status`.
///
/// The group is the scale given; when it is missing, above if revenue ≥ 2000 万元, else below
/// (a missing revenue counts as below).
pub fn with_status(facts: LazyFrame, config: &Config, year: i32) -> LazyFrame {
    let group = when(col("has_row"))
        .then(when(is_above()).then(lit(Group::Above.as_str())).otherwise(lit(Group::Below.as_str())))
        .otherwise(lit(NULL).cast(DataType::String))
        .alias("group");
    let first_new_year = year - config.evaluation.new_years + 1;
    let no_land = col("land_mu").is_null().or(col("land_mu").lt_eq(lit(0.0)));
    let status = when(col("has_row").not())
        .then(status_lit(Status::Unmatched))
        .when(col("exempt").fill_null(lit(false)))
        .then(status_lit(Status::Exempt))
        .when(col("start_year").gt_eq(lit(first_new_year)).fill_null(lit(false)))
        .then(status_lit(Status::New))
        .when(no_land)
        .then(status_lit(Status::NoLand))
        .when(in_group(Group::Below).and(col("land_mu").lt(lit(config.evaluation.min_mu_below))))
        .then(status_lit(Status::BelowMinMu))
        .otherwise(status_lit(Status::Rated))
        .alias("status");
    facts.with_column(group).with_column(status)
}

/// Whether an enterprises row is above scale (规上): the scale given, else revenue ≥ 2000 万元
/// (a missing revenue counts as below).
pub fn is_above() -> Expr {
    when(col("above").is_not_null())
        .then(col("above"))
        .otherwise(col("revenue").gt_eq(lit(2000.0)).fill_null(lit(false)))
}

fn status_lit(status: Status) -> Expr {
    lit(status.as_str())
}

/// Whether a row is rated.
pub fn rated() -> Expr {
    col("status").eq(status_lit(Status::Rated))
}

/// Whether a row is in `group`.
pub fn in_group(group: Group) -> Expr {
    col("group").eq(lit(group.as_str()))
}

/// Whether a row is rated in `group`.
pub fn rated_in(group: Group) -> Expr {
    rated().and(in_group(group))
}
