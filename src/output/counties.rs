//! `counties.csv` (SPEC §17, with `evaluation.partition = "county"`): one row per county —
//! `county, rated, land_mu, tax, tax_per_mu, tax_per_mu_yoy, va_per_mu, va_per_mu_yoy, a, b,
//! c, d, reclaimable_mu` — by tax_per_mu, highest first (then by county).
//!
//! Over the county's rated enterprises: their number, Σ land_mu and Σ tax; tax_per_mu and
//! va_per_mu as Σ numerator ÷ Σ land_mu over those where both are present (as summary.json's
//! intensities); the `_yoy` change of each against the year before, over the same enterprises
//! on the same land (the year before's tax and value added, today's land; missing when the
//! year before's intensity is 0 or missing); the class counts; and the reclaimable land of the
//! county's parcels. The empty county is written `(none)`.

use super::cells::{number, safe_text};
use super::lang::Lang;
use crate::counties::indicators::change;
use crate::domain::{Class, County, Status};
use crate::numbers::sorted_sum;
use crate::pipeline::Evaluation;
use crate::reclaim::reclaimable_by_county;
use foldhash::HashMap;
use polars::prelude::*;
use std::collections::BTreeMap;

pub const HEADER: [&str; 13] = [
    "county",
    "rated",
    "land_mu",
    "tax",
    "tax_per_mu",
    "tax_per_mu_yoy",
    "va_per_mu",
    "va_per_mu_yoy",
    "a",
    "b",
    "c",
    "d",
    "reclaimable_mu",
];

/// One county's row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountyRow {
    pub county: County,
    pub rated: u64,
    pub land_mu: f64,
    pub tax: f64,
    pub tax_per_mu: Option<f64>,
    pub tax_per_mu_yoy: Option<f64>,
    pub va_per_mu: Option<f64>,
    pub va_per_mu_yoy: Option<f64>,
    /// Rated enterprises in A, B, C, D.
    pub classes: [u64; 4],
    pub reclaimable_mu: f64,
}

/// A figure and the land it stands on, either missing.
type OnLand = (Option<f64>, Option<f64>);

/// One county's figures on land: tax and value added of the evaluation year and the year
/// before.
#[derive(Default)]
struct Intensities {
    tax: Vec<OnLand>,
    va: Vec<OnLand>,
    tax_before: Vec<OnLand>,
    va_before: Vec<OnLand>,
}

/// Σ numerator ÷ Σ land over the pairs where both are present and land > 0.
fn per_mu(pairs: &[OnLand]) -> Option<f64> {
    let both: Vec<(f64, f64)> =
        pairs.iter().filter_map(|&(n, land)| Some((n?, land?))).filter(|(_, land)| *land > 0.0).collect();
    let land = sorted_sum(both.iter().map(|(_, l)| *l));
    (land > 0.0).then(|| sorted_sum(both.iter().map(|(n, _)| *n)) / land)
}

/// The rows of every county of the rating, ordered as the file lists them.
pub fn county_rows(eval: &Evaluation) -> PolarsResult<Vec<CountyRow>> {
    let f = &eval.rating.frame;
    let (ids, status, class) = (f.column("code_id")?.u32()?, f.column("status")?.str()?, f.column("class")?.str()?);
    let (land, tax, va) = (f.column("land_mu")?.f64()?, f.column("tax")?.f64()?, f.column("value_added")?.f64()?);
    let before = year_before(eval)?;
    let mut rows: BTreeMap<&County, CountyRow> = BTreeMap::new();
    let mut intensities: HashMap<&County, Intensities> = HashMap::default();
    for (i, county) in eval.rating.county_of_rows().enumerate() {
        if status.get(i) != Some(Status::Rated.as_str()) {
            continue;
        }
        let row = rows.entry(county).or_insert_with(|| CountyRow { county: county.clone(), ..CountyRow::default() });
        row.rated += 1;
        if let Some(k) = class.get(i).and_then(Class::parse).and_then(|c| Class::RATED.iter().position(|r| *r == c)) {
            row.classes[k] += 1;
        }
        let (l, (tax_before, va_before)) =
            (land.get(i), ids.get(i).and_then(|id| before.get(&id)).copied().unwrap_or_default());
        let on_land = intensities.entry(county).or_default();
        on_land.tax.push((tax.get(i), l));
        on_land.va.push((va.get(i), l));
        on_land.tax_before.push((tax_before, l));
        on_land.va_before.push((va_before, l));
    }
    let reclaimable = reclaimable_by_county(&eval.parcels);
    let mut out: Vec<CountyRow> = rows
        .into_iter()
        .map(|(county, mut row)| {
            let on_land = &intensities[county];
            row.land_mu = sorted_sum(on_land.tax.iter().filter_map(|(_, l)| *l));
            row.tax = sorted_sum(on_land.tax.iter().filter_map(|(t, _)| *t));
            row.tax_per_mu = per_mu(&on_land.tax);
            row.va_per_mu = per_mu(&on_land.va);
            row.tax_per_mu_yoy = change(row.tax_per_mu, per_mu(&on_land.tax_before));
            row.va_per_mu_yoy = change(row.va_per_mu, per_mu(&on_land.va_before));
            row.reclaimable_mu = reclaimable.get(county).copied().unwrap_or(0.0);
            row
        })
        .collect();
    out.sort_by(|a, b| match (a.tax_per_mu, b.tax_per_mu) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.county.cmp(&b.county)),
        (x, y) => y.is_some().cmp(&x.is_some()).then_with(|| a.county.cmp(&b.county)),
    });
    Ok(out)
}

/// A code's tax and value added in one year, either missing.
type TaxAndVa = (Option<f64>, Option<f64>);

/// Each code's tax and value added of the year before, by code id (read off the columns: a
/// query would wait for the table engine's threads, busy writing the other outputs).
fn year_before(eval: &Evaluation) -> PolarsResult<HashMap<u32, TaxAndVa>> {
    let y = &eval.yearly;
    let (ids, year, has_row) = (y.column("code_id")?.u32()?, y.column("year")?.i32()?, y.column("has_row")?.bool()?);
    let (tax, va) = (y.column("tax")?.f64()?, y.column("value_added")?.f64()?);
    Ok((0..y.height())
        .filter(|&i| year.get(i) == Some(eval.year - 1) && has_row.get(i) == Some(true))
        .filter_map(|i| Some((ids.get(i)?, (tax.get(i), va.get(i)))))
        .collect())
}

pub fn counties_csv(eval: &Evaluation, lang: Lang, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(HEADER.map(|h| lang.header(h)))?;
    let optional = |x: Option<f64>| x.map_or(String::new(), number);
    for r in county_rows(eval)? {
        let [a, b, c, d] = r.classes.map(|n| n.to_string());
        csv.write_record([
            safe_text(r.county.bucket()),
            r.rated.to_string(),
            number(r.land_mu),
            number(r.tax),
            optional(r.tax_per_mu),
            optional(r.tax_per_mu_yoy),
            optional(r.va_per_mu),
            optional(r.va_per_mu_yoy),
            a,
            b,
            c,
            d,
            number(r.reclaimable_mu),
        ])?;
    }
    Ok(csv.flush()?)
}
