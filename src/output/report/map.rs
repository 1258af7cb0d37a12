//! The map's data, embedded in the page as compact JSON: coordinates in decimetres relative to
//! the data's min corner, each ring delta-encoded, repeated strings interned; above
//! [`MAX_PARCELS_DRAWN`] parcels, parks as hulls instead of parcels, and the scattered plots
//! as points (`marks`). A parcel carries its user's early warnings, which the map outlines
//! (parcels mode only).

use super::classes::{ClassTable, NONE_COLOR};
use super::labels::Labels;
use super::shapes::convex_hull;
use super::{MAX_PARCELS_DRAWN, ReportBlock, ReportData, round2};
use foldhash::{HashMap, HashMapExt};
use geo::{LineString, MultiPolygon};
use serde::Serialize;

/// A ring: integer decimetres, first point from the origin then deltas, `x0,y0,dx1,dy1,…`.
type Ring = Vec<i64>;
/// id, user index, class index, park index, area, block id, reasons index, rings (−1: none),
/// scattered (1) or not (0), warnings index (−1: none), 低效 (1) or not (0).
type ParcelRow<'a> = (&'a str, i64, i64, i64, f64, i64, i64, Vec<Ring>, u8, i64, u8);
/// park index, parcels, area, main class index, hull ring, parcels per class (then none).
type HullRow = (i64, u64, f64, i64, Ring, Vec<u64>);
/// id, area, current tax, potential tax, gain, users, rings.
type BlockRow = (usize, f64, f64, f64, f64, String, Vec<Ring>);

#[derive(Serialize)]
pub(super) struct MapData<'a> {
    pub(super) mode: &'static str,
    w: i64,
    h: i64,
    t: &'a Labels,
    classes: Vec<(&'a str, &'a str, &'static str)>,
    none_color: &'static str,
    users: Vec<(&'a str, Option<&'a str>)>,
    parks: Vec<&'a str>,
    reasons: Vec<&'a str>,
    /// The early warnings of the parcels' users, as a person reads them.
    warnings: Vec<&'a str>,
    parcels: Vec<ParcelRow<'a>>,
    hulls: Vec<HullRow>,
    blocks: Vec<BlockRow>,
    /// Parks mode: the centre of each scattered plot's bounding box.
    marks: Vec<[i64; 2]>,
    /// Histograms and class bars drawn (for the page's self-check).
    nhist: usize,
    nbars: usize,
}

/// Interns strings so each is written once.
struct Interner<'a> {
    index: HashMap<&'a str, usize>,
    items: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner { index: HashMap::new(), items: Vec::new() }
    }

    fn get(&mut self, key: &'a str) -> i64 {
        let next = self.items.len();
        let k = *self.index.entry(key).or_insert(next);
        if k == next {
            self.items.push(key);
        }
        k as i64
    }
}

/// Quantises coordinates to decimetres from the data's min corner.
struct Frame {
    x0: f64,
    y0: f64,
}

impl Frame {
    fn q(&self, p: [f64; 2]) -> [i64; 2] {
        [((p[0] - self.x0) * 10.0).round() as i64, ((p[1] - self.y0) * 10.0).round() as i64]
    }

    fn points(&self, ring: &LineString<f64>) -> Vec<[i64; 2]> {
        let mut out: Vec<[i64; 2]> = Vec::with_capacity(ring.0.len());
        for p in ring.0.iter().filter(|p| p.x.is_finite() && p.y.is_finite()) {
            let q = self.q([p.x, p.y]);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        if out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
        out
    }

    /// The centre of the bounding box of `geometry`, quantised; `None` without a finite point.
    fn centre(&self, geometry: Option<&MultiPolygon<f64>>) -> Option<[i64; 2]> {
        let points: Vec<[i64; 2]> = rings(geometry).flat_map(|r| self.points(r)).collect();
        let (xs, ys) = (points.iter().map(|p| p[0]), points.iter().map(|p| p[1]));
        let (x0, x1, y0, y1) = (xs.clone().min()?, xs.max()?, ys.clone().min()?, ys.max()?);
        Some([(x0 + x1) / 2, (y0 + y1) / 2])
    }

    fn rings(&self, geometry: Option<&MultiPolygon<f64>>) -> Vec<Ring> {
        rings(geometry).map(|r| self.points(r)).filter(|r| r.len() >= 3).map(|r| delta(&r)).collect()
    }
}

/// The rings of `geometry`: each part's exterior, then its holes.
fn rings(geometry: Option<&MultiPolygon<f64>>) -> impl Iterator<Item = &LineString<f64>> {
    geometry.into_iter().flat_map(|g| g.iter()).flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

fn delta(points: &[[i64; 2]]) -> Ring {
    let mut out = Vec::with_capacity(points.len() * 2);
    let mut last = [0, 0];
    for p in points {
        out.push(p[0] - last[0]);
        out.push(p[1] - last[1]);
        last = *p;
    }
    out
}

/// The min corner and size (decimetres) of every finite coordinate of parcels and blocks.
fn frame(data: &ReportData<'_>) -> (Frame, i64, i64) {
    let geometries = data.parcels.iter().map(|p| p.geometry).chain(data.blocks.iter().map(|b| b.geometry.as_deref()));
    let all = geometries.flat_map(rings).flat_map(|r| &r.0);
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in all.filter(|p| p.x.is_finite() && p.y.is_finite()) {
        b = [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)];
    }
    if !b[0].is_finite() {
        return (Frame { x0: 0.0, y0: 0.0 }, 0, 0);
    }
    let frame = Frame { x0: b[0], y0: b[1] };
    let [w, h] = frame.q([b[2], b[3]]);
    (frame, w, h)
}

impl<'a> MapData<'a> {
    pub(super) fn build(data: &'a ReportData<'_>, t: &'a Labels, classes: &'a ClassTable) -> MapData<'a> {
        let (frame, w, h) = frame(data);
        let by_parks = data.parcels.len() > MAX_PARCELS_DRAWN;
        let mut map = MapData {
            mode: if by_parks { "parks" } else { "parcels" },
            w,
            h,
            t,
            classes: classes.entries.iter().map(|(c, n, col)| (c.as_str(), n.as_str(), *col)).collect(),
            none_color: NONE_COLOR,
            users: Vec::new(),
            parks: Vec::new(),
            reasons: Vec::new(),
            warnings: Vec::new(),
            parcels: Vec::new(),
            hulls: Vec::new(),
            blocks: data.blocks.iter().map(|b| block_row(b, &frame)).collect(),
            marks: Vec::new(),
            nhist: data.scores.iter().filter(|(_, v)| v.iter().any(|x| x.is_finite())).count(),
            nbars: data.park_classes.len() + usize::from(data.class_counts.iter().any(|(_, n)| *n > 0)),
        };
        let mut parks = Interner::new();
        if by_parks {
            map.hulls = hulls(data, classes, &frame, &mut parks, t);
            let scattered = data.parcels.iter().filter(|p| p.scattered);
            map.marks = scattered.filter_map(|p| frame.centre(p.geometry)).collect();
        } else {
            map.parcels_rows(data, classes, &frame, &mut parks);
        }
        map.parks = parks.items;
        map
    }

