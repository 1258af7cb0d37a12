//! The evaluation's domain values as types (SPEC §5, §7, §8, §9, §16): the group an enterprise
//! is scored in, its status, its class, the zombie rules (and the evidence of one that fired),
//! the early-warning rules, the reclaim reasons, the county a code or parcel belongs to and the
//! figures of an enterprises row.
//!
//! Polars frames and outputs carry these as text; `as_str` gives that text and `parse` reads it
//! back, so that no stage compares strings such as `"D"` or `"above"`. A text that is none of a
//! type's values parses to `None`: a misspelt group can never fall into another group's scheme.
//!
//! ```
//! use muchan::domain::{Class, Group};
//! assert_eq!(Class::parse("D"), Some(Class::D));
//! assert_eq!(Group::parse("above").map(Group::as_str), Some("above"));
//! assert_eq!(Group::parse("Above"), None);
//! ```

use serde::Serialize;

/// Defines a fieldless enum whose every value has one text, in declaration order.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The text polars and the outputs carry.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The value written `text`, exactly; `None` for any other text.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// The figures of an enterprises row (SPEC §2), by their column names.
    pub enum Figure {
        /// 营业收入 (万元).
        Revenue = "revenue",
        /// 工业增加值 (万元).
        ValueAdded = "value_added",
        /// 利润总额 (万元).
        Profit = "profit",
        /// 年平均职工人数.
        Employees = "employees",
        /// 研发经费支出 (万元).
        RdExpense = "rd_expense",
        /// 资产总计 (万元).
        TotalAssets = "total_assets",
        /// 负债合计 (万元).
        TotalLiabilities = "total_liabilities",
        /// 固定资产投资 (万元), the review's investment when a commitment gives none (SPEC §14).
        FixedInvestment = "fixed_investment",
    }
}

/// An enterprises row's [`Figure`]s, each a number or missing, packed: 72 bytes where eight
/// `Option<f64>` took 128, for each of the 9 M rows a nation reads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    values: [f64; Figure::ALL.len()],
    /// Bit i: `values[i]` is present.
    present: u8,
}

impl Figures {
    /// Each figure as `value` gives it.
    pub fn from_fn(mut value: impl FnMut(Figure) -> Option<f64>) -> Figures {
        let mut figures = Figures::default();
        for (i, figure) in Figure::ALL.into_iter().enumerate() {
            if let Some(v) = value(figure) {
                figures.values[i] = v;
                figures.present |= 1 << i;
            }
        }
        figures
    }

    /// The figure, when the row has it.
    pub fn get(&self, figure: Figure) -> Option<f64> {
        let i = figure as usize;
        (self.present & 1 << i != 0).then_some(self.values[i])
    }
}

text_enum! {
    /// The two groups scored separately (SPEC §5).
    pub enum Group {
        /// 规上, above designated size.
        Above = "above",
        /// 规下, below designated size.
        Below = "below",
    }
}

text_enum! {
    /// Who is rated (SPEC §5), in the order of the table: the first that applies.
    pub enum Status {
        Unmatched = "unmatched",
        Exempt = "exempt",
        New = "new",
        NoLand = "no_land",
        BelowMinMu = "below_min_mu",
        Rated = "rated",
    }
}

text_enum! {
    /// The class (SPEC §7): A–D for rated codes, T for exempt and new ones, N for the others.
    pub enum Class {
        /// 优先发展类
        A = "A",
        /// 鼓励提升类
        B = "B",
        /// 帮扶转型类
        C = "C",
        /// 倒逼整治类
        D = "D",
        /// 免评/新投产: exempt or new.
        T = "T",
        /// 未评价: not rated.
        N = "N",
    }
}

impl Class {
    /// The classes of rated codes, best first.
    pub const RATED: [Class; 4] = [Class::A, Class::B, Class::C, Class::D];

    /// The class of a code that is not rated with this status (`None` for `rated`).
    pub fn of_unrated(status: Status) -> Option<Class> {
        match status {
            Status::Exempt | Status::New => Some(Class::T),
            Status::Rated => None,
            Status::Unmatched | Status::NoLand | Status::BelowMinMu => Some(Class::N),
        }
    }
}

text_enum! {
    /// The zombie rules of SPEC §8, in the table's order.
    pub enum ZombieRule {
        DormantPower = "dormant_power",
        PersistentLosses = "persistent_losses",
        NoTax = "no_tax",
        Insolvent = "insolvent",
        RevenueCollapse = "revenue_collapse",
    }
}

/// What a fired zombie rule saw, in numbers (`explain` tells it in words, in either
/// language).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Evidence {
    /// `months` consecutive months, `first`–`last` of `year`, each under `kwh`.
    DormantPower { months: u32, first: u32, last: u32, kwh: f64, year: i32 },
    /// Each year's profit, all negative.
    PersistentLosses { profits: Vec<(i32, f64)> },
    /// Each year's tax, all ≤ 0.
    NoTax { taxes: Vec<(i32, f64)> },
    /// Liabilities ÷ assets above `limit`.
    Insolvent { liabilities: f64, assets: f64, limit: f64 },
    /// Revenue of the year before and of the evaluation year.
    RevenueCollapse { previous: f64, current: f64 },
}

