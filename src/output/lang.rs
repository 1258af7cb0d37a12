//! Languages of the outputs meant for people (`--lang`): English, or Chinese headers, class,
//! group and status names. Machine outputs (Parquet, GeoJSON property names, codes) stay in
//! English so tools keep working.

use crate::rating::catalog::BUILT_IN;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

const HEADERS: &[(&str, &str)] = &[
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("group", "组别"),
    ("park", "园区"),
    ("industry", "行业"),
    ("status", "评价状态"),
    ("land_mu", "用地面积(亩)"),
    ("adjustment", "加减分"),
    ("total_score", "综合得分"),
    ("rank", "排名"),
    ("class", "类别"),
    ("surcharge_yuan", "差别化电价加价(元)"),
    ("zombie", "僵尸企业"),
    ("zombie_rules", "僵尸企业判定规则"),
    ("high_energy_emission", "双高企业"),
    ("fragmented_pieces", "用地分散块数"),
    ("dq", "数据问题"),
    ("class_prev", "上年类别"),
    ("d_streak", "连续D类年数"),
    ("class_stability", "类别稳定度"),
    ("class_range", "类别区间"),
    ("alerts", "预警"),
    ("alert", "预警规则"),
    ("evidence", "依据"),
    ("month", "月份"),
    ("year", "年份"),
    ("severity", "严重程度"),
    ("table", "数据表"),
    ("row", "行"),
    ("key", "键"),
    ("field", "字段"),
    ("code", "问题代码"),
    ("message", "说明"),
];

const VALUES: &[(&str, &str)] = &[
    ("A", "优先发展类"),
    ("B", "鼓励提升类"),
    ("C", "帮扶转型类"),
    ("D", "倒逼整治类"),
    ("T", "免评/新投产"),
    ("N", "未评价"),
    ("above", "规上"),
    ("below", "规下"),
    ("rated", "参评"),
    ("exempt", "免评"),
    ("new", "新投产"),
    ("no_land", "无用地"),
    ("below_min_mu", "用地不足"),
    ("unmatched", "未匹配"),
    ("error", "错误"),
    ("warning", "警告"),
    ("notice", "提示"),
];

impl Lang {
    /// A column header.
    pub fn header(self, name: &str) -> String {
        if self == Lang::En {
            return name.to_string();
        }
        if let Some((_, zh)) = HEADERS.iter().find(|(en, _)| *en == name) {
            return zh.to_string();
        }
        for (suffix, zh_suffix) in [("_value", "_值"), ("_benchmark", "_基准值"), ("_score", "_得分")] {
            if let Some(indicator) = name.strip_suffix(suffix) {
                let zh = BUILT_IN.iter().find(|b| b.name == indicator).map_or(indicator, |b| b.zh);
                return format!("{zh}{zh_suffix}");
            }
        }
        name.to_string()
    }

    /// Whether the values of `column` are translated.
    pub fn translates(self, column: &str) -> bool {
        ["class", "class_prev", "group", "status", "severity"].contains(&column) && self == Lang::Zh
    }

    /// A class, group, status or severity value of the named column.
    pub fn value(self, column: &str, value: &str) -> String {
        let translated = self.translates(column);
        match VALUES.iter().find(|(en, _)| translated && *en == value) {
            Some((_, zh)) => zh.to_string(),
            None => value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_and_classes() {
        assert_eq!(Lang::Zh.header("tax_per_mu_score"), "亩均税收_得分");
        assert_eq!(Lang::Zh.header("credit_code"), "统一社会信用代码");
        assert_eq!(Lang::Zh.value("class", "D"), "倒逼整治类");
        assert_eq!(Lang::Zh.value("name", "D"), "D");
        assert_eq!(Lang::En.value("class", "D"), "D");
        assert_eq!(Lang::En.header("tax_per_mu_score"), "tax_per_mu_score");
    }
}
