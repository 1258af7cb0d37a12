//! Scores (SPEC §6): sᵢ = wᵢ × min(max(vᵢ ÷ bᵢ, 0), cap); an undefined value scores 0, or under
//! `missing = "average"` the mean sᵢ of the enterprises with a defined value sharing its
//! benchmark. Total = Σ sᵢ + Σ adjustment points.

use super::COUNTY_KEY;
use super::benchmarks::{INDUSTRY_KEY, first_match, industry_key, set_column};
use super::indicators::{benchmark_column, score_column, value_column};
use super::status::rated_in;
use crate::config::{Config, Missing, WeightedIndicator};
use crate::domain::Group;
use polars::prelude::*;

/// Adds `<indicator>_benchmark` for every indicator (wherever the row has a group) and the
/// set of rows that shares it, from the benchmarks `in_force` per county, group and industry.
pub fn with_benchmarks(lf: LazyFrame, in_force: DataFrame) -> LazyFrame {
    let keys = [col(COUNTY_KEY), col("group"), col(INDUSTRY_KEY)];
    let args = JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) };
    lf.with_column(industry_key()).join(in_force.lazy(), keys.clone(), keys, args).drop(by_name(
        [INDUSTRY_KEY],
        true,
        false,
    ))
}

/// `x` clamped to [0, cap].
fn clamp(x: Expr, cap: f64) -> Expr {
    when(x.clone().lt(lit(0.0))).then(lit(0.0)).when(x.clone().gt(lit(cap))).then(lit(cap)).otherwise(x)
}

/// The score of one weighted indicator for the rated rows of `group`.
fn group_score(w: &WeightedIndicator, group: Group, cap: f64) -> PolarsResult<Expr> {
    let v = col(value_column(&w.name).as_str());
    let b = col(benchmark_column(&w.name).as_str());
    let here = rated_in(group);
    let scored = when(b.clone().gt(lit(0.0))).then(lit(w.weight) * clamp(v.clone() / b, cap)).otherwise(lit(0.0));
    let defined_score =
        when(here.clone().and(v.clone().is_not_null())).then(scored).otherwise(lit(NULL).cast(DataType::Float64));
    let when_missing = match w.missing_policy() {
        Missing::Zero => lit(0.0),
        Missing::Average => defined_score
            .clone()
            .mean()
            .over([col(COUNTY_KEY), col("group"), col(set_column(&w.name).as_str())])?
            .fill_null(lit(0.0)),
    };
    Ok(when(v.is_not_null()).then(defined_score).otherwise(when_missing))
}

/// Adds `<indicator>_score` for every scheme indicator (null outside the row's own scheme
/// and for unrated rows), then `total_score`.
pub fn with_scores(lf: LazyFrame, config: &Config) -> PolarsResult<LazyFrame> {
    let cap = config.scoring.cap;
    let mut score_exprs = Vec::new();
    for name in config.scheme_indicator_names() {
        let mut branches = Vec::new();
        for (g, s) in config.groups.iter() {
            if let Some(w) = s.indicators.iter().find(|w| w.name == name) {
                branches.push((rated_in(g), group_score(w, g, cap)?));
            }
        }
        score_exprs.push(first_match(branches, DataType::Float64).alias(score_column(&name)));
    }
    let totals = config
        .groups
        .iter()
        .map(|(g, s)| {
            let sum = s.indicators.iter().fold(col("adjustment"), |acc, w| acc + col(score_column(&w.name).as_str()));
            (rated_in(g), sum)
        })
        .collect();
    Ok(lf.with_columns(score_exprs).with_column(first_match(totals, DataType::Float64).alias("total_score")))
}
