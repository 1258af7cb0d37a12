//! Units (SPEC §13): the unit a column's header or units row gives, and the exact operations
//! that bring its values to the SPEC's unit (万元, kWh, 吨标准煤, 吨, 亩, m², persons).
//!
//! A unit is matched ignoring case, spaces, brackets and a `单位：` prefix. A unit that its
//! column does not accept stops the run: a figure off by 10,000 is worse than no run.
//!
//! ```
//! use muchan::input::units::{Conversion, unit_of};
//! let yuan = unit_of("tax", "元").expect("元 is money").expect("a unit");
//! assert_eq!(yuan.apply(123_456.0), 12.3456);
//! assert!(unit_of("tax", "美元").is_err());
//! ```

/// What a column measures, and so which units it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 万元.
    Money,
    /// kWh.
    Electricity,
    /// 吨标准煤.
    Energy,
    /// 吨.
    Emissions,
    /// 亩.
    Mu,
    /// m².
    SquareMetres,
    /// Persons.
    Persons,
    /// 万元/亩 (the committed per-mu figures of SPEC §14, clarification 1).
    PerMu,
    /// A ratio (§14's rd_intensity and coverage): `%` divides by 100.
    Ratio,
}

/// One exact operation on a value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Times(f64),
    Over(f64),
}

/// A unit a column is given in, and the operations that convert its values (in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The unit as written (normalised), for messages and the manifest.
    pub unit: String,
    steps: &'static [Step],
}

use Step::{Over, Times};

/// Accepted units of each kind with their operations, the SPEC's unit first.
fn accepted(kind: Kind) -> &'static [(&'static str, &'static [Step])] {
    match kind {
        Kind::Money => {
            &[("万元", &[]), ("元", &[Over(10_000.0)]), ("千元", &[Over(10.0)]), ("亿元", &[Times(10_000.0)])]
        }
        Kind::Electricity => &[
            ("kwh", &[]),
            ("千瓦时", &[]),
            ("度", &[]),
            ("万千瓦时", &[Times(10_000.0)]),
            ("万kwh", &[Times(10_000.0)]),
            ("万度", &[Times(10_000.0)]),
            ("mwh", &[Times(1_000.0)]),
            ("兆瓦时", &[Times(1_000.0)]),
        ],
        Kind::Energy => &[
            ("吨标准煤", &[]),
            ("吨标煤", &[]),
            ("tce", &[]),
            ("吨", &[]),
            ("万吨标准煤", &[Times(10_000.0)]),
            ("万吨标煤", &[Times(10_000.0)]),
            ("千克标准煤", &[Over(1_000.0)]),
            ("kgce", &[Over(1_000.0)]),
        ],
        Kind::Emissions => &[("吨", &[]), ("t", &[]), ("千克", &[Over(1_000.0)]), ("kg", &[Over(1_000.0)])],
        Kind::Mu => &[
            ("亩", &[]),
            ("公顷", &[Times(15.0)]),
            ("ha", &[Times(15.0)]),
            ("平方米", &[Times(15.0), Over(10_000.0)]),
            ("m²", &[Times(15.0), Over(10_000.0)]),
            ("㎡", &[Times(15.0), Over(10_000.0)]),
            ("m2", &[Times(15.0), Over(10_000.0)]),
        ],
        Kind::SquareMetres => &[
            ("平方米", &[]),
            ("m²", &[]),
            ("㎡", &[]),
            ("m2", &[]),
            ("万平方米", &[Times(10_000.0)]),
            ("亩", &[Times(10_000.0), Over(15.0)]),
        ],
        Kind::Persons => &[("人", &[])],
        Kind::PerMu => &[("万元/亩", &[])],
        Kind::Ratio => &[("%", &[Over(100.0)]), ("％", &[Over(100.0)])],
    }
}

/// The kind of a canonical column, when it has one (other columns take no unit).
pub fn kind_of(column: &str) -> Option<Kind> {
    Some(match column {
        "revenue" | "value_added" | "profit" | "rd_expense" | "total_assets" | "total_liabilities" | "tax"
        | "land_price" | "fixed_investment" | "invested" => Kind::Money,
        "electricity_kwh" => Kind::Electricity,
        "energy_tce" => Kind::Energy,
        "emissions" => Kind::Emissions,
        "registered_mu" | "area_mu" => Kind::Mu,
        "floor_area" | "footprint" => Kind::SquareMetres,
        "employees" => Kind::Persons,
        "investment_intensity" | "tax_per_mu" | "revenue_per_mu" | "va_per_mu" => Kind::PerMu,
        "rd_intensity" | "coverage" => Kind::Ratio,
        _ => return None,
    })
}

