//! The catalogue of built-in indicators (SPEC §6): names, Chinese names, numerators,
//! denominators, factors and units.

/// A built-in indicator, with its Chinese name and unit.
pub struct BuiltIn {
    pub name: &'static str,
    pub zh: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    pub factor: f64,
    pub unit: &'static str,
}

pub const BUILT_IN: &[BuiltIn] = &[
    BuiltIn {
        name: "tax_per_mu",
        zh: "亩均税收",
        numerator: "tax",
        denominator: "land_mu",
        factor: 1.0,
        unit: "万元/亩",
    },
    BuiltIn {
        name: "va_per_mu",
        zh: "亩均增加值",
        numerator: "value_added",
        denominator: "land_mu",
        factor: 1.0,
        unit: "万元/亩",
    },
    BuiltIn {
        name: "revenue_per_mu",
        zh: "亩均营收",
        numerator: "revenue",
        denominator: "land_mu",
        factor: 1.0,
        unit: "万元/亩",
    },
    BuiltIn {
        name: "va_per_energy",
        zh: "单位能耗增加值",
        numerator: "value_added",
        denominator: "energy_tce",
        factor: 1.0,
        unit: "万元/吨标煤",
    },
    BuiltIn {
        name: "va_per_emission",
        zh: "单位排放增加值",
        numerator: "value_added",
        denominator: "emissions",
        factor: 1.0,
        unit: "万元/吨",
    },
    BuiltIn {
        name: "labor_productivity",
        zh: "全员劳动生产率",
        numerator: "value_added",
        denominator: "employees",
        factor: 1.0,
        unit: "万元/人",
    },
    BuiltIn {
        name: "rd_intensity",
        zh: "研发投入强度",
        numerator: "rd_expense",
        denominator: "revenue",
        factor: 1.0,
        unit: "ratio",
    },
    BuiltIn {
        name: "tax_per_kwh",
        zh: "单位电耗税收",
        numerator: "tax",
        denominator: "electricity_kwh",
        factor: 10000.0,
        unit: "元/kWh",
    },
];
