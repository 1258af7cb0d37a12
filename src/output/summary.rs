//! `summary.json` (SPEC §10): counts per status and class; per group, park and industry the
//! counts, land, totals and intensities, surcharge; the benchmarks used; year-over-year change.
//! The buckets are counted and summed off the rating frame's columns (see [`crate::grouped`]),
//! each figure sorted once for every bucket key, to the bits of the table engine's sorted sums.

use super::manifest::counts;
use crate::domain::{Class, NO_BUCKET, Status};
use crate::grouped::{Ascending, Groups};
use crate::numbers::sorted_sum;
use crate::pipeline::Evaluation;
use crate::reclaim::{reclaimable_by_county, reclaimable_by_park};
use foldhash::HashMap;
use polars::polars_utils::total_ord::TotalOrd;
use polars::prelude::*;
use serde_json::{Map, Value, json};

/// Totals that the summary sums per bucket (over codes with an enterprises row).
const TOTALS: [&str; 7] =
    ["land_mu", "tax", "value_added", "revenue", "energy_tce", "electricity_kwh", "surcharge_yuan"];

/// Positions in [`TOTALS`] of the figures the intensities divide.
const LAND: usize = 0;
const TAX: usize = 1;
const VALUE_ADDED: usize = 2;
const REVENUE: usize = 3;
const ENERGY: usize = 4;

/// Intensities: (name, numerator, denominator as positions in [`TOTALS`]), as Σ numerator ÷
/// Σ denominator over the codes where both are present and the denominator > 0.
const INTENSITIES: [(&str, usize, usize); 4] = [
    ("tax_per_mu", TAX, LAND),
    ("va_per_mu", VALUE_ADDED, LAND),
    ("revenue_per_mu", REVENUE, LAND),
    ("va_per_energy", VALUE_ADDED, ENERGY),
];

/// The rating frame's rows as the buckets count and sum them.
struct Rows<'a> {
    frame: &'a DataFrame,
    /// Whether the row's code has an enterprises row (the buckets count only those).
    has_row: Vec<bool>,
    status: Vec<Option<Status>>,
    class: Vec<Option<Class>>,
    zombie: Vec<bool>,
    high_emission: Vec<bool>,
    /// The [`TOTALS`], in their order.
    totals: Vec<Ascending>,
    reclaimable_mu: Ascending,
    /// The [`INTENSITIES`]: name, numerator and denominator over the rows where both count.
    intensities: Vec<(&'static str, Ascending, Ascending)>,
}

impl<'a> Rows<'a> {
    fn new(eval: &'a Evaluation) -> PolarsResult<Self> {
        let frame = &eval.rating.frame;
        let codes = frame.column("code")?.str()?;
        let flags: Vec<_> = codes.iter().map(|c| eval.flags.get(c?)).collect();
        let columns = TOTALS.into_iter().map(|t| frame.column(t)?.f64()).collect::<PolarsResult<Vec<_>>>()?;
        let totals: Vec<Ascending> = columns.iter().map(|c| Ascending::new(c.iter())).collect();
        let intensities = INTENSITIES
            .into_iter()
            .map(|(name, num, den)| {
                let pairs = columns[num].iter().zip(columns[den].iter());
                let both: Vec<bool> = pairs.map(|(n, d)| n.is_some() && d.is_some_and(|d| d.tot_gt(&0.0))).collect();
                (name, totals[num].kept(|r| both[r]), totals[den].kept(|r| both[r]))
            })
            .collect();
        let reclaimable_mu = Ascending::new(reclaimable_mu(eval, codes));
        Ok(Rows {
            frame,
            has_row: frame.column("has_row")?.bool()?.iter().map(|h| h == Some(true)).collect(),
            status: frame.column("status")?.str()?.iter().map(|s| s.and_then(Status::parse)).collect(),
            class: frame.column("class")?.str()?.iter().map(|c| c.and_then(Class::parse)).collect(),
            zombie: flags.iter().map(|f| f.is_some_and(|f| f.zombie.zombie)).collect(),
            high_emission: flags.iter().map(|f| f.is_some_and(|f| f.high_energy_emission == Some(true))).collect(),
            totals,
            reclaimable_mu,
            intensities,
        })
    }

    /// The rows with an enterprises row grouped by their bucket of `key` (`(none)` without
    /// one).
    fn groups(&self, key: &str) -> PolarsResult<Groups<&'a str>> {
        let buckets = self.frame.column(key)?.str()?.iter().map(|k| k.unwrap_or(NO_BUCKET));
        Ok(Groups::new(buckets.zip(&self.has_row).map(|(b, &has)| has.then_some(b))))
    }
}

