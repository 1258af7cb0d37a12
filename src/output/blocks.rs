//! `reclaim_blocks.geojson`: one feature per reclaim block, in block order (SPEC §9–10).

use super::parcels::{collection, geometry_json};
use crate::pipeline::Evaluation;
use serde_json::{Value, json};

pub fn blocks_geojson(eval: &Evaluation) -> anyhow::Result<Vec<u8>> {
    let features: Vec<Value> = eval
        .reclaim
        .blocks
        .iter()
        .map(|b| {
            json!({
                "type": "Feature",
                "properties": {
                    "block_id": b.id,
                    "parcel_ids": b.parcel_ids.join(";"),
                    "users": b.users.join(";"),
                    "area_mu": b.area_mu,
                    "current_tax": b.current_tax,
                    "potential_tax": b.potential_tax,
                    "gain": b.gain,
                },
                "geometry": geometry_json(b.geometry.as_ref()),
            })
        })
        .collect();
    Ok(serde_json::to_vec(&collection(eval, features))?)
}
