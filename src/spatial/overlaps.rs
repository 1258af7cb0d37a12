//! Overlapping lots: pairs of parcels where a vertex or edge midpoint of one lies inside the
//! other deeper than `snap_m` — more than the slivers a cadastre's snap tolerance absorbs.

use super::SpatialParcel;
use super::segments::{Segment, SegmentIndex, bounding_box};
use crate::quality::{At, Ledger, Message};
use geo::{Contains, MultiPolygon, Point};
use rayon::prelude::*;

/// One overlap: the two parcel indices (first < second) and how deep the deepest vertex of
/// either lies inside the other, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    pub first: usize,
    pub second: usize,
    pub depth_m: f64,
}

fn distance_to_segment(p: [f64; 2], s: &Segment) -> f64 {
    let (dx, dy) = (s.b[0] - s.a[0], s.b[1] - s.a[1]);
    let t = (((p[0] - s.a[0]) * dx + (p[1] - s.a[1]) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    (p[0] - (s.a[0] + t * dx)).hypot(p[1] - (s.a[1] + t * dy))
}

/// How deep the deepest vertex or edge midpoint of `a` (its segments) lies inside `b`
/// (0 when none is inside).
fn depth_inside(a_segments: &[Segment], b: &MultiPolygon<f64>, b_segments: &[Segment]) -> f64 {
    a_segments
        .iter()
        .flat_map(|s| [s.a, [(s.a[0] + s.b[0]) / 2.0, (s.a[1] + s.b[1]) / 2.0]])
        .filter(|p| b.contains(&Point::new(p[0], p[1])))
        .map(|p| b_segments.iter().map(|s| distance_to_segment(p, s)).fold(f64::INFINITY, f64::min))
        .fold(0.0, f64::max)
}

/// Every pair of parcels that overlap deeper than `snap_m`, found through the index of their
/// boundaries (see `metrics::parcel_boundaries`; never all pairs), in ascending order.
pub fn overlapping_pairs(parcels: &[SpatialParcel], boundaries: &SegmentIndex, snap_m: f64) -> Vec<Overlap> {
    let mut found: Vec<Overlap> = (0..parcels.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let own = boundaries.segments(i);
            let candidates = bounding_box(own).map(|bbox| boundaries.owners_near(&bbox, 0.0)).into_iter().flatten();
            candidates.filter(move |(j, ..)| *j > i).filter_map(move |(j, theirs, _)| {
                let (a, b) = (parcels[i].geometry.as_ref()?, parcels[j].geometry.as_ref()?);
                let depth = depth_inside(own, b, theirs).max(depth_inside(theirs, a, own));
                (depth > snap_m).then_some(Overlap { first: i, second: j, depth_m: depth })
            })
        })
        .collect();
    found.sort_by_key(|o| (o.first, o.second));
    found
}

/// Overlapping lots are a warning on the later parcel of each pair (rows are 1-based
/// positions in the parcel file).
pub fn report_overlaps(parcels: &[SpatialParcel], boundaries: &SegmentIndex, snap_m: f64, ledger: &Ledger) {
    for o in overlapping_pairs(parcels, boundaries, snap_m) {
        let (first, second) = (&parcels[o.first], &parcels[o.second]);
        ledger.warning(
            At::new(crate::input::parcels::TABLE, o.second + 1, &second.parcel_id, "geometry"),
            "parcels_overlap",
            Message::new(
                format!(
                    "parcels {} and {} overlap: a vertex lies {:.2} m inside the other",
                    first.parcel_id, second.parcel_id, o.depth_m
                ),
                format!(
                    "宗地 {} 与 {} 重叠：一个顶点深入另一宗地 {:.2} 米",
                    first.parcel_id, second.parcel_id, o.depth_m
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn parcel(x: f64, y: f64, w: f64) -> SpatialParcel {
        let p = polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + w), (x: x, y: y + w), (x: x, y: y)];
        SpatialParcel {
            parcel_id: Default::default(),
            geometry: Some(MultiPolygon(vec![p])),
            user: "u".into(),
            industrial: true,
            area_mu: 1.0,
        }
    }

    #[test]
    fn overlaps_beyond_the_snap_tolerance_are_found() {
        // 0: base; 1: overlaps it by 10 m; 2: a 0.3 m sliver over 0; 3: shares an edge with 0.
        let parcels = vec![
            parcel(0.0, 0.0, 100.0),
            parcel(90.0, 0.0, 100.0),
            parcel(-99.7, 0.0, 100.0),
            parcel(0.0, 100.0, 100.0),
        ];
        let found = overlapping_pairs(&parcels, &crate::spatial::metrics::parcel_boundaries(&parcels), 0.5);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first, found[0].second), (0, 1));
        assert!((found[0].depth_m - 10.0).abs() < 1e-9, "{found:?}");
    }
}
