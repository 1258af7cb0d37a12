//! `low_efficiency.csv` (SPEC §15, clarification 8): every parcel where a 低效 test fires, in
//! file order, with its user, class, building figures and tests; UTF-8 with BOM, Chinese
//! headers and values with `--lang zh`. And the summary's 低效 count and mu per park.

use super::cells::{number, safe_text};
use super::lang::Lang;
use super::parcels::Users;
use crate::domain::NO_BUCKET;
use crate::industry;
use crate::numbers::sorted_sum;
use crate::parcels::{ParcelRow, ParcelTable};
use crate::pipeline::Evaluation;
use std::collections::BTreeMap;

pub const HEADER: [&str; 17] = [
    "parcel_id",
    "park",
    "credit_code",
    "name",
    "class",
    "industry",
    "area_mu",
    "floor_area_m2",
    "footprint_m2",
    "plot_ratio",
    "min_plot_ratio",
    "coverage",
    "tax_per_mu",
    "tax_per_mu_benchmark",
    "completion_due",
    "completed",
    "low_efficiency",
];

fn opt(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

/// The parcels where some test fires, in file order.
pub fn low_parcels(table: &ParcelTable) -> impl Iterator<Item = ParcelRow<'_>> {
    table.rows().filter(|p| !p.low_efficiency.tests.is_empty())
}

pub fn low_efficiency_csv(
    eval: &Evaluation,
    users: &Users<'_>,
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(HEADER.map(|h| lang.header(h)))?;
    for p in low_parcels(&eval.parcels) {
        let (f, i, low) = (p.feature, p.intensity, p.low_efficiency);
        let user = users.get(f.user.as_str());
        let tests: Vec<&str> = low.tests.iter().map(|&t| lang.low_test(t)).collect();
        csv.write_record([
            safe_text(&f.parcel_id),
            f.park.as_deref().map(safe_text).unwrap_or_default(),
            safe_text(&f.user),
            user.and_then(|u| u.name).map(safe_text).unwrap_or_default(),
            user.and_then(|u| u.class).map_or(String::new(), |c| lang.class(c).to_string()),
            user.and_then(|u| u.industry).map_or(String::new(), |t| safe_text(&industry::describe(t, lang))),
            number(p.land.area_mu),
            opt(i.floor_area_m2),
            opt(i.footprint_m2),
            opt(i.plot_ratio),
            opt(low.min_plot_ratio),
            opt(i.coverage),
            opt(low.tax_per_mu),
            opt(low.tax_benchmark),
            low.completion.due.map(|d| d.to_string()).unwrap_or_default(),
            low.completion.done.map(|d| d.to_string()).unwrap_or_default(),
            tests.join(";"),
        ])?;
    }
    Ok(csv.flush()?)
}

/// Per park (the parcel's own; `(none)` without one): the count and Σ area_mu of its 低效
/// parcels.
pub fn by_park(table: &ParcelTable) -> BTreeMap<String, (u64, f64)> {
    let mut parks: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for p in low_parcels(table) {
        parks.entry(p.feature.park.as_deref().unwrap_or(NO_BUCKET).to_string()).or_default().push(p.land.area_mu);
    }
    parks.into_iter().map(|(park, areas)| (park, (areas.len() as u64, sorted_sum(areas)))).collect()
}
