//! Benchmarks (SPEC §6): per indicator and group, over the group's rated enterprises whose
//! value is defined — aggregate (Σ numerator ÷ Σ denominator × factor), mean, median or a
//! fixed number; per industry under `industry` scope, where fewer than 5 such enterprises
//! fall back to the group benchmark.

use super::COUNTY_KEY;
use super::indicators::{Indicator, benchmark_column, value_column};
use super::status::rated;
use crate::config::{BenchmarkMethod, Config, Scope};
use crate::domain::{County, Group};
use crate::numbers::{keep_sorts, sorted_sum_expr as sorted_sum};
use crate::output::Lang;
use crate::quality::{At, Ledger, Message};
use foldhash::HashMap;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Fewer defined values than this in an industry: the group benchmark applies.
pub const MIN_INDUSTRY_MEMBERS: u32 = 5;

/// Statistics of the defined values of one indicator in one set of enterprises.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stats {
    pub count: u32,
    pub aggregate: Option<f64>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

/// The benchmark of one indicator in one group.
#[derive(Debug, Clone, Serialize)]
pub struct Benchmark {
    /// The group benchmark in force (`None`: undefined, scores 0).
    pub value: Option<f64>,
    pub method: String,
    pub count: u32,
    /// Industry benchmarks under industry scope (only industries with ≥ 5 defined values).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub industries: BTreeMap<String, Option<f64>>,
}

/// Benchmarks per group, then indicator.
pub type Benchmarks = BTreeMap<Group, BTreeMap<String, Benchmark>>;

/// The statistics of one indicator as aggregations named `<k>:<statistic>`: over the rows
/// (of a group) whose value is defined.
fn stats_exprs(k: usize, ind: &Indicator) -> [Expr; 4] {
    let v = col(value_column(&ind.name).as_str());
    let defined = v.clone().is_not_null();
    let only = |e: Expr| e.filter(defined.clone());
    let (numerator, denominator) = (only(col(ind.numerator.as_str())), only(col(ind.denominator.as_str())));
    [
        defined.clone().cast(DataType::UInt32).sum().alias(format!("{k}:count")),
        (sorted_sum(numerator) / sorted_sum(denominator) * lit(ind.factor)).alias(format!("{k}:aggregate")),
        only(v.clone()).mean().alias(format!("{k}:mean")),
        only(v).median().alias(format!("{k}:median")),
    ]
}

/// The statistics of every indicator (in order) over the rated enterprises of each set the
/// `by` columns make, in one query; keyed by the sets' values (a missing value as `""`).
fn stats_by(
    facts: &LazyFrame,
    indicators: &[Indicator],
    by: &[&str],
) -> PolarsResult<HashMap<Vec<String>, Vec<Stats>>> {
    let aggs: Vec<Expr> = indicators.iter().enumerate().flat_map(|(k, ind)| stats_exprs(k, ind)).collect();
    let plan = facts.clone().filter(rated()).group_by(by.iter().map(|c| col(*c)).collect::<Vec<_>>()).agg(aggs);
    let df = keep_sorts(plan).collect()?;
    let keys: Vec<&StringChunked> =
        by.iter().map(|c| df.column(c).and_then(|c| c.str())).collect::<PolarsResult<_>>()?;
    let numbers = |k: usize, statistic: &str| df.column(&format!("{k}:{statistic}")).and_then(|c| c.f64().cloned());
    let mut columns = Vec::with_capacity(indicators.len());
    for k in 0..indicators.len() {
        let count = df.column(&format!("{k}:count"))?.cast(&DataType::UInt32)?;
        columns.push((count.u32()?.clone(), numbers(k, "aggregate")?, numbers(k, "mean")?, numbers(k, "median")?));
    }
    Ok((0..df.height())
        .map(|i| {
            let key = keys.iter().map(|c| c.get(i).unwrap_or("").to_string()).collect();
            let stats = columns
                .iter()
                .map(|(count, aggregate, mean, median)| Stats {
                    count: count.get(i).unwrap_or(0),
                    aggregate: aggregate.get(i),
                    mean: mean.get(i),
                    median: median.get(i),
                })
                .collect();
            (key, stats)
        })
        .collect())
}

