//! The page's static sections: header with the key figures, map frame (legend below it,
//! scale bar and north arrow on it), score histograms, classes per park, the firms to visit
//! this month and the fragile ones, rankings per group (each firm's class by year), zombie and
//! 双高 enterprises, reclaim blocks and data problems, as HTML/SVG.

use super::classes::{ClassTable, NONE_COLOR};
use super::labels::Labels;
use super::map::MapData;
use super::shapes::histogram;
use super::{MAX_PARCELS_DRAWN, ReportBlock, ReportData, ReportEnterprise, ReportParcel, ReportReview, esc};
use crate::domain::{Class, NO_BUCKET};
use crate::numbers::with_thousands as num;
use crate::quality::Severity;
use std::fmt::Write as _;

pub(super) fn header(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
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
    html + "</div>\n" + &figures(data, t) + "</header>\n"
}

/// The key figures: rated enterprises, zombies, 双高, surcharge total, reclaimable land.
fn figures(data: &ReportData<'_>, t: &Labels) -> String {
    let f = &data.figures;
    let items = [
        ("rated", num(f.rated as f64, 0), t.fig_rated),
        ("zombies", num(f.zombies as f64, 0), t.fig_zombies),
        ("high-emission", num(f.high_emission as f64, 0), t.fig_high),
        ("surcharge", num(f.surcharge_yuan, 0), t.fig_surcharge),
        ("reclaimable", num(f.reclaimable_mu, 2), t.fig_reclaimable),
    ];
    let mut html = format!("<section class=\"figures\" id=\"figures\" aria-label=\"{}\">", esc(t.figures));
    for (key, value, label) in items {
        let _ = write!(html, "<div class=\"fig\" data-fig=\"{key}\"><b>{value}</b><span>{}</span></div>", esc(label));
    }
    html + "</section>\n"
}

pub(super) fn map_section(data: &ReportData<'_>, t: &Labels, classes: &ClassTable, map: &MapData) -> String {
    let parks = map.mode == "parks";
    let mut legend = String::new();
    for (code, name, color) in &classes.entries {
        let used = Class::parse(code).is_some() || data.parcels.iter().any(|p| p.class == Some(code.as_str()));
        if used {
            let _ = write!(legend, "<li><i style=\"background:{color}\"></i>{}</li>", esc(name));
        }
    }
    let _ = write!(legend, "<li><i style=\"background:{NONE_COLOR}\"></i>{}</li>", esc(t.no_class));
    if parks {
        let _ = write!(legend, "<li><i class=\"hull\"></i>{}</li>", esc(t.park_legend));
    }
    let _ = write!(legend, "<li><i class=\"blk\"></i>{}</li>", esc(t.block_legend));
    let _ = write!(legend, "<li><i class=\"sct\"></i>{}</li>", esc(t.scattered_legend));
    if data.parcels.iter().any(|p| p.low_efficiency) {
        let _ = write!(legend, "<li><i class=\"low\"></i>{}</li>", esc(t.low_legend));
    }
    if !parks && data.parcels.iter().any(|p| !p.warnings.is_empty()) {
        let _ = write!(legend, "<li><i class=\"wrn\"></i>{}</li>", esc(t.warned_legend));
    }
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
         <dl class=\"info\" id=\"map-info\"></dl>\n\
         <div class=\"zoom\"><button type=\"button\" data-zoom=\"in\" title=\"{zin}\">+</button>\
         <button type=\"button\" data-zoom=\"out\" title=\"{zout}\">−</button>\
         <button type=\"button\" data-zoom=\"fit\" title=\"{fit}\">⤢</button></div>\n\
         <div class=\"north\" id=\"map-north\" title=\"{north}\"><svg viewBox=\"0 0 24 34\" aria-hidden=\"true\">\
         <path d=\"M12 2 L20 24 L12 19 L4 24 Z\"/></svg><span>{north}</span></div>\n\
         <div class=\"scale\" id=\"map-scale\"><i></i><span></span></div></div>\n\
         <ul class=\"legend map-legend\" id=\"map-legend\">{legend}</ul>\n\
         <p class=\"note\" id=\"map-note\"><span class=\"hint\">{hint}</span> · {note}</p>\n</section>\n",
        mode = map.mode,
        title = esc(t.map),
        zin = esc(t.zoom_in),
        zout = esc(t.zoom_out),
        fit = esc(t.fit),
        north = esc(t.north),
        hint = esc(if data.parcels.iter().any(ReportParcel::has_shape) { t.hint } else { t.no_geometry }),
    )
}

