//! Connected groups (reclaim blocks, SPEC §9) and the union of their geometries.

use super::ParcelMetrics;
use geo::algorithm::orient::{Direction, Orient};
use geo::{MultiPolygon, unary_union};
use std::collections::BTreeMap;

/// Disjoint sets over `0..n` with path halving.
pub(super) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub(super) fn new(n: usize) -> Self {
        Self { parent: (0..n).collect() }
    }

    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets of `a` and `b`; out-of-range indices are ignored.
    pub(super) fn union(&mut self, a: usize, b: usize) {
        if a >= self.parent.len() || b >= self.parent.len() {
            return;
        }
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller root wins, so the result does not depend on edge order.
        let (lo, hi) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
    }

    /// The sets, each sorted, ordered by their smallest member.
    pub(super) fn groups(mut self) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for x in 0..self.parent.len() {
            let root = self.find(x);
            by_root.entry(root).or_default().push(x);
        }
        let mut groups: Vec<Vec<usize>> = by_root.into_values().collect();
        groups.sort_by_key(|g| g.first().copied());
        groups
    }
}

/// Connected components of the graph on `0..n` (every node, singletons too); each component
/// sorted, components ordered by their smallest node. Edges out of range are ignored.
pub fn connected_components(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut sets = UnionFind::new(n);
    for (a, b) in edges {
        sets.union(a, b);
    }
    sets.groups()
}

/// Reclaim blocks: connected groups of the `candidates` (parcel indices) under the neighbour
/// lists of `metrics`; a lone candidate is a block of one. Each block sorted, blocks ordered by
/// their smallest parcel index; duplicate or out-of-range candidates are dropped.
pub fn candidate_blocks(candidates: &[usize], metrics: &[ParcelMetrics]) -> Vec<Vec<usize>> {
    let mut members: Vec<usize> = candidates.iter().copied().filter(|&i| i < metrics.len()).collect();
    members.sort_unstable();
    members.dedup();
    let local = |parcel: usize| members.binary_search(&parcel).ok();
    let edges = members.iter().enumerate().flat_map(|(a, &parcel)| {
        metrics[parcel].neighbours.iter().filter_map(move |&q| local(q as usize).map(|b| (a, b)))
    });
    connected_components(members.len(), edges)
        .into_iter()
        .map(|group| group.into_iter().map(|i| members[i]).collect())
        .collect()
}

/// Union of the parts (geo's `unary_union`, rings oriented first). Non-finite coordinates and
/// panics of the overlay on degenerate input become `Err`.
pub fn union_geometry(parts: &[&MultiPolygon<f64>]) -> Result<MultiPolygon<f64>, String> {
    let finite = parts
        .iter()
        .flat_map(|mp| mp.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.iter())
        .all(|c| c.x.is_finite() && c.y.is_finite());
    if !finite {
        return Err("geometry has non-finite coordinates".to_string());
    }
    let oriented: Vec<MultiPolygon<f64>> = parts.iter().map(|mp| mp.orient(Direction::Default)).collect();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unary_union(oriented.iter()))).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("union failed: {detail}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, LineString, Polygon};

    fn square(x: f64, y: f64, w: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]),
            vec![],
        )])
    }

    fn with_neighbours(lists: &[&[u32]]) -> Vec<ParcelMetrics> {
        lists.iter().map(|n| ParcelMetrics { neighbours: n.to_vec(), ..ParcelMetrics::default() }).collect()
    }

    #[test]
    fn components_are_sorted_and_deterministic() {
        let groups = connected_components(6, [(4, 2), (0, 5), (2, 1), (9, 0)]);
        assert_eq!(groups, vec![vec![0, 5], vec![1, 2, 4], vec![3]]);
        assert_eq!(connected_components(0, []), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn a_chain_of_candidates_is_one_block() {
        // 0-1-2-3-4 in a row; 5 stands apart. Candidates 0, 1, 2 chain; 4 is alone (3 is not a
        // candidate, so 4 does not join through it); 5 alone.
        let metrics = with_neighbours(&[&[1], &[0, 2], &[1, 3], &[2, 4], &[3], &[]]);
        let blocks = candidate_blocks(&[2, 0, 1, 4, 5, 2, 99], &metrics);
        assert_eq!(blocks, vec![vec![0, 1, 2], vec![4], vec![5]]);
    }

    #[test]
    fn union_merges_touching_squares_whatever_their_winding() {
        let a = square(0.0, 0.0, 10.0);
        let b = MultiPolygon::new(square(10.0, 0.0, 10.0).iter().map(|p| p.orient(Direction::Reversed)).collect());
        let u = union_geometry(&[&a, &b]).expect("union");
        assert_eq!(u.0.len(), 1);
        assert!((u.unsigned_area() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn union_rejects_non_finite_input() {
        let bad = square(f64::NAN, 0.0, 1.0);
        assert!(union_geometry(&[&bad]).is_err());
        assert_eq!(union_geometry(&[]).map(|m| m.0.len()), Ok(0));
    }
}
