//! `alerts.csv` (SPEC §16): one row per fired early-warning rule — `credit_code, name, park,
//! class, alert, evidence, month` — by code, then in the rules' order; UTF-8 with BOM like the
//! other CSVs, Chinese headers, class and rule names with `--lang zh` (the evidence stays
//! English).

use super::cells::safe_text;
use super::lang::Lang;
use crate::pipeline::Evaluation;

pub const HEADER: [&str; 7] = ["credit_code", "name", "park", "class", "alert", "evidence", "month"];

pub fn alerts_csv(eval: &Evaluation, lang: Lang, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let frame = &eval.rating.frame;
    let text = |name: &str| frame.column(name).and_then(|c| c.str().cloned());
    let (codes, names, parks, classes) = (text("code")?, text("name")?, text("park")?, text("class")?);
    let month = eval.alerts.month.map_or(String::new(), |m| m.to_string());
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(HEADER.map(|h| lang.header(h)))?;
    for i in eval.alerts.rows_by_code(frame)? {
        for alert in &eval.alerts.by_row[i] {
            csv.write_record([
                safe_text(codes.get(i).unwrap_or("")),
                safe_text(names.get(i).unwrap_or("")),
                safe_text(parks.get(i).unwrap_or("")),
                lang.value("class", classes.get(i).unwrap_or("")),
                lang.alert_rule(alert.rule).to_string(),
                safe_text(&alert.evidence),
                month.clone(),
            ])?;
        }
    }
    Ok(csv.flush()?)
}
