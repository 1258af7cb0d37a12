//! Classes and differentiated policy (SPEC §7): ranks within each group, classes A–D by
//! share or score cut-offs, vetoes (and zombies under `zombie.class_d`), the points a total
//! needs to reach the next better class, and the electricity surcharge.
//!
//! Ranks come from polars (a window rank per group); the class of each row is then one Rust
//! function, [`class_of`], which `explain` calls too, so that the cut-off is written once;
//! [`forced_d`] says when a rank does not count, and [`next_class`] how far the next class is.
//!
//! ```
//! use muchan::config::{ClassMode, Classes};
//! use muchan::domain::Class;
//! use muchan::rating::classes::class_of;
//! let shares = Classes { mode: ClassMode::Share, a: 0.20, b: 0.60, c: 0.95 };
//! // 20 rated: ranks 1–4 are A (3 × 10⁴ < 2000 × 20), rank 5 is B, rank 20 is D.
//! assert_eq!(class_of(&shares, 4, 20, 0.0), Class::A);
//! assert_eq!(class_of(&shares, 5, 20, 0.0), Class::B);
//! assert_eq!(class_of(&shares, 20, 20, 0.0), Class::D);
//! ```

use super::COUNTY_KEY;
use super::benchmarks::first_match;
use super::status::{in_group, rated};
use crate::config::{ClassMode, Classes, Config};
use crate::domain::{Class, Group, Status};
use crate::numbers::round6;
use foldhash::HashMap;
use polars::prelude::*;
use std::cmp::Ordering;

/// The total rounded to 6 decimal places, as it is ranked and cut.
pub fn rounded_total() -> Expr {
    col("total_score").round(6, RoundMode::HalfAwayFromZero)
}

/// round(share × 10⁴): the share cut-off in ten-thousandths, as SPEC §7 tests it.
pub fn share_bound(share: f64) -> i64 {
    (share * 1e4).round() as i64
}

/// Whether the share ranked ahead of rank `rank` among `n`, (r − 1) ÷ n, is below `share`,
/// tested exactly as (r − 1) × 10⁴ < round(share × 10⁴) × n.
pub fn ranked_within(rank: i64, n: i64, share: f64) -> bool {
    (rank - 1) * 10_000 < share_bound(share) * n
}

/// How many ranks lie within `share` among `n`: ranks 1…k pass [`ranked_within`], no later one
/// does (k = ⌈round(share × 10⁴) × n ÷ 10⁴⌉, at most n).
pub fn ranks_within(n: i64, share: f64) -> i64 {
    ((share_bound(share) * n + 9_999) / 10_000).clamp(0, n)
}

/// The score rule's cut-offs a, b, c made monotone (a ≥ b ≥ c) without changing any class
/// [`class_of`] gives: a band a cut-off above the one before it holds no total anyway.
pub fn score_cuts(classes: &Classes) -> [f64; 3] {
    let b = classes.b.min(classes.a);
    [classes.a, b, classes.c.min(b)]
}

/// The class of a rounded total among monotone cut-offs: A when it reaches the first, else B
/// when it reaches the second, else C when it reaches the third, else D — counted without a
/// branch, as the number of cut-offs it does not reach.
#[inline]
pub fn class_by_cuts(cuts: &[f64; 3], rounded_total: f64) -> Class {
    let reaches = |cut: &f64| matches!(rounded_total.partial_cmp(cut), Some(Ordering::Greater | Ordering::Equal));
    let missed = cuts.iter().map(|cut| usize::from(!reaches(cut))).sum::<usize>();
    Class::RATED[missed]
}

/// A, B, C or D for a rated enterprise (vetoes aside): by share of rank `rank` among `n`, or
/// by score cut-offs on its rounded total.
pub fn class_of(classes: &Classes, rank: i64, n: i64, rounded_total: f64) -> Class {
    match classes.mode {
        ClassMode::Score => class_by_cuts(&score_cuts(classes), rounded_total),
        ClassMode::Share => {
            let within = |cut: f64| ranked_within(rank, n, cut);
            if within(classes.a) {
                Class::A
            } else if within(classes.b) {
                Class::B
            } else if within(classes.c) {
                Class::C
            } else {
                Class::D
            }
        }
    }
}

/// Whether a rated enterprise is class D whatever its rank: a veto adjustment (SPEC §7), or a
/// zombie flag when `zombie.class_d` is set (clarification 13). It stays ranked and counted.
pub fn forced_d(veto: bool, zombie: bool, config: &Config) -> bool {
    veto || (zombie && config.zombie.class_d)
}

/// The rounded total of the lowest-ranked member of each class A, B and C of one group (`None`
/// for a class with no member).
pub type LowestTotals = [Option<f64>; 3];

