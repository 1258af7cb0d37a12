//! Parcel geometry in global metres: a park's frame (rotation about its centre, placement in
//! its slot of the country grid) and the rings of one parcel, broken as a messy export would.

use rand::Rng;
use rand::rngs::SmallRng;

use super::messy::Fault;
use super::writers::Shape;

/// Side of the square slot each park gets in the country grid (m).
pub const PARK_SLOT_M: f64 = 8_000.0;

/// Park-local metres → global metres.
pub struct Frame {
    cos: f64,
    sin: f64,
    centre: [f64; 2],
    origin: [f64; 2],
}

impl Frame {
    /// A park of `width` × `height` turned by up to ±15° about its centre, centred on `origin`.
    pub fn new(rng: &mut SmallRng, origin: [f64; 2], width: f64, height: f64) -> Frame {
        let angle = rng.random_range(-15.0..15.0f64).to_radians();
        Frame { cos: angle.cos(), sin: angle.sin(), centre: [width / 2.0, height / 2.0], origin }
    }

    pub fn apply(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let (dx, dy) = (x - self.centre[0], y - self.centre[1]);
        [self.origin[0] + dx * self.cos - dy * self.sin, self.origin[1] + dx * self.sin + dy * self.cos]
    }
}

/// The point at (u, v) of the unit square mapped onto the quadrilateral BL, BR, TR, TL.
fn bilinear(c: &[[f64; 2]; 4], u: f64, v: f64) -> [f64; 2] {
    let w = [(1.0 - u) * (1.0 - v), u * (1.0 - v), u * v, (1.0 - u) * v];
    [0, 1].map(|k| (0..4).map(|i| w[i] * c[i][k]).sum())
}

/// A closed ring over the (u, v) rectangle [u0, u1] × [v0, v1] of the parcel's corners (beyond
/// 0–1 it reaches past the parcel), counter-clockwise unless `clockwise` (for holes).
pub fn sub_ring(
    c: &[[f64; 2]; 4],
    [u0, u1]: [f64; 2],
    [v0, v1]: [f64; 2],
    clockwise: bool,
    frame: &Frame,
) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> =
        [(u0, v0), (u1, v0), (u1, v1), (u0, v1)].iter().map(|&(u, v)| frame.apply(bilinear(c, u, v))).collect();
    if clockwise {
        ring.reverse();
    }
    ring.push(ring[0]);
    ring
}

/// A parcel's shape in global metres, with `fault` applied.
pub fn parcel_shape(corners: &[[f64; 2]; 4], fault: Fault, frame: &Frame) -> Shape {
    let mut ring: Vec<[f64; 2]> = corners.iter().map(|&p| frame.apply(p)).collect();
    ring.push(ring[0]);
    match fault {
        Fault::None => {}
        Fault::Unclosed => {
            ring.pop();
        }
        Fault::RepeatedVertex => ring.insert(2, ring[2]),
        Fault::BowTie => ring.swap(2, 3),
        Fault::HoledMultiPolygon => return holed_multi(corners, frame),
    }
    Shape::Polygon(vec![ring])
}

/// The parcel as two parts 0.2 m apart, the left one with a courtyard hole.
fn holed_multi(corners: &[[f64; 2]; 4], frame: &Frame) -> Shape {
    let width = (corners[1][0] - corners[0][0]).abs().max(1.0);
    let gap = (0.2 / width).min(0.05);
    let left = vec![
        sub_ring(corners, [0.0, 0.5], [0.0, 1.0], false, frame),
        sub_ring(corners, [0.15, 0.35], [0.3, 0.6], true, frame),
    ];
    let right = vec![sub_ring(corners, [0.5 + gap, 1.0], [0.0, 1.0], false, frame)];
    Shape::MultiPolygon(vec![left, right])
}
