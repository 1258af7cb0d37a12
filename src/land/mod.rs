//! Land (SPEC §4): each parcel's repaired geometry and area, and each enterprise's land
//! (自有 − 租出 + 租入) after leases.

pub mod area;
pub mod leases;
pub mod repair;

use crate::config::{AreaSource, Land as LandConfig};
use crate::input::crs::Crs;
use crate::input::parcels::{LayerFeature, ParcelFeature, TABLE};
use crate::quality::{At, Ledger, Message};
use area::{M2_PER_MU, geodesic_area_m2, planar_area_m2};
use geo::{CoordsIter, MultiPolygon};
use rayon::prelude::*;
use repair::{RepairKind, repair};

/// One parcel after repair and measurement.
#[derive(Debug, Clone)]
pub struct MeasuredParcel {
    /// The repaired geometry in the input's coordinates; `None` when none is left.
    pub geometry: Option<MultiPolygon<f64>>,
    /// Area measured from the geometry, in mu.
    pub measured_mu: Option<f64>,
    /// Area as used for land (SPEC §4: measured or registered, else 0).
    pub area_mu: f64,
}

/// Repairs and measures every parcel (in parallel), reporting repairs and area mismatches.
pub fn measure_parcels(
    features: &[ParcelFeature],
    crs: Crs,
    config: &LandConfig,
    ledger: &Ledger,
) -> Vec<MeasuredParcel> {
    features.par_iter().map(|f| measure_one(f, crs, config, ledger)).collect()
}

fn measure_one(f: &ParcelFeature, crs: Crs, config: &LandConfig, ledger: &Ledger) -> MeasuredParcel {
    let geometry = repaired_geometry(f, crs, ledger);
    let measured_mu = geometry.as_ref().and_then(|g| {
        let m2 = match crs {
            Crs::LonLat => geodesic_area_m2(g),
            Crs::GaussKruger { .. } => planar_area_m2(g),
        };
        if !m2.is_finite() {
            let message = Message::new(
                format!("parcel {}: its area cannot be measured", f.parcel_id),
                format!("宗地 {}：无法量算面积", f.parcel_id),
            );
            ledger.warning(At::new(TABLE, f.index, &f.parcel_id, "geometry"), "invalid_geometry", message);
        }
        m2.is_finite().then_some(m2 / M2_PER_MU)
    });
    check_registered(f, measured_mu, config, ledger);
    let area_mu = match (config.area_source, measured_mu, f.registered_mu) {
        (AreaSource::Registered, _, Some(r)) => r,
        (_, Some(m), _) => m,
        (_, None, registered) => registered.unwrap_or(0.0),
    };
    MeasuredParcel { geometry, measured_mu, area_mu }
}

/// A feature's geometry after repair (the repairs reported), `None` when no polygon is left
/// or a longitude/latitude file holds coordinates beyond ±180/±90. Layers whose areas are
/// taken in metres later (buildings) repair with this alone, without measuring.
pub fn repaired_geometry(f: &impl LayerFeature, crs: Crs, ledger: &Ledger) -> Option<MultiPolygon<f64>> {
    let repaired = f.raw().map(repair);
    let at = At::new(TABLE, f.index(), f.parcel_id(), "geometry");
    for r in repaired.iter().flat_map(|r| &r.repairs) {
        match r.kind {
            RepairKind::VertexRepeated => ledger.notice(at, "vertex_repeated", r.message.clone()),
            RepairKind::RingClosed => ledger.notice(at, "ring_closed", r.message.clone()),
            RepairKind::RingDropped => ledger.notice(at, "ring_dropped", r.message.clone()),
            RepairKind::InvalidGeometry => ledger.warning(at, "invalid_geometry", r.message.clone()),
        }
    }
    let geometry = repaired.and_then(|r| r.geometry).filter(|g| {
        let fits = crs != Crs::LonLat || g.coords_iter().all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
        if !fits {
            let message = Message::new(
                format!("parcel {}: coordinates outside ±180/±90 in a longitude/latitude file", f.parcel_id()),
                format!("宗地 {}：经纬度文件中的坐标超出 ±180/±90", f.parcel_id()),
            );
            ledger.warning(at, "invalid_geometry", message);
        }
        fits
    });
    if f.raw().is_some() && geometry.is_none() {
        let message = Message::new(
            format!("parcel {}: no polygon is left after repair", f.parcel_id()),
            format!("宗地 {}：修复后没有剩余多边形", f.parcel_id()),
        );
        ledger.warning(at, "no_geometry", message);
    }
    geometry
}

fn check_registered(f: &ParcelFeature, measured: Option<f64>, config: &LandConfig, ledger: &Ledger) {
    let (Some(m), Some(r)) = (measured, f.registered_mu) else { return };
    if r > 0.0 && (m - r).abs() / r > config.registered_tolerance {
        ledger.warning(
            At::new(TABLE, f.index, &f.parcel_id, "registered_mu"),
            "area_mismatch",
            Message::new(
                format!(
                    "parcel {}: measured {m:.3} mu differs from the registered {r} mu by {:.1}% (tolerance {:.1}%)",
                    f.parcel_id,
                    (m - r).abs() / r * 100.0,
                    config.registered_tolerance * 100.0
                ),
                format!(
                    "宗地 {}：实测 {m:.3} 亩与登记的 {r} 亩相差 {:.1}%（容差 {:.1}%）",
                    f.parcel_id,
                    (m - r).abs() / r * 100.0,
                    config.registered_tolerance * 100.0
                ),
            ),
        );
    }
}