/// A unit as compared: brackets, a `单位：` prefix and white space dropped, lower-cased.
pub fn normalize_unit(raw: &str) -> String {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches(['(', '（', '[', '【']).trim_end_matches([')', '）', ']', '】']);
    let t = t.strip_prefix("单位：").or_else(|| t.strip_prefix("单位:")).unwrap_or(t);
    t.to_lowercase()
}

/// Whether `raw` names a unit of any kind (for telling a units row from data).
pub fn is_unit(raw: &str) -> bool {
    let u = normalize_unit(raw);
    !u.is_empty() && ALL_KINDS.iter().any(|k| accepted(*k).iter().any(|(name, _)| *name == u))
}

const ALL_KINDS: [Kind; 9] = [
    Kind::Money,
    Kind::Electricity,
    Kind::Energy,
    Kind::Emissions,
    Kind::Mu,
    Kind::SquareMetres,
    Kind::Persons,
    Kind::PerMu,
    Kind::Ratio,
];

/// The conversion of canonical column `column` given in unit `raw`: `Ok(None)` for a column
/// that takes no unit or an empty unit; `Err` names the accepted units.
pub fn unit_of(column: &str, raw: &str) -> Result<Option<Conversion>, String> {
    let unit = normalize_unit(raw);
    let Some(kind) = kind_of(column).filter(|_| !unit.is_empty()) else { return Ok(None) };
    let units = accepted(kind);
    match units.iter().find(|(name, _)| *name == unit) {
        Some((_, steps)) => Ok(Some(Conversion { unit, steps })),
        None => {
            let names: Vec<&str> = units.iter().map(|(name, _)| *name).collect();
            Err(format!("unit `{raw}` is not one column `{column}` accepts ({})", names.join(", ")))
        }
    }
}

impl Conversion {
    /// The value in the SPEC's unit: each operation in order, exactly as written (a value in
    /// 元 is divided by 10,000, never multiplied by 0.0001).
    pub fn apply(&self, x: f64) -> f64 {
        self.steps.iter().fold(x, |v, step| match step {
            Times(n) => v * n,
            Over(n) => v / n,
        })
    }

    /// Whether the unit is the SPEC's own (no operation).
    pub fn is_identity(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(column: &str, unit: &str, x: f64) -> f64 {
        unit_of(column, unit).expect("accepted").expect("a unit").apply(x)
    }

    #[test]
    fn the_table_of_the_spec_by_hand() {
        assert_eq!(convert("tax", "元", 1_234_500.0), 123.45);
        assert_eq!(convert("revenue", "千元", 52_340.0), 5_234.0);
        assert_eq!(convert("profit", "亿元", 1.5), 15_000.0);
        assert_eq!(convert("electricity_kwh", "万千瓦时", 12.5), 125_000.0);
        assert_eq!(convert("electricity_kwh", "MWh", 2.0), 2_000.0);
        assert_eq!(convert("energy_tce", "千克标准煤", 2_500.0), 2.5);
        assert_eq!(convert("emissions", "kg", 750.0), 0.75);
        assert_eq!(convert("registered_mu", "公顷", 2.0), 30.0);
        assert_eq!(convert("area_mu", "平方米", 6_666.0), 6_666.0 * 15.0 / 10_000.0);
        assert_eq!(convert("floor_area", "亩", 3.0), 3.0 * 10_000.0 / 15.0);
        assert_eq!(convert("employees", "人", 12.0), 12.0);
        assert_eq!(convert("tax_per_mu", "万元/亩", 25.0), 25.0);
        assert_eq!(convert("coverage", "%", 40.0), 0.4);
        assert!(unit_of("tax_per_mu", "元/平方米").is_err(), "clarification 1");
    }

    #[test]
    fn units_are_matched_loosely() {
        assert_eq!(normalize_unit(" （万元） "), "万元");
        assert_eq!(normalize_unit("单位：元"), "元");
        assert_eq!(normalize_unit("单位:KWh"), "kwh");
        assert_eq!(convert("tax", "【元】", 10_000.0), 1.0);
        assert!(is_unit("吨标煤") && is_unit("(万元)") && !is_unit("2024") && !is_unit(""));
    }

    #[test]
    fn an_unknown_unit_names_the_accepted_ones() {
        let err = unit_of("tax", "美元").expect_err("not money");
        assert!(err.contains("美元") && err.contains("万元, 元, 千元, 亿元"), "{err}");
        assert!(unit_of("energy_tce", "kWh").is_err());
        assert_eq!(unit_of("name", "元"), Ok(None), "a column that takes no unit");
        assert_eq!(unit_of("tax", ""), Ok(None));
    }
}
