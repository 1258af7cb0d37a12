//! Reclaimable land for 腾笼换鸟 (SPEC §9): each parcel's neighbourhood metrics, its reclaim
//! reasons, and the reclaim blocks — connected candidates with their union, users, area,
//! current tax, potential tax at the above group's tax_per_mu benchmark, and gain.

use crate::flags::Flags;
use crate::input::crs::Crs;
use crate::input::parcels::{ParcelFeature, TABLE};
use crate::land::MeasuredParcel;
use crate::numbers::sorted_sum;
use crate::quality::{At, Ledger};
use crate::spatial::{self, GaussKruger, ParcelMetrics, SpatialParcel};
use foldhash::{HashMap, HashMapExt};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A parcel's results.
#[derive(Debug, Clone, Default)]
pub struct ParcelResult {
    pub metrics: ParcelMetrics,
    /// Reasons in the SPEC's order: idle, zombie_owner, class_d_owner, scattered.
    pub reasons: Vec<&'static str>,
    /// The number of its block, when it is a candidate.
    pub block_id: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ReclaimBlock {
    pub id: usize,
    /// Parcel indices (into the features), ascending.
    pub parcels: Vec<usize>,
    pub parcel_ids: Vec<String>,
    pub users: Vec<String>,
    pub area_mu: f64,
    pub current_tax: f64,
    pub potential_tax: f64,
    pub gain: f64,
    /// The union of its parcels (input coordinates); the parts themselves when it failed.
    pub geometry: Option<MultiPolygon<f64>>,
}

#[derive(Debug, Clone, Default)]
pub struct Reclaim {
    pub parcels: Vec<ParcelResult>,
    pub blocks: Vec<ReclaimBlock>,
}

/// The parcels as the spatial stage sees them: geometry in metres (longitude/latitude
/// projected to the CGCS2000 3-degree Gauss-Krüger zone of the mean vertex longitude).
pub fn spatial_parcels(features: &[ParcelFeature], measured: &[MeasuredParcel], crs: Crs) -> Vec<SpatialParcel> {
    let projection = metric_projection(measured, crs);
    features
        .par_iter()
        .zip(measured)
        .map(|(f, m)| SpatialParcel {
            parcel_id: f.parcel_id.clone(),
            geometry: m.geometry.as_ref().map(|g| match &projection {
                Some(p) => p.project_multipolygon(g),
                None => g.clone(),
            }),
            user: if f.user.is_empty() { SpatialParcel::unassigned_user(&f.parcel_id) } else { f.user.clone() },
            industrial: f.is_industrial(),
            area_mu: m.area_mu,
        })
        .collect()
}

/// The projection to metres of SPEC §9: none for Gauss-Krüger input; for longitude/latitude
/// the CGCS2000 3-degree zone of the mean vertex longitude.
pub fn metric_projection(measured: &[MeasuredParcel], crs: Crs) -> Option<GaussKruger> {
    match crs {
        Crs::LonLat => spatial::mean_vertex_longitude(measured.iter().filter_map(|m| m.geometry.as_ref()))
            .map(GaussKruger::for_mean_longitude),
        Crs::GaussKruger { .. } => None,
    }
}

/// What reclaiming needs to know of the enterprises.
pub struct Owners<'a> {
    pub flags: &'a Flags,
    pub classes: &'a HashMap<&'a str, &'a str>,
    /// Evaluation-year tax per code (missing counts as 0 in current tax).
    pub tax: &'a HashMap<&'a str, f64>,
    /// The above group's tax_per_mu benchmark.
    pub tax_per_mu_benchmark: Option<f64>,
}

