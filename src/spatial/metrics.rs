//! Per-parcel metrics of SPEC §9: perimeter, neighbours, enclosure, surrounding user and the
//! scattered-plot (插花地) flag.

use super::segments::{Segment, SegmentIndex, total_length};
use super::shared_length::{Contact, contacts, covered_length};
use super::{ParcelMetrics, SpatialParcel, SpatialSettings};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Shares within this of the largest tie for the surrounding user (SPEC §9).
const SHARE_TIE: f64 = 0.001;

/// The boundaries of the parcels, indexed (owner `i` is parcel `i`).
pub fn parcel_boundaries(parcels: &[SpatialParcel]) -> SegmentIndex {
    SegmentIndex::of_multipolygons(&parcels.iter().map(|p| p.geometry.as_ref()).collect::<Vec<_>>())
}

/// The metrics of every parcel, in input order (parallel over parcels, deterministic);
/// `boundaries` are the parcels' own (see [`parcel_boundaries`]).
pub fn analyse(parcels: &[SpatialParcel], boundaries: &SegmentIndex, settings: &SpatialSettings) -> Vec<ParcelMetrics> {
    let (mut metrics, outgoing): (Vec<ParcelMetrics>, Vec<Vec<usize>>) = (0..parcels.len())
        .into_par_iter()
        .map(|i| parcel_metrics(i, parcels, boundaries.segments(i), boundaries, settings))
        .unzip();
    let neighbours = symmetric(outgoing);
    for (m, n) in metrics.iter_mut().zip(neighbours) {
        m.neighbours = n.into_iter().map(|q| u32::try_from(q).unwrap_or(u32::MAX)).collect();
    }
    metrics
}

/// The metrics of parcel `i` (neighbours left empty) and the parcels Q with
/// L(P, {Q}) > `min_shared_m`.
fn parcel_metrics(
    i: usize,
    parcels: &[SpatialParcel],
    own: &[Segment],
    index: &SegmentIndex,
    settings: &SpatialSettings,
) -> (ParcelMetrics, Vec<usize>) {
    let perimeter = total_length(own);
    if !(perimeter > 0.0 && perimeter.is_finite()) {
        return (ParcelMetrics::default(), Vec::new());
    }
    let parcel = &parcels[i];
    let found = contacts(own, index, settings.snap_m, i);
    let outgoing = per_owner(&found)
        .filter(|group| covered_length(own, *group) > settings.min_shared_m)
        .filter_map(|group| group.first().map(|c| c.other))
        .collect();

    let foreign = |c: &&Contact| parcels[c.other].user != parcel.user;
    let share = |length: f64| (length / perimeter).clamp(0.0, 1.0);
    let enclosure = share(covered_length(own, found.iter().filter(foreign)));
    let island = share(covered_length(own, found.iter().filter(foreign).filter(|c| parcels[c.other].industrial)));
    let shares = user_shares(parcels, &parcel.user, own, &found, perimeter);
    let (surrounding, largest) = surrounding_user(&shares);
    let scattered = is_scattered(parcel, largest, island, settings);
    let metrics = ParcelMetrics {
        perimeter_m: perimeter,
        enclosure: Some(enclosure),
        surrounding_user: surrounding.map(|(u, _)| u.into()),
        surrounding_share: surrounding.map(|(_, s)| s),
        scattered,
        neighbours: Vec::new(),
    };
    (metrics, outgoing)
}

/// The 插花地 test (SPEC §9): a small plot (area_mu ≤ `scatter_max_mu`) whose largest share
/// S(P) of one other user is ≥ `scatter_min_share`, or a non-industrial parcel whose share on
/// other users' industrial parcels (`island`) is ≥ `island_min_share`.
pub fn is_scattered(parcel: &SpatialParcel, largest_share: f64, island: f64, settings: &SpatialSettings) -> bool {
    let cut_into_one_user = parcel.area_mu <= settings.scatter_max_mu && largest_share >= settings.scatter_min_share;
    let island_in_industry = !parcel.industrial && island >= settings.island_min_share;
    cut_into_one_user || island_in_industry
}

/// Groups of contacts with one owner each (`contacts` sorts by owner first).
fn per_owner(found: &[Contact]) -> impl Iterator<Item = &[Contact]> {
    found.chunk_by(|a, b| a.other == b.other)
}