/// Each row's reclaimable land: the sum of its code's reclaim candidate parcels' mu (none
/// without a candidate).
fn reclaimable_mu(eval: &Evaluation, codes: &StringChunked) -> Vec<Option<f64>> {
    let mut by_code: HashMap<&str, Vec<f64>> = HashMap::default();
    for p in eval.parcels.rows().filter(|p| p.reclaim.block_id.is_some() && !p.feature.user.is_empty()) {
        by_code.entry(p.feature.user.as_str()).or_default().push(p.land.area_mu);
    }
    codes.iter().map(|c| by_code.get(c?).map(|a| sorted_sum(a.iter().copied()))).collect()
}

/// A field of the buckets: its name and its value per group.
type Field = (String, Vec<Value>);

fn float_json(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn count_field(name: &str, groups: &Groups<&str>, counted: impl Fn(usize) -> bool) -> Field {
    (name.to_string(), groups.count(counted).into_iter().map(Value::from).collect())
}

fn sum_field(name: &str, sums: &[f64]) -> Field {
    (name.to_string(), sums.iter().map(|&x| float_json(x)).collect())
}

/// Per value of `all`, how many rows of each group have it.
fn tallies<T: Copy + PartialEq>(
    groups: &Groups<&str>,
    all: &[T],
    of_row: &[Option<T>],
    text: fn(T) -> &'static str,
) -> Vec<Field> {
    all.iter().map(|&v| count_field(text(v), groups, |r| of_row[r] == Some(v))).collect()
}

/// The buckets' fields other than status and class, in the order they are written.
fn bucket_fields(rows: &Rows, groups: &Groups<&str>) -> Vec<Field> {
    let mut fields = vec![(String::from("enterprises"), groups.sizes.iter().map(|&n| Value::from(n)).collect())];
    for (name, total) in TOTALS.iter().zip(&rows.totals) {
        fields.push(sum_field(name, &total.sums(groups)));
    }
    fields.push(count_field("zombies", groups, |r| rows.zombie[r]));
    fields.push(count_field("high_energy_emission", groups, |r| rows.high_emission[r]));
    fields.push(sum_field("reclaimable_mu", &rows.reclaimable_mu.sums(groups)));
    for (name, num, den) in &rows.intensities {
        let (n, d) = (num.sums(groups), den.sums(groups));
        fields.push((name.to_string(), n.iter().zip(&d).map(|(n, d)| float_json(n / d)).collect()));
    }
    fields
}

/// One JSON object per bucket (of [`Rows::groups`]), over codes with an enterprises row.
fn buckets(rows: &Rows, groups: &Groups<&str>) -> Map<String, Value> {
    let fields = bucket_fields(rows, groups);
    let status = tallies(groups, &Status::ALL, &rows.status, Status::as_str);
    let class = tallies(groups, &Class::ALL, &rows.class, Class::as_str);
    let mut out = Map::new();
    for (g, key) in groups.keys.iter().enumerate() {
        let object =
            |fields: &[Field]| fields.iter().map(|(name, v)| (name.clone(), v[g].clone())).collect::<Map<_, _>>();
        let mut entry = object(&fields);
        entry.insert("status".into(), Value::Object(object(&status)));
        entry.insert("class".into(), Value::Object(object(&class)));
        out.insert(key.to_string(), Value::Object(entry));
    }
    out
}

/// The yearly figures the summary compares with the year before.
pub const YOY_FIGURES: [&str; 4] = ["tax", "value_added", "revenue", "energy_tce"];

/// The yearly rows of the evaluation year and the year before of the codes with an
/// enterprises row: each one's code as its row in the rating frame, whether it is of the
/// evaluation year, and its [`YOY_FIGURES`].
struct YoyRows {
    rating_row: Vec<u32>,
    current: Vec<bool>,
    figures: Vec<Ascending>,
}

impl YoyRows {
    fn new(eval: &Evaluation, rows: &Rows) -> PolarsResult<Self> {
        let ids = eval.rating.frame.column("code_id")?.u32()?;
        let rating_row: HashMap<u32, u32> = ids
            .iter()
            .zip(0..)
            .filter(|&(_, r)| rows.has_row[r as usize])
            .filter_map(|(id, r)| Some((id?, r)))
            .collect();
        let y = &eval.yearly;
        let (ids, years, has_row) =
            (y.column("code_id")?.u32()?, y.column("year")?.i32()?, y.column("has_row")?.bool()?);
        let (mut picked, mut yoy) =
            (Vec::new(), YoyRows { rating_row: Vec::new(), current: Vec::new(), figures: Vec::new() });
        for (i, ((id, year), has)) in ids.iter().zip(years.iter()).zip(has_row.iter()).enumerate() {
            let in_years = year == Some(eval.year) || year == Some(eval.year - 1);
            if let Some(&r) = id.and_then(|id| rating_row.get(&id)).filter(|_| has == Some(true) && in_years) {
                picked.push(i as IdxSize);
                yoy.rating_row.push(r);
                yoy.current.push(year == Some(eval.year));
            }
        }
        let picked = IdxCa::from_vec("".into(), picked);
        for f in YOY_FIGURES {
            yoy.figures.push(Ascending::new(y.column(f)?.f64()?.take(&picked)?.iter()));
        }
        Ok(yoy)
    }
}

/// Year-over-year totals per bucket (of [`Rows::groups`]): the codes' figures this year and
/// the year before, each code counted in its bucket of the evaluation year.
fn yoy(rows: &YoyRows, buckets: &Groups<&str>) -> Map<String, Value> {
    let keys =
        rows.rating_row.iter().zip(&rows.current).map(|(&r, &current)| Some((buckets.of_row(r as usize)?, current)));
    let groups = Groups::new(keys);
    let sums: Vec<Vec<f64>> = rows.figures.iter().map(|f| f.sums(&groups)).collect();
    let mut out: Map<String, Value> = Map::new();
    for (g, &(bucket, current)) in groups.keys.iter().enumerate() {
        let entry = out.entry(buckets.keys[bucket].to_string()).or_insert_with(|| json!({}));
        let label = if current { "current" } else { "previous" };
        for (f, sums) in YOY_FIGURES.iter().zip(&sums) {
            entry[*f][label] = float_json(sums[g]);
        }
    }
    for entry in out.values_mut() {
        for f in YOY_FIGURES {
            let (cur, prev) = (entry[f]["current"].as_f64(), entry[f]["previous"].as_f64());
            entry[f]["change"] = match (cur, prev) {
                (Some(c), Some(p)) if p != 0.0 => json!((c - p) / p.abs()),
                _ => Value::Null,
            };
        }
    }
    out
}

/// Parks keyed by the parcels' own park for reclaimable land (SPEC §10) and their 低效
/// parcels' count and mu (SPEC §15).
fn parks(eval: &Evaluation, mut parks: Map<String, Value>) -> Map<String, Value> {
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
    parks
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
fn counties(eval: &Evaluation, mut counties: Map<String, Value>) -> Map<String, Value> {
    for (county, mu) in reclaimable_by_county(&eval.parcels) {
        let entry = counties.entry(county.bucket().to_string()).or_insert_with(|| json!({}));
        entry["reclaimable_mu"] = json!(mu);
    }
    counties
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
    let rows = Rows::new(eval)?;
    let yoy_rows = YoyRows::new(eval, &rows)?;
    let [group, park, industry] = ["group", "park", "industry"].map(|key| rows.groups(key));
    let (group, park, industry) = (group?, park?, industry?);
    let yoy_all: Map<String, Value> = [("groups", &group), ("parks", &park), ("industries", &industry)]
        .into_iter()
        .map(|(name, bucket)| (name.to_string(), Value::Object(yoy(&yoy_rows, bucket))))
        .collect();
    let frame = &eval.rating.frame;
    let mut summary = json!({
        "year": eval.year,
        "counts": { "status": counts(frame, "status")?, "class": counts(frame, "class")? },
        "groups": buckets(&rows, &group),
        "parks": parks(eval, buckets(&rows, &park)),
        "industries": buckets(&rows, &industry),
        "benchmarks": benchmarks(eval)?,
        "yoy": yoy_all,
        "alerts": alert_counts(eval),
    });
    if let Some(reviews) = &eval.commitments {
        summary["commitments"] = super::commitments::summary(reviews);
    }
    if eval.rating.partitioned {
        summary["counties"] = Value::Object(counties(eval, buckets(&rows, &rows.groups("county")?)));
    }
    summary["indicators"] = eval.work_report.to_json();
    Ok(serde_json::to_vec_pretty(&summary)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intensities_divide_the_totals_they_name() {
        let named = INTENSITIES.map(|(name, num, den)| (name, TOTALS[num], TOTALS[den]));
        assert_eq!(
            named,
            [
                ("tax_per_mu", "tax", "land_mu"),
                ("va_per_mu", "value_added", "land_mu"),
                ("revenue_per_mu", "revenue", "land_mu"),
                ("va_per_energy", "value_added", "energy_tce"),
            ]
        );
    }
}
