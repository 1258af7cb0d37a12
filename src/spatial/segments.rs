//! Boundary segments of polygons, their R-tree, and the exact interval of one segment lying
//! within a distance of another.

use geo::{LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope, RTree, RTreeObject};

/// A straight piece of a ring, from `a` to `b`, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub a: [f64; 2],
    pub b: [f64; 2],
}

impl Segment {
    pub fn length(&self) -> f64 {
        (self.b[0] - self.a[0]).hypot(self.b[1] - self.a[1])
    }

    /// Finite coordinates and a positive length: the only segments the stage keeps.
    fn is_usable(&self) -> bool {
        let finite = self.a.iter().chain(&self.b).all(|v| v.is_finite());
        finite && self.length() > 0.0
    }

    /// The bounding box.
    pub fn envelope(&self) -> AABB<[f64; 2]> {
        AABB::from_corners(self.a, self.b)
    }
}

/// `bbox` grown by `d` on every side (not at all when `d` is not a positive number).
pub fn grown(bbox: &AABB<[f64; 2]>, d: f64) -> AABB<[f64; 2]> {
    let d = if d.is_finite() && d > 0.0 { d } else { 0.0 };
    let (lower, upper) = (bbox.lower(), bbox.upper());
    AABB::from_corners([lower[0] - d, lower[1] - d], [upper[0] + d, upper[1] + d])
}

/// Usable segments of one ring.
pub fn ring_segments(ring: &LineString<f64>) -> impl Iterator<Item = Segment> + '_ {
    ring.0.windows(2).map(|w| Segment { a: [w[0].x, w[0].y], b: [w[1].x, w[1].y] }).filter(Segment::is_usable)
}

/// Usable segments of all rings (exterior and holes) of a polygon.
pub fn polygon_segments(polygon: &Polygon<f64>) -> Vec<Segment> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors()).flat_map(ring_segments).collect()
}

/// Usable segments of all rings of all polygons.
pub fn multipolygon_segments(mp: &MultiPolygon<f64>) -> Vec<Segment> {
    mp.iter().flat_map(polygon_segments).collect()
}

/// Total length of the segments.
pub fn total_length(segments: &[Segment]) -> f64 {
    segments.iter().map(Segment::length).sum()
}

/// The bounding box of segments, or `None` when there are none.
pub fn bounding_box(segments: &[Segment]) -> Option<AABB<[f64; 2]>> {
    segments.iter().map(Segment::envelope).reduce(|a, b| a.merged(&b))
}

/// An owner's bounding box in the R-tree, tagged with the owner's index.
type OwnerBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The boundary segments of many owners (parcels, or polygon parts), found through an R-tree
/// of the owners' bounding boxes: a parcel has a handful of neighbours, so the tree holds one
/// entry per owner rather than one per segment.
pub struct SegmentIndex {
    owners: Vec<Vec<Segment>>,
    tree: RTree<OwnerBox>,
}

impl SegmentIndex {
    /// Indexes the segments of each owner; `owners[i]` is owner `i`.
    pub fn new(owners: Vec<Vec<Segment>>) -> Self {
        let boxes = owners
            .iter()
            .enumerate()
            .filter_map(|(owner, segments)| {
                let bbox = bounding_box(segments)?;
                Some(OwnerBox::new(Rectangle::from_corners(bbox.lower(), bbox.upper()), owner))
            })
            .collect();
        Self { owners, tree: RTree::bulk_load(boxes) }
    }

    /// The usable boundary segments of each multipolygon, indexed.
    pub fn of_multipolygons(geometries: &[Option<&MultiPolygon<f64>>]) -> Self {
        Self::new(geometries.par_iter().map(|g| g.map(multipolygon_segments).unwrap_or_default()).collect())
    }

    /// The segments of owner `i`.
    pub fn segments(&self, owner: usize) -> &[Segment] {
        self.owners.get(owner).map_or(&[], Vec::as_slice)
    }

    /// The owners whose bounding boxes come within `d` of the box `around`, each with its
    /// segments and bounding box: a superset of the owners with a segment within `d` of
    /// anything in `around`.
    pub fn owners_near<'s>(
        &'s self,
        around: &AABB<[f64; 2]>,
        d: f64,
    ) -> impl Iterator<Item = (usize, &'s [Segment], AABB<[f64; 2]>)> + use<'s> {
        self.tree
            .locate_in_envelope_intersecting(&grown(around, d))
            .map(move |b| (b.data, self.owners[b.data].as_slice(), b.geom().envelope()))
    }
}

