//! Classes and differentiated policy (SPEC §7): ranks within each group, classes A–D by
//! share or score cut-offs, vetoes, and the electricity surcharge.

use super::benchmarks::first_match;
use super::status::{ABOVE, BELOW, rated};
use crate::config::{ClassMode, Classes, Config};
use polars::prelude::*;

/// The total rounded to 6 decimal places, as it is ranked and cut.
pub fn rounded_total() -> Expr {
    col("total_score").round(6, RoundMode::HalfAwayFromZero)
}

/// Adds `rank` (min method, highest total first, within the group's rated enterprises),
/// `rated_in_group` (n) and `class`.
pub fn with_classes(lf: LazyFrame, config: &Config) -> PolarsResult<LazyFrame> {
    // Unrated rows sort after every rated one, so they change no rated rank.
    let rankable = when(rated()).then(rounded_total()).otherwise(lit(f64::NEG_INFINITY));
    let rank = rankable.rank(RankOptions { method: RankMethod::Min, descending: true }, None).over([col("group")])?;
    let n = rated().cast(DataType::Int64).sum().over([col("group")])?;
    let lf = lf.with_columns([
        when(rated()).then(rank.cast(DataType::Int64)).otherwise(lit(NULL).cast(DataType::Int64)).alias("rank"),
        when(rated()).then(n).otherwise(lit(NULL).cast(DataType::Int64)).alias("rated_in_group"),
    ]);
    let by_group = [(ABOVE, &config.groups.above.classes), (BELOW, &config.groups.below.classes)]
        .into_iter()
        .map(|(g, classes)| (rated().and(col("group").eq(lit(g))), class_of(classes)))
        .collect();
    let class = when(col("status").eq(lit("exempt")).or(col("status").eq(lit("new"))))
        .then(lit("T"))
        .when(rated().not())
        .then(lit("N"))
        .when(col("veto"))
        .then(lit("D"))
        .otherwise(first_match(by_group, DataType::String))
        .alias("class");
    Ok(lf.with_column(class))
}

/// A, B, C or D for a rated row of a group with these class settings.
///
/// Share mode: the share ranked ahead, (r − 1) ÷ n, is tested exactly as
/// (r − 1) × 10⁴ < round(a × 10⁴) × n. Score mode: cut-offs on the rounded total.
fn class_of(classes: &Classes) -> Expr {
    let below = |cut: f64| -> Expr {
        match classes.mode {
            ClassMode::Share => {
                let ahead = (col("rank") - lit(1i64)) * lit(10_000i64);
                ahead.lt(lit((cut * 1e4).round() as i64) * col("rated_in_group"))
            }
            ClassMode::Score => rounded_total().gt_eq(lit(cut)),
        }
    };
    when(below(classes.a))
        .then(lit("A"))
        .when(below(classes.b))
        .then(lit("B"))
        .when(below(classes.c))
        .then(lit("C"))
        .otherwise(lit("D"))
}

/// Adds `surcharge_yuan`: rate(group, class) × electricity_kwh, capped at `cap_yuan`;
/// 0 when electricity is missing or under `min_kwh`; empty for unrated rows.
pub fn with_surcharge(lf: LazyFrame, config: &Config) -> LazyFrame {
    let mut rates = Vec::new();
    for (g, r) in [(ABOVE, &config.groups.above.surcharge), (BELOW, &config.groups.below.surcharge)] {
        for (class, rate) in [("A", r.a), ("B", r.b), ("C", r.c), ("D", r.d)] {
            rates.push((col("group").eq(lit(g)).and(col("class").eq(lit(class))), lit(rate)));
        }
    }
    let kwh = col("electricity_kwh");
    let raw = first_match(rates, DataType::Float64) * kwh.clone();
    let cap = config.surcharge.cap_yuan;
    let capped = when(raw.clone().gt(lit(cap))).then(lit(cap)).otherwise(raw);
    let charged =
        when(kwh.clone().is_null().or(kwh.lt(lit(config.surcharge.min_kwh)))).then(lit(0.0)).otherwise(capped);
    lf.with_column(when(rated()).then(charged).otherwise(lit(NULL).cast(DataType::Float64)).alias("surcharge_yuan"))
}
