//! The page's static sections: header, map frame and legend, score histograms, classes per
//! park, top and bottom lists, reclaim blocks and data problems, as HTML/SVG.

use super::classes::{ClassTable, NONE_COLOR};
use super::labels::Labels;
use super::map::MapData;
use super::shapes::histogram;
use super::{MAX_PARCELS_DRAWN, ReportBlock, ReportData, ReportEnterprise, esc};
use crate::domain::Class;
use crate::numbers::with_thousands as num;
use std::fmt::Write as _;

pub(super) fn header(data: &ReportData, t: &Labels, classes: &ClassTable) -> String {
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

pub(super) fn map_section(data: &ReportData, t: &Labels, classes: &ClassTable, map: &MapData) -> String {
    let parks = map.mode == "parks";
    let mut legend = String::new();
    for (code, name, color) in &classes.entries {
        let used = Class::parse(code).is_some() || data.parcels.iter().any(|p| p.class.as_ref() == Some(code));
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

pub(super) fn scores_section(data: &ReportData, t: &Labels) -> String {
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

pub(super) fn park_classes_section(data: &ReportData, t: &Labels, classes: &ClassTable) -> String {
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

pub(super) fn enterprise_table(
    id: &str,
    title: &str,
    rows: &[ReportEnterprise],
    t: &Labels,
    classes: &ClassTable,
) -> String {
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

pub(super) fn blocks_table(data: &ReportData, t: &Labels) -> String {
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

pub(super) fn problems_table(data: &ReportData, t: &Labels) -> String {
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