fn reasons(f: &ParcelFeature, metrics: &ParcelMetrics, owners: &Owners<'_>) -> Vec<&'static str> {
    let owner = (!f.user.is_empty()).then_some(f.user.as_str());
    let idle = f.is_idle() || (f.is_industrial() && owner.is_none());
    let zombie = owner.and_then(|o| owners.flags.get(o)).is_some_and(|fl| fl.zombie.zombie);
    let class_d = owner.and_then(|o| owners.classes.get(o)).is_some_and(|c| *c == "D");
    [(idle, "idle"), (zombie, "zombie_owner"), (class_d, "class_d_owner"), (metrics.scattered, "scattered")]
        .into_iter()
        .filter_map(|(fires, reason)| fires.then_some(reason))
        .collect()
}

/// Finds candidates and groups them into numbered blocks.
pub fn reclaim(
    features: &[ParcelFeature],
    measured: &[MeasuredParcel],
    metrics: Vec<ParcelMetrics>,
    owners: &Owners<'_>,
    ledger: &Ledger,
) -> Reclaim {
    let reasons: Vec<Vec<&'static str>> =
        features.par_iter().zip(&metrics).map(|(f, m)| reasons(f, m, owners)).collect();
    let candidates: Vec<usize> = (0..reasons.len()).filter(|&i| !reasons[i].is_empty()).collect();
    let user_area = user_areas(features, measured);
    let mut blocks: Vec<ReclaimBlock> = spatial::candidate_blocks(&candidates, &metrics)
        .into_par_iter()
        .map(|members| block(members, features, measured, owners, &user_area))
        .collect();
    blocks.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then(b.area_mu.total_cmp(&a.area_mu))
            .then_with(|| a.parcel_ids.iter().min().cmp(&b.parcel_ids.iter().min()))
    });
    let mut block_ids = vec![None; features.len()];
    for (n, b) in blocks.iter_mut().enumerate() {
        b.id = n + 1;
        for &p in &b.parcels {
            block_ids[p] = Some(b.id);
        }
    }
    blocks.par_iter_mut().for_each(|b| b.geometry = union_of(b, features, measured, ledger));
    let parcels = metrics
        .into_iter()
        .zip(reasons)
        .zip(block_ids)
        .map(|((metrics, reasons), block_id)| ParcelResult { reasons, metrics, block_id })
        .collect();
    Reclaim { parcels, blocks }
}

/// Σ area of the parcels whose credit_code each user is.
fn user_areas(features: &[ParcelFeature], measured: &[MeasuredParcel]) -> HashMap<String, f64> {
    let mut areas: HashMap<&str, Vec<f64>> = HashMap::new();
    for (f, m) in features.iter().zip(measured).filter(|(f, _)| !f.user.is_empty()) {
        areas.entry(f.user.as_str()).or_default().push(m.area_mu);
    }
    areas.into_iter().map(|(user, a)| (user.to_string(), sorted_sum(a))).collect()
}

fn block(
    members: Vec<usize>,
    features: &[ParcelFeature],
    measured: &[MeasuredParcel],
    owners: &Owners<'_>,
    user_area: &HashMap<String, f64>,
) -> ReclaimBlock {
    let mut members = members;
    members.sort_by(|&a, &b| features[a].parcel_id.cmp(&features[b].parcel_id));
    let area_mu = sorted_sum(members.iter().map(|&p| measured[p].area_mu));
    let current_tax = sorted_sum(members.iter().filter(|&&p| !features[p].user.is_empty()).map(|&p| {
        let user = &features[p].user;
        let total = user_area.get(user).copied().unwrap_or(0.0);
        let tax = owners.tax.get(user.as_str()).copied().unwrap_or(0.0);
        if total > 0.0 { tax * measured[p].area_mu / total } else { 0.0 }
    }));
    let potential_tax = area_mu * owners.tax_per_mu_benchmark.unwrap_or(0.0);
    let users: BTreeSet<String> = members.iter().map(|&p| features[p].user.clone()).filter(|u| !u.is_empty()).collect();
    ReclaimBlock {
        id: 0,
        parcel_ids: members.iter().map(|&p| features[p].parcel_id.clone()).collect(),
        parcels: members,
        users: users.into_iter().collect(),
        area_mu,
        current_tax,
        potential_tax,
        gain: potential_tax - current_tax,
        geometry: None,
    }
}

/// The union of a block's parcels; on failure a warning, and the parts themselves.
fn union_of(
    b: &ReclaimBlock,
    features: &[ParcelFeature],
    measured: &[MeasuredParcel],
    ledger: &Ledger,
) -> Option<MultiPolygon<f64>> {
    let parts: Vec<&MultiPolygon<f64>> = b.parcels.iter().filter_map(|&p| measured[p].geometry.as_ref()).collect();
    if parts.is_empty() {
        return None;
    }
    spatial::union_geometry(&parts).map(Some).unwrap_or_else(|why| {
        let first = b.parcels[0];
        ledger.warning(
            At::new(TABLE, features[first].index, &features[first].parcel_id, "geometry"),
            "union_failed",
            format!("block {}: the union of its parcels failed ({why}); the block keeps its parcels' geometries", b.id),
        );
        Some(MultiPolygon(parts.iter().flat_map(|g| g.0.iter().cloned()).collect()))
    })
}

/// Reclaimable mu per parcel park (candidates only).
pub fn reclaimable_by_park(
    features: &[ParcelFeature],
    measured: &[MeasuredParcel],
    r: &Reclaim,
) -> BTreeMap<String, f64> {
    let mut areas: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for ((f, m), p) in features.iter().zip(measured).zip(&r.parcels) {
        if p.block_id.is_some() {
            areas.entry(f.park.clone().unwrap_or_else(|| "(none)".into())).or_default().push(m.area_mu);
        }
    }
    areas.into_iter().map(|(park, a)| (park, sorted_sum(a))).collect()
}
