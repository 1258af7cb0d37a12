//! The 国土 TXT reader (SPEC §13): arbitrary bytes as `parcels.txt` (UTF-8 or GBK), read by
//! `input::cadastre_txt::read_layer`, then every parcel's rings repaired as the land stage
//! does (`land::repair::repair`).
//!
//! Errors are fine; panics are not. Every ring a parcel keeps is closed (its first point
//! repeated last), every point is finite, a parcel id is never empty, and the stated CRS (when
//! there is one) is a Gauss-Krüger zone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::input::cadastre_txt::read_layer;
use muchan_fuzz::input::crs::Crs;
use muchan_fuzz::land::repair::repair;
use muchan_fuzz::quality::Ledger;

fuzz_target!(
    init: {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        muchan_fuzz::let_repair_catch_overlay_panics();
    },
    |bytes: &[u8]| {
        let path = muchan_fuzz::scratch_file("parcels.txt", bytes);
        let Ok(layer) = read_layer(&path, &Ledger::new()) else { return };
        if let Some((crs, _)) = &layer.stated {
            assert!(matches!(crs, Crs::GaussKruger { .. }), "a TXT states a zone: {crs:?}");
        }
        for f in &layer.features {
            assert!(!f.parcel_id.is_empty());
            let Some(polygons) = &f.raw else { continue };
            for ring in polygons.iter().flatten() {
                assert_eq!(ring.first(), ring.last(), "parcel {}: an open ring", f.parcel_id);
                assert!(ring.iter().flatten().all(|c| c.is_finite()), "parcel {}: a non-finite point", f.parcel_id);
            }
            let _ = repair(polygons);
        }
    }
);
