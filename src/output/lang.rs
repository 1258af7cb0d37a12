//! Languages of the outputs meant for people (`--lang`): English, or Chinese headers and
//! Chinese names of every value a person reads — classes, groups, statuses, severities, zombie
//! rules, early-warning rules, reclaim reasons and data-problem codes — and the Chinese
//! data-problem messages.
//! Machine outputs (Parquet, GeoJSON property names and values, codes) stay in English so
//! that tools keep working.
//!
//! The names of domain values are keyed by their types (`Class`, `Group`, …), not by text;
//! the outputs that carry text columns parse them back first ([`Lang::value`]).

use crate::domain::{AlertRule, Class, Group, LowTest, ReclaimReason, ReviewStatus, Status, ZombieRule};
use crate::quality::{Issue, Severity};
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
    ("revenue", "营业收入(万元)"),
    ("value_added", "工业增加值(万元)"),
    ("profit", "利润总额(万元)"),
    ("employees", "职工人数"),
    ("rd_expense", "研发经费(万元)"),
    ("tax", "税收(万元)"),
    ("electricity_kwh", "用电量(千瓦时)"),
    ("energy_tce", "综合能耗(吨标煤)"),
    ("emissions", "主要污染物排放量(吨)"),
    ("enterprises", "企业数"),
    ("tax_per_mu", "亩均税收(万元/亩)"),
    ("va_per_mu", "亩均增加值(万元/亩)"),
    ("zombies", "僵尸企业数"),
    ("reclaimable_mu", "可盘活面积(亩)"),
    ("kind", "类型"),
    ("groups", "组别"),
    ("parks", "园区"),
    ("industries", "行业"),
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
    ("points_to_next_class", "升级所需分数"),
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
    ("class_before", "调整前类别"),
    ("class_after", "调整后类别"),
    ("total_before", "调整前得分"),
    ("total_after", "调整后得分"),
    ("surcharge_before", "调整前电价加价(元)"),
    ("surcharge_after", "调整后电价加价(元)"),
    ("parcel_id", "宗地编号"),
    ("area_mu", "宗地面积(亩)"),
    ("floor_area_m2", "建筑面积(平方米)"),
    ("footprint_m2", "建筑基底面积(平方米)"),
    ("plot_ratio", "容积率"),
    ("investment_intensity", "投资强度"),
    ("min_plot_ratio", "容积率下限"),
    ("coverage", "建筑系数"),
    ("completion_due", "约定竣工日期"),
    ("completed", "实际竣工日期"),
    ("low_efficiency", "低效认定"),
    ("county", "区县"),
    ("review_year", "复核年度"),
    ("review_status", "复核结果"),
    ("penalty_investment", "投资强度违约金(万元)"),
    ("penalty_tax", "税收违约金(万元)"),
    ("penalty_other", "其他违约金(万元)"),
    ("penalty_total", "违约金合计(万元)"),
    ("idle_years", "闲置年数"),
    ("idle_fee", "闲置费(万元)"),
    ("due_next_year", "明年到期复核"),
    ("rated", "参评企业数"),
    ("tax_per_mu_yoy", "亩均税收同比"),
    ("va_per_mu_yoy", "亩均增加值同比"),
    ("a", "A类"),
    ("b", "B类"),
    ("c", "C类"),
    ("d", "D类"),
];

/// Chinese names of the input tables (SPEC §2, §13) and of the benchmarks, as data problems
/// name where they were met.
const TABLES: &[(&str, &str)] = &[
    ("enterprises", "企业数据"),
    ("tax", "税收数据"),
    ("energy", "能耗数据"),
    ("parcels", "宗地"),
    ("leases", "租赁"),
    ("adjustments", "加减分"),
    ("benchmarks", "基准值"),
    ("parcel_ledger", "宗地台账"),
    ("commitments", "标准地承诺"),
    ("buildings", "建筑"),
];

