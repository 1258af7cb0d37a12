//! Reclaimable land for 腾笼换鸟 (SPEC §9): each parcel's reclaim reasons, and the reclaim
//! blocks — connected candidates with their union, users, area, current tax, potential tax at
//! the above group's tax_per_mu benchmark (of each parcel's county, SPEC §17), and gain.

use crate::domain::{Class, County, NO_BUCKET, ReclaimReason};
use crate::flags::Flags;
use crate::input::parcels::{ParcelFeature, TABLE};
use crate::low_efficiency::LowEfficiency;
use crate::numbers::sorted_sum;
use crate::parcels::{Column, ParcelIx, ParcelRow, ParcelTable, Parcels};
use crate::quality::{At, Ledger, Message};
use crate::rating::ClassAndTax;
use crate::spatial::{self, ParcelMetrics};
use foldhash::{HashMap, HashMapExt};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A parcel's reclaim reasons and block.
#[derive(Debug, Clone, Default)]
pub struct ParcelReclaim {
    /// Reasons in the SPEC's order: idle, zombie_owner, class_d_owner, scattered,
    /// low_efficiency.
    pub reasons: Vec<ReclaimReason>,
    /// The number of its block, when it is a candidate.
    pub block_id: Option<usize>,
}

impl ParcelReclaim {
    /// The reasons `;`-joined, as the outputs write them.
    pub fn reasons_text(&self) -> String {
        self.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(";")
    }
}

#[derive(Debug, Clone)]
pub struct ReclaimBlock {
    pub id: usize,
    /// Its parcels, by parcel id.
    pub parcels: Vec<ParcelIx>,
    pub parcel_ids: Vec<String>,
    pub users: Vec<String>,
    pub area_mu: f64,
    pub current_tax: f64,
    pub potential_tax: f64,
    pub gain: f64,
    /// The union of its parcels (input coordinates); the parts themselves when it failed.
    pub geometry: Option<MultiPolygon<f64>>,
}

/// What reclaiming finds: each parcel's reasons and block, and the blocks.
#[derive(Debug, Clone, Default)]
pub struct Reclaim {
    pub parcels: Column<ParcelReclaim>,
    pub blocks: Vec<ReclaimBlock>,
}

/// What reclaiming needs to know of the enterprises.
pub struct Owners<'a> {
    pub flags: &'a Flags,
    /// Each code's class and evaluation-year tax (missing tax counts as 0 in current tax).
    pub rating: &'a ClassAndTax<'a>,
    /// Each parcel's county.
    pub counties: &'a Column<County>,
    /// The above group's tax_per_mu benchmark of each county.
    pub tax_per_mu_benchmark: &'a (dyn Fn(&County) -> Option<f64> + Sync),
    /// Parcels idle for two whole years or more under their 标准地 commitment (SPEC §14).
    pub idle_parcels: &'a foldhash::HashSet<ParcelIx>,
    /// Each parcel's 低效 tests (SPEC §15).
    pub low_efficiency: &'a Column<LowEfficiency>,
}

fn reasons(ix: ParcelIx, f: &ParcelFeature, metrics: &ParcelMetrics, owners: &Owners<'_>) -> Vec<ReclaimReason> {
    let owner = (!f.user.is_empty()).then_some(f.user.as_str());
    let idle = f.is_idle() || (f.is_industrial() && owner.is_none()) || owners.idle_parcels.contains(&ix);
    let zombie = owner.and_then(|o| owners.flags.get(o)).is_some_and(|fl| fl.zombie.zombie);
    let class_d = owner.and_then(|o| owners.rating.class(o)) == Some(Class::D);
    [
        (idle, ReclaimReason::Idle),
        (zombie, ReclaimReason::ZombieOwner),
        (class_d, ReclaimReason::ClassDOwner),
        (metrics.scattered, ReclaimReason::Scattered),
        (owners.low_efficiency[ix].reclaimable(), ReclaimReason::LowEfficiency),
    ]
    .into_iter()
    .filter_map(|(fires, reason)| fires.then_some(reason))
    .collect()
}

/// Finds candidates and groups them into numbered blocks.
pub fn reclaim(
    parcels: &Parcels,
    neighbourhood: &Column<ParcelMetrics>,
    owners: &Owners<'_>,
    ledger: &Ledger,
) -> Reclaim {
    let reasons = parcels.par_map(|ix, f, _| reasons(ix, f, &neighbourhood[ix], owners));
    let candidates: Vec<usize> = reasons.iter().filter(|(_, r)| !r.is_empty()).map(|(ix, _)| ix.index()).collect();
    let user_area = user_areas(parcels);
    let mut blocks: Vec<ReclaimBlock> = spatial::candidate_blocks(&candidates, neighbourhood.values())
        .into_par_iter()
        .map(|members| block(members.into_iter().map(ParcelIx::at).collect(), parcels, owners, &user_area))
        .collect();
    blocks.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then(b.area_mu.total_cmp(&a.area_mu))
            .then_with(|| a.parcel_ids.iter().min().cmp(&b.parcel_ids.iter().min()))
    });
    let mut block_of: HashMap<ParcelIx, usize> = HashMap::with_capacity(candidates.len());
    for (n, b) in blocks.iter_mut().enumerate() {
        b.id = n + 1;
        block_of.extend(b.parcels.iter().map(|&p| (p, b.id)));
    }
    blocks.par_iter_mut().for_each(|b| b.geometry = union_of(b, parcels, ledger));
    let parcels =
        reasons.par_map(|ix, reasons| ParcelReclaim { reasons: reasons.clone(), block_id: block_of.get(&ix).copied() });
    Reclaim { parcels, blocks }
}

