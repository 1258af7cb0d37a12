//! `enterprises.xlsx` (`--xlsx`): the results, a summary per group, park and industry, and
//! the data problems, one sheet each, for people who live in Excel.

use super::enterprises::EnterpriseTable;
use super::lang::Lang;
use super::xlsx::{Sheet, XCell, workbook};
use crate::domain::{Class, NO_BUCKET};
use crate::quality::Issue;
use serde_json::Value;

/// Summary columns, as summary.json names them, and whether each counts enterprises (an
/// integer).
const SUMMARY: [(&str, bool); 12] = [
    ("enterprises", true),
    ("land_mu", false),
    ("tax", false),
    ("value_added", false),
    ("revenue", false),
    ("energy_tce", false),
    ("tax_per_mu", false),
    ("va_per_mu", false),
    ("zombies", true),
    ("high_energy_emission", true),
    ("reclaimable_mu", false),
    ("surcharge_yuan", false),
];

/// A summary bucket's name as a person reads it: a group's name, an industry with its GB/T 4754
/// division, a park as it is; the bucket of none in words.
fn bucket_name(kind: &str, name: &str, lang: Lang) -> String {
    match kind {
        _ if name == NO_BUCKET && lang == Lang::Zh => "（无）".to_string(),
        "groups" => lang.value("group", name),
        "industries" if name != NO_BUCKET => crate::industry::describe(name, lang),
        _ => name.to_string(),
    }
}

/// The summary sheet: per group, park and industry, the counts per class (integers) and the
/// totals of summary.json, headers and names in `lang`.
fn summary_sheet(summary: &Value, lang: Lang) -> Sheet {
    let name = if lang == Lang::Zh { "名称" } else { "name" };
    let mut headers = vec![lang.header("kind"), name.to_string()];
    headers.extend(Class::ALL.iter().map(|&c| lang.class(c).to_string()));
    headers.extend(SUMMARY.iter().map(|(s, _)| lang.header(s)));
    let integer = |v: &Value| v.as_i64().map_or(XCell::Empty, XCell::Integer);
    let number = |v: &Value| v.as_f64().map_or(XCell::Empty, XCell::Number);
    let mut rows = Vec::new();
    for kind in ["groups", "parks", "industries"] {
        let Some(entries) = summary[kind].as_object() else { continue };
        for (name, entry) in entries {
            let mut row = vec![XCell::Text(lang.header(kind)), XCell::Text(bucket_name(kind, name, lang))];
            row.extend(Class::ALL.iter().map(|c| integer(&entry["class"][c.as_str()])));
            row.extend(
                SUMMARY.iter().map(|(s, counts)| if *counts { integer(&entry[*s]) } else { number(&entry[*s]) }),
            );
            rows.push(row);
        }
    }
    let counts = std::iter::repeat_n(true, Class::ALL.len()).chain(SUMMARY.iter().map(|(_, counts)| *counts));
    let formats = [None, None]
        .into_iter()
        .chain(counts.map(|c| Some(if c { "#,##0" } else { "#,##0.00" }.to_string())))
        .collect();
    let name = if lang == Lang::Zh { "汇总" } else { "summary" };
    Sheet { name: name.into(), headers, rows, number_formats: formats }
}

fn problems_sheet(issues: &[Issue], lang: Lang) -> Sheet {
    let headers = super::quality::HEADER.iter().map(|h| lang.header(h)).collect();
    let rows = issues
        .iter()
        .map(|i| {
            vec![
                XCell::Text(lang.severity(i.severity).to_string()),
                XCell::Text(lang.table(&i.table).to_string()),
                if i.row == 0 { XCell::Empty } else { XCell::Integer(i.row as i64) },
                XCell::Text(i.key.clone()),
                XCell::Text(i.field.clone()),
                XCell::Text(i.code.to_string()),
                XCell::Text(lang.message(i)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_summary_sheet_speaks_chinese_and_counts_in_integers() {
        let summary = json!({
            "groups": {"above": {"class": {"A": 3, "D": 1}, "enterprises": 4, "tax": 12.5, "zombies": 1}},
            "industries": {"1810": {"class": {"B": 2}, "enterprises": 2}, "(none)": {"enterprises": 1}},
        });
        let sheet = summary_sheet(&summary, Lang::Zh);
        assert_eq!(sheet.name, "汇总");
        assert_eq!(&sheet.headers[..4], ["类型", "名称", "优先发展类", "鼓励提升类"]);
        assert!(sheet.headers.iter().all(|h| !h.is_ascii()), "{:?}", sheet.headers);
        let above = &sheet.rows[0];
        assert_eq!(above[..3], [XCell::Text("组别".into()), XCell::Text("规上".into()), XCell::Integer(3)]);
        let column = |name: &str| sheet.headers.iter().position(|h| h == name).expect(name);
        assert_eq!(above[column("企业数")], XCell::Integer(4));
        assert_eq!(above[column("僵尸企业数")], XCell::Integer(1));
        assert_eq!(above[column("税收(万元)")], XCell::Number(12.5));
        let names: Vec<&XCell> = sheet.rows.iter().map(|r| &r[1]).collect();
        assert!(names.contains(&&XCell::Text("（无）".into())), "{names:?}");
        assert!(names.contains(&&XCell::Text("1810 纺织服装、服饰业".into())), "{names:?}");
        assert_eq!(sheet.number_formats[column("企业数")].as_deref(), Some("#,##0"));
    }
}
