//! `report.html` (SPEC §10): one self-contained page a person reads — a map of the parcels
//! coloured by their user's class with reclaim blocks outlined (pan, zoom, hover and click),
//! score histograms per group, class counts per park, top and bottom lists, reclaim blocks
//! ranked by gain and data problems by kind, in English or Chinese.
//!
//! The module owns only the page: the caller fills a [`ReportData`] from the evaluation and
//! writes the string [`report_html`] returns. The page needs no network: its CSS and script
//! (`report/report.css`, `report/report.js`) are inlined, the charts and tables are static
//! HTML/SVG, and the map data is embedded as compact JSON (coordinates in decimetres relative
//! to the data's min corner, each ring delta-encoded, repeated strings interned). Above
//! [`MAX_PARCELS_DRAWN`] parcels the map draws each park as the convex hull of its parcels,
//! plus the blocks. When the page has rendered, its script sets `data-rendered="map charts"`
//! on `<body>`; a script error is recorded in `data-errors`.

mod labels;

use foldhash::{HashMap, HashMapExt};
use labels::{EN, Labels, ZH};
use serde::Serialize;
use std::fmt::Write as _;

/// Above this many parcels the map draws parks (convex hulls) and blocks, not every parcel.
pub const MAX_PARCELS_DRAWN: usize = 20_000;

const CSS: &str = include_str!("report/report.css");
const JS: &str = include_str!("report/report.js");
const ONERROR_JS: &str = "window.onerror=function(m,s,l,c){var b=document.body,e=b.dataset.errors;\
b.dataset.errors=(e?e+' | ':'')+m+' (line '+l+':'+c+')';};window.addEventListener('unhandledrejection',\
function(e){window.onerror('unhandled rejection: '+e.reason,'',0,0);});";

/// One parcel on the map.
#[derive(Debug, Clone, Default)]
pub struct ReportParcel {
    pub parcel_id: String,
    pub user: Option<String>,
    pub user_name: Option<String>,
    /// The user's class: A B C D T N, or none.
    pub class: Option<String>,
    pub park: Option<String>,
    pub area_mu: f64,
    pub block_id: Option<usize>,
    pub reasons: String,
    /// Metres, x east, y north: exterior then holes of each part, flattened.
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// One reclaim block (its rings are the union of its parcels).
#[derive(Debug, Clone, Default)]
pub struct ReportBlock {
    pub block_id: usize,
    pub area_mu: f64,
    pub current_tax: f64,
    pub potential_tax: f64,
    pub gain: f64,
    pub users: String,
    pub parcel_ids: String,
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// One row of the top or bottom list.
#[derive(Debug, Clone, Default)]
pub struct ReportEnterprise {
    pub credit_code: String,
    pub name: Option<String>,
    pub group: String,
    pub park: Option<String>,
    pub total_score: f64,
    pub rank: i64,
    pub class: String,
}

/// Everything the page shows.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub year: i32,
    pub zh: bool,
    pub parcels: Vec<ReportParcel>,
    pub blocks: Vec<ReportBlock>,
    /// Enterprises per class (A B C D T N).
    pub class_counts: Vec<(String, u64)>,
    /// Per park, enterprises per class.
    pub park_classes: Vec<(String, Vec<(String, u64)>)>,
    /// Per group, the total scores of its rated enterprises.
    pub scores: Vec<(String, Vec<f64>)>,
    pub top: Vec<ReportEnterprise>,
    pub bottom: Vec<ReportEnterprise>,
    /// Data problems: code, severity, count.
    pub problems: Vec<(String, String, u64)>,
}

/// The page as one HTML string.
pub fn report_html(data: &ReportData) -> String {
    let t = if data.zh { &ZH } else { &EN };
    let classes = ClassTable::new(data, t);
    let map = MapData::build(data, t, &classes);
    let mut html = String::with_capacity(4096 + data.parcels.len() * 160);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} {year}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<script>{ONERROR_JS}</script>\n",
        lang = if data.zh { "zh-CN" } else { "en" },
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
    html += &enterprise_table("top", t.top, &data.top, t, &classes);
    html += &enterprise_table("bottom", t.bottom, &data.bottom, t, &classes);
    html += &blocks_table(data, t);
    html += &problems_table(data, t);
    html += "</div>\n</main>\n";
    let _ = write!(
        html,
        "<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        script_json(&map)
    );
    html
}