text_enum! {
    /// The early-warning rules of SPEC §16 (月度监测预警), in their order.
    pub enum AlertRule {
        /// Electricity below the same months a year before, each of the last months.
        PowerDrop = "power_drop",
        /// Tax of the year to date below the same months a year before.
        TaxDrop = "tax_drop",
        /// Dormant months up to the latest month, not (yet) a zombie.
        DormantWatch = "dormant_watch",
        /// Class A/B last year and C/D now, or the total fell.
        Sliding = "sliding",
        /// A class that perturbed weights often change.
        Fragile = "fragile",
    }
}

text_enum! {
    /// Why a parcel is a reclaim candidate (SPEC §9), in the order they are listed.
    pub enum ReclaimReason {
        Idle = "idle",
        ZombieOwner = "zombie_owner",
        ClassDOwner = "class_d_owner",
        Scattered = "scattered",
        /// 低效用地: low_plot_ratio, low_coverage or overdue fired (SPEC §15).
        LowEfficiency = "low_efficiency",
    }
}

text_enum! {
    /// The 低效用地 tests of a parcel (SPEC §15), in the order they are listed.
    pub enum LowTest {
        /// Plot ratio under the minimum of the user's industry.
        LowPlotRatio = "low_plot_ratio",
        /// Coverage under `min_coverage`.
        LowCoverage = "low_coverage",
        /// The rated user's tax per mu under its share of the benchmark (or the absolute floor).
        LowTax = "low_tax",
        /// Not completed `overdue_years` after completion_due.
        Overdue = "overdue",
    }
}

text_enum! {
    /// The outcome of a 标准地 review at full production (达产复核, SPEC §14).
    pub enum ReviewStatus {
        /// The review year is still to come.
        Pending = "pending",
        /// Reviewed, and some committed indicator has no actual value (or nothing to review).
        NoData = "no_data",
        /// Every committed indicator reached.
        Met = "met",
        /// Some committed indicator short.
        Shortfall = "shortfall",
    }
}

/// The county (区县) a code or parcel belongs to (SPEC §17): its name as the input writes it,
/// trimmed; the empty county holds those with none.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct County(String);

impl County {
    /// The county named `name` (trimmed; an empty or missing name is the empty county).
    pub fn new(name: Option<&str>) -> County {
        County(name.map(str::trim).unwrap_or_default().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the county of those with none.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// Its name as summaries and messages key it: the empty county as `(none)`.
    pub fn bucket(&self) -> &str {
        if self.is_none() { NO_BUCKET } else { &self.0 }
    }
}

impl std::fmt::Display for County {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.0)
    }
}

/// The bucket of summaries and the report for an enterprise or parcel with no park (or
/// industry, or group).
pub const NO_BUCKET: &str = "(none)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_each_value_and_each_missing_one() {
        let given = |f: Figure| match f {
            Figure::Revenue => Some(1234.5),
            Figure::Profit => Some(-0.0),
            Figure::FixedInvestment => Some(f64::MAX),
            _ => None,
        };
        let figures = Figures::from_fn(given);
        for figure in Figure::ALL {
            assert_eq!(figures.get(figure).map(f64::to_bits), given(figure).map(f64::to_bits), "{figure}");
        }
        assert_eq!(Figures::from_fn(|_| None), Figures::default());
        assert_eq!(Figure::parse("value_added"), Some(Figure::ValueAdded));
    }

    #[test]
    fn every_value_reads_back_from_its_text() {
        for c in Class::ALL {
            assert_eq!(Class::parse(c.as_str()), Some(c));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for g in Group::ALL {
            assert_eq!(Group::parse(g.as_str()), Some(g));
        }
        assert_eq!(Class::ALL.map(Class::as_str), ["A", "B", "C", "D", "T", "N"]);
        assert_eq!(Status::ALL.map(Status::as_str), ["unmatched", "exempt", "new", "no_land", "below_min_mu", "rated"]);
    }

    #[test]
    fn other_text_is_no_value() {
        assert_eq!(Group::parse("Above"), None);
        assert_eq!(Group::parse("(none)"), None);
        assert_eq!(Class::parse("d"), None);
        assert_eq!(Status::parse(""), None);
    }

    #[test]
    fn unrated_statuses_have_classes_t_and_n() {
        assert_eq!(Class::of_unrated(Status::Exempt), Some(Class::T));
        assert_eq!(Class::of_unrated(Status::New), Some(Class::T));
        assert_eq!(Class::of_unrated(Status::NoLand), Some(Class::N));
        assert_eq!(Class::of_unrated(Status::Rated), None);
    }

    #[test]
    fn groups_serialize_as_their_text_in_their_order() {
        let map: std::collections::BTreeMap<Group, u8> = [(Group::Below, 2), (Group::Above, 1)].into();
        assert_eq!(serde_json::to_string(&map).expect("json"), r#"{"above":1,"below":2}"#);
    }
}
