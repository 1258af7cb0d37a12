//! Per-group counts and sorted sums without the table engine: rows split into groups by a
//! key, and each group's values summed in ascending order to the same bits as a polars
//! `group_by` aggregating [`crate::numbers::sorted_sum_expr`] (Kahan summation over the
//! group's non-null values, a one-row group its value). Each column is sorted once and
//! serves every grouping.

use polars::polars_utils::kahan_sum::KahanSum;
use std::hash::Hash;

/// Rows split into groups by a key, the groups in ascending key order.
pub struct Groups<K> {
    /// Each row's group; `None` for a row in no group.
    of_row: Vec<Option<u32>>,
    /// The groups' keys, ascending.
    pub keys: Vec<K>,
    /// Each group's number of rows.
    pub sizes: Vec<u64>,
}

impl<K: Ord + Hash + Copy> Groups<K> {
    /// Groups the rows by their key; a row without one is in no group.
    pub fn new(keys: impl IntoIterator<Item = Option<K>>) -> Self {
        let mut first_seen: foldhash::HashMap<K, u32> = foldhash::HashMap::default();
        let seen: Vec<Option<u32>> = keys
            .into_iter()
            .map(|k| {
                k.map(|k| {
                    let next = first_seen.len() as u32;
                    *first_seen.entry(k).or_insert(next)
                })
            })
            .collect();
        let mut by_key: Vec<(K, u32)> = first_seen.into_iter().collect();
        by_key.sort_unstable();
        let mut rank = vec![0u32; by_key.len()];
        for (r, &(_, seen)) in by_key.iter().enumerate() {
            rank[seen as usize] = r as u32;
        }
        let of_row: Vec<Option<u32>> = seen.into_iter().map(|s| s.map(|s| rank[s as usize])).collect();
        let keys: Vec<K> = by_key.into_iter().map(|(k, _)| k).collect();
        let mut groups = Groups { of_row, sizes: vec![0; keys.len()], keys };
        groups.sizes = groups.count(|_| true);
        groups
    }
}

impl<K> Groups<K> {
    /// The group of `row`, if it is in one.
    pub fn of_row(&self, row: usize) -> Option<usize> {
        self.of_row[row].map(|g| g as usize)
    }

    /// Per group, how many of its rows `counted` holds for.
    pub fn count(&self, counted: impl Fn(usize) -> bool) -> Vec<u64> {
        let mut n = vec![0; self.keys.len()];
        for (row, g) in self.of_row.iter().enumerate() {
            if let Some(g) = g.filter(|_| counted(row)) {
                n[g as usize] += 1;
            }
        }
        n
    }
}

/// A column's non-null values with their rows, in ascending order: the order in which
/// [`crate::numbers::sorted_sum_expr`] sums them. (Where −0 stands among the zeros, or a
/// NaN, changes no sum.)
pub struct Ascending {
    values: Vec<f64>,
    rows: Vec<u32>,
}

impl Ascending {
    /// Sorts the column's non-null values (nulls add nothing to a sum).
    pub fn new(values: impl IntoIterator<Item = Option<f64>>) -> Self {
        let mut order: Vec<(f64, u32)> = values.into_iter().zip(0..).filter_map(|(v, row)| Some((v?, row))).collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let (values, rows) = order.into_iter().unzip();
        Ascending { values, rows }
    }

    /// The values of the rows `kept` holds for (the others as nulls).
    pub fn kept(&self, kept: impl Fn(usize) -> bool) -> Self {
        let (values, rows) = self.values.iter().zip(&self.rows).filter(|&(_, &row)| kept(row as usize)).unzip();
        Ascending { values, rows }
    }

    /// Per group, the sum of its values in ascending order, as polars' `group_by` sums a
    /// sorted column.
    pub fn sums<K>(&self, groups: &Groups<K>) -> Vec<f64> {
        let mut sums: Vec<GroupSum> = (0..groups.keys.len()).map(|_| GroupSum::default()).collect();
        for (&value, &row) in self.values.iter().zip(&self.rows) {
            if let Some(g) = groups.of_row(row as usize) {
                sums[g].add(value);
            }
        }
        sums.iter().zip(&groups.sizes).map(|(s, &rows)| s.total(rows)).collect()
    }
}

/// One group's sum as polars' `agg_sum` takes it: the first value of a one-row group
/// (0 when null), else the Kahan sum of the non-null values from 0.
#[derive(Default)]
struct GroupSum {
    kahan: KahanSum<f64>,
    first: Option<f64>,
}

impl GroupSum {
    fn add(&mut self, value: f64) {
        self.first.get_or_insert(value);
        self.kahan += value;
    }