/// Serialises `value` so it can sit inside a `<script>` element: every `<` (which JSON only
/// has inside strings) becomes `\u003c`, so no `</script>` or `<!--` can appear.
fn script_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    json.replace('<', "\\u003c")
}

/// HTML text and attribute escaping.
fn esc(text: &str) -> String {
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

/// `x` with `decimals` decimals and thousands separators; empty when not finite.
fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    if x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (k, digit) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Rounds to two decimals (for the embedded JSON).
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------------------------------------
// Classes

const CANONICAL: [&str; 6] = ["A", "B", "C", "D", "T", "N"];
const COLORS: [&str; 6] = ["#1a9850", "#91cf60", "#fdae61", "#d73027", "#74add1", "#8c8c8c"];
const OTHER_COLOR: &str = "#c2a5cf";
const NONE_COLOR: &str = "#dddddd";

/// The classes the page knows: A B C D T N, then any other code met, in order of appearance.
struct ClassTable {
    /// code, display name, colour
    entries: Vec<(String, String, &'static str)>,
}

impl ClassTable {
    fn new(data: &ReportData, t: &Labels) -> ClassTable {
        let mut entries: Vec<(String, String, &'static str)> = CANONICAL
            .iter()
            .zip(COLORS)
            .zip(t.class_names)
            .map(|((code, color), name)| (code.to_string(), name.to_string(), color))
            .collect();
        let seen = data
            .parcels
            .iter()
            .filter_map(|p| p.class.as_deref())
            .chain(data.class_counts.iter().map(|(c, _)| c.as_str()))
            .chain(data.park_classes.iter().flat_map(|(_, v)| v.iter().map(|(c, _)| c.as_str())))
            .chain(data.top.iter().chain(&data.bottom).map(|e| e.class.as_str()));
        for code in seen {
            if !code.is_empty() && !entries.iter().any(|(c, _, _)| c == code) {
                entries.push((code.to_string(), code.to_string(), OTHER_COLOR));
            }
        }
        ClassTable { entries }
    }

    fn index(&self, code: Option<&str>) -> i64 {
        code.and_then(|c| self.entries.iter().position(|(e, _, _)| e == c)).map_or(-1, |i| i as i64)
    }

    fn color(&self, code: &str) -> &'static str {
        self.entries.iter().find(|(c, _, _)| c == code).map_or(NONE_COLOR, |e| e.2)
    }

    /// A coloured badge with the class code, its name as tooltip.
    fn badge(&self, code: &str) -> String {
        let name = self.entries.iter().find(|(c, _, _)| c == code).map_or(code, |e| e.1.as_str());
        format!(
            "<span class=\"badge\" style=\"background:{}\" title=\"{}\">{}</span>",
            self.color(code),
            esc(name),
            esc(code)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Map data (embedded JSON)

/// A ring: integer decimetres, first point from the origin then deltas, `x0,y0,dx1,dy1,…`.
type Ring = Vec<i64>;
/// id, user index, class index, park index, area, block id, reasons index, rings (−1: none).
type ParcelRow<'a> = (&'a str, i64, i64, i64, f64, i64, i64, Vec<Ring>);
/// park index, parcels, area, main class index, hull ring, parcels per class (then none).
type HullRow = (i64, u64, f64, i64, Ring, Vec<u64>);
/// id, area, current tax, potential tax, gain, users, rings.
type BlockRow<'a> = (usize, f64, f64, f64, f64, &'a str, Vec<Ring>);

#[derive(Serialize)]
struct MapData<'a> {
    mode: &'static str,
    w: i64,
    h: i64,
    t: &'a Labels,
    classes: Vec<(&'a str, &'a str, &'static str)>,
    none_color: &'static str,
    users: Vec<(&'a str, Option<&'a str>)>,
    parks: Vec<&'a str>,
    reasons: Vec<&'a str>,
    parcels: Vec<ParcelRow<'a>>,
    hulls: Vec<HullRow>,
    blocks: Vec<BlockRow<'a>>,
    /// Histograms and class bars drawn (for the page's self-check).
    nhist: usize,
    nbars: usize,
}

/// Interns strings so each is written once.
struct Interner<'a> {
    index: HashMap<&'a str, usize>,
    items: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner { index: HashMap::new(), items: Vec::new() }
    }

    fn get(&mut self, key: &'a str) -> i64 {
        let next = self.items.len();
        let k = *self.index.entry(key).or_insert(next);
        if k == next {
            self.items.push(key);
        }
        k as i64
    }
}

/// Quantises coordinates to decimetres from the data's min corner.
struct Frame {
    x0: f64,
    y0: f64,
}

impl Frame {
    fn q(&self, p: [f64; 2]) -> [i64; 2] {
        [((p[0] - self.x0) * 10.0).round() as i64, ((p[1] - self.y0) * 10.0).round() as i64]
    }

    fn points(&self, ring: &[[f64; 2]]) -> Vec<[i64; 2]> {
        let mut out: Vec<[i64; 2]> = Vec::with_capacity(ring.len());
        for p in ring.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            let q = self.q(*p);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        if out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
        out
    }

    fn rings(&self, rings: &[Vec<[f64; 2]>]) -> Vec<Ring> {
        rings.iter().map(|r| self.points(r)).filter(|r| r.len() >= 3).map(|r| delta(&r)).collect()
    }
}

fn delta(points: &[[i64; 2]]) -> Ring {
    let mut out = Vec::with_capacity(points.len() * 2);
    let mut last = [0, 0];
    for p in points {
        out.push(p[0] - last[0]);
        out.push(p[1] - last[1]);
        last = *p;
    }
    out
}

/// The min corner and size (decimetres) of every finite coordinate of parcels and blocks.
fn frame(data: &ReportData) -> (Frame, i64, i64) {
    let all = data.parcels.iter().flat_map(|p| &p.rings).chain(data.blocks.iter().flat_map(|b| &b.rings));
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in all.flatten().filter(|p| p[0].is_finite() && p[1].is_finite()) {
        b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
    }
    if !b[0].is_finite() {
        return (Frame { x0: 0.0, y0: 0.0 }, 0, 0);
    }
    let frame = Frame { x0: b[0], y0: b[1] };
    let [w, h] = frame.q([b[2], b[3]]);
    (frame, w, h)
}

impl<'a> MapData<'a> {
    fn build(data: &'a ReportData, t: &'a Labels, classes: &'a ClassTable) -> MapData<'a> {
        let (frame, w, h) = frame(data);
        let by_parks = data.parcels.len() > MAX_PARCELS_DRAWN;
        let mut map = MapData {
            mode: if by_parks { "parks" } else { "parcels" },
            w,
            h,
            t,
            classes: classes.entries.iter().map(|(c, n, col)| (c.as_str(), n.as_str(), *col)).collect(),
            none_color: NONE_COLOR,
            users: Vec::new(),
            parks: Vec::new(),
            reasons: Vec::new(),
            parcels: Vec::new(),
            hulls: Vec::new(),
            blocks: data.blocks.iter().map(|b| block_row(b, &frame)).collect(),
            nhist: data.scores.iter().filter(|(_, v)| v.iter().any(|x| x.is_finite())).count(),
            nbars: data.park_classes.len() + usize::from(data.class_counts.iter().any(|(_, n)| *n > 0)),
        };
        let mut parks = Interner::new();
        if by_parks {
            map.hulls = hulls(data, classes, &frame, &mut parks, t);
        } else {
            map.parcels_rows(data, classes, &frame, &mut parks);
        }
        map.parks = parks.items;
        map
    }

    fn parcels_rows(&mut self, data: &'a ReportData, classes: &ClassTable, frame: &Frame, parks: &mut Interner<'a>) {
        let mut users = Interner::new();
        let mut reasons = Interner::new();
        let mut names: Vec<Option<&'a str>> = Vec::new();
        for p in &data.parcels {
            let user = p.user.as_deref().map_or(-1, |u| users.get(u));
            if user >= 0 && user as usize == names.len() {
                names.push(p.user_name.as_deref());
            }
            let row = (
                p.parcel_id.as_str(),
                user,
                classes.index(p.class.as_deref()),
                p.park.as_deref().map_or(-1, |k| parks.get(k)),
                round2(p.area_mu),
                p.block_id.map_or(-1, |b| b as i64),
                if p.reasons.is_empty() { -1 } else { reasons.get(&p.reasons) },
                frame.rings(&p.rings),
            );
            self.parcels.push(row);
        }
        self.users = users.items.into_iter().zip(names).collect();
        self.reasons = reasons.items;
    }
}

fn block_row<'a>(b: &'a ReportBlock, frame: &Frame) -> BlockRow<'a> {
    (
        b.block_id,
        round2(b.area_mu),
        round2(b.current_tax),
        round2(b.potential_tax),
        round2(b.gain),
        b.users.as_str(),
        frame.rings(&b.rings),
    )
}

