//! `summary.json` (SPEC §10): counts per status and class; per group, park and industry the
//! counts, land, totals and intensities, surcharge; the benchmarks used; year-over-year change.

use super::manifest::counts;
use crate::domain::{Class, NO_BUCKET, Status};
use crate::numbers::{keep_sorts, sorted_sum, sorted_sum_expr};
use crate::pipeline::Evaluation;
use crate::reclaim::{reclaimable_by_county, reclaimable_by_park};
use polars::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Totals that the summary sums per bucket (over codes with an enterprises row).
const TOTALS: [&str; 7] =
    ["land_mu", "tax", "value_added", "revenue", "energy_tce", "electricity_kwh", "surcharge_yuan"];

/// Intensities: (name, numerator, denominator), as Σ numerator ÷ Σ denominator over the
/// codes where both are present and the denominator > 0.
const INTENSITIES: [(&str, &str, &str); 4] = [
    ("tax_per_mu", "tax", "land_mu"),
    ("va_per_mu", "value_added", "land_mu"),
    ("revenue_per_mu", "revenue", "land_mu"),
    ("va_per_energy", "value_added", "energy_tce"),
];

fn bucket_aggregates() -> Vec<Expr> {
    let mut aggs = vec![len().alias("enterprises")];
    for s in Status::ALL.map(Status::as_str) {
        aggs.push(col("status").eq(lit(s)).cast(DataType::Int64).sum().alias(format!("status:{s}")));
    }
    for c in Class::ALL.map(Class::as_str) {
        aggs.push(col("class").eq(lit(c)).cast(DataType::Int64).sum().alias(format!("class:{c}")));
    }
    for t in TOTALS {
        aggs.push(sorted_sum_expr(col(t)).alias(t));
    }
    aggs.push(col("zombie").cast(DataType::Int64).sum().alias("zombies"));
    aggs.push(col("high_energy_emission").cast(DataType::Int64).sum().alias("high_energy_emission"));
    aggs.push(sorted_sum_expr(col("reclaimable_mu")).alias("reclaimable_mu"));
    for (name, num, den) in INTENSITIES {
        let both = col(num).is_not_null().and(col(den).gt(lit(0.0)));
        let n = sorted_sum_expr(when(both.clone()).then(col(num)).otherwise(lit(NULL).cast(DataType::Float64)));
        let d = sorted_sum_expr(when(both).then(col(den)).otherwise(lit(NULL).cast(DataType::Float64)));
        aggs.push((n / d).alias(name));
    }
    aggs
}

/// One JSON object per value of `key`, over codes with an enterprises row.
fn buckets(frame: &DataFrame, key: &str) -> PolarsResult<Map<String, Value>> {
    let plan = frame
        .clone()
        .lazy()
        .filter(col("has_row"))
        .with_column(col(key).fill_null(lit(NO_BUCKET)).alias("__key"))
        .group_by([col("__key")])
        .agg(bucket_aggregates())
        .sort(["__key"], SortMultipleOptions::default());
    let df = keep_sorts(plan).collect()?;
    let mut out = Map::new();
    let keys = df.column("__key")?.str()?;
    for i in 0..df.height() {
        let mut status = Map::new();
        let mut class = Map::new();
        let mut fields = Map::new();
        for c in df.columns().iter().skip(1) {
            let value = any_to_json(c.get(i)?);
            match c.name().split_once(':') {
                Some(("status", s)) => status.insert(s.to_string(), value),
                Some(("class", s)) => class.insert(s.to_string(), value),
                _ => fields.insert(c.name().to_string(), value),
            };
        }
        fields.insert("status".into(), Value::Object(status));
        fields.insert("class".into(), Value::Object(class));
        out.insert(keys.get(i).unwrap_or("").to_string(), Value::Object(fields));
    }
    Ok(out)
}

fn any_to_json(v: AnyValue<'_>) -> Value {
    match v {
        AnyValue::Float64(x) if x.is_finite() => json!(x),
        AnyValue::Int64(x) => json!(x),
        AnyValue::UInt32(x) => json!(x),
        AnyValue::Int32(x) => json!(x),
        AnyValue::String(s) => json!(s),
        AnyValue::Boolean(b) => json!(b),
        _ => Value::Null,
    }
}

const YOY_FIGURES: [&str; 4] = ["tax", "value_added", "revenue", "energy_tce"];

