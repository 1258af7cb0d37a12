//! Fragmented holding (SPEC §8): how many connected pieces the polygon parts of one user's
//! parcels form.

use super::blocks::UnionFind;
use super::segments::{Segment, SegmentIndex, polygon_segments};
use super::shared_length::{contacts, covered_length};
use super::{SpatialParcel, SpatialSettings, UNASSIGNED_PREFIX};
use compact_str::CompactString;
use foldhash::HashMap;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Pieces per user (credit code), for every user that is not `parcel:<id>`; a user whose
/// parcels have no usable geometry has 0 pieces. Two parts connect when they are neighbours by
/// the §9 test applied to the two parts, or when they belong to one parcel and lie within
/// `snap_m` of each other (boundaries that close, or one inside the other).
pub fn fragmented_pieces(parcels: &[SpatialParcel], settings: &SpatialSettings) -> HashMap<CompactString, usize> {
    let mut by_user: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        if !p.user.starts_with(UNASSIGNED_PREFIX) {
            by_user.entry(p.user.as_str()).or_default().push(i);
        }
    }
    let users: Vec<(&str, Vec<usize>)> = by_user.into_iter().collect();
    users
        .par_iter()
        .map(|(user, indices)| (CompactString::from(*user), user_pieces(parcels, indices, settings)))
        .collect()
}

/// One polygon part: the parcel it belongs to and its usable boundary segments.
struct Part {
    parcel: usize,
    segments: Vec<Segment>,
}

/// The number of connected pieces among the parts of the given parcels.
fn user_pieces(parcels: &[SpatialParcel], indices: &[usize], settings: &SpatialSettings) -> usize {
    let parts: Vec<Part> = indices
        .iter()
        .filter_map(|&i| parcels[i].geometry.as_ref().map(|g| (i, g)))
        .flat_map(|(i, g)| g.iter().map(move |polygon| Part { parcel: i, segments: polygon_segments(polygon) }))
        .filter(|part| !part.segments.is_empty())
        .collect();
    let index = SegmentIndex::new(parts.iter().map(|p| p.segments.clone()).collect());
    let mut sets = UnionFind::new(parts.len());
    for (a, part) in parts.iter().enumerate() {
        let found = contacts(&part.segments, &index, settings.snap_m, a);
        for group in found.chunk_by(|x, y| x.other == y.other) {
            let Some(b) = group.first().map(|c| c.other) else {
                continue;
            };
            let same_parcel = parts[b].parcel == part.parcel;
            if same_parcel || covered_length(&part.segments, group) > settings.min_shared_m {
                sets.union(a, b);
            }
        }
    }
    join_nested_parts(&parts, &mut sets);
    sets.groups().len()
}

/// Parts of one parcel where one lies inside the other (invalid, overlapping input) are at
/// distance 0 even when their boundaries are far apart.
fn join_nested_parts(parts: &[Part], sets: &mut UnionFind) {
    for (a, pa) in parts.iter().enumerate() {
        let Some(probe) = pa.segments.first().map(|s| s.a) else {
            continue;
        };
        for (b, pb) in parts.iter().enumerate() {
            if a != b && pa.parcel == pb.parcel && inside(probe, pb) {
                sets.union(a, b);
            }
        }
    }
}

/// Even-odd point-in-polygon test over all rings of the part (holes excluded).
fn inside(point: [f64; 2], part: &Part) -> bool {
    let [px, py] = point;
    let mut crossings = 0usize;
    for s in &part.segments {
        let ([x1, y1], [x2, y2]) = (s.a, s.b);
        if (y1 > py) != (y2 > py) {
            let x = x1 + (py - y1) / (y2 - y1) * (x2 - x1);
            if px < x {
                crossings += 1;
            }
        }
    }
    crossings % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon, Polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]), vec![])
    }

    fn parcel(id: &str, user: &str, parts: Vec<Polygon<f64>>) -> SpatialParcel {
        SpatialParcel {
            parcel_id: id.into(),
            geometry: Some(MultiPolygon::new(parts)),
            user: user.into(),
            industrial: true,
            area_mu: 1.0,
        }
    }

    fn pieces(parcels: &[SpatialParcel]) -> HashMap<CompactString, usize> {
        fragmented_pieces(parcels, &SpatialSettings::default())
    }

    #[test]
    fn two_separate_parcels_are_two_pieces_and_adjacent_ones_one() {
        let ps = [
            parcel("a", "U1", vec![rect(0.0, 0.0, 10.0, 10.0)]),
            parcel("b", "U1", vec![rect(50.0, 0.0, 60.0, 10.0)]),
            parcel("c", "U2", vec![rect(0.0, 20.0, 10.0, 30.0)]),
            parcel("d", "U2", vec![rect(10.0, 20.0, 20.0, 30.0)]),
            parcel("e", "parcel:e", vec![rect(0.0, 40.0, 1.0, 41.0)]),
        ];
        let got = pieces(&ps);
        assert_eq!(got.get("U1"), Some(&2));
        assert_eq!(got.get("U2"), Some(&1));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn parcels_meeting_at_a_corner_stay_apart() {
        let ps = [
            parcel("a", "U1", vec![rect(0.0, 0.0, 10.0, 10.0)]),
            parcel("b", "U1", vec![rect(10.0, 10.0, 20.0, 20.0)]),
        ];
        assert_eq!(pieces(&ps).get("U1"), Some(&2));
    }

    #[test]
    fn made_valid_bow_tie_is_one_piece() {
        let lobe = |pts: Vec<(f64, f64)>| Polygon::new(LineString::from(pts), vec![]);
        let bow_tie = vec![
            lobe(vec![(0.0, 0.0), (10.0, 5.0), (0.0, 10.0), (0.0, 0.0)]),
            lobe(vec![(10.0, 5.0), (20.0, 0.0), (20.0, 10.0), (10.0, 5.0)]),
        ];
        assert_eq!(pieces(&[parcel("a", "U1", bow_tie)]).get("U1"), Some(&1));
    }

    #[test]
    fn multi_part_parcel_with_distant_parts_is_fragmented() {
        let parts = vec![rect(0.0, 0.0, 10.0, 10.0), rect(10.4, 0.0, 20.0, 10.0)];
        assert_eq!(pieces(&[parcel("a", "U1", parts)]).get("U1"), Some(&1));
        let parts = vec![rect(0.0, 0.0, 10.0, 10.0), rect(30.0, 0.0, 40.0, 10.0)];
        assert_eq!(pieces(&[parcel("a", "U1", parts)]).get("U1"), Some(&2));
    }

    #[test]
    fn nested_parts_of_one_parcel_are_one_piece() {
        let parts = vec![rect(0.0, 0.0, 100.0, 100.0), rect(40.0, 40.0, 60.0, 60.0)];
        assert_eq!(pieces(&[parcel("a", "U1", parts)]).get("U1"), Some(&1));
    }

    #[test]
    fn parcels_without_geometry_add_no_piece() {
        let mut none = parcel("n", "U1", vec![]);
        none.geometry = None;
        let ps = [none.clone(), parcel("a", "U1", vec![rect(0.0, 0.0, 1.0, 1.0)])];
        assert_eq!(pieces(&ps).get("U1"), Some(&1));
        assert_eq!(pieces(&[none]).get("U1"), Some(&0));
    }
}
