//! Order-independent arithmetic: sums that give the same bits whatever the order of the
//! rows or the number of threads, and the 6-decimal rounding of land and totals. (Tax and
//! energy are summed exactly while read: see `input::energy::Total`.)

use polars::prelude::{Expr, LazyFrame, OptFlags, SortOptions};

/// The sum of `values` taken in ascending order, so that it does not depend on the order
/// they come in.
pub fn sorted_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_by(f64::total_cmp);
    v.iter().sum()
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

/// `x` with `decimals` decimals and thousands separators (`-1,234.50`); no sign when it
/// rounds to zero; empty when `x` is not finite.
pub fn with_thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    if x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (k, digit) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
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
    fn thousands() {
        assert_eq!(with_thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(with_thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(with_thousands(999.0, 0), "999");
        assert_eq!(with_thousands(-1000.0, 0), "-1,000");
        assert_eq!(with_thousands(-0.001, 2), "0.00");
        assert_eq!(with_thousands(f64::NAN, 2), "");
    }

    #[test]
    fn rounding() {
        assert_eq!(round6(1.0000004), 1.0);
        assert_eq!(round6(2.5e-7), 0.0);
        assert_eq!(round6(-0.0000005), -0.000001);
    }
}
