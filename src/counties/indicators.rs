//! The work report's indicators (底数清, SPEC §17): the handful of figures every county reports
//! upward, for the evaluation year Y and the year before, and their change.
//!
//! Over the rows of enterprises (codes with an enterprises row that year): 规上 value added and
//! revenue (Σ over above-scale rows, the scale rule of §5), industrial tax and electricity (Σ
//! over every row), the number of 规上 enterprises, 新增规上 (above in Y, below or absent in
//! Y − 1; a count of Y alone) and 营收过亿 (revenue ≥ 10,000 万元). A sum holds the values
//! present, in ascending order; with none present it is missing, never 0. change =
//! (current − previous) ÷ |previous|, missing when previous is 0 or missing. A `[targets]`
//! entry adds its target and `met` (actual ≥ target; missing when the actual is).
//!
//! Per county when partitioned: a row counts in its code's county of Y, or, for a code with no
//! row in Y, in the county of its own row.
//!
//! ```
//! use muchan::counties::indicators::change;
//! assert_eq!(change(Some(110.0), Some(100.0)), Some(0.1));
//! assert_eq!(change(Some(5.0), Some(0.0)), None);
//! ```

use crate::config::Targets;
use crate::domain::County;
use crate::numbers::sorted_sum;
use crate::rating::status::is_above;
use foldhash::HashMap;
use polars::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Revenue (万元) from which an enterprise is 营收过亿.
pub const REVENUE_OVER_100M: f64 = 10_000.0;

/// The seven indicators, in the order of SPEC §17.
pub const NAMES: [&str; 7] =
    ["va_above", "revenue_above", "tax", "electricity_kwh", "above_count", "new_above", "revenue_over_100m"];

/// (current − previous) ÷ |previous|; `None` when either is missing or previous is 0.
pub fn change(current: Option<f64>, previous: Option<f64>) -> Option<f64> {
    match (current, previous) {
        (Some(c), Some(p)) if p != 0.0 => Some((c - p) / p.abs()),
        _ => None,
    }
}

/// One indicator: Y, Y − 1, change, and its target when one is set.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figure {
    pub current: Option<f64>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub target: Option<f64>,
    /// Whether the actual reaches the target (`None` without a target or an actual).
    pub met: Option<bool>,
}

/// One county's (or all counties') indicators, in [`NAMES`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Indicators {
    pub figures: [Figure; 7],
}

impl Indicators {
    /// The figure named `name` (one of [`NAMES`]).
    pub fn get(&self, name: &str) -> Option<&Figure> {
        NAMES.iter().position(|n| *n == name).map(|i| &self.figures[i])
    }

    /// The shape of summary.json: each name → `{current, previous, change}` (+ target, met);
    /// the counts as integers.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (i, (name, f)) in NAMES.iter().zip(&self.figures).enumerate() {
            let number = |v: Option<f64>| match v {
                Some(x) if i >= 4 => json!(x as u64),
                Some(x) if x.is_finite() => json!(x),
                _ => Value::Null,
            };
            let mut entry = json!({
                "current": number(f.current),
                "previous": number(f.previous),
                "change": f.change.filter(|c| c.is_finite()).map_or(Value::Null, |c| json!(c)),
            });
            if let Some(target) = f.target {
                entry["target"] = json!(target);
                entry["met"] = f.met.map_or(Value::Null, Value::Bool);
            }
            out.insert((*name).to_string(), entry);
        }
        Value::Object(out)
    }
}

/// The indicators of every county (keyed by name, the empty county as `(none)`) and of all
/// together (`all`), in that order: `all` first.
pub struct WorkReport {
    pub all: Indicators,
    pub counties: BTreeMap<String, Indicators>,
}

impl WorkReport {
    /// `{"all": {...}, "<county>": {...}}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("all".into(), self.all.to_json());
        for (county, indicators) in &self.counties {
            out.insert(county.clone(), indicators.to_json());
        }
        Value::Object(out)
    }
}

/// One enterprises row of Y or Y − 1, as the indicators read it.
struct Row {
    code_id: u32,
    current: bool,
    above: bool,
    county: County,
    revenue: Option<f64>,
    value_added: Option<f64>,
    tax: Option<f64>,
    electricity: Option<f64>,
}

/// The work report of `year` from the yearly figures (one row per code and year); per county
/// when `partitioned`.
pub fn work_report(yearly: &DataFrame, year: i32, partitioned: bool, targets: &Targets) -> PolarsResult<WorkReport> {
    let rows = rows_of(yearly, year)?;
    let all = indicators(rows.iter(), targets);
    let mut counties = BTreeMap::new();
    if partitioned {
        let mut by_county: BTreeMap<&County, Vec<&Row>> = BTreeMap::new();
        for r in &rows {
            by_county.entry(&r.county).or_default().push(r);
        }
        for (county, rows) in by_county {
            counties.insert(county.bucket().to_string(), indicators(rows.into_iter(), targets));
        }
    }
    Ok(WorkReport { all, counties })
}

