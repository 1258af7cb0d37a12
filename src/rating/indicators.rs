//! Indicators (SPEC §6): value = numerator ÷ denominator × factor, undefined when either is
//! missing or the denominator ≤ 0.

pub use super::catalog::{BUILT_IN, BuiltIn};
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
