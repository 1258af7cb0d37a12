//! The Shapefile reader (SPEC §13): arbitrary bytes split into `parcels.shp` and `parcels.dbf`
//! (the first two bytes give the length of the .shp part; the last byte, when odd, adds a
//! `parcels.cpg` of `GBK`), read by `input::shp::read_layer` — shapes by the `shapefile` crate,
//! attributes by `dbase` with the .dbf encoding chain (.cpg, language byte, detection) — then
//! every parcel's polygons repaired as the land stage does.
//!
//! Errors are fine; panics are not. Features come in record order numbered from 1, their ids
//! are never empty, and an encoding was chosen. A .shp may hold NaN or infinite coordinates
//! (it stores raw doubles): repair drops such rings with a `ring_dropped` row, as the land
//! stage does, so they are repaired here, not refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::input::shp::read_layer;
use muchan_fuzz::land::repair::repair;
use muchan_fuzz::quality::Ledger;

fuzz_target!(
    init: {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        muchan_fuzz::let_repair_catch_overlay_panics();
    },
    |bytes: &[u8]| {
        let Some((&[a, b], rest)) = bytes.split_first_chunk::<2>().map(|(h, r)| (h, r)) else { return };
        let split = usize::from(u16::from_le_bytes([a, b])).min(rest.len());
        let (shp, dbf) = rest.split_at(split);
        let path = muchan_fuzz::scratch_file("parcels.shp", shp);
        muchan_fuzz::scratch_file("parcels.dbf", dbf);
        let cpg = muchan_fuzz::scratch_dir().join("parcels.cpg");
        if bytes.last().is_some_and(|b| b % 2 == 1) {
            let _ = std::fs::write(&cpg, "GBK");
        } else {
            let _ = std::fs::remove_file(&cpg);
        }
        let Ok(layer) = read_layer(&path, None, &Ledger::new()) else { return };
        assert!(layer.encoding.is_some(), "an encoding was chosen");
        for (i, f) in layer.features.iter().enumerate() {
            assert_eq!(f.index, i + 1);
            assert!(!f.parcel_id.is_empty());
            let Some(polygons) = &f.raw else { continue };
            let repaired = repair(polygons);
            if let Some(geometry) = &repaired.geometry {
                use geo::CoordsIter;
                assert!(geometry.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()), "parcel {}", f.parcel_id);
            }
        }
    }
);
