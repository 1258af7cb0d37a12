//! Configuration: the TOML file of SPEC §11, its defaults, and its validation.
//!
//! Every default of the SPEC is a key here; an unknown key is an error naming it.

use crate::domain::{Class, Group};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The resolved configuration of one run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub evaluation: Evaluation,
    pub land: Land,
    pub scoring: Scoring,
    pub groups: Groups,
    pub custom_indicators: Vec<CustomIndicator>,
    pub surcharge: Surcharge,
    pub zombie: Zombie,
    pub spatial: Spatial,
    pub history: History,
    pub alerts: Alerts,
    pub stability: Stability,
    pub commitments: CommitmentSettings,
    pub low_efficiency: LowEfficiencySettings,
    #[serde(default, skip_serializing_if = "Targets::is_unset")]
    pub targets: Targets,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub min_mu_below: f64,
    pub new_years: i32,
    /// "Today" for every date rule of SPEC §14–§15 (`2024-12-31`); default: 31 December of
    /// the evaluation year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// `"county"`: every county evaluated on its own (SPEC §17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
}

/// How one run splits its enterprises into evaluations of their own (SPEC §17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Partition {
    County,
}

/// The year's targets of the work report's indicators (SPEC §17): `revenue` is an amount
/// (万元), the `*_growth` targets are rates, the counts are counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub va_growth: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_growth: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electricity_growth: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_over_100m: Option<f64>,
}