    fn parcels_rows(
        &mut self,
        data: &'a ReportData<'_>,
        classes: &ClassTable,
        frame: &Frame,
        parks: &mut Interner<'a>,
    ) {
        let mut users = Interner::new();
        let mut reasons = Interner::new();
        let mut warnings = Interner::new();
        let mut names: Vec<Option<&'a str>> = Vec::new();
        for p in &data.parcels {
            let user = p.user.map_or(-1, |u| users.get(u));
            if user >= 0 && user as usize == names.len() {
                names.push(p.user_name);
            }
            let row = (
                p.parcel_id,
                user,
                classes.index(p.class),
                p.park.map_or(-1, |k| parks.get(k)),
                round2(p.area_mu),
                p.block_id.map_or(-1, |b| b as i64),
                if p.reasons.is_empty() { -1 } else { reasons.get(&p.reasons) },
                frame.rings(p.geometry),
                u8::from(p.scattered),
                if p.warnings.is_empty() { -1 } else { warnings.get(&p.warnings) },
                u8::from(p.low_efficiency),
            );
            self.parcels.push(row);
        }
        self.users = users.items.into_iter().zip(names).collect();
        self.reasons = reasons.items;
        self.warnings = warnings.items;
    }
}

fn block_row(b: &ReportBlock<'_>, frame: &Frame) -> BlockRow {
    (
        b.block_id,
        round2(b.area_mu),
        round2(b.current_tax),
        round2(b.potential_tax),
        round2(b.gain),
        b.users.join("; "),
        frame.rings(b.geometry.as_deref()),
    )
}

/// One row per park (parcels without a park together): the convex hull of its parcels,
/// coloured by the class holding most of its area.
fn hulls<'a>(
    data: &'a ReportData<'_>,
    classes: &ClassTable,
    frame: &Frame,
    parks: &mut Interner<'a>,
    t: &'a Labels,
) -> Vec<HullRow> {
    struct Park {
        points: Vec<[i64; 2]>,
        parcels: u64,
        area: f64,
        class_area: Vec<f64>,
        counts: Vec<u64>,
    }
    let n = classes.entries.len();
    let mut acc: Vec<Park> = Vec::new();
    for p in &data.parcels {
        let k = parks.get(p.park.unwrap_or(t.no_park)) as usize;
        if k == acc.len() {
            acc.push(Park {
                points: Vec::new(),
                parcels: 0,
                area: 0.0,
                class_area: vec![0.0; n],
                counts: vec![0; n + 1],
            });
        }
        let park = &mut acc[k];
        park.points.extend(rings(p.geometry).flat_map(|r| frame.points(r)));
        park.parcels += 1;
        let area = if p.area_mu.is_finite() { p.area_mu } else { 0.0 };
        park.area += area;
        match usize::try_from(classes.index(p.class)) {
            Ok(c) => {
                park.class_area[c] += area;
                park.counts[c] += 1;
            }
            Err(_) => park.counts[n] += 1,
        }
    }
    let mut rows = Vec::new();
    for (k, park) in acc.into_iter().enumerate() {
        let hull = convex_hull(park.points);
        if hull.is_empty() {
            continue;
        }
        let main = main_class(&park.class_area);
        rows.push((k as i64, park.parcels, round2(park.area), main, delta(&hull), park.counts));
    }
    rows
}

/// The index of the largest positive area, or −1.
fn main_class(areas: &[f64]) -> i64 {
    let mut best = -1;
    let mut best_area = 0.0;
    for (i, a) in areas.iter().enumerate() {
        if *a > best_area {
            best = i as i64;
            best_area = *a;
        }
    }
    best
}
