//! `report.html` (SPEC §10): one self-contained page a person reads — the key figures (rated,
//! zombie and 双高 enterprises, surcharge total, reclaimable land), a map of the parcels
//! coloured by their user's class with reclaim blocks numbered, scattered plots marked and the
//! parcels of the firms to visit and the 低效 parcels outlined, park labels, a scale bar and a
//! north arrow (pan, zoom, hover and click), score histograms per group, class counts per park,
//! the firms to visit this month (early warnings with their evidence, and the fragile classes,
//! least stable first), each group's top and bottom enterprises with their class by year, the
//! zombie and 双高 enterprises, reclaim blocks ranked by gain, the land work of SPEC §14
//! (shortfalls with their damages, idle land, reviews due next year), the work report's figures
//! (per county when partitioned) and data problems by kind, in English or Chinese;
//! its tables keep every column at least as wide as its words at 1366×768, and a print
//! stylesheet lays it out on A4.
//!
//! The module owns only the page: the caller fills a [`ReportData`] from the evaluation and writes
//! it with [`write_report_html`] (or takes it as a string, [`report_html`]). The page needs no
//! network: its CSS and script (`report.css`, `report.js`) are inlined, the charts and tables are
//! static HTML/SVG, and the map data is embedded as compact JSON (coordinates in decimetres
//! relative to the data's min corner, each ring delta-encoded, repeated strings interned). Above
//! [`MAX_PARCELS_DRAWN`] parcels the map draws each park as the convex hull of its parcels, plus
//! the blocks and the scattered plots. When the page has rendered, its script sets
//! `data-rendered="pick map charts"` on `<body>`, with what it drew (`data-drawn`, `data-labels`,
//! `data-marks`, `data-extent`, …) for a browser test to check; a script error is recorded in
//! `data-errors`.
//!
//! Files: this one holds the data the page shows and assembles it; [`page`] writes the static
//! sections (header, charts, tables), [`map`] encodes the map's JSON, [`classes`] colours and
//! names the classes, [`shapes`] draws park hulls and score histograms, [`work`] writes the
//! work report's paragraph.

mod classes;
mod labels;
mod map;
mod page;
mod shapes;
mod work;

use super::Lang;
use crate::counties::indicators::Indicators;
use classes::ClassTable;
use geo::MultiPolygon;
use labels::{EN, ZH};
use map::MapData;
use page::{
    blocks_table, flagged, fragile_table, header, land_work_tables, map_section, park_classes_section, problems_table,
    rankings, scores_section, visits_table,
};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Above this many parcels the map draws parks (convex hulls) and blocks, not every parcel.
pub const MAX_PARCELS_DRAWN: usize = 20_000;

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");
const ONERROR_JS: &str = "window.onerror=function(m,s,l,c){var b=document.body,e=b.dataset.errors;\
b.dataset.errors=(e?e+' | ':'')+m+' (line '+l+':'+c+')';};window.addEventListener('unhandledrejection',\
function(e){window.onerror('unhandled rejection: '+e.reason,'',0,0);});";

/// One parcel on the map; its texts and geometry are borrowed from the evaluation (a nation
/// has millions of parcels: each is 168 bytes, where copy-on-write texts and geometry took
/// 224).
#[derive(Debug, Clone, Default)]
pub struct ReportParcel<'a> {
    pub parcel_id: &'a str,
    pub user: Option<&'a str>,
    pub user_name: Option<&'a str>,
    /// The user's class: A B C D T N, or none.
    pub class: Option<&'a str>,
    pub park: Option<&'a str>,
    pub area_mu: f64,
    pub block_id: Option<usize>,
    /// The reclaim reasons as a person reads them (in the page's language).
    pub reasons: String,
    /// A scattered plot (插花地), marked on the map.
    pub scattered: bool,
    /// A 低效 parcel (low_plot_ratio, low_coverage or overdue: a reclaim reason), outlined on
    /// the map.
    pub low_efficiency: bool,
    /// The user's early warnings but `fragile`, as a person reads them (outlined on the map).
    pub warnings: String,
    /// In metres, x east, y north.
    pub geometry: Option<&'a MultiPolygon<f64>>,
}