fn pick(stats: Option<&Stats>, method: BenchmarkMethod) -> Option<f64> {
    let s = stats?;
    match method {
        BenchmarkMethod::Aggregate => s.aggregate,
        BenchmarkMethod::Mean => s.mean,
        BenchmarkMethod::Median => s.median,
    }
    .filter(|v| v.is_finite())
}

fn method_name(fixed: Option<f64>, method: BenchmarkMethod) -> String {
    match (fixed, method) {
        (Some(_), _) => "fixed".into(),
        (None, BenchmarkMethod::Aggregate) => "aggregate".into(),
        (None, BenchmarkMethod::Mean) => "mean".into(),
        (None, BenchmarkMethod::Median) => "median".into(),
    }
}

/// Computes the benchmarks of every indicator in both groups of each of `counties` (by the
/// `county` column when `partitioned`; else the one county of the whole run), in two queries:
/// per group, and per group and industry when a scheme scores by industry.
pub fn compute(
    facts: &LazyFrame,
    indicators: &[Indicator],
    config: &Config,
    counties: &[County],
    partitioned: bool,
) -> PolarsResult<Vec<Benchmarks>> {
    let prefix: &[&str] = if partitioned { &["county"] } else { &[] };
    let by = |rest: &[&'static str]| prefix.iter().chain(rest).copied().collect::<Vec<&str>>();
    let by_group = stats_by(facts, indicators, &by(&["group"]))?;
    let by_industry = if config.groups.iter().any(|(_, s)| s.scope == Scope::Industry) {
        stats_by(facts, indicators, &by(&["group", "industry"]))?
    } else {
        HashMap::default()
    };
    let key = |county: &County, rest: &[&str]| -> Vec<String> {
        let county = partitioned.then(|| county.as_str());
        county.into_iter().chain(rest.iter().copied()).map(str::to_string).collect()
    };
    let benchmarks_of = |county: &County| {
        let mut out = Benchmarks::new();
        for (k, ind) in indicators.iter().enumerate() {
            for (group, s) in config.groups.iter() {
                let fixed = s.indicators.iter().find(|w| w.name == ind.name).and_then(|w| w.benchmark);
                let stats = by_group.get(&key(county, &[group.as_str()])).map(|all| &all[k]);
                let industries = if s.scope == Scope::Industry && fixed.is_none() {
                    let here = key(county, &[group.as_str()]);
                    by_industry
                        .iter()
                        .filter(|(key, all)| key[..here.len()] == here[..] && all[k].count >= MIN_INDUSTRY_MEMBERS)
                        .filter_map(|(key, all)| {
                            Some((key.last().filter(|i| !i.is_empty())?.clone(), pick(Some(&all[k]), s.benchmark)))
                        })
                        .collect()
                } else {
                    BTreeMap::new()
                };
                let benchmark = Benchmark {
                    value: fixed.or_else(|| pick(stats, s.benchmark)),
                    method: method_name(fixed, s.benchmark),
                    count: stats.map_or(0, |s| s.count),
                    industries,
                };
                out.entry(group).or_default().insert(ind.name.clone(), benchmark);
            }
        }
        out
    };
    Ok(counties.iter().map(benchmarks_of).collect())
}

/// Reports each undefined (or ≤ 0) benchmark of an indicator a group scores (of `county`,
/// when the run is partitioned).
pub fn report_undefined(benchmarks: &Benchmarks, config: &Config, county: Option<&County>, ledger: &Ledger) {
    let (of_county, of_county_zh) = match county {
        Some(c) => (format!("county {}: ", c.bucket()), format!("{}：", c.bucket())),
        None => (String::new(), String::new()),
    };
    for (group, scheme) in config.groups.iter() {
        for w in &scheme.indicators {
            let Some(b) = benchmarks.get(&group).and_then(|g| g.get(&w.name)) else { continue };
            let report = |industry: Option<&str>, value: Option<f64>| {
                if !value.is_some_and(|v| v > 0.0) {
                    let shown = value.map_or("undefined".to_string(), |v| v.to_string());
                    let shown_zh = value.map_or("无定义".to_string(), |v| v.to_string());
                    let (zh_group, zh_name) = (Lang::Zh.group(group), Lang::Zh.indicator(&w.name));
                    let scope = industry.map_or(String::new(), |i| format!(" in industry {i}"));
                    let zh_scope = industry.map_or(String::new(), |i| format!("（行业{i}）"));
                    ledger.warning(
                        At::new("benchmarks", 0, group.as_str(), &w.name),
                        "benchmark_undefined",
                        Message::new(
                            format!(
                                "{of_county}the {group} group's benchmark of {}{scope} is {shown}; the indicator scores 0 there",
                                w.name
                            ),
                            format!("{of_county_zh}{zh_group}组{zh_name}{zh_scope}的基准值为{shown_zh}，该指标在此得0分"),
                        ),
                    );
                }
            };
            report(None, b.value);
            for (industry, value) in &b.industries {
                report(Some(industry), *value);
            }
        }
    }
}

/// The column naming the set of rows that shares a row's benchmark of `indicator`: `""` for
/// the group's benchmark, else the industry.
pub fn set_column(indicator: &str) -> String {
    format!("{indicator}__bkey")
}

/// The benchmarks in force, one row per county (`COUNTY_KEY`), group and industry
/// (`INDUSTRY_KEY`, `""` for none) that has rows in `valued`: for every indicator its
/// `<indicator>_benchmark` (the industry's under industry scope, else the group's) and its
/// set column. `benchmarks[i]` are those of `counties[i]`, which are in order.
pub fn in_force(
    valued: &DataFrame,
    indicators: &[Indicator],
    counties: &[County],
    benchmarks: &[Benchmarks],
) -> PolarsResult<DataFrame> {
    let keys = [col(COUNTY_KEY), col("group"), industry_key()];
    let sets = valued
        .clone()
        .lazy()
        .filter(col("group").is_not_null())
        .select(keys)
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    let (county, group, industry) =
        (sets.column(COUNTY_KEY)?.str()?, sets.column("group")?.str()?, sets.column(INDUSTRY_KEY)?.str()?);
    let of_set = |i: usize, indicator: &str| -> Option<&Benchmark> {
        let county = county.get(i)?;
        let at = counties.binary_search_by(|c| c.as_str().cmp(county)).ok()?;
        benchmarks[at].get(&Group::parse(group.get(i)?)?)?.get(indicator)
    };
    let mut columns = Vec::with_capacity(2 * indicators.len());
    for ind in indicators {
        let (values, keys): (Vec<Option<f64>>, Vec<Option<&str>>) = (0..sets.height())
            .map(|i| {
                let Some(b) = of_set(i, &ind.name) else { return (None, None) };
                let industry = industry.get(i).unwrap_or("");
                match b.industries.get(industry) {
                    Some(value) => (*value, Some(industry)),
                    None => (b.value, Some("")),
                }
            })
            .unzip();
        columns.push(Column::new(benchmark_column(&ind.name).into(), values));
        columns.push(Column::new(set_column(&ind.name).into(), keys));
    }
    sets.hstack(&columns)
}

/// A row's industry as the benchmarks key it: `""` for none.
pub fn industry_key() -> Expr {
    col("industry").fill_null(lit("")).alias(INDUSTRY_KEY)
}

pub const INDUSTRY_KEY: &str = "__industry";

/// `when(c1).then(v1).otherwise(when(c2).then(v2)…)`: the value of the first condition that
/// holds, null when none does.
pub fn first_match(branches: Vec<(Expr, Expr)>, dtype: DataType) -> Expr {
    branches
        .into_iter()
        .rev()
        .fold(lit(NULL).cast(dtype), |otherwise, (cond, value)| when(cond).then(value).otherwise(otherwise))
}
