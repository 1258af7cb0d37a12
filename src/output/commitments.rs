//! `commitments.csv` (SPEC §14, clarification 3): one row per commitment in file order, UTF-8
//! with BOM, Chinese headers and review statuses with `--lang zh`; and the summary's
//! `commitments` object.

use super::cells::{number, safe_text};
use super::lang::Lang;
use crate::commitments::{CommitmentReviews, Review, TABLE};
use crate::domain::ReviewStatus;
use crate::input::tables::COMMITTED;
use crate::numbers::sorted_sum;
use crate::quality::Issue;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The header: the fixed head, three columns per committed indicator of the table, the tail.
pub fn column_names(reviews: &CommitmentReviews) -> Vec<String> {
    let mut names: Vec<String> =
        ["parcel_id", "credit_code", "name", "area_mu", "review_year", "review_status"].map(String::from).to_vec();
    for &k in &reviews.columns {
        for part in ["committed", "actual", "ratio"] {
            names.push(format!("{}_{part}", COMMITTED[k]));
        }
    }
    names.extend(
        [
            "penalty_investment",
            "penalty_tax",
            "penalty_other",
            "penalty_total",
            "idle_years",
            "idle_fee",
            "due_next_year",
            "dq",
        ]
        .map(String::from),
    );
    names
}

fn opt(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

fn row_cells(r: &Review, columns: &[usize], dq: Option<&BTreeSet<&'static str>>, lang: Lang) -> Vec<String> {
    let mut cells = vec![
        safe_text(&r.parcel_id),
        r.code.clone().unwrap_or_default(),
        r.name.as_deref().map(safe_text).unwrap_or_default(),
        opt(r.area_mu),
        r.review_year.map(|y| y.to_string()).unwrap_or_default(),
        lang.value("review_status", r.status.as_str()),
    ];
    for &k in columns {
        let i = &r.indicators[k];
        cells.extend([opt(i.committed), opt(i.actual), opt(i.ratio)]);
    }
    match &r.damages {
        Some(d) => cells.extend([opt(d.investment), opt(d.tax), opt(d.other), number(d.total)]),
        None => cells.extend([String::new(), String::new(), String::new(), String::new()]),
    }
    cells.extend([
        r.idle_years.to_string(),
        opt(r.idle_fee),
        r.due_next_year.to_string(),
        dq.map(|codes| codes.iter().copied().collect::<Vec<_>>().join(";")).unwrap_or_default(),
    ]);
    cells
}

/// Writes the CSV: a UTF-8 BOM, the header row, one row per commitment.
pub fn write_csv(
    reviews: &CommitmentReviews,
    issues: &[Issue],
    lang: Lang,
    w: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let mut dq: BTreeMap<usize, BTreeSet<&'static str>> = BTreeMap::new();
    for issue in issues.iter().filter(|i| i.table == TABLE && i.row >= 1) {
        dq.entry(issue.row).or_default().insert(issue.code);
    }
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(column_names(reviews).iter().map(|name| lang.header(name)))?;
    for r in &reviews.reviews {
        csv.write_record(row_cells(r, &reviews.columns, dq.get(&r.row), lang))?;
    }
    csv.flush()?;
    Ok(())
}

/// The summary's `commitments` (SPEC §14): counts per review_status, Σ penalty_total, idle
/// parcels (idle_years ≥ 1) and their mu, reviews due next year.
pub fn summary(reviews: &CommitmentReviews) -> Value {
    let mut status: serde_json::Map<String, Value> = serde_json::Map::new();
    for s in ReviewStatus::ALL {
        let n = reviews.reviews.iter().filter(|r| r.status == s).count();
        status.insert(s.as_str().to_string(), json!(n));
    }
    let idle: Vec<&Review> = reviews.reviews.iter().filter(|r| r.idle_years >= 1).collect();
    json!({
        "review_status": status,
        "penalty_total": sorted_sum(reviews.reviews.iter().filter_map(|r| r.damages.map(|d| d.total))),
        "idle_parcels": idle.len(),
        "idle_mu": sorted_sum(idle.iter().filter_map(|r| r.area_mu)),
        "due_next_year": reviews.reviews.iter().filter(|r| r.due_next_year).count(),
    })
}