/// One row per park (parcels without a park together): the convex hull of its parcels,
/// coloured by the class holding most of its area.
fn hulls<'a>(
    data: &'a ReportData,
    classes: &ClassTable,
    frame: &Frame,
    parks: &mut Interner<'a>,
    t: &'a Labels,
) -> Vec<HullRow> {
    struct Park {
        points: Vec<[i64; 2]>,
        parcels: u64,
        area: f64,
        class_area: Vec<f64>,
        counts: Vec<u64>,
    }
    let n = classes.entries.len();
    let mut acc: Vec<Park> = Vec::new();
    for p in &data.parcels {
        let k = parks.get(p.park.as_deref().unwrap_or(t.no_park)) as usize;
        if k == acc.len() {
            acc.push(Park {
                points: Vec::new(),
                parcels: 0,
                area: 0.0,
                class_area: vec![0.0; n],
                counts: vec![0; n + 1],
            });
        }
        let park = &mut acc[k];
        park.points.extend(p.rings.iter().flat_map(|r| frame.points(r)));
        park.parcels += 1;
        let area = if p.area_mu.is_finite() { p.area_mu } else { 0.0 };
        park.area += area;
        match usize::try_from(classes.index(p.class.as_deref())) {
            Ok(c) => {
                park.class_area[c] += area;
                park.counts[c] += 1;
            }
            Err(_) => park.counts[n] += 1,
        }
    }
    let mut rows = Vec::new();
    for (k, park) in acc.into_iter().enumerate() {
        let hull = convex_hull(park.points);
        if hull.is_empty() {
            continue;
        }
        let main = main_class(&park.class_area);
        rows.push((k as i64, park.parcels, round2(park.area), main, delta(&hull), park.counts));
    }
    rows
}

