//! The parcels GeoJSON reader and geometry repair: arbitrary bytes as `parcels.geojson`, read
//! by `input::parcels::read_parcels(path, &Land::default(), &ledger)` (and, when it stops only
//! because the coordinates are projected and no CRS is named, again with `land.crs =
//! "EPSG:4549"`), then
//! every feature with coordinates repaired (`land::repair::repair`) and measured as the land
//! stage measures it: geodesic area for longitude/latitude, planar area for Gauss-Krüger.
//!
//! Errors are fine; panics are not. A repaired geometry must be non-empty and valid (where its
//! coordinates are below 1e150, so that geo's checks do not overflow), and its area not
//! negative (up to rounding) and finite where the land stage measures it and f64 can hold it
//! (coordinates below 1e100: a Gauss-Krüger file of 1e200 m overflows the shoelace sum).
#![no_main]

use geo::Validation;
use libfuzzer_sys::fuzz_target;
use muchan_fuzz::config::Land;
use muchan_fuzz::input::crs::Crs;
use muchan_fuzz::input::parcels::read_parcels;
use muchan_fuzz::land::area::{geodesic_area_m2, planar_area_m2};
use muchan_fuzz::land::repair::repair;
use muchan_fuzz::quality::Ledger;

fn gauss_kruger() -> Land {
    Land { crs: Some("EPSG:4549".into()), ..Land::default() }
}

fuzz_target!(
    init: {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        muchan_fuzz::let_repair_catch_overlay_panics();
    },
    |bytes: &[u8]| {
        let path = muchan_fuzz::scratch_file("parcels.geojson", bytes);
        let ledger = Ledger::new();
        let file = match read_parcels(&path, &Land::default(), &ledger) {
            Ok(file) => file,
            Err(e) if e.message.contains("land.crs") => match read_parcels(&path, &gauss_kruger(), &ledger) {
                Ok(file) => file,
                Err(_) => return,
            },
            Err(_) => return,
        };
        for f in &file.features {
            let Some(raw) = &f.raw else { continue };
            let repaired = repair(raw);
            let Some(geometry) = &repaired.geometry else { continue };
            assert!(!geometry.0.is_empty(), "parcel {}: an empty geometry is Some", f.parcel_id);
            // geo's validity checks overflow f64 beyond about 1e150 (see the `repair` target).
            if muchan_fuzz::max_abs_coordinate(geometry) < 1e150 {
                assert!(geometry.is_valid(), "parcel {}: repaired geometry is not valid: {geometry:?}", f.parcel_id);
            }
            let area = match file.crs {
                Crs::LonLat => geodesic_area_m2(geometry),
                Crs::GaussKruger { .. } => planar_area_m2(geometry),
            };
            // Found here (fuzz/regressions/parcels_lonlat_crs_projected_coordinates.geojson): a
            // file whose `crs` member (or land.crs) says longitude/latitude is not range-checked,
            // so metres read as degrees gave a NaN geodesic area. The land stage
            // (`measure_one` in src/land/mod.rs) now drops such a geometry with an
            // invalid_geometry row and never measures it; so the area is checked only where the
            // land stage measures it. tests/fuzz_regressions.rs keeps the input.
            let in_range = match file.crs {
                Crs::LonLat => muchan_fuzz::lon_lat_in_range(geometry),
                Crs::GaussKruger { .. } => muchan_fuzz::max_abs_coordinate(geometry) < 1e100,
            };
            if in_range {
                assert!(area.is_finite(), "parcel {}: area {area} ({:?}) of {geometry:?}", f.parcel_id, file.crs);
            }
            assert!(area >= -1e-6 || area.is_nan(), "parcel {}: negative area {area} ({:?}) of {geometry:?}", f.parcel_id, file.crs);
        }
    }
);