impl Targets {
    fn is_unset(&self) -> bool {
        *self == Targets::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaSource {
    Measured,
    Registered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Land {
    pub area_source: AreaSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<String>,
    pub registered_tolerance: f64,
    /// The parcel layer named by path (relative to the data folder), whatever its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcels: Option<String>,
    /// The text encoding of a Shapefile's .dbf, when neither its .cpg nor its language byte
    /// should decide (SPEC §13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dbf_encoding: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub cap: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Groups {
    pub above: GroupScheme,
    pub below: GroupScheme,
}

impl Groups {
    /// The scheme of `group`.
    pub fn scheme(&self, group: Group) -> &GroupScheme {
        match group {
            Group::Above => &self.above,
            Group::Below => &self.below,
        }
    }

    /// Each group with its scheme, above first.
    pub fn iter(&self) -> impl Iterator<Item = (Group, &GroupScheme)> {
        Group::ALL.into_iter().map(|g| (g, self.scheme(g)))
    }
}

/// How a benchmark is computed over a group's rated enterprises with a defined value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BenchmarkMethod {
    Aggregate,
    Mean,
    Median,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Group,
    Industry,
}

/// How an undefined indicator value scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    Zero,
    Average,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedIndicator {
    pub name: String,
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
    /// A fixed benchmark for this indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<f64>,
}

impl WeightedIndicator {
    /// The missing policy in force: explicit, else `average` for va_per_emission, else `zero`.
    pub fn missing_policy(&self) -> Missing {
        self.missing.unwrap_or(if self.name == "va_per_emission" { Missing::Average } else { Missing::Zero })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassMode {
    Share,
    Score,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classes {
    pub mode: ClassMode,
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

/// Surcharge rates per class, yuan per kWh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRates {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

impl ClassRates {
    /// The rate of a class A–D (none for T and N, which pay nothing).
    pub fn of(&self, class: Class) -> Option<f64> {
        match class {
            Class::A => Some(self.a),
            Class::B => Some(self.b),
            Class::C => Some(self.c),
            Class::D => Some(self.d),
            Class::T | Class::N => None,
        }
    }
}

impl Default for ClassRates {
    fn default() -> Self {
        ClassRates { a: 0.0, b: 0.0, c: 0.0, d: 0.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupScheme {
    pub indicators: Vec<WeightedIndicator>,
    pub benchmark: BenchmarkMethod,
    pub scope: Scope,
    pub classes: Classes,
    pub surcharge: ClassRates,
}

fn default_classes() -> Classes {
    Classes { mode: ClassMode::Share, a: 0.20, b: 0.60, c: 0.95 }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomIndicator {
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    #[serde(default = "one")]
    pub factor: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surcharge {
    pub cap_yuan: f64,
    pub min_kwh: f64,
    /// Shandong's ladder (SPEC §16): a class-D enterprise in its k-th consecutive year of D
    /// pays `ladder[min(k, len) − 1]` yuan/kWh instead of its group's d rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ladder: Option<Vec<f64>>,
}

/// `[history]` (SPEC §16): how many years, the evaluation year included, are evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub years: u32,
}

/// `[alerts]` (SPEC §16): the monthly early warning (月度监测预警).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// power_drop: this many months up to the latest month, each below the year before.
    pub months: u32,
    /// power_drop and tax_drop: the fall, as a share of the year before.
    pub drop: f64,
    /// dormant_watch: a dormant run of at least this many months ending at the latest month.
    pub watch_months: u32,
    /// sliding: a fall of the total score by at least this share of last year's.
    pub score_drop: f64,
    /// fragile: a class stability below this.
    pub min_stability: f64,
    /// The latest month M (`--month`); default: the last month with energy rows in the
    /// evaluation year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
}

/// `[stability]` (SPEC §16): Monte-Carlo draws of perturbed weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stability {
    pub draws: u32,
    /// Each weight is multiplied by a factor from U(1 − spread, 1 + spread).
    pub spread: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zombie {
    pub threshold: f64,
    /// A rated enterprise flagged zombie is class D, as a veto makes it (clarification 13).
    pub class_d: bool,
    pub dormant_power: DormantPower,
    pub persistent_losses: PersistentLosses,
    pub no_tax: NoTax,
    pub insolvent: Insolvent,
    pub revenue_collapse: RevenueCollapse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DormantPower {
    pub weight: f64,
    pub months: u32,
    pub kwh: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentLosses {
    pub weight: f64,
    pub years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoTax {
    pub weight: f64,
    pub years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insolvent {
    pub weight: f64,
    pub debt_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevenueCollapse {
    pub weight: f64,
    pub drop: f64,
}

/// The `[commitments]` settings (SPEC §14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentSettings {
    /// A commitment without a review_year is reviewed this many years after production_due.
    pub review_after_years: i32,
    /// The share of the land price charged once per short indicator other than investment
    /// and tax (the model contract's blank percentage).
    pub other_rate: f64,
    /// The idle fee (闲置费) as a share of the land price, from one whole idle year.
    pub idle_fee_rate: f64,
}

impl Default for CommitmentSettings {
    fn default() -> Self {
        CommitmentSettings { review_after_years: 2, other_rate: 0.0, idle_fee_rate: 0.20 }
    }
}

/// The `[low_efficiency]` settings (SPEC §15): the 低效用地 tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowEfficiencySettings {
    /// The minimum plot ratio per GB/T 4754-2017 division (two digits, `"33"`); a division's
    /// entry in the configuration replaces the built-in one, the others stay.
    pub min_plot_ratio: BTreeMap<String, f64>,
    /// The minimum of a division not in `min_plot_ratio` (or of a user with no industry).
    pub default_min_plot_ratio: f64,
    pub min_coverage: f64,
    /// low_tax: tax_per_mu under this share of the user's tax_per_mu benchmark …
    pub low_tax_share: f64,
    /// … or under this many 万元/亩 (no absolute floor by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_tax_per_mu: Option<f64>,
    /// overdue: not completed this many years after completion_due.
    pub overdue_years: i32,
}

/// SPEC §15's default minimum plot ratios: the national 工业项目建设用地控制指标 (2008), divisions
/// renumbered to GB/T 4754-2017 (where two divisions merged, the lower minimum).
const MIN_PLOT_RATIO: [(f64, &[u8]); 5] = [
    (1.0, &[13, 14, 15, 16, 18, 19, 24, 39, 40, 41]),
    (0.8, &[17, 20, 21, 22, 23, 28, 29]),
    (0.7, &[27, 30, 33, 34, 35, 36, 37, 38, 42, 43]),
    (0.6, &[26, 31, 32]),
    (0.5, &[25]),
];

impl Default for LowEfficiencySettings {
    fn default() -> Self {
        let min_plot_ratio = MIN_PLOT_RATIO
            .iter()
            .flat_map(|&(min, divisions)| divisions.iter().map(move |d| (format!("{d:02}"), min)))
            .collect();
        LowEfficiencySettings {
            min_plot_ratio,
            default_min_plot_ratio: 0.7,
            min_coverage: 0.30,
            low_tax_share: 0.5,
            low_tax_per_mu: None,
            overdue_years: 2,
        }
    }
}

/// The `[spatial]` settings are the spatial stage's own.
pub type Spatial = crate::spatial::SpatialSettings;

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation { year: None, min_mu_below: 3.0, new_years: 2, as_of: None, partition: None }
    }
}

impl Default for Land {
    fn default() -> Self {
        Land {
            area_source: AreaSource::Measured,
            crs: None,
            registered_tolerance: 0.05,
            parcels: None,
            dbf_encoding: None,
        }
    }
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring { cap: 2.0 }
    }
}

fn weighted(name: &str, weight: f64) -> WeightedIndicator {
    WeightedIndicator { name: name.into(), weight, missing: None, benchmark: None }
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            above: GroupScheme {
                indicators: vec![
                    weighted("tax_per_mu", 30.0),
                    weighted("va_per_mu", 20.0),
                    weighted("va_per_energy", 20.0),
                    WeightedIndicator { missing: Some(Missing::Average), ..weighted("va_per_emission", 10.0) },
                    weighted("labor_productivity", 10.0),
                    weighted("rd_intensity", 10.0),
                ],
                benchmark: BenchmarkMethod::Aggregate,
                scope: Scope::Group,
                classes: default_classes(),
                surcharge: ClassRates { d: 0.10, ..ClassRates::default() },
            },
            below: GroupScheme {
                indicators: vec![weighted("tax_per_mu", 50.0), weighted("tax_per_kwh", 50.0)],
                benchmark: BenchmarkMethod::Aggregate,
                scope: Scope::Group,
                classes: default_classes(),
                surcharge: ClassRates { c: 0.10, d: 0.30, ..ClassRates::default() },
            },
        }
    }
}

impl Default for Surcharge {
    fn default() -> Self {
        Surcharge { cap_yuan: 500_000.0, min_kwh: 50_000.0, ladder: None }
    }
}

impl Default for History {
    fn default() -> Self {
        History { years: 5 }
    }
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts { months: 3, drop: 0.3, watch_months: 3, score_drop: 0.2, min_stability: 0.8, month: None }
    }
}

impl Default for Stability {
    fn default() -> Self {
        Stability { draws: 1000, spread: 0.2, seed: 1 }
    }
}

impl Default for Zombie {
    fn default() -> Self {
        Zombie {
            threshold: 1.0,
            class_d: false,
            dormant_power: DormantPower { weight: 1.0, months: 6, kwh: 1000.0 },
            persistent_losses: PersistentLosses { weight: 0.5, years: 3 },
            no_tax: NoTax { weight: 0.5, years: 2 },
            insolvent: Insolvent { weight: 0.5, debt_ratio: 0.85 },
            revenue_collapse: RevenueCollapse { weight: 0.5, drop: 0.5 },
        }
    }
}

/// A configuration that cannot be used: the run stops with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The OS error is part of the message, not a `source`: it is said once.
    #[error("cannot read configuration {path}: {why}")]
    Read { path: String, why: std::io::Error },
    #[error("configuration {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    /// Parses a TOML text laid over the defaults (tables merge key by key, any other value
    /// replaces the default); `path` names it in messages.
    pub fn from_toml(text: &str, path: &str) -> Result<Config, ConfigError> {
        Config::from_toml_over(text, path, &Config::default())
    }

    /// Parses a TOML text laid over `base` as [`Config::from_toml`] lays it over the defaults.
    pub fn from_toml_over(text: &str, path: &str, base: &Config) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid { path: path.into(), message };
        let user = DeTable::parse(text).map_err(|e| invalid(describe_toml_error(text, None, &e)))?;
        let defaults = base_text(base, text.len()).map_err(invalid)?;
        let mut merged = DeTable::parse(&defaults)
            .map_err(|e| invalid(format!("the base settings did not parse: {}", e.message())))?;
        merge_tables(merged.get_mut(), user.get_ref().clone());
        let config = Config::deserialize(toml::de::Deserializer::from(merged))
            .map_err(|e| invalid(describe_toml_error(text, Some(user.get_ref()), &e)))?;
        config.validate().map_err(invalid)?;
        Ok(config)
    }

    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|why| ConfigError::Read { path: shown.clone(), why })?;
        Config::from_toml(&text, &shown)
    }

    /// The weighted indicators of both group schemes, above first, without repeats.
    pub fn scheme_indicator_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for ind in self.groups.iter().flat_map(|(_, s)| &s.indicators) {
            if !names.contains(&ind.name) {
                names.push(ind.name.clone());
            }
        }
        names
    }

    /// "Today" of the date rules (SPEC §14): `evaluation.as_of`, else 31 December of `year`.
    pub fn as_of(&self, year: i32) -> Option<crate::dates::Date> {
        match &self.evaluation.as_of {
            Some(text) => crate::dates::Date::parse(text),
            None => crate::dates::Date::end_of_year(year),
        }
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(text) = &self.evaluation.as_of
            && crate::dates::Date::parse(text).is_none()
        {
            return Err(format!("evaluation.as_of: `{text}` is not a date (write it 2024-12-31)"));
        }
        let c = &self.commitments;
        if !(c.other_rate.is_finite() && c.other_rate >= 0.0 && c.idle_fee_rate.is_finite() && c.idle_fee_rate >= 0.0) {
            return Err("commitments: other_rate and idle_fee_rate must be ≥ 0".to_string());
        }
        self.validate_low_efficiency()?;
        let known = |name: &str| {
            crate::rating::catalog::BUILT_IN.iter().any(|b| b.name == name)
                || self.custom_indicators.iter().any(|c| c.name == name)
        };
        for (group, scheme) in self.groups.iter() {
            for ind in &scheme.indicators {
                if !known(&ind.name) {
                    return Err(format!("groups.{group}.indicators: unknown indicator `{}`", ind.name));
                }
                if !ind.weight.is_finite() || ind.weight < 0.0 {
                    return Err(format!("groups.{group}.indicators: weight of `{}` must be ≥ 0", ind.name));
                }
            }
            let c = &scheme.classes;
            if c.mode == ClassMode::Share && !(0.0 <= c.a && c.a <= c.b && c.b <= c.c && c.c <= 1.0) {
                return Err(format!("groups.{group}.classes: shares must satisfy 0 ≤ a ≤ b ≤ c ≤ 1"));
            }
        }
        for custom in &self.custom_indicators {
            if crate::rating::catalog::BUILT_IN.iter().any(|b| b.name == custom.name) {
                return Err(format!("custom_indicators: `{}` is a built-in indicator", custom.name));
            }
        }
        if self.scoring.cap.is_nan() || self.scoring.cap < 0.0 {
            return Err("scoring.cap must be ≥ 0".into());
        }
        self.validate_over_time()
    }

    /// The settings of SPEC §16: history, the surcharge ladder, alerts, stability.
    fn validate_low_efficiency(&self) -> Result<(), String> {
        let l = &self.low_efficiency;
        let two_digits = |k: &str| k.len() == 2 && k.bytes().all(|b| b.is_ascii_digit());
        if let Some(key) = l.min_plot_ratio.keys().find(|k| !two_digits(k)) {
            return Err(format!(
                "low_efficiency.min_plot_ratio: `{key}` is not a two-digit GB/T 4754-2017 division (write \"33\")"
            ));
        }
        let minima = l.min_plot_ratio.values().chain([&l.default_min_plot_ratio, &l.min_coverage, &l.low_tax_share]);
        if minima.chain(&l.low_tax_per_mu).any(|x| !x.is_finite() || *x < 0.0) || l.overdue_years < 0 {
            return Err("low_efficiency: minima, shares and overdue_years must be ≥ 0".into());
        }
        Ok(())
    }

    fn validate_over_time(&self) -> Result<(), String> {
        let share = |x: f64| (0.0..=1.0).contains(&x);
        if let Some(ladder) = &self.surcharge.ladder
            && (ladder.is_empty() || ladder.iter().any(|r| !r.is_finite() || *r < 0.0))
        {
            return Err("surcharge.ladder must hold at least one rate, each ≥ 0".into());
        }
        if self.history.years == 0 {
            return Err("history.years must be ≥ 1 (the evaluation year itself)".into());
        }
        let a = &self.alerts;
        if !(1..=12).contains(&a.months) || a.watch_months == 0 || a.month.is_some_and(|m| !(1..=12).contains(&m)) {
            return Err("alerts: months and month must be 1–12, watch_months ≥ 1".into());
        }
        if !share(a.drop) || !share(a.score_drop) || !share(a.min_stability) {
            return Err("alerts: drop, score_drop and min_stability must lie in [0, 1]".into());
        }
        if !share(self.stability.spread) {
            return Err("stability.spread must lie in [0, 1]".into());
        }
        Ok(())
    }
}

/// The settings a text is laid over (the defaults, or those a server started with) as TOML
/// text, after `offset` + 1 blanks: parsed, their spans then lie beyond a user text of `offset`
/// bytes, so no error is ever placed on a line of the user's file by a base value.
fn base_text(base: &Config, offset: usize) -> Result<String, String> {
    let text = toml::to_string(base).map_err(|e| format!("the base settings did not serialise: {e}"))?;
    Ok(format!("{}{text}", " ".repeat(offset + 1)))
}

/// Lays `over` onto `base`: tables merge key by key, other values replace (keeping the spans
/// of the user's text).
fn merge_tables<'i>(base: &mut DeTable<'i>, over: DeTable<'i>) {
    for (key, value) in over {
        match base.get_mut(key.get_ref().as_ref()).map(|b| b.get_mut()) {
            Some(DeValue::Table(b)) if value.get_ref().is_table() => {
                if let DeValue::Table(o) = value.into_inner() {
                    merge_tables(b, o);
                }
            }
            _ => {
                base.insert(key, value);
            }
        }
    }
}