/// The index of the largest positive area, or −1.
fn main_class(areas: &[f64]) -> i64 {
    let mut best = -1;
    let mut best_area = 0.0;
    for (i, a) in areas.iter().enumerate() {
        if *a > best_area {
            best = i as i64;
            best_area = *a;
        }
    }
    best
}

/// Convex hull (Andrew's monotone chain), counter-clockwise; a degenerate set (a point or a
/// line) becomes its bounding box grown by 1 dm so it stays visible and hoverable.
fn convex_hull(mut points: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    if points.is_empty() {
        return points;
    }
    points.sort_unstable();
    points.dedup();
    let cross = |o: [i64; 2], a: [i64; 2], b: [i64; 2]| {
        (a[0] - o[0]) as i128 * (b[1] - o[1]) as i128 - (a[1] - o[1]) as i128 * (b[0] - o[0]) as i128
    };
    let mut hull: Vec<[i64; 2]> = Vec::with_capacity(points.len() + 1);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[i64; 2]>> =
            if pass == 0 { Box::new(points.iter()) } else { Box::new(points.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    if hull.len() >= 3 {
        return hull;
    }
    let (x0, x1) = (points.iter().map(|p| p[0]).min().unwrap_or(0), points.iter().map(|p| p[0]).max().unwrap_or(0));
    let (y0, y1) = (points.iter().map(|p| p[1]).min().unwrap_or(0), points.iter().map(|p| p[1]).max().unwrap_or(0));
    vec![[x0 - 1, y0 - 1], [x1 + 1, y0 - 1], [x1 + 1, y1 + 1], [x0 - 1, y1 + 1]]
}

// ---------------------------------------------------------------------------------------------
// Static sections

fn header(data: &ReportData, t: &Labels, classes: &ClassTable) -> String {
    let rated: u64 = data.class_counts.iter().map(|(_, n)| n).sum();
    let mut html = format!(
        "<header>\n<h1>{} <span class=\"year\">{}</span></h1>\n<p class=\"sub\">{} {} · {} {} · {} {}</p>\n<div class=\"chips\">",
        esc(t.title),
        data.year,
        num(data.parcels.len() as f64, 0),
        esc(t.parcels_n),
        num(data.blocks.len() as f64, 0),
        esc(t.blocks_n),
        num(rated as f64, 0),
        esc(t.enterprises_n),
    );
    for (code, n) in &data.class_counts {
        let _ = write!(html, "<span class=\"chip\">{} {}</span>", classes.badge(code), num(*n as f64, 0));
    }
    html + "</div>\n</header>\n"
}

fn map_section(data: &ReportData, t: &Labels, classes: &ClassTable, map: &MapData) -> String {
    let parks = map.mode == "parks";
    let mut legend = String::new();
    for (code, name, color) in &classes.entries {
        let used = CANONICAL.contains(&code.as_str()) || data.parcels.iter().any(|p| p.class.as_ref() == Some(code));
        if used {
            let _ = write!(legend, "<li><i style=\"background:{color}\"></i>{}</li>", esc(name));
        }
    }
    let _ = write!(legend, "<li><i style=\"background:{NONE_COLOR}\"></i>{}</li>", esc(t.no_class));
    if parks {
        let _ = write!(legend, "<li><i class=\"hull\"></i>{}</li>", esc(t.park_legend));
    }
    let _ = write!(legend, "<li><i class=\"blk\"></i>{}</li>", esc(t.block_legend));
    let note = if parks {
        format!(
            "{} ({} {} &gt; {})",
            esc(t.parks_note),
            num(data.parcels.len() as f64, 0),
            esc(t.parcels_n),
            num(MAX_PARCELS_DRAWN as f64, 0)
        )
    } else {
        format!(
            "{} {} · {} {}",
            num(data.parcels.len() as f64, 0),
            esc(t.parcels_n),
            num(data.blocks.len() as f64, 0),
            esc(t.blocks_n)
        )
    };
    format!(
        "<section class=\"card map-card\" id=\"map-card\" data-mode=\"{mode}\">\n<h2>{title}</h2>\n\
         <div class=\"map-wrap\" id=\"map-wrap\"><canvas id=\"map\" aria-label=\"{title}\"></canvas>\n\
         <ul class=\"legend\">{legend}</ul>\n<dl class=\"info\" id=\"map-info\"></dl>\n\
         <div class=\"zoom\"><button type=\"button\" data-zoom=\"in\" title=\"{zin}\">+</button>\
         <button type=\"button\" data-zoom=\"out\" title=\"{zout}\">−</button>\
         <button type=\"button\" data-zoom=\"fit\" title=\"{fit}\">⤢</button></div></div>\n\
         <p class=\"note\">{note}</p>\n</section>\n",
        mode = map.mode,
        title = esc(t.map),
        zin = esc(t.zoom_in),
        zout = esc(t.zoom_out),
        fit = esc(t.fit),
    )
}

fn scores_section(data: &ReportData, t: &Labels) -> String {
    let mut html =
        format!("<section class=\"card\" id=\"scores\">\n<h2>{}</h2>\n<div class=\"hists\">\n", esc(t.scores));
    for (group, values) in &data.scores {
        html += &histogram(group, values, t);
    }
    if data.scores.is_empty() {
        let _ = write!(html, "<p class=\"note\">{}</p>", esc(t.none_rated));
    }
    html + "</div>\n</section>\n"
}

const BINS: usize = 20;

/// An SVG histogram of one group's total scores (20 bins between its min and max).
fn histogram(group: &str, values: &[f64], t: &Labels) -> String {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut html = format!("<figure class=\"hist\"><figcaption><b>{}</b>", esc(group));
    if v.is_empty() {
        return html + &format!(" · {}</figcaption></figure>\n", esc(t.none_rated));
    }
    let median = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
    let _ = write!(html, " · n = {} · {} {}</figcaption>", num(v.len() as f64, 0), esc(t.median), num(median, 1));
    let lo = v[0];
    let hi = if v[v.len() - 1] > lo { v[v.len() - 1] } else { lo + 1.0 };
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0u64; BINS];
    for x in &v {
        counts[(((x - lo) / width) as usize).min(BINS - 1)] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    html += "<svg class=\"hist\" viewBox=\"0 0 300 150\" role=\"img\"><line class=\"axis\" x1=\"28\" y1=\"125\" x2=\"296\" y2=\"125\"/>";
    let bar_w = 268.0 / BINS as f64;
    for (i, c) in counts.iter().enumerate() {
        let h = 112.0 * *c as f64 / max as f64;
        let _ = write!(
            html,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}–{}: {c}</title></rect>",
            28.0 + bar_w * i as f64 + 0.5,
            125.0 - h,
            bar_w - 1.0,
            num(lo + width * i as f64, 1),
            num(lo + width * (i + 1) as f64, 1),
        );
    }
    let _ = writeln!(
        html,
        "<text x=\"28\" y=\"140\">{}</text><text x=\"296\" y=\"140\" text-anchor=\"end\">{}</text>\
         <text x=\"24\" y=\"18\" text-anchor=\"end\">{max}</text><text x=\"24\" y=\"125\" text-anchor=\"end\">0</text></svg></figure>",
        num(lo, 1),
        num(hi, 1)
    );
    html
}

fn park_classes_section(data: &ReportData, t: &Labels, classes: &ClassTable) -> String {
    let mut html = format!("<section class=\"card\" id=\"park-classes\">\n<h2>{}</h2>\n", esc(t.park_classes));
    let all_total: u64 = data.class_counts.iter().map(|(_, n)| n).sum();
    let max = data.park_classes.iter().map(|(_, v)| v.iter().map(|(_, n)| n).sum::<u64>()).max().unwrap_or(0).max(1);
    if all_total > 0 {
        html += &bar_row(t.all, &data.class_counts, all_total, classes, "all");
    }
    for (park, counts) in &data.park_classes {
        html += &bar_row(park, counts, max, classes, "");
    }
    if data.park_classes.is_empty() && all_total == 0 {
        let _ = write!(html, "<p class=\"note\">{}</p>", esc(t.empty));
    }
    html + "<ul class=\"legend inline\">"
        + &classes
            .entries
            .iter()
            .take(CANONICAL.len())
            .map(|(_, name, color)| format!("<li><i style=\"background:{color}\"></i>{}</li>", esc(name)))
            .collect::<String>()
        + "</ul>\n</section>\n"
}

/// One stacked bar: the label, segments per class (widths relative to `max`), the total.
fn bar_row(label: &str, counts: &[(String, u64)], max: u64, classes: &ClassTable, extra: &str) -> String {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let mut segments = String::new();
    let mut ordered: Vec<&(String, u64)> = counts.iter().filter(|(_, n)| *n > 0).collect();
    ordered.sort_by_key(|(c, _)| {
        let i = classes.index(Some(c));
        (i < 0, i)
    });
    for (code, n) in ordered {
        let _ = write!(
            segments,
            "<span style=\"width:{:.2}%;background:{}\" title=\"{}: {n}\"></span>",
            100.0 * *n as f64 / max as f64,
            classes.color(code),
            esc(code)
        );
    }
    format!(
        "<div class=\"bar-row {extra}\"><span class=\"lbl\" title=\"{l}\">{l}</span><span class=\"bar\">{segments}</span><span class=\"n\">{}</span></div>\n",
        num(total as f64, 0),
        l = esc(label),
    )
}

/// A table card; `rows` are already escaped cells.
fn table_card(id: &str, title: &str, note: &str, headers: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    let mut html = format!("<section class=\"card\" id=\"{id}\">\n<h2>{}</h2>\n{note}", esc(title));
    html += "<div class=\"scroll\"><table>\n<thead><tr>";
    for (h, n) in headers.iter().zip(numeric) {
        let _ = write!(html, "<th{}>{}</th>", if *n { " class=\"num\"" } else { "" }, esc(h));
    }
    html += "</tr></thead>\n<tbody>\n";
    for row in rows {
        html += "<tr>";
        for (cell, n) in row.iter().zip(numeric) {
            let _ = write!(html, "<td{}>{cell}</td>", if *n { " class=\"num\"" } else { "" });
        }
        html += "</tr>\n";
    }
    html + "</tbody></table></div>\n</section>\n"
}

fn enterprise_table(id: &str, title: &str, rows: &[ReportEnterprise], t: &Labels, classes: &ClassTable) -> String {
    let headers = [t.rank, t.code, t.name, t.group, t.park, t.score, t.class];
    let numeric = [true, false, false, false, false, true, false];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            vec![
                e.rank.to_string(),
                esc(&e.credit_code),
                esc(e.name.as_deref().unwrap_or("")),
                esc(&e.group),
                esc(e.park.as_deref().unwrap_or("")),
                num(e.total_score, 2),
                classes.badge(&e.class),
            ]
        })
        .collect();
    let note = if rows.is_empty() { format!("<p class=\"note\">{}</p>", esc(t.empty)) } else { String::new() };
    table_card(id, title, &note, &headers, &numeric, &cells)
}