/// The figures of the evaluation year and the year before, each row with its code's
/// buckets (group, park, industry) of the evaluation year.
fn yoy_rows(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let buckets = ["group", "park", "industry"].map(|key| col(key).fill_null(lit(NO_BUCKET)));
    let buckets = eval
        .rating
        .frame
        .clone()
        .lazy()
        .filter(col("has_row"))
        .select(std::iter::once(col("code_id")).chain(buckets).collect::<Vec<_>>());
    let year = eval.year;
    let columns = ["code_id", "year"].into_iter().chain(YOY_FIGURES).map(col).collect::<Vec<_>>();
    eval.yearly
        .clone()
        .lazy()
        .filter(col("has_row").and(col("year").eq(lit(year)).or(col("year").eq(lit(year - 1)))))
        .select(columns)
        .inner_join(buckets, col("code_id"), col("code_id"))
        .collect()
}

/// Year-over-year totals per bucket of `key`: the codes' figures this year and the year
/// before, each code counted in its bucket of the evaluation year.
fn yoy(eval: &Evaluation, rows: &DataFrame, key: &str) -> PolarsResult<Map<String, Value>> {
    let figures = YOY_FIGURES;
    let year = eval.year;
    let plan = rows
        .clone()
        .lazy()
        .group_by([col(key).alias("__key"), col("year")])
        .agg(figures.map(|f| sorted_sum_expr(col(f)).alias(f)))
        .sort(["__key", "year"], SortMultipleOptions::default());
    let per_year = keep_sorts(plan).collect()?;
    let keys = per_year.column("__key")?.str()?;
    let years = per_year.column("year")?.i32()?;
    let mut out: Map<String, Value> = Map::new();
    for i in 0..per_year.height() {
        let entry = out.entry(keys.get(i).unwrap_or("").to_string()).or_insert_with(|| json!({}));
        let label = if years.get(i) == Some(year) { "current" } else { "previous" };
        for f in figures {
            entry[f][label] = any_to_json(per_year.column(f)?.get(i)?);
        }
    }
    for entry in out.values_mut() {
        for f in figures {
            let (cur, prev) = (entry[f]["current"].as_f64(), entry[f]["previous"].as_f64());
            entry[f]["change"] = match (cur, prev) {
                (Some(c), Some(p)) if p != 0.0 => json!((c - p) / p.abs()),
                _ => Value::Null,
            };
        }
    }
    Ok(out)
}

/// The rating frame with the flags and each code's reclaimable land (its candidate parcels).
fn summary_frame(eval: &Evaluation) -> PolarsResult<DataFrame> {
    let mut frame = eval.rating.frame.clone();
    for column in crate::flags::flag_columns(&frame, &eval.flags)? {
        frame.with_column(column)?;
    }
    let mut reclaimable: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for p in eval.parcels.rows().filter(|p| p.reclaim.block_id.is_some() && !p.feature.user.is_empty()) {
        reclaimable.entry(p.feature.user.as_str()).or_default().push(p.land.area_mu);
    }
    let codes = frame.column("code")?.str()?;
    let mu: Vec<Option<f64>> =
        codes.iter().map(|c| c.and_then(|c| reclaimable.get(c)).map(|a| sorted_sum(a.iter().copied()))).collect();
    frame.with_column(Column::new("reclaimable_mu".into(), mu))?;
    Ok(frame)
}

/// Parks keyed by the parcels' own park for reclaimable land (SPEC §10) and their 低效
/// parcels' count and mu (SPEC §15).
fn parks(eval: &Evaluation, frame: &DataFrame) -> PolarsResult<Map<String, Value>> {
    let mut parks = buckets(frame, "park")?;
    let by_parcel = reclaimable_by_park(&eval.parcels);
    for entry in parks.values_mut() {
        entry["reclaimable_mu"] = json!(0.0);
    }
    for (park, mu) in by_parcel {
        let entry = parks.entry(park).or_insert_with(|| json!({}));
        entry["reclaimable_mu"] = json!(mu);
    }
    let low = super::low_efficiency::by_park(&eval.parcels);
    for park in low.keys() {
        parks.entry(park.clone()).or_insert_with(|| json!({ "reclaimable_mu": 0.0 }));
    }
    for (park, entry) in parks.iter_mut() {
        let (n, mu) = low.get(park).copied().unwrap_or_default();
        entry["low_efficiency_parcels"] = json!(n);
        entry["low_efficiency_mu"] = json!(mu);
    }
    Ok(parks)
}