/// Σ area of the parcels whose credit_code each user is.
fn user_areas(parcels: &Parcels) -> HashMap<&str, f64> {
    let mut areas: HashMap<&str, Vec<f64>> = HashMap::new();
    for (ix, f) in parcels.features.iter().filter(|(_, f)| !f.user.is_empty()) {
        areas.entry(f.user.as_str()).or_default().push(parcels.land[ix].area_mu);
    }
    areas.into_iter().map(|(user, a)| (user, sorted_sum(a))).collect()
}

fn block(
    mut members: Vec<ParcelIx>,
    parcels: &Parcels,
    owners: &Owners<'_>,
    user_area: &HashMap<&str, f64>,
) -> ReclaimBlock {
    let (features, land) = (&parcels.features, &parcels.land);
    members.sort_by(|&a, &b| features[a].parcel_id.cmp(&features[b].parcel_id));
    let area_mu = sorted_sum(members.iter().map(|&p| land[p].area_mu));
    let current_tax = sorted_sum(members.iter().filter(|&&p| !features[p].user.is_empty()).map(|&p| {
        let user = features[p].user.as_str();
        let total = user_area.get(user).copied().unwrap_or(0.0);
        let tax = owners.rating.tax(user).unwrap_or(0.0);
        if total > 0.0 { tax * land[p].area_mu / total } else { 0.0 }
    }));
    let mut county_areas: BTreeMap<&County, Vec<f64>> = BTreeMap::new();
    for &p in &members {
        county_areas.entry(&owners.counties[p]).or_default().push(land[p].area_mu);
    }
    let potential_tax = sorted_sum(
        county_areas
            .into_iter()
            .map(|(county, areas)| sorted_sum(areas) * (owners.tax_per_mu_benchmark)(county).unwrap_or(0.0)),
    );
    let users: BTreeSet<&str> = members.iter().map(|&p| features[p].user.as_str()).filter(|u| !u.is_empty()).collect();
    ReclaimBlock {
        id: 0,
        parcel_ids: members.iter().map(|&p| features[p].parcel_id.to_string()).collect(),
        parcels: members,
        users: users.into_iter().map(str::to_string).collect(),
        area_mu,
        current_tax,
        potential_tax,
        gain: potential_tax - current_tax,
        geometry: None,
    }
}

/// The union of a block's parcels; on failure a warning, and the parts themselves.
fn union_of(b: &ReclaimBlock, parcels: &Parcels, ledger: &Ledger) -> Option<MultiPolygon<f64>> {
    let parts: Vec<&MultiPolygon<f64>> = b.parcels.iter().filter_map(|&p| parcels.land[p].geometry.as_ref()).collect();
    let first = &parcels.features[*b.parcels.first()?];
    if parts.is_empty() {
        return None;
    }
    spatial::union_geometry(&parts).map(Some).unwrap_or_else(|why| {
        ledger.warning(
            At::new(TABLE, first.index, &first.parcel_id, "geometry"),
            "union_failed",
            Message::new(
                format!(
                    "block {}: the union of its parcels failed ({why}); the block keeps its parcels' geometries",
                    b.id
                ),
                format!("可盘活地块 {}：合并其宗地图形失败（{why}），保留各宗地原图形", b.id),
            ),
        );
        Some(MultiPolygon(parts.iter().flat_map(|g| g.0.iter().cloned()).collect()))
    })
}

/// Reclaimable mu per parcel park (candidates only).
pub fn reclaimable_by_park(table: &ParcelTable) -> BTreeMap<String, f64> {
    reclaimable_by(table, |p| p.feature.park.as_deref().unwrap_or(NO_BUCKET).to_string())
}

/// Reclaimable mu per parcel county (candidates only).
pub fn reclaimable_by_county(table: &ParcelTable) -> BTreeMap<County, f64> {
    reclaimable_by(table, |p| p.county.clone())
}

fn reclaimable_by<K: Ord>(table: &ParcelTable, key: impl Fn(&ParcelRow<'_>) -> K) -> BTreeMap<K, f64> {
    let mut areas: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for p in table.rows().filter(|p| p.reclaim.block_id.is_some()) {
        areas.entry(key(&p)).or_default().push(p.land.area_mu);
    }
    areas.into_iter().map(|(k, a)| (k, sorted_sum(a))).collect()
}