/// The next better class a rated, not forced enterprise of class `class` can reach by its
/// total, and the points its `total` needs for it, rounded to 6 decimals (clarification 12).
/// Share classes: the nearest better class that has a member, and t* − total, t* the rounded
/// total of that class's lowest-ranked member (reaching t* ties it, and a tie shares the better
/// rank). Score classes: the next better class and its cut-off − total. `None` for class A, T
/// and N.
pub fn next_class(classes: &Classes, class: Class, total: f64, lowest: &LowestTotals) -> Option<(Class, f64)> {
    let better: &[Class] = match class {
        Class::D => &[Class::C, Class::B, Class::A],
        Class::C => &[Class::B, Class::A],
        Class::B => &[Class::A],
        Class::A | Class::T | Class::N => &[],
    };
    let target = |k: Class| -> Option<f64> {
        match (classes.mode, k) {
            (ClassMode::Score, Class::A) => Some(classes.a),
            (ClassMode::Score, Class::B) => Some(classes.b),
            (ClassMode::Score, Class::C) => Some(classes.c),
            (ClassMode::Share, Class::A) => lowest[0],
            (ClassMode::Share, Class::B) => lowest[1],
            (ClassMode::Share, Class::C) => lowest[2],
            _ => None,
        }
    };
    let candidates = match classes.mode {
        ClassMode::Score => &better[..better.len().min(1)],
        ClassMode::Share => better,
    };
    candidates.iter().find_map(|&k| target(k).map(|t| (k, round6(t - total))))
}

/// Adds `rank` (min method, highest total first, within the rated enterprises of the group
/// and county),
/// `rated_in_group` (n), `class`, and `next_class` with `points_to_next_class`.
pub fn with_classes(lf: LazyFrame, config: &Config) -> PolarsResult<LazyFrame> {
    // Unrated rows sort after every rated one, so they change no rated rank.
    let rankable = when(rated()).then(rounded_total()).otherwise(lit(f64::NEG_INFINITY));
    let within = [col(COUNTY_KEY), col("group")];
    let rank = rankable.rank(RankOptions { method: RankMethod::Min, descending: true }, None).over(within.clone())?;
    let n = rated().cast(DataType::Int64).sum().over(within)?;
    let ranked = lf
        .with_columns([
            when(rated()).then(rank.cast(DataType::Int64)).otherwise(lit(NULL).cast(DataType::Int64)).alias("rank"),
            when(rated()).then(n).otherwise(lit(NULL).cast(DataType::Int64)).alias("rated_in_group"),
        ])
        .collect()?;
    let rows = ClassRows::read(&ranked)?;
    let classes: Vec<Class> = (0..ranked.height()).map(|i| rows.class(i, config)).collect();
    let [next, points] = next_class_columns(&rows, &classes, config);
    let classes = Series::new("class".into(), classes.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    Ok(ranked.lazy().with_columns([lit(classes).alias("class"), lit(next), lit(points)]))
}

/// The columns of a ranked frame that decide a row's class.
struct ClassRows<'a> {
    county: &'a StringChunked,
    status: &'a StringChunked,
    group: &'a StringChunked,
    veto: &'a BooleanChunked,
    zombie: &'a BooleanChunked,
    rank: &'a Int64Chunked,
    n: &'a Int64Chunked,
    /// The total as scored, and rounded to 6 decimals as it is ranked and cut.
    total: &'a Float64Chunked,
    rounded: Vec<Option<f64>>,
}