/// The benchmarks used: per group, or per county and group when partitioned (the empty
/// county as `(none)`).
fn benchmarks(eval: &Evaluation) -> serde_json::Result<Value> {
    let rating = &eval.rating;
    if !rating.partitioned {
        return serde_json::to_value(rating.counties.first().map(|c| &c.benchmarks));
    }
    let by_county: Map<String, Value> = rating
        .counties
        .iter()
        .map(|c| Ok((c.county.bucket().to_string(), serde_json::to_value(&c.benchmarks)?)))
        .collect::<serde_json::Result<_>>()?;
    Ok(Value::Object(by_county))
}

/// Counties as buckets (SPEC §17), with the reclaimable land of the parcels in each.
fn counties(eval: &Evaluation, frame: &DataFrame) -> PolarsResult<Map<String, Value>> {
    let mut counties = buckets(frame, "county")?;
    for (county, mu) in reclaimable_by_county(&eval.parcels) {
        let entry = counties.entry(county.bucket().to_string()).or_insert_with(|| json!({}));
        entry["reclaimable_mu"] = json!(mu);
    }
    Ok(counties)
}

/// The early warning's latest month and how many codes each rule fired for (SPEC §16).
fn alert_counts(eval: &Evaluation) -> Value {
    let counts: Map<String, Value> =
        eval.alerts.counts().into_iter().map(|(rule, n)| (rule.as_str().to_string(), json!(n))).collect();
    json!({ "month": eval.alerts.month, "counts": counts })
}

/// The county's headline figures, as summary.json's buckets add up: over the codes with an
/// enterprises row, the rated ones, the zombies, the 双高 and the surcharge total; and the
/// reclaimable land, every reclaim candidate parcel (what the parks' `reclaimable_mu` sum to).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Headline {
    pub rated: u64,
    pub zombies: u64,
    pub high_emission: u64,
    pub surcharge_yuan: f64,
    pub reclaimable_mu: f64,
}

pub fn headline(eval: &Evaluation) -> PolarsResult<Headline> {
    let f = &eval.rating.frame;
    let (codes, status) = (f.column("code")?.str()?, f.column("status")?.str()?);
    let (has_row, surcharge) = (f.column("has_row")?.bool()?, f.column("surcharge_yuan")?.f64()?);
    let mut h = Headline::default();
    let mut charged = Vec::new();
    for i in (0..f.height()).filter(|&i| has_row.get(i) == Some(true)) {
        let flags = codes.get(i).and_then(|c| eval.flags.get(c));
        h.rated += u64::from(status.get(i) == Some(Status::Rated.as_str()));
        h.zombies += u64::from(flags.is_some_and(|f| f.zombie.zombie));
        h.high_emission += u64::from(flags.is_some_and(|f| f.high_energy_emission == Some(true)));
        charged.extend(surcharge.get(i));
    }
    h.surcharge_yuan = sorted_sum(charged);
    h.reclaimable_mu = sorted_sum(eval.parcels.rows().filter(|p| p.reclaim.block_id.is_some()).map(|p| p.land.area_mu));
    Ok(h)
}

pub fn summary_json(eval: &Evaluation) -> anyhow::Result<Vec<u8>> {
    let frame = &summary_frame(eval)?;
    let mut yoy_all = Map::new();
    let yoy_rows = yoy_rows(eval)?;
    for key in ["group", "park", "industry"] {
        yoy_all.insert(format!("{key}s").replace("industrys", "industries"), Value::Object(yoy(eval, &yoy_rows, key)?));
    }
    let mut summary = json!({
        "year": eval.year,
        "counts": { "status": counts(frame, "status")?, "class": counts(frame, "class")? },
        "groups": buckets(frame, "group")?,
        "parks": parks(eval, frame)?,
        "industries": buckets(frame, "industry")?,
        "benchmarks": benchmarks(eval)?,
        "yoy": yoy_all,
        "alerts": alert_counts(eval),
    });
    if let Some(reviews) = &eval.commitments {
        summary["commitments"] = super::commitments::summary(reviews);
    }
    if eval.rating.partitioned {
        summary["counties"] = Value::Object(counties(eval, frame)?);
    }
    summary["indicators"] = eval.work_report.to_json();
    Ok(serde_json::to_vec_pretty(&summary)?)
}
