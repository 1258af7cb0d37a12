//! The work report's first paragraph (底数清, SPEC §17): the year's 规上 value added and
//! revenue, industrial tax and electricity with their growth, the counts of 规上, 新增规上 and
//! 营收过亿 enterprises, each against its target where one is set; per county as a table when
//! the run is partitioned. In the page's language.

use super::esc;
use super::page::{Col, table_card};
use crate::counties::indicators::{Figure, Indicators};
use crate::numbers::with_thousands as num;
use crate::output::Lang;

/// The section's words in one language.
struct Words {
    title: &'static str,
    county: &'static str,
    /// The seven indicators, then their units.
    names: [&'static str; 7],
    units: [&'static str; 7],
    change: &'static str,
    target: &'static str,
    met: &'static str,
    not_met: &'static str,
    unknown: &'static str,
    /// `{year}`, then the clauses.
    opening: &'static str,
    separator: &'static str,
    end: &'static str,
}

const EN: Words = Words {
    title: "Work report: the year in figures",
    county: "County",
    names: [
        "above-scale value added",
        "above-scale revenue",
        "industrial tax",
        "industrial electricity",
        "above-scale enterprises",
        "newly above scale",
        "enterprises with revenue over 100 million yuan",
    ],
    units: [" 万元", " 万元", " 万元", " kWh", "", "", ""],
    change: "on the year before",
    target: "target",
    met: "met",
    not_met: "not met",
    unknown: "cannot tell",
    opening: "In {year}: ",
    separator: "; ",
    end: ".",
};

const ZH: Words = Words {
    title: "工作报告：全年底数",
    county: "区县",
    names: ["规上工业增加值", "规上营业收入", "工业税收", "工业用电量", "规上企业", "新增规上企业", "营收过亿企业"],
    units: ["万元", "万元", "万元", "千瓦时", "家", "家", "家"],
    change: "同比",
    target: "目标",
    met: "完成",
    not_met: "未完成",
    unknown: "无法判断",
    opening: "{year}年，",
    separator: "；",
    end: "。",
};

/// A rate as a signed percentage with one decimal.
fn percent(rate: f64) -> String {
    let sign = if rate > 0.0 {
        "+"
    } else if rate < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{} %", num(rate.abs() * 100.0, 1))
}

/// An amount (2 decimals) or a count (none); `–` when missing.
fn amount(value: Option<f64>, count: bool) -> String {
    value.map_or("–".to_string(), |v| num(v, if count { 0 } else { 2 }))
}

/// One indicator as a clause: value, change and target.
fn clause(w: &Words, i: usize, f: &Figure, zh: bool) -> String {
    let count = i >= 4;
    let value = amount(f.current, count);
    let mut text = if zh {
        format!("{}{value}{}", w.names[i], w.units[i])
    } else {
        format!("{} {value}{}", w.names[i], w.units[i])
    };
    let mut notes = Vec::new();
    if let Some(change) = f.change {
        notes.push(format!("{}{}{}", w.change, if zh { "" } else { " " }, percent(change)));
    }
    if let Some(target) = f.target {
        let growth = matches!(i, 0 | 2 | 3);
        let shown = if growth { percent(target) } else { amount(Some(target), count) };
        let verdict = match f.met {
            Some(true) => w.met,
            Some(false) => w.not_met,
            None => w.unknown,
        };
        notes.push(if zh {
            format!("{}{shown}，{verdict}", w.target)
        } else {
            format!("{} {shown}, {verdict}", w.target)
        });
    }
    if !notes.is_empty() {
        let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
        text += &format!("{open}{}{close}", notes.join(if zh { "，" } else { "; " }));
    }
    text
}

/// The paragraph for one set of indicators.
pub(super) fn sentence(indicators: &Indicators, year: i32, lang: Lang) -> String {
    let (w, zh) = if lang == Lang::Zh { (&ZH, true) } else { (&EN, false) };
    let clauses: Vec<String> = indicators.figures.iter().enumerate().map(|(i, f)| clause(w, i, f, zh)).collect();
    format!("{}{}{}", w.opening.replace("{year}", &year.to_string()), clauses.join(w.separator), w.end)
}

/// The section: the paragraph over all counties, then a row per county when there are some.
pub(super) fn work_section(all: &Indicators, counties: &[(String, Indicators)], year: i32, lang: Lang) -> String {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let paragraph = format!("<p class=\"work\">{}</p>\n", esc(&sentence(all, year, lang)));
    let columns: Vec<(&str, Col)> =
        std::iter::once((w.county, Col::Text)).chain(w.names.iter().map(|n| (*n, Col::Num))).collect();
    let rows: Vec<Vec<String>> = counties
        .iter()
        .map(|(county, ind)| {
            let cells = ind.figures.iter().enumerate().map(|(i, f)| {
                let value = amount(f.current, i >= 4);
                f.change.map_or(value.clone(), |c| format!("{value} <small>{}</small>", esc(&percent(c))))
            });
            std::iter::once(esc(county)).chain(cells).collect()
        })
        .collect();
    table_card("work-report", w.title, &paragraph, &columns, &rows, true)
}
