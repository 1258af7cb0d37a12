//! Classes and differentiated policy (SPEC §7): ranks within each group, classes A–D by
//! share or score cut-offs, vetoes, and the electricity surcharge.
//!
//! Ranks come from polars (a window rank per group); the class of each row is then one Rust
//! function, [`class_of`], which `explain` calls too, so that the cut-off is written once.
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

use super::benchmarks::first_match;
use super::status::{in_group, rated};
use crate::config::{ClassMode, Classes, Config};
use crate::domain::{Class, Group, Status};
use polars::prelude::*;

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

/// The number of ranks 1…n that [`ranked_within`] the share: rank r is within when r is at
/// most this (the test is monotone in r).
pub fn ranks_within(n: i64, share: f64) -> i64 {
    let (mut lo, mut hi) = (0, n.max(0));
    while lo < hi {
        let mid = (lo + hi + 1) / 2;
        if ranked_within(mid, n, share) { lo = mid } else { hi = mid - 1 }
    }
    lo
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
    let missed = cuts.iter().map(|cut| usize::from(!(rounded_total >= *cut))).sum::<usize>();
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

/// Adds `rank` (min method, highest total first, within the group's rated enterprises),
/// `rated_in_group` (n) and `class`.
pub fn with_classes(lf: LazyFrame, config: &Config) -> PolarsResult<LazyFrame> {
    // Unrated rows sort after every rated one, so they change no rated rank.
    let rankable = when(rated()).then(rounded_total()).otherwise(lit(f64::NEG_INFINITY));
    let rank = rankable.rank(RankOptions { method: RankMethod::Min, descending: true }, None).over([col("group")])?;
    let n = rated().cast(DataType::Int64).sum().over([col("group")])?;
    let ranked = lf
        .with_columns([
            when(rated()).then(rank.cast(DataType::Int64)).otherwise(lit(NULL).cast(DataType::Int64)).alias("rank"),
            when(rated()).then(n).otherwise(lit(NULL).cast(DataType::Int64)).alias("rated_in_group"),
        ])
        .collect()?;
    let classes = class_column(&ranked, config)?;
    Ok(ranked.lazy().with_column(lit(classes).alias("class")))
}

/// The class of every row of a ranked frame.
fn class_column(ranked: &DataFrame, config: &Config) -> PolarsResult<Series> {
    let status = ranked.column("status")?.str()?;
    let group = ranked.column("group")?.str()?;
    let veto = ranked.column("veto")?.bool()?;
    let rank = ranked.column("rank")?.i64()?;
    let n = ranked.column("rated_in_group")?.i64()?;
    let total = ranked.clone().lazy().select([rounded_total()]).collect()?;
    let total = total.column("total_score")?.f64()?;
    let classes: Vec<&str> = (0..ranked.height())
        .map(|i| {
            let status = status.get(i).and_then(Status::parse).unwrap_or(Status::Unmatched);
            let class = Class::of_unrated(status).unwrap_or_else(|| {
                let rated = (group.get(i).and_then(Group::parse), rank.get(i), n.get(i));
                match rated {
                    _ if veto.get(i).unwrap_or(false) => Class::D,
                    (Some(g), Some(r), Some(n)) => {
                        class_of(&config.groups.scheme(g).classes, r, n, total.get(i).unwrap_or(f64::NAN))
                    }
                    _ => Class::N,
                }
            });
            class.as_str()
        })
        .collect();
    Ok(Series::new("class".into(), classes))
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
        for n in 1..60 {
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
}