impl ReportParcel<'_> {
    /// Whether the map has a shape to draw for it (a polygon).
    pub fn has_shape(&self) -> bool {
        self.geometry.is_some_and(|g| !g.0.is_empty())
    }
}

/// One reclaim block (its geometry is the union of its parcels).
#[derive(Debug, Clone, Default)]
pub struct ReportBlock<'a> {
    pub block_id: usize,
    pub area_mu: f64,
    pub current_tax: f64,
    pub potential_tax: f64,
    pub gain: f64,
    /// The users' names (their codes where they have none).
    pub users: Vec<String>,
    pub parcel_ids: Vec<String>,
    /// In metres, x east, y north.
    pub geometry: Option<Cow<'a, MultiPolygon<f64>>>,
}

/// One row of an enterprise list (ranking, zombies, 双高); texts as a person reads them.
#[derive(Debug, Clone, Default)]
pub struct ReportEnterprise {
    pub credit_code: String,
    pub name: Option<String>,
    pub group: String,
    pub park: Option<String>,
    /// The industry with its GB/T 4754 division name.
    pub industry: Option<String>,
    pub total_score: Option<f64>,
    pub rank: Option<i64>,
    pub class: String,
    /// Why it is listed, when the list says (a zombie's fired rules).
    pub note: String,
    /// Its class in each year of the history, oldest first (the ranking lists).
    pub trend: Vec<(i32, String)>,
}

/// One fired early-warning rule (SPEC §16), for the firms to visit this month.
#[derive(Debug, Clone, Default)]
pub struct ReportAlert {
    pub firm: ReportEnterprise,
    /// The rule as a person reads it.
    pub rule: String,
    pub evidence: String,
}

/// A firm whose class perturbed weights often change (the `fragile` warning).
#[derive(Debug, Clone, Default)]
pub struct ReportFragile {
    pub firm: ReportEnterprise,
    /// The share of draws giving its class.
    pub stability: f64,
    /// Its classes over the draws: `B-C`.
    pub range: String,
}

/// One group's top and bottom enterprises (never mixed with the other group's).
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// The group as a person reads it.
    pub group: String,
    /// The group's code (`above`, `below`), for the tables' ids.
    pub key: String,
    pub top: Vec<ReportEnterprise>,
    pub bottom: Vec<ReportEnterprise>,
}

/// The figures a reader looks for first (summary.json's totals).
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub rated: u64,
    pub zombies: u64,
    pub high_emission: u64,
    pub surcharge_yuan: f64,
    pub reclaimable_mu: f64,
}

/// One kind of data problem: its code, its name and an example message in the page's
/// language, its severity and how many were met.
#[derive(Debug, Clone, Default)]
pub struct ReportProblem {
    pub code: String,
    pub name: String,
    /// error, warning or notice.
    pub severity: String,
    pub count: u64,
    pub example: String,
}

/// One 标准地 commitment in a land-work list (SPEC §14): texts in the page's language.
#[derive(Debug, Clone, Default)]
pub struct ReportReview {
    pub parcel_id: String,
    /// The committed enterprise's name (its code where it has none).
    pub name: String,
    pub area_mu: Option<f64>,
    pub review_year: Option<i32>,
    /// What the list says of it: the short indicators with their ratios, or the idle years.
    pub detail: String,
    /// Damages (shortfalls) or the idle fee (idle land), 万元.
    pub amount: Option<f64>,
}

/// The land work of SPEC §14: shortfalls with their damages, idle land, reviews due next year.
#[derive(Debug, Clone, Default)]
pub struct LandWork {
    pub shortfalls: Vec<ReportReview>,
    pub idle: Vec<ReportReview>,
    pub due_next_year: Vec<ReportReview>,
}

