//! Headers: the canonical columns of each input table and their aliases (SPEC §2).
//!
//! A header matches after trimming, case-folding English and dropping one unit suffix in
//! brackets — `()`, `（）`, `[]` or `【】` — so `营业收入(万元)` is `revenue`.

/// One canonical column: its name and the aliases it is known by.
pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { name, aliases, required: false }
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { name, aliases, required: true }
}

const CODE: &[&str] = &["统一社会信用代码", "社会信用代码", "信用代码"];
const YEAR: &[&str] = &["年份", "年度"];
const MONTH: &[&str] = &["月份", "月"];

pub const ENTERPRISES: &[ColumnSpec] = &[
    req("credit_code", CODE),
    col("name", &["企业名称", "单位名称"]),
    col("year", YEAR),
    col("scale", &["规模", "是否规上"]),
    col("industry", &["行业代码", "所属行业", "行业"]),
    col("park", &["园区", "所属园区"]),
    col("revenue", &["营业收入", "主营业务收入", "销售收入"]),
    col("value_added", &["工业增加值", "增加值"]),
    col("profit", &["利润总额"]),
    col("employees", &["年平均职工人数", "从业人员", "职工人数"]),
    col("rd_expense", &["研发经费支出", "研发费用", "r&d经费"]),
    col("total_assets", &["资产总计"]),
    col("total_liabilities", &["负债合计"]),
    col("start_year", &["投产年份"]),
    col("exempt", &["不参评", "免评"]),
];

pub const TAX: &[ColumnSpec] =
    &[req("credit_code", CODE), col("year", YEAR), col("month", MONTH), req("tax", &["实缴税收", "税收", "实缴税金"])];

pub const ENERGY: &[ColumnSpec] = &[
    req("credit_code", CODE),
    col("year", YEAR),
    col("month", MONTH),
    col("electricity_kwh", &["用电量"]),
    col("energy_tce", &["综合能耗"]),
    col("emissions", &["主要污染物排放量"]),
];

pub const LEASES: &[ColumnSpec] = &[
    req("parcel_id", &["宗地编号"]),
    req("lessee", &["承租方代码", "承租方"]),
    col("area_mu", &["租赁面积"]),
    col("year", YEAR),
];

pub const ADJUSTMENTS: &[ColumnSpec] = &[
    req("credit_code", CODE),
    col("points", &["分值", "加减分"]),
    col("reason", &["原因", "事由"]),
    col("veto", &["一票否决"]),
    col("year", YEAR),
];

pub const PARCELS: &[ColumnSpec] = &[
    col("parcel_id", &["宗地编号", "地块编号"]),
    col("credit_code", &["权利人代码", "使用权人代码"]),
    col("land_use", &["用途", "土地用途"]),
    col("park", &["园区"]),
    col("registered_mu", &["登记面积"]),
    col("status", &["状态"]),
    col("year", YEAR),
];

/// A header as it is compared: trimmed, one bracketed unit suffix dropped, English lower-cased.
pub fn normalize_header(raw: &str) -> String {
    let t = raw.trim().trim_start_matches('\u{feff}').trim();
    let t = drop_unit_suffix(t).trim();
    t.to_lowercase()
}

fn drop_unit_suffix(t: &str) -> &str {
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')] {
        if let Some(body) = t.strip_suffix(close)
            && let Some(start) = body.rfind(open)
        {
            return &t[..start];
        }
    }
    t
}

/// The canonical column a header names in a table's schema, if any.
pub fn canonical<'a>(schema: &'a [ColumnSpec], raw: &str) -> Option<&'a ColumnSpec> {
    let h = normalize_header(raw);
    schema.iter().find(|c| c.name == h || c.aliases.iter().any(|a| a.to_lowercase() == h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_with_units() {
        let name = |h: &str| canonical(ENTERPRISES, h).map(|c| c.name);
        assert_eq!(name("营业收入(万元)"), Some("revenue"));
        assert_eq!(name(" 营业收入（万元） "), Some("revenue"));
        assert_eq!(name("工业增加值【万元】"), Some("value_added"));
        assert_eq!(name("Revenue [万元]"), Some("revenue"));
        assert_eq!(name("CREDIT_CODE"), Some("credit_code"));
        assert_eq!(name("\u{feff}统一社会信用代码"), Some("credit_code"));
        assert_eq!(name("R&D经费"), Some("rd_expense"));
        assert_eq!(name("年份"), Some("year"));
        assert_eq!(name("water_t"), None);
        assert_eq!(canonical(TAX, "实缴税金(万元)").map(|c| c.name), Some("tax"));
        assert_eq!(canonical(ENERGY, "用电量(kWh)").map(|c| c.name), Some("electricity_kwh"));
    }
}