pub(super) fn scores_section(data: &ReportData<'_>, t: &Labels) -> String {
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

pub(super) fn park_classes_section(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
    let mut html = format!("<section class=\"card\" id=\"park-classes\">\n<h2>{}</h2>\n", esc(t.park_classes));
    let all_total: u64 = data.class_counts.iter().map(|(_, n)| n).sum();
    let max = data.park_classes.iter().map(|(_, v)| v.iter().map(|(_, n)| n).sum::<u64>()).max().unwrap_or(0).max(1);
    if all_total > 0 {
        html += &bar_row(t.all, &data.class_counts, all_total, classes, "all");
    }
    for (park, counts) in &data.park_classes {
        let park = if park == NO_BUCKET { t.no_park } else { park };
        html += &bar_row(park, counts, max, classes, "");
    }
    if data.park_classes.is_empty() && all_total == 0 {
        let _ = write!(html, "<p class=\"note\">{}</p>", esc(t.empty));
    }
    html + "<ul class=\"legend inline\">"
        + &classes
            .entries
            .iter()
            .take(Class::ALL.len())
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

/// How a column's cells are laid out: numbers right-aligned and never wrapped, codes never
/// wrapped, names and other text wrapped at a readable minimum width.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Num,
    Code,
    Name,
    Text,
}

impl Col {
    fn class(self) -> &'static str {
        match self {
            Col::Num => " class=\"num\"",
            Col::Code => " class=\"code\"",
            Col::Name => " class=\"name\"",
            Col::Text => "",
        }
    }
}

/// A table card; `rows` are already escaped cells. `wide` cards span the page.
pub(super) fn table_card(
    id: &str,
    title: &str,
    note: &str,
    columns: &[(&str, Col)],
    rows: &[Vec<String>],
    wide: bool,
) -> String {
    let wide = if wide { " wide" } else { "" };
    let mut html = format!("<section class=\"card{wide}\" id=\"{id}\">\n<h2>{}</h2>\n{note}", esc(title));
    if rows.is_empty() {
        return html + "</section>\n";
    }
    html += "<div class=\"scroll\"><table>\n<thead><tr>";
    for (h, c) in columns {
        let _ = write!(html, "<th{}>{}</th>", c.class(), esc(h));
    }
    html += "</tr></thead>\n<tbody>\n";
    for row in rows {
        html += "<tr>";
        for (cell, (_, c)) in row.iter().zip(columns) {
            let _ = write!(html, "<td{}>{cell}</td>", c.class());
        }
        html += "</tr>\n";
    }
    html + "</tbody></table></div>\n</section>\n"
}

/// A note under a table's title: "None." when empty, "first N of M" when cut.
fn list_note(shown: usize, total: usize, t: &Labels) -> String {
    if total == 0 {
        format!("<p class=\"note\">{}</p>", esc(t.empty))
    } else if total > shown {
        let first = t.first_of.replace("{n}", &num(shown as f64, 0));
        format!("<p class=\"note\">{} {}</p>", esc(&first), num(total as f64, 0))
    } else {
        String::new()
    }
}

/// The first `shown` items `; `-joined, then "+n more"; every item in the tooltip.
fn some_of(items: &[String], shown: usize, t: &Labels) -> String {
    let head = items.iter().take(shown).map(|i| esc(i)).collect::<Vec<_>>().join("; ");
    if items.len() <= shown {
        return head;
    }
    format!(
        "<span title=\"{}\">{head} <span class=\"more\">+{} {}</span></span>",
        esc(&items.join("; ")),
        items.len() - shown,
        esc(t.more)
    )
}

/// Rows of an enterprise list: `extra` gives each row's firm and the list's own cells (score,
/// rules, evidence …), which come before the class (by year, where the list has the firm's
/// history).
fn enterprise_rows<T>(
    rows: &[T],
    classes: &ClassTable,
    ranked: bool,
    extra: impl Fn(&T) -> (&ReportEnterprise, Vec<String>),
) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            let (e, extra) = extra(row);
            let mut cells = Vec::with_capacity(9);
            if ranked {
                cells.push(e.rank.map_or(String::new(), |r| r.to_string()));
            }
            cells.extend([
                esc(&e.credit_code),
                esc(e.name.as_deref().unwrap_or("")),
                esc(e.park.as_deref().unwrap_or("")),
                esc(e.industry.as_deref().unwrap_or("")),
            ]);
            if !ranked {
                cells.insert(2, esc(&e.group));
            }
            cells.extend(extra);
            cells.push(if e.trend.is_empty() { classes.badge(&e.class) } else { trend(&e.trend, classes) });
            cells
        })
        .collect()
}