/// S(P) = L(P, U's parcels) ÷ perimeter for every other user U with a positive share, by name.
fn user_shares<'a>(
    parcels: &'a [SpatialParcel],
    own_user: &str,
    own: &[Segment],
    found: &[Contact],
    perimeter: f64,
) -> Vec<(&'a str, f64)> {
    let mut by_user: BTreeMap<&'a str, Vec<Contact>> = BTreeMap::new();
    for c in found {
        let user = parcels[c.other].user.as_str();
        if user != own_user {
            by_user.entry(user).or_default().push(*c);
        }
    }
    by_user
        .into_iter()
        .map(|(user, cs)| (user, (covered_length(own, &cs) / perimeter).clamp(0.0, 1.0)))
        .filter(|(_, s)| *s > 0.0)
        .collect()
}

/// The surrounding user and its share (shares within 0.001 of the largest tie, the smallest
/// name wins), and the largest share (0 when there is none). `shares` is sorted by name.
fn surrounding_user<'a>(shares: &[(&'a str, f64)]) -> (Option<(&'a str, f64)>, f64) {
    let largest = shares.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    let chosen = shares.iter().find(|(_, s)| *s >= largest - SHARE_TIE).copied();
    (chosen, largest)
}

/// Neighbour lists from one-way relations: Q is P's neighbour when either names the other.
fn symmetric(outgoing: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut lists = outgoing.clone();
    for (p, qs) in outgoing.iter().enumerate() {
        for &q in qs {
            if let Some(list) = lists.get_mut(q) {
                list.push(p);
            }
        }
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon, Polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]), vec![])
    }

    fn poly(points: &[(f64, f64)], holes: Vec<LineString<f64>>) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Polygon::new(LineString::from(points.to_vec()), holes)])
    }

    fn parcel(id: &str, user: &str, geometry: MultiPolygon<f64>) -> SpatialParcel {
        SpatialParcel {
            parcel_id: id.into(),
            geometry: Some(geometry),
            user: user.into(),
            industrial: true,
            area_mu: 1.0,
        }
    }

    fn r(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![rect(x0, y0, x1, y1)])
    }

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn run(parcels: &[SpatialParcel]) -> Vec<ParcelMetrics> {
        analyse(parcels, &parcel_boundaries(parcels), &SpatialSettings::default())
    }

    #[test]
    fn shared_edge_makes_neighbours_and_sets_enclosure() {
        let ps = [parcel("a", "U1", r(0.0, 0.0, 10.0, 10.0)), parcel("b", "U2", r(10.0, 0.0, 20.0, 10.0))];
        let m = run(&ps);
        assert!(approx(m[0].perimeter_m, 40.0));
        // 10 m edge + 0.5 m at each end = 11 m of 40 m.
        assert!(approx(m[0].enclosure.unwrap_or(-1.0), 11.0 / 40.0));
        assert_eq!(m[0].surrounding_user.as_deref(), Some("U2"));
        assert!(approx(m[0].surrounding_share.unwrap_or(-1.0), 11.0 / 40.0));
        assert_eq!(m[0].neighbours, vec![1]);
        assert_eq!(m[1].neighbours, vec![0]);
        assert!(!m[0].scattered && !m[1].scattered);
    }

    #[test]
    fn gaps_under_snap_share_and_over_do_not() {
        let ps = [
            parcel("a", "U1", r(0.0, 0.0, 10.0, 10.0)),
            parcel("b", "U2", r(10.3, 0.0, 20.0, 10.0)),
            parcel("c", "U3", r(0.0, 10.8, 10.0, 20.0)),
        ];
        let m = run(&ps);
        assert_eq!(m[0].neighbours, vec![1]);
        assert!(m[2].neighbours.is_empty());
        // 10 m edge + 0.2 m at the ends of the top and bottom edges (b starts at x = 10.3).
        assert!(approx(m[0].enclosure.unwrap_or(-1.0), 10.4 / 40.0));
    }

    #[test]
    fn corner_contact_is_not_a_neighbour() {
        let ps = [parcel("a", "U1", r(0.0, 0.0, 10.0, 10.0)), parcel("b", "U2", r(10.0, 10.0, 20.0, 20.0))];
        let m = run(&ps);
        assert!(m[0].neighbours.is_empty() && m[1].neighbours.is_empty());
        assert!(approx(m[0].enclosure.unwrap_or(-1.0), 1.0 / 40.0));
    }

    #[test]
    fn neighbours_when_either_direction_passes() {
        // A strip 0.3 m above the big parcel's top edge. L(big, {strip}) = 1.5 + 2 × 0.4 =
        // 2.3 m > 2; L(strip, {big}) = 1.5 + 2 × 0.2 = 1.9 m. Still neighbours both ways.
        let ps = [parcel("big", "U1", r(0.0, 0.0, 100.0, 10.0)), parcel("strip", "U2", r(50.0, 10.3, 51.5, 20.0))];
        let m = run(&ps);
        assert!(approx(m[1].enclosure.unwrap_or(-1.0), 1.9 / m[1].perimeter_m));
        assert_eq!(m[0].neighbours, vec![1]);
        assert_eq!(m[1].neighbours, vec![0]);
    }

    #[test]
    fn plot_between_two_parcels_of_one_user_is_scattered() {
        // A 10 × 20 m plot (0.3 mu) between two 50 m wide parcels of U1 along the road.
        let mut plot = parcel("p", "S", r(50.0, 0.0, 60.0, 20.0));
        plot.area_mu = 0.3;
        let ps = [parcel("w", "U1", r(0.0, 0.0, 50.0, 20.0)), plot, parcel("e", "U1", r(60.0, 0.0, 110.0, 20.0))];
        let m = run(&ps);
        // Two 20 m edges + 0.5 m at each of their four ends: 42 of 60 m = 0.7.
        assert!(approx(m[1].surrounding_share.unwrap_or(-1.0), 0.7));
        assert!(m[1].scattered);
        assert!(!m[0].scattered);
    }

    #[test]
    fn plot_in_a_u_is_scattered() {
        // U1's land is a U around the 10 × 10 plot at (10..20, 10..20), open at the top.
        let u = poly(
            &[
                (0.0, 0.0),
                (30.0, 0.0),
                (30.0, 20.0),
                (20.0, 20.0),
                (20.0, 10.0),
                (10.0, 10.0),
                (10.0, 20.0),
                (0.0, 20.0),
                (0.0, 0.0),
            ],
            vec![],
        );
        let mut plot = parcel("p", "S", r(10.0, 10.0, 20.0, 20.0));
        plot.area_mu = 0.15;
        let m = run(&[parcel("u", "U1", u), plot]);
        // Three sides (30 m) + 0.5 m at each end of the top edge, collinear with the U's
        // arms: 31 of 40 m.
        assert!(approx(m[1].surrounding_share.unwrap_or(-1.0), 31.0 / 40.0));
        assert!(m[1].scattered);
    }

    #[test]
    fn plot_in_a_hole_is_scattered_but_a_large_one_is_not() {
        let hole = LineString::from(vec![(40.0, 40.0), (40.0, 60.0), (60.0, 60.0), (60.0, 40.0), (40.0, 40.0)]);
        let holder = poly(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)], vec![hole]);
        let mut plot = parcel("p", "S", r(40.0, 40.0, 60.0, 60.0));
        plot.area_mu = 0.6;
        let m = run(&[parcel("h", "U1", holder.clone()), plot.clone()]);
        assert!(approx(m[1].enclosure.unwrap_or(-1.0), 1.0));
        assert!(m[1].scattered);
        assert!(approx(m[0].perimeter_m, 480.0));
        plot.area_mu = 16.0;
        let m = run(&[parcel("h", "U1", holder), plot]);
        // Too large for the one-user test; industrial, so not an island either.
        assert!(!m[1].scattered);
    }

    #[test]
    fn ordinary_plot_in_a_park_row_is_not_scattered() {
        // Plot between two different users along the row, a third across its back.
        let mut plot = parcel("p", "S", r(50.0, 0.0, 100.0, 50.0));
        plot.area_mu = 3.75;
        let ps = [
            parcel("w", "U1", r(0.0, 0.0, 50.0, 50.0)),
            plot,
            parcel("e", "U2", r(100.0, 0.0, 150.0, 50.0)),
            parcel("n", "U3", r(0.0, 50.0, 150.0, 100.0)),
        ];
        let m = run(&ps);
        assert!(!m[1].scattered);
        assert_eq!(m[1].neighbours, vec![0, 2, 3]);
        // Each user takes one side (50 m) + 0.5 m at both ends: 51 of 200 each, a three-way
        // tie that the smallest name wins.
        assert_eq!(m[1].surrounding_user.as_deref(), Some("U1"));
        assert!(approx(m[1].surrounding_share.unwrap_or(-1.0), 51.0 / 200.0));
    }

    #[test]
    fn ties_within_a_thousandth_go_to_the_smallest_name() {
        let plot = parcel("p", "S", r(50.0, 0.0, 60.0, 10.0));
        let ps = [parcel("w", "ZZ", r(0.0, 0.0, 50.0, 10.0)), plot, parcel("e", "AA", r(60.0, 0.0, 100.0, 10.0))];
        let m = run(&ps);
        assert_eq!(m[1].surrounding_user.as_deref(), Some("AA"));
    }

    #[test]
    fn island_in_other_users_industrial_land_but_not_in_own() {
        let hole = LineString::from(vec![(40.0, 40.0), (40.0, 80.0), (80.0, 80.0), (80.0, 40.0), (40.0, 40.0)]);
        let ring = [(0.0, 0.0), (200.0, 0.0), (200.0, 200.0), (0.0, 200.0), (0.0, 0.0)];
        let holder = poly(&ring, vec![hole]);
        // A 40 × 40 m dormitory (2.4 mu) of another user inside U1's industrial land: its
        // area is small, so give it 20 mu to isolate the island test.
        let mut dorm = parcel("d", "S", r(40.0, 40.0, 80.0, 80.0));
        dorm.industrial = false;
        dorm.area_mu = 20.0;
        let m = run(&[parcel("h", "U1", holder.clone()), dorm.clone()]);
        assert!(m[1].scattered);
        dorm.user = "U1".into();
        let m = run(&[parcel("h", "U1", holder.clone()), dorm.clone()]);
        assert!(!m[1].scattered);
        assert_eq!(m[1].surrounding_user, None);
        assert_eq!(m[1].surrounding_share, None);
        assert_eq!(m[1].neighbours, vec![0]);
        // Inside another user's non-industrial land it is no island.
        let mut non_industrial = parcel("h", "U1", holder);
        non_industrial.industrial = false;
        dorm.user = "S".into();
        let m = run(&[non_industrial, dorm]);
        assert!(!m[1].scattered);
    }

    #[test]
    fn unassigned_parcels_are_their_own_users() {
        let mut plot = parcel("p", "parcel:p", r(40.0, 40.0, 60.0, 60.0));
        plot.area_mu = 0.6;
        let hole = LineString::from(vec![(40.0, 40.0), (60.0, 40.0), (60.0, 60.0), (40.0, 60.0), (40.0, 40.0)]);
        let big = poly(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)], vec![hole]);
        let m = run(&[parcel("x", "parcel:x", big), plot]);
        assert_eq!(m[1].surrounding_user.as_deref(), Some("parcel:x"));
        assert!(m[1].scattered);
    }

    #[test]
    fn missing_or_degenerate_geometry_has_no_metrics() {
        let mut none = parcel("n", "U1", r(0.0, 0.0, 1.0, 1.0));
        none.geometry = None;
        let point = parcel("f", "U2", r(5.0, 5.0, 5.0, 5.0));
        let nan = parcel("x", "U3", r(f64::NAN, 0.0, 10.0, 10.0));
        let m = run(&[none, point, nan, parcel("a", "U4", r(0.0, 0.0, 10.0, 10.0))]);
        assert_eq!(m[0], ParcelMetrics::default());
        assert_eq!(m[1], ParcelMetrics::default());
        // Only the finite side x = 10 of the NaN parcel survives; it is a's right edge.
        assert!(approx(m[2].perimeter_m, 10.0));
        assert_eq!(m[3].neighbours, vec![2]);
    }

    #[test]
    fn output_is_deterministic() {
        let ps: Vec<SpatialParcel> = (0..40)
            .map(|k| {
                let x = (k % 8) as f64 * 20.0;
                let y = (k / 8) as f64 * 20.0;
                parcel(&format!("p{k}"), &format!("U{}", k % 3), r(x, y, x + 20.0, y + 20.0))
            })
            .collect();
        let first = run(&ps);
        assert_eq!(first, run(&ps));
        assert_eq!(first[9].neighbours, vec![1, 8, 10, 17]);
    }

    #[test]
    fn large_grid_has_edge_neighbours_only() {
        let side = 120;
        let ps: Vec<SpatialParcel> = (0..side * side)
            .map(|k| {
                let x = (k % side) as f64 * 30.0;
                let y = (k / side) as f64 * 30.0;
                parcel(&format!("p{k}"), &format!("U{k}"), r(x, y, x + 30.0, y + 30.0))
            })
            .collect();
        let m = run(&ps);
        let interior = side + 1;
        let interior_neighbours: Vec<usize> = m[interior].neighbours.iter().map(|&q| q as usize).collect();
        assert_eq!(interior_neighbours, vec![1, side, side + 2, 2 * side + 1]);
        // Four 30 m sides, each plus 0.5 m at both ends from the collinear neighbours: all.
        assert!(approx(m[interior].enclosure.unwrap_or(-1.0), 1.0));
        assert!(m.iter().all(|x| x.neighbours.len() >= 2 && x.neighbours.len() <= 4));
    }
}
