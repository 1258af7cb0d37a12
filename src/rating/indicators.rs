//! Indicators (SPEC §6): value = numerator ÷ denominator × factor, undefined when either is
//! missing or the denominator ≤ 0.

use crate::config::Config;
use polars::prelude::*;

/// An indicator's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    pub factor: f64,
}

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

impl Indicator {
    /// The indicators of a run: every built-in, then the configured custom ones.
    pub fn all(config: &Config) -> Vec<Indicator> {
        let built_in = BUILT_IN.iter().map(|b| Indicator {
            name: b.name.into(),
            numerator: b.numerator.into(),
            denominator: b.denominator.into(),
            factor: b.factor,
        });
        let custom = config.custom_indicators.iter().map(|c| Indicator {
            name: c.name.clone(),
            numerator: c.numerator.clone(),
            denominator: c.denominator.clone(),
            factor: c.factor,
        });
        built_in.chain(custom).collect()
    }

    /// Whether numerator and denominator are both present and the denominator > 0.
    pub fn defined(&self) -> Expr {
        col(self.numerator.as_str())
            .is_not_null()
            .and(col(self.denominator.as_str()).is_not_null())
            .and(col(self.denominator.as_str()).gt(lit(0.0)))
    }

    /// The value expression, null where undefined; named `<name>_value`.
    pub fn value(&self) -> Expr {
        when(self.defined())
            .then(col(self.numerator.as_str()) / col(self.denominator.as_str()) * lit(self.factor))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(value_column(&self.name))
    }
}

pub fn value_column(name: &str) -> String {
    format!("{name}_value")
}

pub fn benchmark_column(name: &str) -> String {
    format!("{name}_benchmark")
}

pub fn score_column(name: &str) -> String {
    format!("{name}_score")
}
