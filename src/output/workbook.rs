//! `enterprises.xlsx` (`--xlsx`): the results, a summary per group, park and industry, and
//! the data problems, one sheet each, for people who live in Excel.

use super::enterprises::EnterpriseTable;
use super::lang::Lang;
use super::xlsx::{Sheet, XCell, workbook};
use crate::domain::Class;
use crate::quality::Issue;
use serde_json::Value;

/// Summary columns, as summary.json names them.
const SUMMARY: [&str; 12] = [
    "enterprises",
    "land_mu",
    "tax",
    "value_added",
    "revenue",
    "energy_tce",
    "tax_per_mu",
    "va_per_mu",
    "zombies",
    "high_energy_emission",
    "reclaimable_mu",
    "surcharge_yuan",
];

fn summary_sheet(summary: &Value, lang: Lang) -> Sheet {
    let classes = Class::ALL.map(Class::as_str);
    let mut headers = vec!["kind".to_string(), "name".to_string()];
    headers.extend(classes.iter().map(|c| lang.value("class", c)));
    headers.extend(SUMMARY.iter().map(|s| s.to_string()));
    let mut rows = Vec::new();
    for kind in ["groups", "parks", "industries"] {
        let Some(entries) = summary[kind].as_object() else { continue };
        for (name, entry) in entries {
            let mut row = vec![XCell::Text(kind.into()), XCell::Text(lang.value("group", name))];
            let number = |v: &Value| v.as_f64().map_or(XCell::Empty, XCell::Number);
            row.extend(classes.iter().map(|c| number(&entry["class"][*c])));
            row.extend(SUMMARY.iter().map(|s| number(&entry[*s])));
            rows.push(row);
        }
    }
    let formats = headers.iter().map(|h| (h != "kind" && h != "name").then(|| "#,##0.00".to_string())).collect();
    let name = if lang == Lang::Zh { "汇总" } else { "summary" };
    Sheet { name: name.into(), headers, rows, number_formats: formats }
}

fn problems_sheet(issues: &[Issue], lang: Lang) -> Sheet {
    let headers = super::quality::HEADER.iter().map(|h| lang.header(h)).collect();
    let rows = issues
        .iter()
        .map(|i| {
            vec![
                XCell::Text(lang.value("severity", i.severity.as_str())),
                XCell::Text(i.table.clone()),
                if i.row == 0 { XCell::Empty } else { XCell::Integer(i.row as i64) },
                XCell::Text(i.key.clone()),
                XCell::Text(i.field.clone()),
                XCell::Text(i.code.to_string()),
                XCell::Text(i.message.clone()),
            ]
        })
        .collect();
    let name = if lang == Lang::Zh { "数据问题" } else { "data problems" };
    Sheet { name: name.into(), headers, rows, number_formats: vec![None; 7] }
}

/// The workbook's bytes.
pub fn enterprises_xlsx(
    table: &EnterpriseTable,
    summary: &Value,
    issues: &[Issue],
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let sheets = [table.results_sheet(lang), summary_sheet(summary, lang), problems_sheet(issues, lang)];
    workbook(&sheets).map_err(anyhow::Error::msg)
}
