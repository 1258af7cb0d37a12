//! `reclaim_blocks.geojson`: one feature per reclaim block, in block order (SPEC §9–10).

use super::parcels::{collection, feature_bytes};
use crate::pipeline::Evaluation;
use crate::reclaim::ReclaimBlock;
use serde_json::{Map, Value, json};

/// The properties of one block, in order.
pub fn block_properties(b: &ReclaimBlock) -> Map<String, Value> {
    let properties = json!({
        "block_id": b.id,
        "parcel_ids": b.parcel_ids.join(";"),
        "users": b.users.join(";"),
        "area_mu": b.area_mu,
        "current_tax": b.current_tax,
        "potential_tax": b.potential_tax,
        "gain": b.gain,
    });
    match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn blocks_geojson(eval: &Evaluation) -> anyhow::Result<Vec<u8>> {
    let features: Vec<Vec<u8>> = eval
        .reclaim
        .blocks
        .iter()
        .map(|b| feature_bytes(block_properties(b), b.geometry.as_ref()))
        .collect::<Result<_, _>>()?;
    Ok(collection(eval, &features)?)
}
