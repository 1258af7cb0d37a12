//! Parcel area (SPEC §4 "Parcel area"): the ellipsoidal area of a longitude/latitude
//! MultiPolygon on GRS80 (Karney's geodesic polygon area) and the planar area of a
//! MultiPolygon in metres, both in m², holes subtracted, whatever the rings' winding.

use std::sync::LazyLock;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geographiclib_rs::{Geodesic, PolygonArea, Winding};

/// Square metres in one mu (亩): exactly 10000/15.
pub const M2_PER_MU: f64 = 10000.0 / 15.0;

/// The GRS80 ellipsoid of CGCS2000: a = 6378137 m, f = 1/298.257222101.
static GRS80: LazyLock<Geodesic> = LazyLock::new(|| Geodesic::new(6378137.0, 1.0 / 298.257222101));

/// Ellipsoidal area in m² of a lon/lat (degrees) MultiPolygon on GRS80 (a = 6378137,
/// f = 1/298.257222101), Karney's geodesic polygon area, holes subtracted, whatever the
/// rings' winding.
pub fn geodesic_area_m2(mp: &MultiPolygon<f64>) -> f64 {
    multi_polygon_area(mp, geodesic_ring_area)
}

/// Planar (shoelace) area in m² of a MultiPolygon in metres, holes subtracted, whatever the
/// winding.
pub fn planar_area_m2(mp: &MultiPolygon<f64>) -> f64 {
    multi_polygon_area(mp, planar_ring_area)
}

/// Σ over polygons of (shell − holes), each ring measured unsigned by `ring_area`.
fn multi_polygon_area(mp: &MultiPolygon<f64>, ring_area: fn(&LineString<f64>) -> f64) -> f64 {
    mp.0.iter().map(|polygon| polygon_area(polygon, ring_area)).sum()
}

fn polygon_area(polygon: &Polygon<f64>, ring_area: fn(&LineString<f64>) -> f64) -> f64 {
    let holes: f64 = polygon.interiors().iter().map(ring_area).sum();
    ring_area(polygon.exterior()) - holes
}

/// The ring's vertices without the closing repeat of the first one.
fn open_ring(ring: &LineString<f64>) -> &[Coord<f64>] {
    match ring.0.as_slice() {
        [first, rest @ .., last] if first == last => &ring.0[..rest.len() + 1],
        all => all,
    }
}

/// Unsigned geodesic area of one ring. The signed area is taken and its absolute value used,
/// so that a clockwise ring does not come out as the Earth minus the ring.
fn geodesic_ring_area(ring: &LineString<f64>) -> f64 {
    let mut polygon = PolygonArea::new(&GRS80, Winding::CounterClockwise);
    for c in open_ring(ring) {
        polygon.add_point(c.y, c.x);
    }
    let (_perimeter, area, _count) = polygon.compute(true);
    area.abs()
}

