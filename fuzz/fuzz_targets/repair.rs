//! Geometry repair on structured input: the bytes are decoded into `RawPolygons` (up to 3
//! polygons of up to 3 rings of up to 11 points), with coordinates mostly on a small grid —
//! where repeated vertices, bow-ties, shared edges and holes touching shells are common —
//! sometimes an exact f64 (NaN, ±∞, subnormal, huge), all shifted to one of three origins: 0,
//! longitude/latitude (120°, 30°, grid step 1e-4°), Gauss-Krüger metres (40 500 000, 3 300 000).
//!
//! `land::repair::repair` must not panic (panics inside i_overlay are caught by repair itself); a
//! geometry it returns must be non-empty, valid (geo's `Validation`), and of finite, positive
//! area where f64 can hold it (coordinates between 1e-100 and 1e100 in magnitude).
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

fn decode(data: &[u8]) -> RawPolygons {
    let mut bytes = Bytes(data);
    let (origin, step) = match bytes.byte() % 3 {
        0 => ([0.0, 0.0], 1.0),
        1 => ([120.0, 30.0], 1e-4),
        _ => ([40_500_000.0, 3_300_000.0], 1.0),
    };
    let coordinate = |bytes: &mut Bytes<'_>, axis: usize| {
        let b = bytes.byte();
        if b >= 0xF8 { bytes.f64() } else { origin[axis] + f64::from(b % 8) * step }
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
    raw
}

fuzz_target!(
    init: muchan_fuzz::let_repair_catch_overlay_panics(),
    |data: &[u8]| {
    let raw = decode(data);
    let repaired = repair(&raw);
    if let Some(geometry) = &repaired.geometry {
        assert!(!geometry.0.is_empty(), "an empty geometry is Some: {raw:?}");
        assert!(geometry.is_valid(), "repaired geometry is not valid: {raw:?} -> {geometry:?}");
        let area = geometry.unsigned_area();
        assert!(!(area < 0.0), "area {area}: {raw:?} -> {geometry:?}");
        // Only where f64 products neither overflow nor underflow is the area finite and > 0.
        if muchan_fuzz::max_abs_coordinate(geometry) < 1e100 && muchan_fuzz::min_abs_nonzero_coordinate(geometry) > 1e-100 {
            assert!(area.is_finite() && area > 0.0, "area {area}: {raw:?} -> {geometry:?}");
        }
    }
});