/// Chinese names of the data-problem codes: the SPEC's (§10, §13–§17) and muchan's own.
const PROBLEMS: &[(&str, &str)] = &[
    ("unreadable_number", "无法识别的数字"),
    ("unreadable_boolean", "无法识别的是/否值"),
    ("unreadable_year", "无法识别的年份"),
    ("invalid_code", "信用代码校验不通过"),
    ("empty_code", "缺少信用代码"),
    ("code_stored_as_number", "信用代码被存为数字"),
    ("duplicate_row", "重复记录"),
    ("bad_month", "月份错误"),
    ("no_tax_row", "无税收记录"),
    ("unmatched_code", "无当年企业数据"),
    ("duplicate_parcel_id", "宗地编号重复"),
    ("vertex_repeated", "重复顶点"),
    ("ring_closed", "环未闭合"),
    ("ring_dropped", "环已删除"),
    ("invalid_geometry", "图形无效"),
    ("no_geometry", "无图形"),
    ("area_mismatch", "面积与登记不符"),
    ("lease_capped", "租赁面积超出"),
    ("lease_ignored", "租赁记录未采用"),
    ("benchmark_undefined", "基准值无定义"),
    ("veto_unrated", "否决对象未参评"),
    ("union_failed", "地块合并失败"),
    ("other_year", "非评价年度记录"),
    ("parcels_overlap", "宗地重叠"),
    ("unknown_file", "无法识别的文件"),
    ("missing_year", "缺少年份"),
    ("title_rows_skipped", "跳过标题行"),
    ("total_row_skipped", "跳过合计行"),
    ("unit_converted", "单位已换算"),
    ("dbf_encoding_conflict", "DBF编码声明冲突"),
    ("undecodable_text", "无法解码的文字"),
    ("crs_inferred", "坐标系已推断"),
    ("axes_swapped", "坐标轴已互换"),
    ("ledger_overrides", "台账覆盖属性"),
    ("ledger_unmatched", "台账无对应宗地"),
    ("unreadable_date", "无法识别的日期"),
    ("floors_assumed", "层数按一层计"),
    ("building_outside", "建筑不在宗地内"),
    ("unknown_parcel", "宗地编号不存在"),
    ("crs_mismatch", "坐标系不一致"),
    ("no_county", "无区县"),
    ("unreadable_line", "无法识别的行"),
    ("shapefile_mismatch", "图形与属性记录数不符"),
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
                return format!("{}{zh_suffix}", self.indicator(indicator));
            }
        }
        for (suffix, zh_suffix) in [("_committed", "_承诺值"), ("_actual", "_实际值"), ("_ratio", "_比值")] {
            if let Some(indicator) = name.strip_suffix(suffix) {
                return format!("{}{zh_suffix}", self.committed_indicator(indicator));
            }
        }
        name.to_string()
    }

    /// A committed indicator's name (SPEC §14): §6's built-in names, else its column header
    /// (投资强度, 容积率, 建筑系数).
    pub fn committed_indicator(self, name: &str) -> String {
        if BUILT_IN.iter().any(|b| b.name == name) { self.indicator(name).to_string() } else { self.header(name) }
    }

    /// An indicator's name (a custom indicator keeps its own).
    pub fn indicator(self, name: &str) -> &str {
        match BUILT_IN.iter().find(|b| b.name == name) {
            Some(b) if self == Lang::Zh => b.zh,
            _ => name,
        }
    }

    pub fn class(self, class: Class) -> &'static str {
        if self == Lang::En {
            return class.as_str();
        }
        match class {
            Class::A => "优先发展类",
            Class::B => "鼓励提升类",
            Class::C => "帮扶转型类",
            Class::D => "倒逼整治类",
            Class::T => "免评/新投产",
            Class::N => "未评价",
        }
    }

    pub fn group(self, group: Group) -> &'static str {
        match (self, group) {
            (Lang::En, _) => group.as_str(),
            (Lang::Zh, Group::Above) => "规上",
            (Lang::Zh, Group::Below) => "规下",
        }
    }

    pub fn status(self, status: Status) -> &'static str {
        if self == Lang::En {
            return status.as_str();
        }
        match status {
            Status::Unmatched => "未匹配",
            Status::Exempt => "免评",
            Status::New => "新投产",
            Status::NoLand => "无用地",
            Status::BelowMinMu => "用地不足",
            Status::Rated => "参评",
        }
    }

    pub fn severity(self, severity: Severity) -> &'static str {
        match (self, severity) {
            (Lang::En, _) => severity.as_str(),
            (Lang::Zh, Severity::Error) => "错误",
            (Lang::Zh, Severity::Warning) => "警告",
            (Lang::Zh, Severity::Notice) => "提示",
        }
    }

    pub fn zombie_rule(self, rule: ZombieRule) -> &'static str {
        if self == Lang::En {
            return rule.as_str();
        }
        match rule {
            ZombieRule::DormantPower => "长期停产(用电休眠)",
            ZombieRule::PersistentLosses => "连续亏损",
            ZombieRule::NoTax => "连续零税收",
            ZombieRule::Insolvent => "资不抵债",
            ZombieRule::RevenueCollapse => "营收断崖下降",
        }
    }

    pub fn alert_rule(self, rule: AlertRule) -> &'static str {
        if self == Lang::En {
            return rule.as_str();
        }
        match rule {
            AlertRule::PowerDrop => "用电量下降",
            AlertRule::TaxDrop => "税收下降",
            AlertRule::DormantWatch => "停产观察",
            AlertRule::Sliding => "效益下滑",
            AlertRule::Fragile => "类别不稳定",
        }
    }

    pub fn reclaim_reason(self, reason: ReclaimReason) -> &'static str {
        if self == Lang::En {
            return reason.as_str();
        }
        match reason {
            ReclaimReason::Idle => "闲置土地",
            ReclaimReason::ZombieOwner => "僵尸企业用地",
            ReclaimReason::ClassDOwner => "D类企业用地",
            ReclaimReason::Scattered => "插花地",
            ReclaimReason::LowEfficiency => "低效用地",
        }
    }

    /// The name of a 标准地 review status (SPEC §14): its code in English.
    pub fn review_status(self, status: ReviewStatus) -> &'static str {
        if self == Lang::En {
            return status.as_str();
        }
        match status {
            ReviewStatus::Pending => "待复核",
            ReviewStatus::NoData => "数据不全",
            ReviewStatus::Met => "达标",
            ReviewStatus::Shortfall => "未达标",
        }
    }

    /// The name of a 低效 test (SPEC §15): its code in English.
    pub fn low_test(self, test: LowTest) -> &'static str {
        if self == Lang::En {
            return test.as_str();
        }
        match test {
            LowTest::LowPlotRatio => "容积率不达标",
            LowTest::LowCoverage => "建筑系数不达标",
            LowTest::LowTax => "亩均税收偏低",
            LowTest::Overdue => "逾期未竣工",
        }
    }

    /// The name of an input table (the name itself in English, or when it has none).
    pub fn table(self, table: &str) -> &str {
        match TABLES.iter().find(|(t, _)| *t == table) {
            Some((_, zh)) if self == Lang::Zh => zh,
            _ => table,
        }
    }

    /// The name of a data-problem code: the code itself in English, its Chinese name (or the
    /// code, when it has none) in Chinese.
    pub fn problem(self, code: &str) -> &str {
        match PROBLEMS.iter().find(|(c, _)| *c == code) {
            Some((_, zh)) if self == Lang::Zh => zh,
            _ => code,
        }
    }

    /// A data problem's message: the stage's Chinese message in Chinese, else (a stage that
    /// wrote English only) the code's Chinese name before the English message.
    pub fn message(self, issue: &Issue) -> String {
        match (self, &issue.message_zh) {
            (Lang::En, _) => issue.message.clone(),
            (Lang::Zh, Some(zh)) => zh.clone(),
            (Lang::Zh, None) => format!("{}：{}", self.problem(issue.code), issue.message),
        }
    }

    /// Whether the values of the output column `column` are translated.
    pub fn translates(self, column: &str) -> bool {
        ["class", "class_prev", "group", "status", "severity", "zombie_rules", "alerts", "review_status"]
            .contains(&column)
            && self == Lang::Zh
    }

    /// A value of the output column `column` as a person reads it; a text that is none of the
    /// column's values is written as it is.
    pub fn value(self, column: &str, value: &str) -> String {
        if !self.translates(column) {
            return value.to_string();
        }
        let one = |v: &str| -> Option<&'static str> {
            match column {
                "class" | "class_prev" => Class::parse(v).map(|c| self.class(c)),
                "group" => Group::parse(v).map(|g| self.group(g)),
                "status" => Status::parse(v).map(|s| self.status(s)),
                "severity" => Severity::ALL.into_iter().find(|s| s.as_str() == v).map(|s| self.severity(s)),
                "alerts" => AlertRule::parse(v).map(|r| self.alert_rule(r)),
                "review_status" => ReviewStatus::parse(v).map(|r| self.review_status(r)),
                _ => ZombieRule::parse(v).map(|r| self.zombie_rule(r)),
            }
        };
        if column == "zombie_rules" || column == "alerts" {
            return value.split(';').map(|v| one(v).unwrap_or(v)).collect::<Vec<_>>().join(";");
        }
        one(value).map_or_else(|| value.to_string(), str::to_string)
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

    #[test]
    fn every_domain_value_has_a_chinese_name() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(Class::ALL.iter().all(|&c| chinese(Lang::Zh.class(c))));
        assert!(Group::ALL.iter().all(|&g| chinese(Lang::Zh.group(g))));
        assert!(Status::ALL.iter().all(|&s| chinese(Lang::Zh.status(s))));
        assert!(Severity::ALL.iter().all(|&s| chinese(Lang::Zh.severity(s))));
        assert!(ZombieRule::ALL.iter().all(|&r| chinese(Lang::Zh.zombie_rule(r))));
        assert!(AlertRule::ALL.iter().all(|&r| chinese(Lang::Zh.alert_rule(r))));
        assert!(ReclaimReason::ALL.iter().all(|&r| chinese(Lang::Zh.reclaim_reason(r))));
        assert!(LowTest::ALL.iter().all(|&t| chinese(Lang::Zh.low_test(t))));
        assert!(ReviewStatus::ALL.iter().all(|&s| chinese(Lang::Zh.review_status(s))));
        assert_eq!(Lang::Zh.value("zombie_rules", "no_tax;insolvent"), "连续零税收;资不抵债");
        assert_eq!(Lang::Zh.value("group", "above"), "规上");
        assert_eq!(Lang::Zh.value("alerts", "power_drop;fragile"), "用电量下降;类别不稳定");
        assert_eq!(Lang::En.value("alerts", "power_drop;fragile"), "power_drop;fragile");
        assert_eq!(Lang::Zh.problem("unmatched_code"), "无当年企业数据");
        assert_eq!(Lang::En.problem("unmatched_code"), "unmatched_code");
        assert_eq!(Lang::Zh.table("parcels"), "宗地");
        assert_eq!(Lang::En.table("parcels"), "parcels");
    }
}