const BLOCKS_LISTED: usize = 100;

fn blocks_table(data: &ReportData, t: &Labels) -> String {
    let mut blocks: Vec<&ReportBlock> = data.blocks.iter().collect();
    blocks.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.block_id.cmp(&b.block_id)));
    let cells: Vec<Vec<String>> = blocks
        .iter()
        .take(BLOCKS_LISTED)
        .map(|b| {
            vec![
                b.block_id.to_string(),
                num(b.area_mu, 2),
                num(b.current_tax, 2),
                num(b.potential_tax, 2),
                num(b.gain, 2),
                esc(&b.users),
                format!("<span class=\"ids\">{}</span>", esc(&b.parcel_ids.replace(';', "; "))),
            ]
        })
        .collect();
    let note = if blocks.is_empty() {
        format!("<p class=\"note\">{}</p>", esc(t.empty))
    } else if blocks.len() > BLOCKS_LISTED {
        format!("<p class=\"note\">{} {}</p>", esc(t.blocks_note), num(blocks.len() as f64, 0))
    } else {
        String::new()
    };
    let headers = [t.block, t.area, t.current, t.potential, t.gain, t.users, t.parcel_ids];
    let numeric = [true, true, true, true, true, false, false];
    table_card("blocks", t.blocks, &note, &headers, &numeric, &cells)
}