/// A TOML error in plain words, with its line and column in `text` and, when `user` (the
/// parsed text) has a key there, the key's dotted path: ``line 2, column 8, key
/// `evaluation.year`: invalid type: string "2024", expected i32``.
fn describe_toml_error(text: &str, user: Option<&DeTable>, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    let Some(at) = e.span().map(|span| span.start).filter(|&at| at <= text.len()) else {
        return message.to_string();
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    match user.and_then(|table| key_at(table, at)) {
        Some(key) => format!("line {line}, column {column}, key `{key}`: {message}"),
        None => format!("line {line}, column {column}: {message}"),
    }
}

/// The dotted path of the innermost key of `table` whose key or value covers byte `at` of
/// the text (array items as `[i]`).
fn key_at(table: &DeTable, at: usize) -> Option<String> {
    table.iter().find_map(|(key, value)| {
        let name = key.get_ref();
        match value_key_at(value.get_ref(), at) {
            Some(inner) => Some(format!("{name}{inner}")),
            None => (key.span().contains(&at) || value.span().contains(&at)).then(|| name.to_string()),
        }
    })
}

/// The rest of the path below a value to the key covering byte `at`: `.key`, `[i]`,
/// `[i].key`; `None` when nothing inside the value covers it.
fn value_key_at(value: &DeValue, at: usize) -> Option<String> {
    match value {
        DeValue::Table(table) => key_at(table, at).map(|key| format!(".{key}")),
        DeValue::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| match value_key_at(item.get_ref(), at) {
                Some(inner) => Some(format!("[{i}]{inner}")),
                None => item.span().contains(&at).then(|| format!("[{i}]")),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::from_toml("", "x.toml").expect("defaults");
        assert_eq!(c, Config::default());
        assert_eq!(c.groups.above.indicators.len(), 6);
        assert_eq!(c.groups.below.surcharge.d, 0.30);
    }

    #[test]
    fn the_example_file_is_the_defaults() {
        let example = include_str!("../muchan.example.toml");
        assert_eq!(Config::from_toml(example, "muchan.example.toml").expect("parses"), Config::default());
    }

    #[test]
    fn a_group_keeps_its_own_defaults_when_partly_given() {
        let c = Config::from_toml("[groups.below]\nscope = \"industry\"\n", "x").expect("parses");
        assert_eq!(c.groups.below.surcharge.d, 0.30);
        assert_eq!(c.groups.below.indicators.len(), 2);
        assert_eq!(c.groups.above.surcharge.d, 0.10);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = Config::from_toml("[evaluation]\nyeer = 2024\n", "x.toml").unwrap_err().to_string();
        assert!(err.contains("yeer"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn va_per_emission_defaults_to_average() {
        let c = Config::default();
        let policy = |n: &str| c.groups.above.indicators.iter().find(|i| i.name == n).map(|i| i.missing_policy());
        assert_eq!(policy("va_per_emission"), Some(Missing::Average));
        assert_eq!(policy("tax_per_mu"), Some(Missing::Zero));
    }

    #[test]
    fn unknown_indicator_is_rejected() {
        let text = "[groups.below]\nindicators = [{ name = \"water\", weight = 1 }]\n";
        assert!(Config::from_toml(text, "x").unwrap_err().to_string().contains("water"));
    }

    #[test]
    fn over_time_settings_default_and_check() {
        let c = Config::from_toml("[surcharge]\nladder = [0.05, 0.10, 0.15]\n", "x").expect("parses");
        assert_eq!(c.surcharge.ladder, Some(vec![0.05, 0.10, 0.15]));
        assert_eq!(c.surcharge.cap_yuan, 500_000.0, "the rest of [surcharge] keeps its defaults");
        assert_eq!((c.history.years, c.alerts.months, c.stability.draws, c.stability.seed), (5, 3, 1000, 1));
        assert!(Config::from_toml("[surcharge]\nladder = []\n", "x").is_err());
        assert!(Config::from_toml("[alerts]\nmonth = 13\n", "x").is_err());
        assert!(Config::from_toml("[stability]\nspread = 1.5\n", "x").is_err());
        assert!(Config::from_toml("[history]\nyears = 0\n", "x").is_err());
        let err = Config::from_toml("[stability]\ndraw = 10\n", "x").unwrap_err().to_string();
        assert!(err.contains("draw"), "{err}");
    }

    #[test]
    fn wrong_type_is_an_error_at_its_line_and_key() {
        let err = Config::from_toml("[scoring]\ncap = \"two\"\n", "x.toml").unwrap_err().to_string();
        assert!(err.starts_with("configuration x.toml: line 2, column 7, key `scoring.cap`: invalid type"), "{err}");
        let text = "[groups.below]\nindicators = [{ name = \"tax_per_mu\" }]\n";
        let err = Config::from_toml(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("line 2, column 15, key `groups.below.indicators[0]`: missing field `weight`"), "{err}");
    }
}