/// The enterprises rows of Y and Y − 1, each with its county (see the module doc).
fn rows_of(yearly: &DataFrame, year: i32) -> PolarsResult<Vec<Row>> {
    let frame = yearly
        .clone()
        .lazy()
        .filter(col("has_row").and(col("year").eq(lit(year)).or(col("year").eq(lit(year - 1)))))
        .select([
            col("code_id"),
            col("year").eq(lit(year)).alias("current"),
            is_above().alias("above"),
            col("county"),
            col("revenue"),
            col("value_added"),
            col("tax"),
            col("electricity_kwh"),
        ])
        .collect()?;
    let (code_id, current, above) =
        (frame.column("code_id")?.u32()?, frame.column("current")?.bool()?, frame.column("above")?.bool()?);
    let county = frame.column("county")?.str()?;
    let number = |name: &str| frame.column(name).and_then(|c| c.f64().cloned());
    let (revenue, value_added, tax, electricity) =
        (number("revenue")?, number("value_added")?, number("tax")?, number("electricity_kwh")?);
    let county_in_year: HashMap<u32, &str> = (0..frame.height())
        .filter(|&i| current.get(i) == Some(true))
        .filter_map(|i| Some((code_id.get(i)?, county.get(i).unwrap_or(""))))
        .collect();
    Ok((0..frame.height())
        .filter_map(|i| {
            let id = code_id.get(i)?;
            let own = county.get(i);
            Some(Row {
                code_id: id,
                current: current.get(i) == Some(true),
                above: above.get(i) == Some(true),
                county: County::new(county_in_year.get(&id).copied().or(own)),
                revenue: revenue.get(i),
                value_added: value_added.get(i),
                tax: tax.get(i),
                electricity: electricity.get(i),
            })
        })
        .collect())
}

/// The seven indicators over some rows of Y and Y − 1.
fn indicators<'a>(rows: impl Iterator<Item = &'a Row>, targets: &Targets) -> Indicators {
    let (mut current, mut previous): (Vec<&Row>, Vec<&Row>) = rows.partition(|r| r.current);
    current.sort_by_key(|r| r.code_id);
    previous.sort_by_key(|r| r.code_id);
    let above_before: HashMap<u32, bool> = previous.iter().map(|r| (r.code_id, r.above)).collect();
    let sum = |rows: &[&Row], value: fn(&Row) -> Option<f64>, only_above: bool| {
        let values: Vec<f64> = rows.iter().filter(|r| r.above || !only_above).filter_map(|r| value(r)).collect();
        (!values.is_empty()).then(|| sorted_sum(values))
    };
    let count = |rows: &[&Row], keep: &dyn Fn(&Row) -> bool| Some(rows.iter().filter(|r| keep(r)).count() as f64);
    let both = |value: fn(&Row) -> Option<f64>, only_above: bool| {
        (sum(&current, value, only_above), sum(&previous, value, only_above))
    };
    let over_100m = |r: &Row| r.revenue.is_some_and(|v| v >= REVENUE_OVER_100M);
    let new_above = |r: &Row| r.above && !above_before.get(&r.code_id).copied().unwrap_or(false);
    let pairs: [(Option<f64>, Option<f64>); 7] = [
        both(|r| r.value_added, true),
        both(|r| r.revenue, true),
        both(|r| r.tax, false),
        both(|r| r.electricity, false),
        (count(&current, &|r| r.above), count(&previous, &|r| r.above)),
        (count(&current, &new_above), None),
        (count(&current, &over_100m), count(&previous, &over_100m)),
    ];
    let mut figures = pairs.map(|(current, previous)| Figure {
        current,
        previous,
        change: change(current, previous),
        ..Figure::default()
    });
    apply_targets(&mut figures, targets);
    Indicators { figures }
}

/// Each target against its actual: growth targets against the change, the others against Y.
fn apply_targets(figures: &mut [Figure; 7], targets: &Targets) {
    let goals = [
        (0, targets.va_growth, true),
        (1, targets.revenue, false),
        (2, targets.tax_growth, true),
        (3, targets.electricity_growth, true),
        (5, targets.new_above, false),
        (6, targets.revenue_over_100m, false),
    ];
    for (i, target, growth) in goals {
        let Some(target) = target else { continue };
        let f = &mut figures[i];
        let actual = if growth { f.change } else { f.current };
        f.target = Some(target);
        f.met = actual.map(|a| a >= target);
    }
}
