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
const PARCEL_ID: &[&str] = &["宗地编号", "地块编号"];
const COUNTY: &[&str] = &["区县", "县区", "所属区县", "行政区划", "行政区划代码"];

pub const ENTERPRISES: &[ColumnSpec] = &[
    req("credit_code", CODE),
    col("name", &["企业名称", "单位名称"]),
    col("year", YEAR),
    col("scale", &["规模", "是否规上"]),
    col("industry", &["行业代码", "所属行业", "行业"]),
    col("park", &["园区", "所属园区"]),
    col("county", COUNTY),
    col("revenue", &["营业收入", "主营业务收入", "销售收入"]),
    col("value_added", &["工业增加值", "增加值"]),
    col("profit", &["利润总额"]),
    col("employees", &["年平均职工人数", "从业人员", "职工人数"]),
    col("rd_expense", &["研发经费支出", "研发费用", "r&d经费"]),
    col("total_assets", &["资产总计"]),
    col("total_liabilities", &["负债合计"]),
    col("start_year", &["投产年份"]),
    col("exempt", &["不参评", "免评"]),
    col("fixed_investment", &["固定资产投资"]),
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
    req("parcel_id", PARCEL_ID),
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

/// A parcel's user: its own names, the credit code's (which hold in every table), and the
/// Shapefile field name `credit_cod`.
const PARCEL_USER: &[&str] =
    &["权利人代码", "使用权人代码", "统一社会信用代码", "社会信用代码", "信用代码", "credit_cod"];

/// Parcel properties (GeoJSON, the attribute table of a Shapefile or GeoPackage). A Shapefile's
/// field names have at most 10 bytes: the first 10 bytes of an English name are aliases too.
pub const PARCELS: &[ColumnSpec] = &[
    col("parcel_id", PARCEL_ID),
    col("credit_code", PARCEL_USER),
    col("land_use", &["用途", "土地用途"]),
    col("park", &["园区"]),
    col("registered_mu", &["登记面积", "registered"]),
    col("status", &["状态"]),
    col("year", YEAR),
];

/// The parcel ledger (宗地台账, SPEC §13): properties by parcel_id that fill or replace the
/// features'.
pub const PARCEL_LEDGER: &[ColumnSpec] = &[
    req("parcel_id", PARCEL_ID),
    col("credit_code", PARCEL_USER),
    col("land_use", &["用途", "土地用途"]),
    col("park", &["园区", "所属园区"]),
    col("registered_mu", &["登记面积", "registered"]),
    col("status", &["状态"]),
    col("county", COUNTY),
    col("start_due", &["约定开工日期"]),
    col("started", &["实际开工日期"]),
    col("completion_due", &["约定竣工日期"]),
    col("completed", &["实际竣工日期"]),
    col("floor_area", &["建筑面积"]),
    col("footprint", &["建筑基底面积", "建筑占地面积"]),
    col("invested", &["实际投资", "累计固定资产投资"]),
];

/// The 标准地 commitments (SPEC §14), one row per parcel sold on 标准地 terms. The indicator
/// columns are in §14's order, which commitments.csv keeps (clarification 3).
pub const COMMITMENTS: &[ColumnSpec] = &[
    req("parcel_id", PARCEL_ID),
    col("credit_code", &["统一社会信用代码", "社会信用代码", "信用代码", "受让人代码"]),
    col("land_price", &["出让价款", "土地出让金"]),
    col("start_due", &["约定开工日期"]),
    col("started", &["实际开工日期"]),
    col("completion_due", &["约定竣工日期"]),
    col("completed", &["实际竣工日期"]),
    col("production_due", &["约定投产日期", "约定达产日期"]),
    col("review_year", &["复核年度", "达产复核年度"]),
    col("invested", &["实际投资", "累计固定资产投资"]),
    col("investment_intensity", &["固定资产投资强度", "投资强度"]),
    col("tax_per_mu", &["亩均税收"]),
    col("revenue_per_mu", &["亩均产出", "亩均营收"]),
    col("va_per_mu", &["亩均增加值"]),
    col("va_per_energy", &["单位能耗增加值"]),
    col("va_per_emission", &["单位排放增加值"]),
    col("rd_intensity", &["研发投入强度"]),
    col("plot_ratio", &["容积率"]),
    col("coverage", &["建筑系数", "建筑密度"]),
];

/// A parcel's county (SPEC §17), looked up among the properties a parcel carries.
pub const PARCEL_COUNTY: &[ColumnSpec] = &[col("county", COUNTY)];

/// A header as it is compared: trimmed, one unit suffix dropped, English lower-cased.
pub fn normalize_header(raw: &str) -> String {
    split_unit(raw).0.to_lowercase()
}

/// A header's name and its unit suffix, if any (SPEC §2, §13): one bracketed suffix — `()`,
/// `（）`, `[]` or `【】` — or a `单位：X` / `单位:X` suffix; both trimmed.
pub fn split_unit(raw: &str) -> (&str, Option<&str>) {
    let t = raw.trim().trim_start_matches('\u{feff}').trim();
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')] {
        if let Some(body) = t.strip_suffix(close)
            && let Some(start) = body.rfind(open)
        {
            return (t[..start].trim(), Some(body[start + open.len_utf8()..].trim()));
        }
    }
    match t.find("单位：").or_else(|| t.find("单位:")) {
        Some(at) if at > 0 => (t[..at].trim(), Some(t[at..].trim())),
        _ => (t, None),
    }
}

/// The key column of a table: the first required column of its schema (credit_code, or
/// parcel_id for leases and the ledger). The header row is the row that holds it.
pub fn key_column(schema: &[ColumnSpec]) -> Option<&ColumnSpec> {
    schema.iter().find(|c| c.required)
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
        assert_eq!(canonical(TAX, "实缴税金 单位：元").map(|c| c.name), Some("tax"));
    }

    #[test]
    fn unit_suffixes() {
        assert_eq!(split_unit("营业收入(万元)"), ("营业收入", Some("万元")));
        assert_eq!(split_unit(" 实缴税金（单位：元） "), ("实缴税金", Some("单位：元")));
        assert_eq!(split_unit("用电量 单位:万千瓦时"), ("用电量", Some("单位:万千瓦时")));
        assert_eq!(split_unit("企业名称"), ("企业名称", None));
        assert_eq!(split_unit("单位：元"), ("单位：元", None), "a bare unit is no header with a suffix");
        assert_eq!(key_column(LEASES).map(|c| c.name), Some("parcel_id"));
        assert_eq!(key_column(TAX).map(|c| c.name), Some("credit_code"));
    }
}
