//! `reclaim_blocks.geojson`: one feature per reclaim block, in block order (SPEC §9–10), with
//! `user_names` beside `users` (the same order, a user without a name an empty item).

use super::parcels::{Users, feature_bytes, write_collection};
use crate::pipeline::Evaluation;
use crate::reclaim::ReclaimBlock;
use serde_json::{Map, Value, json};
use std::io::Write;

/// The names of a block's users, `;`-joined in the order of `users`.
pub fn user_names(b: &ReclaimBlock, users: &Users<'_>) -> String {
    b.users.iter().map(|u| users.get(u.as_str()).and_then(|u| u.name).unwrap_or("")).collect::<Vec<_>>().join(";")
}

/// The properties of one block, in order.
pub fn block_properties(b: &ReclaimBlock, users: &Users<'_>) -> Map<String, Value> {
    let properties = json!({
        "block_id": b.id,
        "parcel_ids": b.parcel_ids.join(";"),
        "users": b.users.join(";"),
        "user_names": user_names(b, users),
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

pub fn blocks_geojson(eval: &Evaluation, users: &Users<'_>, w: &mut dyn Write) -> anyhow::Result<()> {
    let blocks = &eval.blocks;
    write_collection(eval, w, blocks.len(), |i| {
        feature_bytes(block_properties(&blocks[i], users), blocks[i].geometry.as_ref())
    })
}
