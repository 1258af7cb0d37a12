//! The classes the page shows: their codes, names (English or Chinese) and colours.

use super::ReportData;
use super::esc;
use super::labels::Labels;
use crate::domain::Class;

const COLORS: [&str; 6] = ["#1a9850", "#91cf60", "#fdae61", "#d73027", "#74add1", "#8c8c8c"];
const OTHER_COLOR: &str = "#c2a5cf";
pub(super) const NONE_COLOR: &str = "#dddddd";

/// The classes the page knows: A B C D T N, then any other code met, in order of appearance.
pub(super) struct ClassTable {
    /// code, display name, colour
    pub(super) entries: Vec<(String, String, &'static str)>,
}

impl ClassTable {
    pub(super) fn new(data: &ReportData<'_>, t: &Labels) -> ClassTable {
        let mut entries: Vec<(String, String, &'static str)> = Class::ALL
            .iter()
            .zip(COLORS)
            .zip(t.class_names)
            .map(|((code, color), name)| (code.as_str().to_string(), name.to_string(), color))
            .collect();
        let seen = data
            .parcels
            .iter()
            .filter_map(|p| p.class)
            .chain(data.class_counts.iter().map(|(c, _)| c.as_str()))
            .chain(data.park_classes.iter().flat_map(|(_, v)| v.iter().map(|(c, _)| c.as_str())))
            .chain(data.rankings.iter().flat_map(|r| r.top.iter().chain(&r.bottom)).map(|e| e.class.as_str()))
            .chain(data.zombies.iter().chain(&data.high_emission).map(|e| e.class.as_str()))
            .chain(data.visits.iter().map(|a| a.firm.class.as_str()))
            .chain(data.fragile.iter().map(|f| f.firm.class.as_str()));
        for code in seen {
            if !code.is_empty() && !entries.iter().any(|(c, _, _)| c == code) {
                entries.push((code.to_string(), code.to_string(), OTHER_COLOR));
            }
        }
        ClassTable { entries }
    }

    pub(super) fn index(&self, code: Option<&str>) -> i64 {
        code.and_then(|c| self.entries.iter().position(|(e, _, _)| e == c)).map_or(-1, |i| i as i64)
    }

    pub(super) fn color(&self, code: &str) -> &'static str {
        self.entries.iter().find(|(c, _, _)| c == code).map_or(NONE_COLOR, |e| e.2)
    }

    /// A coloured badge with the class code, its name as tooltip.
    pub(super) fn badge(&self, code: &str) -> String {
        let name = self.entries.iter().find(|(c, _, _)| c == code).map_or(code, |e| e.1.as_str());
        format!(
            "<span class=\"badge\" style=\"background:{}\" title=\"{}\">{}</span>",
            self.color(code),
            esc(name),
            esc(code)
        )
    }
}
