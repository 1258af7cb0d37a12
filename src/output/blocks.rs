//! `reclaim_blocks.geojson`: one feature per reclaim block, in block order (SPEC §9–10).

use super::parcels::{feature_bytes, write_collection};
use crate::pipeline::Evaluation;
use crate::reclaim::ReclaimBlock;
use serde_json::{Map, Value, json};
use std::io::Write;

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

pub fn blocks_geojson(eval: &Evaluation, w: &mut dyn Write) -> anyhow::Result<()> {
    let blocks = &eval.blocks;
    write_collection(eval, w, blocks.len(), |i| {
        feature_bytes(block_properties(&blocks[i]), blocks[i].geometry.as_ref())
    })
}
