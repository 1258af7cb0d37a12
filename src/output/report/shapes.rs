//! Shapes the page draws: a park's convex hull and a group's score histogram.

use super::esc;
use super::labels::Labels;
use crate::numbers::with_thousands as num;
use std::fmt::Write as _;

/// The convex hull (geo's), counter-clockwise from its smallest point, without the closing
/// point; a degenerate set (a point or a line) becomes its bounding box grown by 1 dm so that
/// it stays visible and hoverable.
pub(super) fn convex_hull(points: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    use geo::{ConvexHull, Coord, MultiPoint, Point, Winding};
    if points.is_empty() {
        return points;
    }
    let cloud: MultiPoint<i64> = points.iter().map(|&[x, y]| Point::new(x, y)).collect();
    let mut ring = cloud.convex_hull().exterior().clone();
    ring.make_ccw_winding();
    let mut hull: Vec<[i64; 2]> = ring.0.iter().map(|c: &Coord<i64>| [c.x, c.y]).collect();
    hull.pop();
    hull.dedup();
    if hull.len() >= 3 {
        let first = hull.iter().enumerate().min_by_key(|(_, p)| **p).map_or(0, |(i, _)| i);
        hull.rotate_left(first);
        return hull;
    }
    let (x0, x1) = (points.iter().map(|p| p[0]).min().unwrap_or(0), points.iter().map(|p| p[0]).max().unwrap_or(0));
    let (y0, y1) = (points.iter().map(|p| p[1]).min().unwrap_or(0), points.iter().map(|p| p[1]).max().unwrap_or(0));
    vec![[x0 - 1, y0 - 1], [x1 + 1, y0 - 1], [x1 + 1, y1 + 1], [x0 - 1, y1 + 1]]
}

const BINS: usize = 20;

/// An SVG histogram of one group's total scores (20 bins between its min and max).
pub(super) fn histogram(group: &str, values: &[f64], t: &Labels) -> String {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut html = format!("<figure class=\"hist\"><figcaption><b>{}</b>", esc(group));
    if v.is_empty() {
        return html + &format!(" · {}</figcaption></figure>\n", esc(t.none_rated));
    }
    let median = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
    let _ = write!(html, " · n = {} · {} {}</figcaption>", num(v.len() as f64, 0), esc(t.median), num(median, 1));
    let lo = v[0];
    let hi = if v[v.len() - 1] > lo { v[v.len() - 1] } else { lo + 1.0 };
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0u64; BINS];
    for x in &v {
        counts[(((x - lo) / width) as usize).min(BINS - 1)] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    html += "<svg class=\"hist\" viewBox=\"0 0 300 150\" role=\"img\"><line class=\"axis\" x1=\"28\" y1=\"125\" x2=\"296\" y2=\"125\"/>";
    let bar_w = 268.0 / BINS as f64;
    for (i, c) in counts.iter().enumerate() {
        let h = 112.0 * *c as f64 / max as f64;
        let _ = write!(
            html,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}–{}: {c}</title></rect>",
            28.0 + bar_w * i as f64 + 0.5,
            125.0 - h,
            bar_w - 1.0,
            num(lo + width * i as f64, 1),
            num(lo + width * (i + 1) as f64, 1),
        );
    }
    let _ = writeln!(
        html,
        "<text x=\"28\" y=\"140\">{}</text><text x=\"296\" y=\"140\" text-anchor=\"end\">{}</text>\
         <text x=\"24\" y=\"18\" text-anchor=\"end\">{max}</text><text x=\"24\" y=\"125\" text-anchor=\"end\">0</text></svg></figure>",
        num(lo, 1),
        num(hi, 1)
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hulls_start_at_the_smallest_point_and_turn_left() {
        let hull = convex_hull(vec![[0, 0], [10, 0], [5, 5], [10, 10], [0, 10], [5, 0]]);
        assert_eq!(hull, vec![[0, 0], [10, 0], [10, 10], [0, 10]]);
        let collinear = convex_hull(vec![[5, 5], [0, 0], [10, 0], [10, 10], [5, 0], [0, 10], [0, 5]]);
        assert_eq!(collinear, vec![[0, 0], [10, 0], [10, 10], [0, 10]], "collinear points are not corners");
        let shifted = convex_hull(vec![[3, 7], [13, 7], [13, 17], [3, 17]]);
        assert_eq!(shifted, vec![[3, 7], [13, 7], [13, 17], [3, 17]]);
    }

    #[test]
    fn degenerate_sets_become_a_grown_box() {
        assert_eq!(convex_hull(vec![[1, 1], [3, 1]]), vec![[0, 0], [4, 0], [4, 2], [0, 2]]);
        assert_eq!(convex_hull(vec![[5, 5]]), vec![[4, 4], [6, 4], [6, 6], [4, 6]]);
        assert!(convex_hull(Vec::new()).is_empty());
    }
}
