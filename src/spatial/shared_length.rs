//! Shared length L(P, X) (SPEC §9): the length of P's boundary lying within `snap_m` of the
//! boundaries of X, computed exactly from per-segment parameter intervals, overlapping pieces
//! counted once.

use super::segments::{Segment, SegmentIndex, bounding_box, grown, within_interval};
use rstar::Envelope;

/// The piece `[t0, t1]` of P's segment `seg` lying within the distance of a segment of `other`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    pub seg: usize,
    pub other: usize,
    pub t0: f64,
    pub t1: f64,
}

/// Every contact of the segments `own` with the indexed segments of owners other than `skip`.
/// Sorted by (other, seg, t0, t1), so the result does not depend on the R-tree's order.
pub fn contacts(own: &[Segment], index: &SegmentIndex, d: f64, skip: usize) -> Vec<Contact> {
    let Some(own_box) = bounding_box(own) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (other, theirs, their_box) in index.owners_near(&own_box, d).filter(|(other, ..)| *other != skip) {
        let reach = grown(&their_box, d);
        for (seg, s) in own.iter().enumerate().filter(|(_, s)| reach.intersects(&s.envelope())) {
            let near = grown(&s.envelope(), d);
            for q in theirs.iter().filter(|q| near.intersects(&q.envelope())) {
                if let Some((t0, t1)) = within_interval(s, q, d) {
                    out.push(Contact { seg, other, t0, t1 });
                }
            }
        }
    }
    out.sort_by(|a, b| (a.other, a.seg).cmp(&(b.other, b.seg)).then(a.t0.total_cmp(&b.t0)).then(a.t1.total_cmp(&b.t1)));
    out
}

/// Length of the union of the contacts' pieces of `own` (overlaps count once).
pub fn covered_length<'a>(own: &[Segment], contacts: impl IntoIterator<Item = &'a Contact>) -> f64 {
    let mut pieces: Vec<(usize, f64, f64)> =
        contacts.into_iter().filter(|c| c.seg < own.len()).map(|c| (c.seg, c.t0, c.t1)).collect();
    pieces.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut total = 0.0;
    let mut current: Option<(usize, f64, f64)> = None;
    for (seg, t0, t1) in pieces {
        current = match current {
            Some((s, lo, hi)) if s == seg && t0 <= hi => Some((s, lo, hi.max(t1))),
            Some((s, lo, hi)) => {
                total += (hi - lo) * own[s].length();
                Some((seg, t0, t1))
            }
            None => Some((seg, t0, t1)),
        };
    }
    if let Some((s, lo, hi)) = current {
        total += (hi - lo) * own[s].length();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::super::segments::{multipolygon_segments, total_length};
    use super::*;
    use geo::{LineString, MultiPolygon, Polygon};
    use proptest::prelude::*;

    fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]),
            vec![],
        )])
    }

    /// L(P, X) with X = all the others.
    fn shared(p: &MultiPolygon<f64>, others: &[MultiPolygon<f64>], d: f64) -> f64 {
        let own = multipolygon_segments(p);
        let mut owners = vec![Vec::new()];
        owners.extend(others.iter().map(multipolygon_segments));
        let index = SegmentIndex::new(owners);
        covered_length(&own, &contacts(&own, &index, d, 0))
    }

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn exact_shared_edge() {
        let p = square(0.0, 0.0, 10.0, 10.0);
        let q = square(10.0, 0.0, 10.0, 10.0);
        // The common edge (10 m) plus 0.5 m at each end along the top and bottom.
        assert!(approx(shared(&p, &[q], 0.5), 11.0));
    }

    #[test]
    fn partial_edge_and_overlapping_neighbours_count_once() {
        let p = square(0.0, 0.0, 10.0, 10.0);
        let q1 = square(10.0, 0.0, 10.0, 6.0);
        let q2 = square(10.0, 4.0, 10.0, 6.0);
        // q1 covers y ∈ [0, 6.5] of the right edge (+0.5 on the bottom), q2 y ∈ [3.5, 10]
        // (+0.5 on the top): the right edge counts once.
        assert!(approx(shared(&p, &[q1.clone(), q2], 0.5), 11.0));
        assert!(approx(shared(&p, &[q1], 0.5), 7.0));
    }

    #[test]
    fn gap_under_snap_shares_and_over_does_not() {
        let p = square(0.0, 0.0, 10.0, 10.0);
        let near = square(10.3, 0.0, 10.0, 10.0);
        let far = square(10.8, 0.0, 10.0, 10.0);
        // Right edge 10 m; the top and bottom edges run on collinear with `near`'s, whose
        // ends at x = 10.3 are within 0.5 m of them from x = 9.8: 0.2 m each.
        assert!(approx(shared(&p, &[near], 0.5), 10.4));
        // Shifted up 0.3 m as well: the whole right edge is within √(0.3² + 0.3²) < 0.5 m;
        // the bottom edge reaches within 0.5 m of the corner (10.3, 0.3) from x = 10.3 − 0.4
        // (0.1 m); the top edge within 0.5 m of the side x = 10.3 from x = 9.8 (0.2 m).
        let shifted = square(10.3, 0.3, 10.0, 10.0);
        assert!(approx(shared(&p, &[shifted], 0.5), 10.3));
        assert!(approx(shared(&p, &[far], 0.5), 0.0));
    }

    #[test]
    fn corner_only_shares_two_snaps() {
        let p = square(0.0, 0.0, 10.0, 10.0);
        let q = square(-10.0, -10.0, 10.0, 10.0);
        assert!(approx(shared(&p, &[q], 0.5), 1.0));
    }

    fn star(radii: &[f64], cx: f64, cy: f64, rotate: usize) -> MultiPolygon<f64> {
        let n = radii.len();
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let k = (i + rotate) % n;
                let ang = k as f64 / n as f64 * std::f64::consts::TAU;
                (cx + radii[k] * ang.cos(), cy + radii[k] * ang.sin())
            })
            .collect();
        pts.push(pts[0]);
        MultiPolygon::new(vec![Polygon::new(LineString::from(pts), vec![])])
    }

    proptest! {
        #[test]
        fn shared_length_bounded_and_rotation_invariant(
            rp in prop::collection::vec(1.0f64..20.0, 3..12),
            rq in prop::collection::vec(1.0f64..20.0, 3..12),
            dx in -25.0f64..25.0,
            dy in -25.0f64..25.0,
            d in 0.0f64..3.0,
            rot_p in 0usize..12,
            rot_q in 0usize..12,
        ) {
            let p = star(&rp, 0.0, 0.0, 0);
            let q = star(&rq, dx, dy, 0);
            let l = shared(&p, std::slice::from_ref(&q), d);
            let perimeter = total_length(&multipolygon_segments(&p));
            prop_assert!(l >= 0.0 && l <= perimeter + 1e-9);
            let p_rot = star(&rp, 0.0, 0.0, rot_p % rp.len());
            let q_rot = star(&rq, dx, dy, rot_q % rq.len());
            let l_rot = shared(&p_rot, &[q_rot], d);
            prop_assert!((l - l_rot).abs() < 1e-7, "{} vs {}", l, l_rot);
        }
    }
}