fn severity_rank(severity: &str) -> usize {
    ["error", "warning", "notice"].iter().position(|s| *s == severity).unwrap_or(3)
}

fn problems_table(data: &ReportData, t: &Labels) -> String {
    let mut problems: Vec<&(String, String, u64)> = data.problems.iter().collect();
    problems.sort_by(|a, b| severity_rank(&a.1).cmp(&severity_rank(&b.1)).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let cells: Vec<Vec<String>> = problems
        .iter()
        .map(|(code, severity, n)| {
            let rank = severity_rank(severity);
            let shown = t.severities.get(rank).copied().unwrap_or(severity);
            let class = ["error", "warning", "notice"].get(rank).copied().unwrap_or("other");
            vec![
                format!("<code>{}</code>", esc(code)),
                format!("<span class=\"sev {class}\">{}</span>", esc(shown)),
                num(*n as f64, 0),
            ]
        })
        .collect();
    let note =
        if problems.is_empty() { format!("<p class=\"note\">{}</p>", esc(t.no_problems)) } else { String::new() };
    table_card("problems", t.problems, &note, &[t.problem, t.severity, t.count], &[false, false, true], &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, s: f64) -> Vec<Vec<[f64; 2]>> {
        vec![vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]
    }

    fn sample(n: usize, zh: bool) -> ReportData {
        let side = (n as f64).sqrt().ceil() as usize;
        let classes = ["A", "B", "C", "D", "T", "N"];
        let parcels = (0..n)
            .map(|i| ReportParcel {
                parcel_id: format!("P{i}"),
                user: Some(format!("U{}", i / 3)),
                user_name: Some(format!("Firm {}", i / 3)),
                class: Some(classes[i % 6].to_string()),
                park: Some(format!("Park {}", i % 3)),
                area_mu: 1.5,
                block_id: (i % 50 == 0).then_some(i / 50),
                reasons: String::new(),
                rings: square(500_000.0 + (i % side) as f64 * 30.0, 3_000_000.0 + (i / side) as f64 * 30.0, 25.0),
            })
            .collect();
        ReportData {
            year: 2024,
            zh,
            parcels,
            blocks: vec![ReportBlock {
                block_id: 0,
                area_mu: 3.0,
                gain: 10.0,
                rings: square(500_000.0, 3_000_000.0, 55.0),
                ..Default::default()
            }],
            class_counts: vec![("A".into(), 3), ("D".into(), 1)],
            park_classes: vec![("Park 0".into(), vec![("A".into(), 2), ("D".into(), 1)])],
            scores: vec![("above".into(), vec![55.0, 70.0, 90.0])],
            top: vec![ReportEnterprise { credit_code: "X1".into(), class: "A".into(), rank: 1, ..Default::default() }],
            bottom: Vec::new(),
            problems: vec![("unmatched_code".into(), "warning".into(), 4)],
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

    #[test]
    fn names_cannot_close_the_script() {
        let mut data = sample(10, false);
        let evil = "</script><script>alert(1)</script><!--";
        data.parcels[0].user_name = Some(evil.into());
        data.parcels[1].parcel_id = evil.into();
        data.top[0].name = Some(evil.into());
        data.scores[0].0 = evil.into();
        let html = report_html(&data);
        assert!(!html.contains("<script>alert"));
        assert_eq!(html.matches("</script>").count(), 3);
        assert!(html.contains("&lt;/script&gt;"));
        let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let value: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(value["users"][0][1], evil);
        assert_eq!(value["parcels"][1][0], evil);
    }

    #[test]
    fn coordinates_are_compact_and_relative() {
        let html = report_html(&sample(4, false));
        let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let value: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(value["parcels"][0][7][0], serde_json::json!([0, 0, 250, 0, 0, 250, -250, 0]));
        assert_eq!(value["w"], 550);
    }

    #[test]
    fn parks_above_the_limit() {
        let html = report_html(&sample(MAX_PARCELS_DRAWN + 1, false));
        assert!(html.contains("data-mode=\"parks\""));
        let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let value: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
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

    #[test]
    fn deterministic() {
        assert_eq!(report_html(&sample(300, false)), report_html(&sample(300, false)));
    }

    #[test]
    fn hull_and_numbers() {
        let hull = convex_hull(vec![[0, 0], [10, 0], [5, 5], [10, 10], [0, 10], [5, 0]]);
        assert_eq!(hull, vec![[0, 0], [10, 0], [10, 10], [0, 10]]);
        assert_eq!(convex_hull(vec![[1, 1], [3, 1]]).len(), 4);
        assert_eq!(num(1234567.891, 2), "1,234,567.89");
        assert_eq!(num(-0.001, 2), "0.00");
        assert_eq!(num(-1000.0, 0), "-1,000");
        assert_eq!(num(f64::NAN, 2), "");
    }

    #[test]
    fn empty_data() {
        let html = report_html(&ReportData::default());
        assert!(html.contains("data-mode=\"parcels\""));
    }
}