/// Each group's top and bottom enterprises, in tables of their own.
pub(super) fn rankings(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
    let columns = [
        (t.rank, Col::Num),
        (t.code, Col::Code),
        (t.name, Col::Name),
        (t.park, Col::Name),
        (t.industry, Col::Name),
        (t.score, Col::Num),
        (t.trend, Col::Text),
    ];
    let mut html = String::new();
    for r in &data.rankings {
        for (id, title, list) in [("top", t.top, &r.top), ("bottom", t.bottom, &r.bottom)] {
            let rows = enterprise_rows(list, classes, true, |e| (e, vec![score(e)]));
            let title = format!("{title} — {}", r.group);
            let note = list_note(list.len(), list.len(), t);
            html += &table_card(&format!("{id}-{}", r.key), &title, &note, &columns, &rows, false);
        }
    }
    html
}

/// A total score as the lists show it.
fn score(e: &ReportEnterprise) -> String {
    e.total_score.map_or(String::new(), |s| num(s, 2))
}

/// A firm's class by year, oldest first, the last the evaluation year's: the first year, then
/// the classes as small badges (`2022 B C C`), each year in its tooltip.
fn trend(years: &[(i32, String)], classes: &ClassTable) -> String {
    let Some((first, _)) = years.first() else { return String::new() };
    let steps: String =
        years.iter().map(|(year, class)| format!("<span title=\"{year}\">{}</span>", classes.badge(class))).collect();
    format!("<span class=\"trend\"><small>{first}</small> {steps}</span>")
}

/// The firms to visit this month: the fired early-warning rules but `fragile`, by rule then
/// code, with their evidence.
pub(super) fn visits_table(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
    let shown = &data.visits[..data.visits.len().min(FLAGGED_LISTED)];
    let rows = enterprise_rows(shown, classes, false, |a| (&a.firm, vec![esc(&a.rule), esc(&a.evidence)]));
    let title = match data.month {
        Some(m) => format!("{}{}", t.visits, t.month.replace("{m}", &m.to_string())),
        None => t.visits.to_string(),
    };
    let note = list_note(shown.len(), data.visits.len(), t);
    let columns = firm_columns(t, &[(t.alert, Col::Text), (t.evidence, Col::Name)]);
    table_card("visits", &title, &note, &columns, &rows, true)
}

/// The fragile firms (a class perturbed weights often change), least stable first.
pub(super) fn fragile_table(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
    let shown = &data.fragile[..data.fragile.len().min(FLAGGED_LISTED)];
    let rows = enterprise_rows(shown, classes, false, |f| {
        (&f.firm, vec![format!("{}%", num(f.stability * 100.0, 0)), esc(&f.range)])
    });
    let note = list_note(shown.len(), data.fragile.len(), t);
    let columns = firm_columns(t, &[(t.stability, Col::Num), (t.range, Col::Text)]);
    table_card("fragile", t.fragile, &note, &columns, &rows, true)
}

/// The columns of an unranked enterprise list: the firm, the list's `own` columns, the class.
fn firm_columns<'a>(t: &'a Labels, own: &[(&'a str, Col)]) -> Vec<(&'a str, Col)> {
    let mut columns = vec![
        (t.code, Col::Code),
        (t.name, Col::Name),
        (t.group, Col::Text),
        (t.park, Col::Name),
        (t.industry, Col::Name),
    ];
    columns.extend_from_slice(own);
    columns.push((t.class, Col::Text));
    columns
}

/// Enterprises listed at most in the zombie, 双高 and early-warning tables.
const FLAGGED_LISTED: usize = 100;

/// The zombie and the 双高 enterprises.
pub(super) fn flagged(data: &ReportData<'_>, t: &Labels, classes: &ClassTable) -> String {
    let shown = |list: &[ReportEnterprise]| list.len().min(FLAGGED_LISTED);
    let zombies = &data.zombies[..shown(&data.zombies)];
    let rules = enterprise_rows(zombies, classes, false, |e| (e, vec![esc(&e.note)]));
    let high = &data.high_emission[..shown(&data.high_emission)];
    let scores = enterprise_rows(high, classes, false, |e| (e, vec![score(e)]));
    let zombie_note = list_note(zombies.len(), data.zombies.len(), t);
    let high_note = list_note(high.len(), data.high_emission.len(), t);
    let (rule_columns, score_columns) =
        (firm_columns(t, &[(t.zombie_rules, Col::Name)]), firm_columns(t, &[(t.score, Col::Name)]));
    table_card("zombies", t.zombies, &zombie_note, &rule_columns, &rules, true)
        + &table_card("high-emission", t.high_emission, &high_note, &score_columns, &scores, true)
}

const BLOCKS_LISTED: usize = 100;
/// Users and parcel ids shown in a block's row (the rest in its tooltip).
const USERS_SHOWN: usize = 3;
const IDS_SHOWN: usize = 4;

pub(super) fn blocks_table(data: &ReportData<'_>, t: &Labels) -> String {
    let mut blocks: Vec<&ReportBlock<'_>> = data.blocks.iter().collect();
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
                some_of(&b.users, USERS_SHOWN, t),
                format!("<span class=\"ids\">{}</span>", some_of(&b.parcel_ids, IDS_SHOWN, t)),
            ]
        })
        .collect();
    let note = list_note(cells.len(), blocks.len(), t);
    let columns = [
        (t.block, Col::Num),
        (t.area, Col::Num),
        (t.current, Col::Num),
        (t.potential, Col::Num),
        (t.gain, Col::Num),
        (t.users, Col::Name),
        (t.parcel_ids, Col::Name),
    ];
    table_card("blocks", t.blocks, &note, &columns, &cells, true)
}

