//! ISO Well-Known Binary (little-endian, 2D) of the polygons muchan writes, for GeoParquet.
//! A geometry of one part is a Polygon and of several a MultiPolygon, as in the GeoJSON outputs.

use geo::{LineString, MultiPolygon, Polygon};

const LITTLE_ENDIAN: u8 = 1;
const POLYGON: u32 = 3;
const MULTI_POLYGON: u32 = 6;

/// The GeoParquet `geometry_types` name of a geometry as written.
pub fn type_name(geometry: &MultiPolygon<f64>) -> &'static str {
    if geometry.0.len() == 1 { "Polygon" } else { "MultiPolygon" }
}

/// The WKB of a geometry: a Polygon when it has one part, else a MultiPolygon.
pub fn to_wkb(geometry: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(wkb_len(geometry));
    if let [polygon] = geometry.0.as_slice() {
        put_polygon(&mut out, polygon);
    } else {
        put_header(&mut out, MULTI_POLYGON, geometry.0.len());
        for polygon in geometry {
            put_polygon(&mut out, polygon);
        }
    }
    out
}

fn rings(polygon: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

fn polygon_len(polygon: &Polygon<f64>) -> usize {
    9 + rings(polygon).map(|ring| 4 + 16 * ring.0.len()).sum::<usize>()
}

fn wkb_len(geometry: &MultiPolygon<f64>) -> usize {
    let parts: usize = geometry.iter().map(polygon_len).sum();
    if geometry.0.len() == 1 { parts } else { 9 + parts }
}

fn put_header(out: &mut Vec<u8>, kind: u32, count: usize) {
    out.push(LITTLE_ENDIAN);
    out.extend_from_slice(&kind.to_le_bytes());
    put_count(out, count);
}

fn put_count(out: &mut Vec<u8>, count: usize) {
    let count = u32::try_from(count).expect("a WKB count fits in 32 bits");
    out.extend_from_slice(&count.to_le_bytes());
}

fn put_polygon(out: &mut Vec<u8>, polygon: &Polygon<f64>) {
    put_header(out, POLYGON, rings(polygon).count());
    for ring in rings(polygon) {
        put_count(out, ring.0.len());
        for c in &ring.0 {
            out.extend_from_slice(&c.x.to_le_bytes());
            out.extend_from_slice(&c.y.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn unit_square() -> Polygon<f64> {
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)]
    }

    /// The hand-written bytes of POLYGON((0 0, 1 0, 1 1, 0 1, 0 0)).
    fn unit_square_bytes() -> Vec<u8> {
        let one = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]; // 1.0 little-endian
        let zero = [0u8; 8];
        let mut b = vec![0x01, 0x03, 0, 0, 0, 0x01, 0, 0, 0, 0x05, 0, 0, 0];
        for (x, y) in [(zero, zero), (one, zero), (one, one), (zero, one), (zero, zero)] {
            b.extend_from_slice(&x);
            b.extend_from_slice(&y);
        }
        b
    }

    #[test]
    fn unit_square_polygon() {
        let wkb = to_wkb(&MultiPolygon(vec![unit_square()]));
        assert_eq!(wkb.len(), 93);
        assert_eq!(wkb, unit_square_bytes());
        assert_eq!(type_name(&MultiPolygon(vec![unit_square()])), "Polygon");
    }

    #[test]
    fn two_parts_are_a_multipolygon_of_polygons() {
        let two = MultiPolygon(vec![unit_square(), unit_square()]);
        let wkb = to_wkb(&two);
        assert_eq!(wkb.len(), 9 + 2 * 93);
        assert_eq!(wkb[..9], [0x01, 0x06, 0, 0, 0, 0x02, 0, 0, 0]);
        assert_eq!(wkb[9..102], unit_square_bytes()[..]);
        assert_eq!(wkb[102..], unit_square_bytes()[..]);
        assert_eq!(type_name(&two), "MultiPolygon");
    }

    #[test]
    fn a_hole_is_a_second_ring() {
        let hole = LineString::from(vec![(0.25, 0.25), (0.25, 0.75), (0.75, 0.75), (0.25, 0.25)]);
        let with_hole = Polygon::new(unit_square().exterior().clone(), vec![hole]);
        let wkb = to_wkb(&MultiPolygon(vec![with_hole]));
        assert_eq!(wkb.len(), 9 + (4 + 5 * 16) + (4 + 4 * 16));
        assert_eq!(wkb[5..9], [2, 0, 0, 0]);
        assert_eq!(wkb[93..97], [4, 0, 0, 0]);
        assert_eq!(wkb[97..105], 0.25f64.to_le_bytes());
    }
}