/// Everything the page shows.
#[derive(Debug, Clone, Default)]
pub struct ReportData<'a> {
    pub year: i32,
    pub lang: Lang,
    pub parcels: Vec<ReportParcel<'a>>,
    pub blocks: Vec<ReportBlock<'a>>,
    pub figures: Figures,
    /// Enterprises per class (A B C D T N).
    pub class_counts: Vec<(String, u64)>,
    /// Per park, enterprises per class.
    pub park_classes: Vec<(String, Vec<(String, u64)>)>,
    /// Per group (as a person reads it), the total scores of its rated enterprises.
    pub scores: Vec<(String, Vec<f64>)>,
    pub rankings: Vec<Ranking>,
    /// The early warning's latest month M.
    pub month: Option<u32>,
    /// The fired early-warning rules but `fragile`, by rule then code.
    pub visits: Vec<ReportAlert>,
    /// The fragile firms, least stable first.
    pub fragile: Vec<ReportFragile>,
    pub zombies: Vec<ReportEnterprise>,
    pub high_emission: Vec<ReportEnterprise>,
    pub problems: Vec<ReportProblem>,
    /// `None` without a commitments table (the section is left out).
    pub land_work: Option<LandWork>,
    /// The work report's indicators over all counties, then per county when partitioned.
    pub indicators: Indicators,
    pub county_indicators: Vec<(String, Indicators)>,
}

/// The page as one HTML string (see [`write_report_html`]).
pub fn report_html(data: &ReportData<'_>) -> String {
    let mut page = Vec::new();
    // Writing to memory does not fail, and the page is UTF-8 throughout.
    let _ = write_report_html(data, &mut page);
    String::from_utf8(page).unwrap_or_default()
}

/// Writes the page to `w`: its sections, then the map's data streamed into its `<script>`
/// element, never held whole beside the page (a province's is over 3 MB).
pub fn write_report_html(data: &ReportData<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let zh = data.lang == Lang::Zh;
    let t = if zh { &ZH } else { &EN };
    let classes = ClassTable::new(data, t);
    let map = MapData::build(data, t, &classes);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} {year}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<script>{ONERROR_JS}</script>\n",
        lang = if zh { "zh-CN" } else { "en" },
        title = esc(t.title),
        year = data.year,
    );
    html += &header(data, t, &classes);
    html += "<main>\n<div class=\"top-grid\">\n";
    html += &map_section(data, t, &classes, &map);
    html += "<div class=\"side\">\n";
    html += &scores_section(data, t);
    html += &park_classes_section(data, t, &classes);
    html += "</div>\n</div>\n<div class=\"tables\">\n";
    html += &visits_table(data, t, &classes);
    html += &fragile_table(data, t, &classes);
    html += &rankings(data, t, &classes);
    html += &flagged(data, t, &classes);
    html += &blocks_table(data, t);
    html += &land_work_tables(data, t);
    html += &work::work_section(&data.indicators, &data.county_indicators, data.year, data.lang);
    html += &problems_table(data, t);
    html += "</div>\n</main>\n<script type=\"application/json\" id=\"report-data\">";
    w.write_all(html.as_bytes())?;
    drop(html);
    write_script_json(&map, w)?;
    write!(w, "</script>\n<script>\n{JS}</script>\n</body>\n</html>\n")
}

/// Serialises `value` so it can sit inside a `<script>` element: every `<` (which JSON only
/// has inside strings) becomes `\u003c`, so no `</script>` or `<!--` can appear.
fn write_script_json<T: Serialize>(value: &T, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer(ScriptSafe(w), value).map_err(std::io::Error::other)
}

/// A writer that writes each `<` as `\u003c` (a byte of its own in UTF-8, never part of
/// another character).
struct ScriptSafe<'w>(&'w mut dyn std::io::Write);