/// The parameter interval `[t0, t1]` ⊂ [0, 1] of the points `s.a + t (s.b − s.a)` lying within
/// distance `d` of segment `q`, or `None`. Exact: the points within `d` of `q` form a convex
/// capsule (a rectangle along `q` and a disc at each end), so the line meets it in one interval,
/// the hull of its intervals with the three convex pieces.
pub fn within_interval(s: &Segment, q: &Segment, d: f64) -> Option<(f64, f64)> {
    let finite = [s.a, s.b, q.a, q.b].iter().flatten().all(|v| v.is_finite());
    if !finite || d.is_nan() || d < 0.0 {
        return None;
    }
    let v = [s.b[0] - s.a[0], s.b[1] - s.a[1]];
    let vv = dot(v, v);
    if vv.is_nan() || vv <= 0.0 {
        return None;
    }
    // Work relative to s.a to keep projected coordinates (millions of metres) precise.
    let c = [q.a[0] - s.a[0], q.a[1] - s.a[1]];
    let e = [q.b[0] - s.a[0], q.b[1] - s.a[1]];
    let pieces = [disc_interval(v, vv, c, d), disc_interval(v, vv, e, d), rectangle_interval(v, c, e, d)];
    let (lo, hi) = pieces
        .into_iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
    let (lo, hi) = (lo.max(0.0), hi.min(1.0));
    (lo <= hi).then_some((lo, hi))
}

fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// {t : |t v − c| ≤ d}.
fn disc_interval(v: [f64; 2], vv: f64, c: [f64; 2], d: f64) -> Option<(f64, f64)> {
    let vc = dot(v, c);
    let disc = vc * vc - vv * (dot(c, c) - d * d);
    if disc.is_nan() || disc < 0.0 {
        return None;
    }
    let root = disc.sqrt();
    Some(((vc - root) / vv, (vc + root) / vv))
}

/// {t : t v lies in the rectangle of half-width d around the segment c → e}.
fn rectangle_interval(v: [f64; 2], c: [f64; 2], e: [f64; 2], d: f64) -> Option<(f64, f64)> {
    let along = [e[0] - c[0], e[1] - c[1]];
    let len = dot(along, along).sqrt();
    if len.is_nan() || len <= 0.0 {
        return None;
    }
    let u = [along[0] / len, along[1] / len];
    let w = [-u[1], u[0]];
    // Position along q: t (v·u) − c·u ∈ [0, len]; across q: t (v·w) − c·w ∈ [−d, d].
    let (a1, b1) = linear_interval(dot(v, u), -dot(c, u), 0.0, len)?;
    let (a2, b2) = linear_interval(dot(v, w), -dot(c, w), -d, d)?;
    let (lo, hi) = (a1.max(a2), b1.min(b2));
    (lo <= hi).then_some((lo, hi))
}