/// Reviews listed per land-work table.
const REVIEWS_LISTED: usize = 100;

/// The land work's three tables (SPEC §14); nothing without a commitments table.
pub(super) fn land_work_tables(data: &ReportData<'_>, t: &Labels) -> String {
    let Some(work) = &data.land_work else { return String::new() };
    [
        ("shortfalls", t.shortfalls, t.short_of, Some(t.damages), &work.shortfalls),
        ("idle-land", t.idle_land, t.idle_years, Some(t.idle_fee), &work.idle),
        ("due-next-year", t.due_next_year, t.committed, None, &work.due_next_year),
    ]
    .into_iter()
    .map(|(id, title, detail, amount, list)| review_table(id, title, (detail, amount), list, t))
    .collect()
}

/// One land-work list: parcel, enterprise, area, review year, what it says, and its amount
/// (万元) when the list has one.
fn review_table(
    id: &str,
    title: &str,
    (detail, amount): (&str, Option<&str>),
    list: &[ReportReview],
    t: &Labels,
) -> String {
    let cells: Vec<Vec<String>> = list
        .iter()
        .take(REVIEWS_LISTED)
        .map(|r| {
            let mut row = vec![
                format!("<span class=\"ids\">{}</span>", esc(&r.parcel_id)),
                esc(&r.name),
                r.area_mu.map_or(String::new(), |a| num(a, 2)),
                r.review_year.map_or(String::new(), |y| y.to_string()),
                esc(&r.detail),
            ];
            if amount.is_some() {
                row.push(r.amount.map_or(String::new(), |a| num(a, 2)));
            }
            row
        })
        .collect();
    let note = list_note(cells.len(), list.len(), t);
    let mut columns = vec![
        (t.parcel, Col::Code),
        (t.name, Col::Name),
        (t.area, Col::Num),
        (t.review_year, Col::Num),
        (detail, Col::Text),
    ];
    columns.extend(amount.map(|a| (a, Col::Num)));
    table_card(id, title, &note, &columns, &cells, true)
}

pub(super) fn problems_table(data: &ReportData<'_>, t: &Labels) -> String {
    let mut problems: Vec<_> = data.problems.iter().collect();
    let rank = |s: &str| Severity::ALL.iter().position(|k| k.as_str() == s).unwrap_or(Severity::ALL.len());
    problems.sort_by(|a, b| {
        rank(&a.severity).cmp(&rank(&b.severity)).then(b.count.cmp(&a.count)).then(a.code.cmp(&b.code))
    });
    let cells: Vec<Vec<String>> = problems
        .iter()
        .map(|p| {
            let k = rank(&p.severity);
            let shown = t.severities.get(k).copied().unwrap_or(&p.severity);
            let class = Severity::ALL.get(k).map_or("other", |s| s.as_str());
            vec![
                esc(&p.name),
                format!("<code>{}</code>", esc(&p.code)),
                format!("<span class=\"sev {class}\">{}</span>", esc(shown)),
                num(p.count as f64, 0),
                format!("<span class=\"example\">{}</span>", esc(&p.example)),
            ]
        })
        .collect();
    let note =
        if problems.is_empty() { format!("<p class=\"note\">{}</p>", esc(t.no_problems)) } else { String::new() };
    let columns = [
        (t.problem, Col::Name),
        (t.problem_code, Col::Code),
        (t.severity, Col::Code),
        (t.count, Col::Num),
        (t.example, Col::Text),
    ];
    table_card("problems", t.problems, &note, &columns, &cells, true)
}