impl<'a> ClassRows<'a> {
    fn read(ranked: &'a DataFrame) -> PolarsResult<ClassRows<'a>> {
        let rounded = ranked.clone().lazy().select([rounded_total()]).collect()?;
        Ok(ClassRows {
            county: ranked.column(COUNTY_KEY)?.str()?,
            status: ranked.column("status")?.str()?,
            group: ranked.column("group")?.str()?,
            veto: ranked.column("veto")?.bool()?,
            zombie: ranked.column("zombie")?.bool()?,
            rank: ranked.column("rank")?.i64()?,
            n: ranked.column("rated_in_group")?.i64()?,
            total: ranked.column("total_score")?.f64()?,
            rounded: rounded.column("total_score")?.f64()?.iter().collect(),
        })
    }

    fn group(&self, i: usize) -> Option<Group> {
        self.group.get(i).and_then(Group::parse)
    }

    fn forced(&self, i: usize, config: &Config) -> bool {
        forced_d(self.veto.get(i).unwrap_or(false), self.zombie.get(i).unwrap_or(false), config)
    }

    /// The class of row `i`.
    fn class(&self, i: usize, config: &Config) -> Class {
        let status = self.status.get(i).and_then(Status::parse).unwrap_or(Status::Unmatched);
        Class::of_unrated(status).unwrap_or_else(|| match (self.group(i), self.rank.get(i), self.n.get(i)) {
            _ if self.forced(i, config) => Class::D,
            (Some(g), Some(r), Some(n)) => {
                class_of(&config.groups.scheme(g).classes, r, n, self.rounded[i].unwrap_or(f64::NAN))
            }
            _ => Class::N,
        })
    }
}

/// `next_class` and `points_to_next_class` of every row: rated rows not in A and not forced
/// to D (empty otherwise), against the classes of its group and county.
fn next_class_columns(rows: &ClassRows<'_>, classes: &[Class], config: &Config) -> [Series; 2] {
    // Per county and group.
    let mut lowest: HashMap<(Option<&str>, Group), LowestTotals> = HashMap::default();
    for (i, class) in classes.iter().enumerate() {
        let k = [Class::A, Class::B, Class::C].iter().position(|c| c == class);
        let (Some(g), Some(k), Some(t)) = (rows.group(i), k, rows.rounded[i]) else { continue };
        let slot = &mut lowest.entry((rows.county.get(i), g)).or_default()[k];
        *slot = Some(slot.map_or(t, |low: f64| low.min(t)));
    }
    let next: Vec<Option<(Class, f64)>> = (0..classes.len())
        .map(|i| {
            let g = rows.group(i).filter(|_| rows.status.get(i) == Some(Status::Rated.as_str()))?;
            if rows.forced(i, config) {
                return None;
            }
            let total = rows.total.get(i)?;
            let lowest = lowest.get(&(rows.county.get(i), g)).unwrap_or(&[None; 3]);
            next_class(&config.groups.scheme(g).classes, classes[i], total, lowest)
        })
        .collect();
    [
        Series::new("next_class".into(), next.iter().map(|n| n.map(|(k, _)| k.as_str())).collect::<Vec<_>>()),
        Series::new("points_to_next_class".into(), next.iter().map(|n| n.map(|(_, p)| p)).collect::<Vec<_>>()),
    ]
}

/// Adds `d_streak` (SPEC §16): the consecutive years of class D ending at the year rated,
/// `d_before` + 1 for a class-D row (`d_before`: the run ending the year before), else 0.
pub fn with_streak(lf: LazyFrame) -> LazyFrame {
    let d = col("class").eq(lit(Class::D.as_str()));
    let streak = when(d).then(col("d_before").cast(DataType::Int64) + lit(1i64)).otherwise(lit(0i64));
    lf.with_column(streak.alias("d_streak"))
}

/// The ladder's rate of a class-D row: `ladder[min(d_streak, len) − 1]` (SPEC §16).
fn ladder_rate(ladder: &[f64]) -> Expr {
    let steps = ladder.iter().enumerate().map(|(k, rate)| (col("d_streak").lt_eq(lit(k as i64 + 1)), lit(*rate)));
    first_match(steps.collect(), DataType::Float64).fill_null(lit(ladder.last().copied().unwrap_or(0.0)))
}

/// Adds `surcharge_yuan`: rate(group, class) × electricity_kwh, capped at `cap_yuan`;
/// 0 when electricity is missing or under `min_kwh`; empty for unrated rows. With a
/// surcharge ladder, class D pays the ladder's rate of its `d_streak` instead of its group's.
pub fn with_surcharge(lf: LazyFrame, config: &Config) -> LazyFrame {
    let mut rates = Vec::new();
    for (g, scheme) in config.groups.iter() {
        for class in Class::ALL {
            let rate = match (class, &config.surcharge.ladder) {
                (Class::D, Some(ladder)) => Some(ladder_rate(ladder)),
                _ => scheme.surcharge.of(class).map(lit),
            };
            if let Some(rate) = rate {
                rates.push((in_group(g).and(col("class").eq(lit(class.as_str()))), rate));
            }
        }
    }
    let kwh = col("electricity_kwh");
    let raw = first_match(rates, DataType::Float64) * kwh.clone();
    let cap = config.surcharge.cap_yuan;
    let capped = when(raw.clone().gt(lit(cap))).then(lit(cap)).otherwise(raw);
    let charged =
        when(kwh.clone().is_null().or(kwh.lt(lit(config.surcharge.min_kwh)))).then(lit(0.0)).otherwise(capped);
    lf.with_column(when(rated()).then(charged).otherwise(lit(NULL).cast(DataType::Float64)).alias("surcharge_yuan"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares() -> Classes {
        Classes { mode: ClassMode::Share, a: 0.20, b: 0.60, c: 0.95 }
    }

    #[test]
    fn share_cut_offs_by_hand() {
        // n = 19: the D band (share ahead ≥ 0.95) needs (r−1)×10⁴ ≥ 9500 × 19 = 180,500, i.e.
        // r − 1 ≥ 18.05: no rank of 19 reaches it.
        assert_eq!(class_of(&shares(), 19, 19, 0.0), Class::C);
        // n = 20: rank 20 has 19 × 10⁴ = 190,000 ≥ 190,000: D.
        assert_eq!(class_of(&shares(), 20, 20, 0.0), Class::D);
        // n = 10: A for ranks 1–2 (10,000 < 20,000), B for 3–6 (50,000 < 60,000), C for 7–10.
        let by_rank: Vec<Class> = (1..=10).map(|r| class_of(&shares(), r, 10, 0.0)).collect();
        use Class::*;
        assert_eq!(by_rank, [A, A, B, B, B, B, C, C, C, C]);
        assert_eq!(class_of(&shares(), 1, 1, 0.0), A, "a lone enterprise is A");
    }

    #[test]
    fn share_bound_rounds_the_share() {
        assert_eq!(share_bound(0.2), 2000);
        assert_eq!(share_bound(0.600_04), 6000);
        assert!(ranked_within(1, 5, 0.2), "0 < 2000 × 5");
        assert!(!ranked_within(2, 5, 0.2), "1 × 10⁴ = 2000 × 5 is not below: a share of exactly 0.2 is not A");
        assert!(ranked_within(2, 6, 0.2), "1 × 10⁴ < 2000 × 6");
    }

    #[test]
    fn ranks_within_counts_the_ranks_of_a_band() {
        // n = 10: ranks 1–2 within 0.2, 1–6 within 0.6, 1–10 within 0.95 (9 × 10⁴ < 9500 × 10).
        assert_eq!([0.2, 0.6, 0.95].map(|s| ranks_within(10, s)), [2, 6, 10]);
        assert_eq!([0.2, 0.6, 0.95].map(|s| ranks_within(19, s)), [4, 12, 19]);
        assert_eq!(ranks_within(20, 0.95), 19);
        assert_eq!((ranks_within(0, 0.5), ranks_within(7, 0.0), ranks_within(7, 1.0)), (0, 0, 7));
        for n in 1..=60 {
            for share in [0.0, 0.05, 0.2, 0.333, 0.6, 0.95, 1.0] {
                let counted = (1..=n).filter(|&r| ranked_within(r, n, share)).count() as i64;
                assert_eq!(ranks_within(n, share), counted, "n {n} share {share}");
            }
        }
    }

    #[test]
    fn odd_score_cut_offs_keep_their_classes() {
        // b above a: the B band is empty; c above b: the C band is empty.
        let odd = Classes { mode: ClassMode::Score, a: 50.0, b: 60.0, c: 70.0 };
        assert_eq!(score_cuts(&odd), [50.0, 50.0, 50.0]);
        assert_eq!(class_of(&odd, 0, 0, 55.0), Class::A);
        assert_eq!(class_of(&odd, 0, 0, 45.0), Class::D);
        assert_eq!(class_of(&odd, 0, 0, f64::NAN), Class::D);
    }

    #[test]
    fn score_cut_offs_on_the_rounded_total() {
        let scores = Classes { mode: ClassMode::Score, a: 80.0, b: 60.0, c: 40.0 };
        assert_eq!(class_of(&scores, 0, 0, 80.0), Class::A);
        assert_eq!(class_of(&scores, 0, 0, 79.999_999), Class::B);
        assert_eq!(class_of(&scores, 0, 0, 40.0), Class::C);
        assert_eq!(class_of(&scores, 0, 0, 39.0), Class::D);
    }

    #[test]
    fn next_class_by_hand() {
        // Lowest A 150, lowest B 90, no C member.
        let lowest = [Some(150.0), Some(90.0), None];
        assert_eq!(next_class(&shares(), Class::B, 120.0, &lowest), Some((Class::A, 30.0)));
        assert_eq!(next_class(&shares(), Class::C, 80.000_000_4, &lowest), Some((Class::B, 10.0)));
        assert_eq!(next_class(&shares(), Class::D, 10.0, &lowest), Some((Class::B, 80.0)), "C has no member");
        assert_eq!(next_class(&shares(), Class::A, 200.0, &lowest), None);
        assert_eq!(next_class(&shares(), Class::T, 0.0, &lowest), None);
        let scores = Classes { mode: ClassMode::Score, a: 80.0, b: 60.0, c: 40.0 };
        assert_eq!(next_class(&scores, Class::D, 39.5, &[None; 3]), Some((Class::C, 0.5)));
        assert_eq!(next_class(&scores, Class::C, 59.25, &[None; 3]), Some((Class::B, 0.75)));
    }

    #[test]
    fn zombies_are_forced_only_when_configured() {
        let mut config = Config::default();
        assert!(forced_d(true, false, &config));
        assert!(!forced_d(false, true, &config));
        config.zombie.class_d = true;
        assert!(forced_d(false, true, &config));
    }
}