/// {t : lo ≤ slope t + offset ≤ hi}.
fn linear_interval(slope: f64, offset: f64, lo: f64, hi: f64) -> Option<(f64, f64)> {
    if slope == 0.0 {
        return (lo <= offset && offset <= hi).then_some((f64::NEG_INFINITY, f64::INFINITY));
    }
    let (t1, t2) = ((lo - offset) / slope, (hi - offset) / slope);
    let (a, b) = if t1 <= t2 { (t1, t2) } else { (t2, t1) };
    (a <= b).then_some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(a: [f64; 2], b: [f64; 2]) -> Segment {
        Segment { a, b }
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12
    }

    #[test]
    fn collinear_overlap_is_the_overlap_plus_snap() {
        let s = seg([0.0, 0.0], [10.0, 0.0]);
        let q = seg([4.0, 0.0], [20.0, 0.0]);
        let i = within_interval(&s, &q, 0.5).expect("overlap");
        assert!(close(i, (0.35, 1.0)), "{i:?}");
    }

    #[test]
    fn parallel_gap_under_and_over_snap() {
        let s = seg([0.0, 0.0], [10.0, 0.0]);
        let near = seg([2.0, 0.3], [8.0, 0.3]);
        let i = within_interval(&s, &near, 0.5).expect("0.3 m gap");
        // Ends: 2 − √(0.25 − 0.09) = 1.6 and 8.4.
        assert!(close(i, (0.16, 0.84)), "{i:?}");
        let far = seg([2.0, 0.8], [8.0, 0.8]);
        assert_eq!(within_interval(&s, &far, 0.5), None);
    }

    #[test]
    fn perpendicular_touch_and_crossing() {
        let s = seg([0.0, 0.0], [10.0, 0.0]);
        let q = seg([5.0, 0.0], [5.0, 7.0]);
        let i = within_interval(&s, &q, 0.5).expect("touch");
        assert!(close(i, (0.45, 0.55)), "{i:?}");
        let crossing = seg([5.0, -3.0], [5.0, 3.0]);
        let i = within_interval(&s, &crossing, 0.5).expect("cross");
        assert!(close(i, (0.45, 0.55)), "{i:?}");
    }

    #[test]
    fn degenerate_and_nan_inputs_give_nothing_or_a_disc() {
        let s = seg([0.0, 0.0], [10.0, 0.0]);
        assert_eq!(within_interval(&seg([1.0, 1.0], [1.0, 1.0]), &s, 0.5), None);
        let point = seg([3.0, 0.0], [3.0, 0.0]);
        let i = within_interval(&s, &point, 0.5).expect("disc");
        assert!(close(i, (0.25, 0.35)), "{i:?}");
        let nan = seg([f64::NAN, 0.0], [1.0, 0.0]);
        assert_eq!(within_interval(&s, &nan, 0.5), None);
        assert_eq!(within_interval(&nan, &s, 0.5), None);
        assert_eq!(within_interval(&s, &s, f64::NAN), None);
    }

    fn point_segment_distance(p: [f64; 2], q: &Segment) -> f64 {
        let v = [q.b[0] - q.a[0], q.b[1] - q.a[1]];
        let w = [p[0] - q.a[0], p[1] - q.a[1]];
        let vv = dot(v, v);
        let t = if vv > 0.0 { (dot(v, w) / vv).clamp(0.0, 1.0) } else { 0.0 };
        (p[0] - q.a[0] - t * v[0]).hypot(p[1] - q.a[1] - t * v[1])
    }

    proptest::proptest! {
        /// The interval agrees with the distance sampled along the segment.
        #[test]
        fn interval_matches_sampled_distance(
            c in proptest::collection::vec(-10.0f64..10.0, 8),
            d in 0.0f64..4.0,
        ) {
            let s = seg([c[0], c[1]], [c[2], c[3]]);
            let q = seg([c[4], c[5]], [c[6], c[7]]);
            proptest::prop_assume!(s.length() > 1e-6);
            let interval = within_interval(&s, &q, d);
            for k in 0..=1000 {
                let t = k as f64 / 1000.0;
                let p = [s.a[0] + t * (s.b[0] - s.a[0]), s.a[1] + t * (s.b[1] - s.a[1])];
                let dist = point_segment_distance(p, &q);
                let inside = interval.is_some_and(|(lo, hi)| lo <= t && t <= hi);
                if dist < d - 1e-9 {
                    proptest::prop_assert!(inside, "t {} dist {} d {} {:?}", t, dist, d, interval);
                }
                if dist > d + 1e-9 {
                    proptest::prop_assert!(!inside, "t {} dist {} d {} {:?}", t, dist, d, interval);
                }
            }
        }
    }

    #[test]
    fn unusable_segments_are_dropped() {
        let ring = LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (f64::NAN, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_segments(&ring).count(), 1);
    }

    #[test]
    fn index_finds_segments_within_snap_boxes() {
        let owners = vec![
            vec![seg([0.0, 0.0], [1.0, 0.0])],
            vec![seg([0.0, 0.4], [1.0, 0.4])],
            vec![seg([0.0, 5.0], [1.0, 5.0])],
        ];
        let around = bounding_box(&owners[0]).expect("a box");
        let index = SegmentIndex::new(owners);
        let mut found: Vec<usize> = index.owners_near(&around, 0.5).map(|(owner, ..)| owner).collect();
        found.sort();
        assert_eq!(found, vec![0, 1]);
        assert_eq!(bounding_box(&[]), None);
    }
}
