//! Geometry repair on structured input: the bytes are decoded into `RawPolygons` (up to 3
//! polygons of up to 3 rings of up to 11 points), with coordinates mostly on a small grid —
//! where repeated vertices, bow-ties, shared edges and holes touching shells are common —
//! sometimes an exact f64 (NaN, ±∞, subnormal, huge). Grid points are shifted to one of three
//! origins: 0, longitude/latitude (120°, 30°, grid step 1e-4°), Gauss-Krüger metres
//! (40 500 000, 3 300 000).
//!
//! `land::repair::repair` must not panic (panics inside i_overlay are caught by repair itself); a
//! geometry it returns must be non-empty, valid (geo's `Validation`, where its coordinates are
//! below 1e150 so that geo's checks do not overflow), not of negative area, and
//! of finite, positive area when every coordinate is a grid point.
#![no_main]

use geo::{Area, Validation};
use libfuzzer_sys::fuzz_target;
use muchan_fuzz::land::repair::{RawPolygons, repair};

/// Reads bytes one at a time; past the end every read is 0.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn f64(&mut self) -> f64 {
        let mut bits = [0u8; 8];
        for b in &mut bits {
            *b = self.byte();
        }
        f64::from_le_bytes(bits)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The polygons, and whether every coordinate is a grid point (no exact f64 was read).
fn decode(data: &[u8]) -> (RawPolygons, bool) {
    let mut bytes = Bytes(data);
    let grid = std::cell::Cell::new(true);
    let (origin, step) = match bytes.byte() % 3 {
        0 => ([0.0, 0.0], 1.0),
        1 => ([120.0, 30.0], 1e-4),
        _ => ([40_500_000.0, 3_300_000.0], 1.0),
    };
    let coordinate = |bytes: &mut Bytes<'_>, axis: usize| {
        let b = bytes.byte();
        if b >= 0xF8 {
            grid.set(false);
            bytes.f64()
        } else {
            origin[axis] + f64::from(b % 8) * step
        }
    };
    let polygons = 1 + usize::from(bytes.byte() % 3);
    let mut raw = Vec::with_capacity(polygons);
    for _ in 0..polygons {
        let rings = usize::from(bytes.byte() % 4);
        let mut polygon = Vec::with_capacity(rings);
        for _ in 0..rings {
            let points = usize::from(bytes.byte() % 12);
            let ring: Vec<[f64; 2]> =
                (0..points).map(|_| [coordinate(&mut bytes, 0), coordinate(&mut bytes, 1)]).collect();
            polygon.push(ring);
        }
        raw.push(polygon);
        if bytes.is_empty() {
            break;
        }
    }
    (raw, grid.get())
}

fuzz_target!(
    init: muchan_fuzz::let_repair_catch_overlay_panics(),
    |data: &[u8]| {
    let (raw, grid) = decode(data);
    let repaired = repair(&raw);
    if let Some(geometry) = &repaired.geometry {
        assert!(!geometry.0.is_empty(), "an empty geometry is Some: {raw:?}");
        // Beyond about 1e150 the squares and cross products in geo's own validity checks
        // overflow f64, so its verdict means nothing there: a repaired rectangle at 1.7e289 is
        // "invalid" (regressions/repair_huge_coordinates_invalid_output.bin).
        if muchan_fuzz::max_abs_coordinate(geometry) < 1e150 {
            assert!(geometry.is_valid(), "repaired geometry is not valid: {raw:?} -> {geometry:?}");
        }
        let area = geometry.unsigned_area();
        assert!(area >= 0.0 || area.is_nan(), "area {area}: {raw:?} -> {geometry:?}");
        // On grid points the area is exact enough to be finite and > 0. With exact f64s it
        // need not be: 1e300 overflows, 1e-300 underflows, and a vertex at 1e46 beside
        // vertices at 1 cancels the shoelace sum to 0 for a valid triangle of area 1
        // (regressions/repair_far_vertex_zero_area.bin).
        if grid {
            assert!(area.is_finite() && area > 0.0, "area {area}: {raw:?} -> {geometry:?}");
        }
    }
});