    /// The sum of a group of `rows` rows.
    fn total(&self, rows: u64) -> f64 {
        if rows == 1 { self.first.unwrap_or(0.0) } else { self.kahan.sum() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::{keep_sorts, sorted_sum, sorted_sum_expr};
    use polars::prelude::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    /// Random values of very different magnitudes (sums that rounding shows in), some null,
    /// some zero or negative zero.
    fn value(rng: &mut SmallRng) -> Option<f64> {
        match rng.random_range(0..10) {
            0 => None,
            1 => Some(if rng.random_bool(0.5) { 0.0 } else { -0.0 }),
            2 => Some(rng.random_range(-1e6..1e6)),
            _ => Some(rng.random_range(0.0..1.0) * 10f64.powi(rng.random_range(-8..12))),
        }
    }

    /// Rows in groups of the given sizes, shuffled: each row's key, value and whether it is
    /// kept (a third are not, and count as nulls).
    fn rows(sizes: &[usize], seed: u64) -> (Vec<String>, Vec<Option<f64>>, Vec<bool>) {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut rows: Vec<(String, Option<f64>)> = Vec::new();
        for (g, &n) in sizes.iter().enumerate() {
            rows.extend((0..n).map(|_| (format!("g{g:04}"), value(&mut rng))));
        }
        for i in (1..rows.len()).rev() {
            rows.swap(i, rng.random_range(0..=i));
        }
        let kept = (0..rows.len()).map(|row| row % 3 != 0).collect();
        let (keys, values) = rows.into_iter().unzip();
        (keys, values, kept)
    }

    /// The rows' sums per group as polars' `group_by` gives them, and as [`Ascending::sums`]
    /// does.
    fn both_sums(sizes: &[usize], seed: u64) -> (Vec<f64>, Vec<f64>) {
        let (keys, values, kept) = rows(sizes, seed);
        let frame = df!("key" => &keys, "x" => &values, "kept" => &kept).unwrap();
        let x = when(col("kept")).then(col("x")).otherwise(lit(NULL).cast(DataType::Float64));
        let plan = frame
            .lazy()
            .group_by([col("key")])
            .agg([sorted_sum_expr(x).alias("x")])
            .sort(["key"], SortMultipleOptions::default());
        let polars = keep_sorts(plan).collect().unwrap();
        let polars = polars.column("x").unwrap().f64().unwrap().into_no_null_iter().collect();
        let groups = Groups::new(keys.iter().map(|k| Some(k.as_str())));
        (polars, Ascending::new(values).kept(|row| kept[row]).sums(&groups))
    }

    fn bits(sums: &[f64]) -> Vec<u64> {
        sums.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn sums_have_the_bits_of_polars_group_by() {
        let sizes = [1, 2, 3, 15, 16, 17, 127, 128, 129, 255, 256, 257, 300, 1000, 5000];
        let mut cases: Vec<(Vec<usize>, u64)> = (0..8).map(|seed| (sizes.to_vec(), seed)).collect();
        for seed in 0..4 {
            let mut rng = SmallRng::seed_from_u64(100 + seed);
            cases.push(((0..400).map(|_| rng.random_range(1..40)).collect(), seed));
        }
        for (sizes, seed) in cases {
            let (polars, ours) = both_sums(&sizes, seed);
            assert_eq!(bits(&ours), bits(&polars), "sizes {sizes:?}, seed {seed}");
        }
    }

    #[test]
    fn the_data_shows_the_order_of_additions() {
        let (keys, values, kept) = rows(&[5000], 0);
        let plain = sorted_sum((0..keys.len()).filter(|&row| kept[row]).filter_map(|row| values[row]));
        assert_ne!(both_sums(&[5000], 0).0[0].to_bits(), plain.to_bits());
    }

    #[test]
    fn one_row_groups_keep_their_value() {
        let (polars, ours) = both_sums(&[1, 1, 1, 1, 1, 1], 3);
        assert_eq!(bits(&ours), bits(&polars));
        let groups = Groups::new([Some("a"), Some("b"), None]);
        let sums = Ascending::new([Some(-0.0), None, Some(5.0)]).sums(&groups);
        assert_eq!(bits(&sums), [(-0.0f64).to_bits(), 0]);
    }

    #[test]
    fn groups_in_key_order_with_sizes_and_counts() {
        let groups = Groups::new([Some("b"), Some("a"), None, Some("b")]);
        assert_eq!(groups.keys, ["a", "b"]);
        assert_eq!(groups.sizes, [1, 2]);
        assert_eq!(groups.of_row(2), None);
        assert_eq!(groups.count(|row| row == 3), [0, 1]);
    }
}
