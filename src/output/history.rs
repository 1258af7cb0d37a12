//! `history.csv` (SPEC §16): one row per code and year of the history with an enterprises row
//! that year — `credit_code, year, group, status, total_score, rank, class` — by code, then
//! year; UTF-8 with BOM like the other CSVs, Chinese headers and values with `--lang zh`.

use super::cells::{number, safe_text};
use super::lang::Lang;
use crate::pipeline::Evaluation;
use polars::prelude::*;

pub const HEADER: [&str; 7] = ["credit_code", "year", "group", "status", "total_score", "rank", "class"];

/// The code of each code id of the rating frame (which holds every code once).
pub fn codes_by_id(frame: &DataFrame) -> PolarsResult<Vec<&str>> {
    let (codes, ids) = (frame.column("code")?.str()?, frame.column("code_id")?.u32()?);
    let mut out = vec![""; frame.height()];
    for (code, id) in codes.iter().zip(ids.iter()) {
        if let (Some(code), Some(slot)) = (code, id.and_then(|id| out.get_mut(id as usize))) {
            *slot = code;
        }
    }
    Ok(out)
}

pub fn history_csv(eval: &Evaluation, lang: Lang, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let codes = codes_by_id(&eval.rating.frame)?;
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(HEADER.map(|h| lang.header(h)))?;
    for (id, r) in eval.history.rows() {
        csv.write_record([
            safe_text(codes.get(id as usize).copied().unwrap_or("")),
            r.year.to_string(),
            r.group.map_or(String::new(), |g| lang.value("group", g.as_str())),
            lang.value("status", r.status.as_str()),
            r.total_score.map_or(String::new(), number),
            r.rank.map_or(String::new(), |k| k.to_string()),
            lang.value("class", r.class.as_str()),
        ])?;
    }
    Ok(csv.flush()?)
}