/// Unsigned shoelace area of one ring, computed relative to its first vertex so that large
/// Gauss-Krüger coordinates (zone-prefixed eastings of 10⁷ m) lose no precision.
fn planar_ring_area(ring: &LineString<f64>) -> f64 {
    let points = open_ring(ring);
    let Some(origin) = points.first() else {
        return 0.0;
    };
    let twice: f64 = points
        .iter()
        .zip(points.iter().cycle().skip(1))
        .map(|(a, b)| {
            let (ax, ay) = (a.x - origin.x, a.y - origin.y);
            let (bx, by) = (b.x - origin.x, b.y - origin.y);
            ax * by - bx * ay
        })
        .sum();
    twice.abs() / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    fn multi(shell: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> MultiPolygon<f64> {
        let holes = holes.iter().map(|h| ring(h)).collect();
        MultiPolygon(vec![Polygon::new(ring(shell), holes)])
    }

    fn reversed(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
        points.iter().rev().copied().collect()
    }

    const SQUARE_100: [(f64, f64); 4] = [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)];
    const HOLE_10: [(f64, f64); 4] = [(40.0, 40.0), (40.0, 50.0), (50.0, 50.0), (50.0, 40.0)];

    /// 0.001° × 0.001° cell with its south-west corner at lon 120, lat 30.
    const CELL: [(f64, f64); 4] = [(120.0, 30.0), (120.001, 30.0), (120.001, 30.001), (120.0, 30.001)];
    /// The same cell's middle half (0.0005° × 0.0005°), as a hole.
    const CELL_HOLE: [(f64, f64); 4] =
        [(120.00025, 30.00025), (120.00075, 30.00025), (120.00075, 30.00075), (120.00025, 30.00075)];
    /// Python geographiclib 2.x, Geodesic(6378137, 1/298.257222101).Polygon() over CELL.
    const CELL_M2: f64 = 10695.687027990818;
    /// The same over CELL_HOLE.
    const CELL_HOLE_M2: f64 = 2673.9217569828033;

    fn assert_rel(actual: f64, expected: f64, tolerance: f64) {
        let rel = ((actual - expected) / expected).abs();
        assert!(rel <= tolerance, "{actual} vs {expected}: relative {rel}");
    }

    #[test]
    fn square_of_100_m_is_15_mu() {
        let area = planar_area_m2(&multi(&SQUARE_100, &[]));
        assert_eq!(area, 10000.0);
        assert_eq!(area / M2_PER_MU, 15.0);
    }

    #[test]
    fn square_with_10_m_hole_is_14_85_mu() {
        let area = planar_area_m2(&multi(&SQUARE_100, &[&HOLE_10]));
        assert_eq!(area, 9900.0);
        assert!((area / M2_PER_MU - 14.85).abs() < 1e-12);
    }

    #[test]
    fn planar_area_ignores_winding_of_shell_and_hole() {
        let cw = reversed(&SQUARE_100);
        let hole_ccw = reversed(&HOLE_10);
        assert_eq!(planar_area_m2(&multi(&cw, &[&HOLE_10])), 9900.0);
        assert_eq!(planar_area_m2(&multi(&SQUARE_100, &[&hole_ccw])), 9900.0);
    }

    #[test]
    fn planar_area_keeps_precision_at_gauss_kruger_eastings() {
        let shifted: Vec<(f64, f64)> = SQUARE_100.iter().map(|&(x, y)| (x + 40_500_000.0, y + 3_300_000.0)).collect();
        assert_eq!(planar_area_m2(&multi(&shifted, &[])), 10000.0);
    }

    #[test]
    fn multipolygon_parts_add_up() {
        let far: Vec<(f64, f64)> = SQUARE_100.iter().map(|&(x, y)| (x + 500.0, y)).collect();
        let mut mp = multi(&SQUARE_100, &[&HOLE_10]);
        mp.0.extend(multi(&far, &[]).0);
        assert_eq!(planar_area_m2(&mp), 19900.0);
    }

    #[test]
    fn empty_multipolygon_has_no_area() {
        let empty = MultiPolygon::<f64>(vec![]);
        assert_eq!(planar_area_m2(&empty), 0.0);
        assert_eq!(geodesic_area_m2(&empty), 0.0);
    }

    #[test]
    fn geodesic_cell_matches_geographiclib() {
        assert_rel(geodesic_area_m2(&multi(&CELL, &[])), CELL_M2, 1e-6);
    }

    #[test]
    fn geodesic_cell_is_the_same_either_way_round() {
        let ccw = geodesic_area_m2(&multi(&CELL, &[]));
        let cw = geodesic_area_m2(&multi(&reversed(&CELL), &[]));
        assert_rel(cw, CELL_M2, 1e-6);
        assert_rel(cw, ccw, 1e-12);
    }

    #[test]
    fn geodesic_hole_is_subtracted_whatever_its_winding() {
        let expected = CELL_M2 - CELL_HOLE_M2;
        let hole_cw = reversed(&CELL_HOLE);
        assert_rel(geodesic_area_m2(&multi(&CELL, &[&CELL_HOLE])), expected, 1e-6);
        assert_rel(geodesic_area_m2(&multi(&CELL, &[&hole_cw])), expected, 1e-6);
    }

    /// A star-shaped (hence simple) ring: sorted angles, positive radii.
    fn star(center: (f64, f64), scale: f64, radii: &[f64]) -> Vec<(f64, f64)> {
        let n = radii.len() as f64;
        radii
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let angle = std::f64::consts::TAU * i as f64 / n;
                let (s, c) = angle.sin_cos();
                (center.0 + scale * r * c, center.1 + scale * r * s)
            })
            .collect()
    }

    /// The ring started at vertex `start`, optionally walked the other way round.
    fn rotate(points: &[(f64, f64)], start: usize, reverse: bool) -> Vec<(f64, f64)> {
        let mut out = points.to_vec();
        out.rotate_left(start % points.len());
        if reverse {
            out.reverse();
        }
        out
    }

    proptest! {
        // Failures are not written next to the source: this module is compiled from elsewhere.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn planar_area_is_invariant_under_rotation_and_reversal(
            radii in proptest::collection::vec(1.0f64..100.0, 3..12),
            start in 0usize..12,
            reverse: bool,
        ) {
            let base = star((500_000.0, 3_300_000.0), 1.0, &radii);
            let moved = rotate(&base, start, reverse);
            let a = planar_area_m2(&multi(&base, &[]));
            let b = planar_area_m2(&multi(&moved, &[]));
            prop_assert!((a - b).abs() <= 1e-9 * a, "{} vs {}", a, b);
        }

        #[test]
        fn geodesic_area_is_invariant_under_rotation_and_reversal(
            radii in proptest::collection::vec(1.0f64..10.0, 3..12),
            start in 0usize..12,
            reverse: bool,
        ) {
            let base = star((120.0, 30.0), 1e-4, &radii);
            let moved = rotate(&base, start, reverse);
            let a = geodesic_area_m2(&multi(&base, &[]));
            let b = geodesic_area_m2(&multi(&moved, &[]));
            prop_assert!((a - b).abs() <= 1e-9 * a, "{} vs {}", a, b);
        }
    }
}