impl std::io::Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (i, part) in buf.split(|b| *b == b'<').enumerate() {
            if i > 0 {
                self.0.write_all(b"\\u003c")?;
            }
            self.0.write_all(part)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// HTML text and attribute escaping.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Rounds to two decimals (for the embedded JSON).
pub(super) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        let ring = vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
        MultiPolygon::new(vec![geo::Polygon::new(ring.into(), Vec::new())])
    }

    /// Test data held for the whole test run, as the evaluation holds what a report borrows.
    fn kept<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn sample(n: usize, zh: bool) -> ReportData<'static> {
        let side = (n as f64).sqrt().ceil() as usize;
        let classes = ["A", "B", "C", "D", "T", "N"];
        let parcels = (0..n)
            .map(|i| ReportParcel {
                parcel_id: format!("P{i}").leak(),
                user: Some(format!("U{}", i / 3).leak()),
                user_name: Some(format!("Firm {}", i / 3).leak()),
                class: Some(classes[i % 6]),
                park: Some(format!("Park {}", i % 3).leak()),
                area_mu: 1.5,
                block_id: (i % 50 == 0).then_some(i / 50),
                reasons: String::new(),
                scattered: i % 7 == 0,
                low_efficiency: i % 11 == 0,
                warnings: if i % 5 == 0 { "power_drop".into() } else { String::new() },
                geometry: Some(kept(square(
                    500_000.0 + (i % side) as f64 * 30.0,
                    3_000_000.0 + (i / side) as f64 * 30.0,
                    25.0,
                ))),
            })
            .collect();
        let top = vec![ReportEnterprise {
            credit_code: "X1".into(),
            class: "A".into(),
            rank: Some(1),
            trend: vec![(2023, "B".into()), (2024, "A".into())],
            ..Default::default()
        }];
        let firm = |code: &str, class: &str| ReportEnterprise {
            credit_code: code.into(),
            class: class.into(),
            ..Default::default()
        };
        ReportData {
            year: 2024,
            lang: if zh { Lang::Zh } else { Lang::En },
            parcels,
            blocks: vec![ReportBlock {
                block_id: 0,
                area_mu: 3.0,
                gain: 10.0,
                geometry: Some(Cow::Owned(square(500_000.0, 3_000_000.0, 55.0))),
                ..Default::default()
            }],
            class_counts: vec![("A".into(), 3), ("D".into(), 1)],
            park_classes: vec![("Park 0".into(), vec![("A".into(), 2), ("D".into(), 1)])],
            scores: vec![("above".into(), vec![55.0, 70.0, 90.0])],
            rankings: vec![Ranking { group: "above".into(), key: "above".into(), top, bottom: Vec::new() }],
            month: Some(9),
            visits: vec![ReportAlert {
                firm: firm("X2", "C"),
                rule: "power_drop".into(),
                evidence: "2024-07..09 kWh −42%, −38%, −51% y/y".into(),
            }],
            fragile: vec![ReportFragile { firm: firm("X3", "B"), stability: 0.62, range: "B-C".into() }],
            problems: vec![ReportProblem {
                code: "unmatched_code".into(),
                name: "unmatched_code".into(),
                severity: "warning".into(),
                count: 4,
                example: String::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn self_contained() {
        let html = report_html(&sample(100, false));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<link") && !html.contains(" src="));
        assert!(html.contains("data-mode=\"parcels\""));
        assert!(html.contains("<svg class=\"hist\""));
    }

    /// A nation's report holds one per parcel, millions, beside the evaluation.
    #[test]
    fn a_report_parcel_stays_small() {
        assert!(std::mem::size_of::<ReportParcel>() <= 168, "{}", std::mem::size_of::<ReportParcel>());
    }

    #[test]
    fn names_cannot_close_the_script() {
        let mut data = sample(10, false);
        let evil = "</script><script>alert(1)</script><!--";
        data.parcels[0].user_name = Some(evil);
        data.parcels[1].parcel_id = evil;
        data.rankings[0].top[0].name = Some(evil.into());
        data.scores[0].0 = evil.into();
        let html = report_html(&data);
        assert!(!html.contains("<script>alert"));
        assert_eq!(html.matches("</script>").count(), 3);
        assert!(html.contains("&lt;/script&gt;"));
        let value = map_json(&html);
        assert_eq!(value["users"][0][1], evil);
        assert_eq!(value["parcels"][1][0], evil);
    }

    #[test]
    fn coordinates_are_compact_and_relative() {
        let html = report_html(&sample(4, false));
        let value = map_json(&html);
        assert_eq!(value["parcels"][0][7][0], serde_json::json!([0, 0, 250, 0, 0, 250, -250, 0]));
        assert_eq!(value["w"], 550);
    }

    #[test]
    fn parks_above_the_limit() {
        let html = report_html(&sample(MAX_PARCELS_DRAWN + 1, false));
        assert!(html.contains("data-mode=\"parks\""));
        let value = map_json(&html);
        assert_eq!(value["parcels"].as_array().unwrap().len(), 0);
        assert_eq!(value["hulls"].as_array().unwrap().len(), 3);
        assert_eq!(value["blocks"].as_array().unwrap().len(), 1);
        assert!(html.len() < 200_000, "{}", html.len());
        let below = report_html(&sample(MAX_PARCELS_DRAWN, false));
        assert!(below.contains("data-mode=\"parcels\""));
    }

    #[test]
    fn chinese_labels() {
        let html = report_html(&sample(10, true));
        for label in [
            "A 优先发展类",
            "B 鼓励提升类",
            "C 帮扶转型类",
            "D 倒逼整治类",
            "T 免评/新投产",
            "N 未评价",
            "亩产效益评价报告",
        ] {
            assert!(html.contains(label), "{label}");
        }
        assert!(html.contains("lang=\"zh-CN\""));
        assert!(!report_html(&sample(10, false)).contains("优先发展"));
    }

    /// The map's data embedded in the page.
    fn map_json(html: &str) -> serde_json::Value {
        let start = html.find("id=\"report-data\">").expect("map data") + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").expect("end");
        serde_json::from_str(&html[start..end]).expect("json")
    }

    /// The section with id `id`, up to its end.
    fn section<'a>(html: &'a str, id: &str) -> &'a str {
        let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("{id}"));
        &html[start..start + html[start..].find("</section>").expect("end")]
    }

    #[test]
    fn visits_fragile_firms_and_trends() {
        let html = report_html(&sample(10, false));
        let visits = section(&html, "visits");
        assert!(visits.contains("To visit this month (month 9)"), "{visits}");
        assert!(visits.contains("<td>power_drop</td>") && visits.contains("2024-07..09 kWh −42%, −38%, −51% y/y"));
        let fragile = section(&html, "fragile");
        assert!(fragile.contains(">62%</td>") && fragile.contains(">B-C</td>"), "{fragile}");
        let top = section(&html, "top-above");
        assert!(top.contains("<small>2023</small> <span title=\"2023\">"), "{top}");
        assert!(top.contains("</span></span><span title=\"2024\"><span class=\"badge\""), "{top}");
        assert!(!top.contains(">Class</th>"), "the class by year ends with this year's");
        assert!(report_html(&sample(10, true)).contains("本月走访企业（9月）"));
        // Every fifth parcel's user has a warning: the map outlines it, its panel names it.
        let value = map_json(&html);
        assert_eq!((&value["parcels"][0][9], &value["parcels"][1][9]), (&serde_json::json!(0), &serde_json::json!(-1)));
        assert_eq!(value["warnings"], serde_json::json!(["power_drop"]));
        assert!(section(&html, "map-card").contains("<i class=\"wrn\"></i>Firm to visit this month"));
        // Nothing fired, no month: the sections say so.
        let quiet =
            report_html(&ReportData { month: None, visits: Vec::new(), fragile: Vec::new(), ..sample(10, false) });
        assert!(section(&quiet, "visits").ends_with("To visit this month</h2>\n<p class=\"note\">None.</p>"));
        assert!(section(&quiet, "fragile").contains("<p class=\"note\">None.</p>"));
    }

    #[test]
    fn deterministic() {
        assert_eq!(report_html(&sample(300, false)), report_html(&sample(300, false)));
    }

    #[test]
    fn empty_data() {
        let html = report_html(&ReportData::default());
        assert!(html.contains("data-mode=\"parcels\""));
    }
}
