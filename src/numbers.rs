//! Order-independent arithmetic: sums that give the same bits whatever the order of the
//! rows or the number of threads, grouping rows by key, and the 6-decimal rounding of land
//! and totals.

use polars::prelude::{Expr, LazyFrame, OptFlags, SortOptions};
use rayon::prelude::*;

/// The sum of `values` taken in ascending order, so that it does not depend on the order
/// they come in.
pub fn sorted_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_by(f64::total_cmp);
    v.iter().sum()
}

/// The [`sorted_sum`] of the values present; `None` (missing, never zero) when none is.
pub fn sum_present(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let mut present = values.into_iter().flatten().peekable();
    present.peek()?;
    Some(sorted_sum(present))
}

/// Items grouped by a key, the groups in ascending key order. Only the order of the items
/// is sorted (in parallel), so grouping millions of rows moves no row.
pub struct Grouped<'a, T> {
    items: &'a [T],
    order: Vec<usize>,
    /// Where each group ends in `order`.
    ends: Vec<usize>,
}

impl<'a, T: Sync> Grouped<'a, T> {
    pub fn new<K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K + Sync) -> Self {
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.par_sort_unstable_by(|&a, &b| key(&items[a]).cmp(&key(&items[b])).then(a.cmp(&b)));
        let mut ends: Vec<usize> =
            (1..order.len()).filter(|&i| key(&items[order[i - 1]]) != key(&items[order[i]])).collect();
        if !order.is_empty() {
            ends.push(order.len());
        }
        Grouped { items, order, ends }
    }

    /// The groups, each as its items in file order.
    pub fn groups(&self) -> impl Iterator<Item = Vec<&'a T>> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| self.order[start..end].iter().map(|&i| &self.items[i]).collect())
    }
}

/// The polars form of [`sorted_sum`]: the column's values summed in ascending order. The
/// plan that uses it must keep the sort: see [`keep_sorts`].
pub fn sorted_sum_expr(e: Expr) -> Expr {
    e.sort(SortOptions::default()).sum()
}

/// Turns off the optimisation that drops a sort before an order-insensitive aggregation
/// (it would make [`sorted_sum_expr`] sum in row order again).
pub fn keep_sorts(lf: LazyFrame) -> LazyFrame {
    let flags = lf.get_current_optimizations() & !OptFlags::CHECK_ORDER_OBSERVE;
    lf.with_optimizations(flags)
}

/// Rounds to 6 decimal places, half away from zero, as land_mu and totals are before they
/// are tested, divided by or ranked.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_do_not_depend_on_order() {
        let a = [0.1, 1e16, 0.2, -1e16, 0.3];
        let b = [0.3, -1e16, 0.2, 1e16, 0.1];
        assert_eq!(sorted_sum(a).to_bits(), sorted_sum(b).to_bits());
    }

    #[test]
    fn groups_come_in_key_order_with_their_items_in_file_order() {
        let items = [("b", 1.0), ("a", 2.0), ("b", 3.0), ("c", 4.0), ("a", 5.0)];
        let grouped = Grouped::new(&items, |(k, _)| *k);
        let groups: Vec<Vec<f64>> = grouped.groups().map(|g| g.iter().map(|(_, v)| *v).collect()).collect();
        assert_eq!(groups, vec![vec![2.0, 5.0], vec![1.0, 3.0], vec![4.0]]);
        assert_eq!(Grouped::new(&[] as &[(u8, f64)], |(k, _)| *k).groups().count(), 0);
        assert_eq!(sum_present([None, Some(0.5), None, Some(0.25)]), Some(0.75));
        assert_eq!(sum_present([None, None]), None);
    }

    #[test]
    fn rounding() {
        assert_eq!(round6(1.0000004), 1.0);
        assert_eq!(round6(2.5e-7), 0.0);
        assert_eq!(round6(-0.0000005), -0.000001);
    }
}
