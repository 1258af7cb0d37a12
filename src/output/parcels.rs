//! `parcels.geojson`: every input feature in input order, geometry as read (repaired per
//! SPEC §4), with the evaluation's properties first and the input's other properties after.

use crate::input::headers::{self, canonical};
use crate::pipeline::Evaluation;
use crate::reclaim::ParcelResult;
use geo::MultiPolygon;
use polars::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The properties muchan writes on each parcel, in order.
pub const PROPERTIES: [&str; 13] = [
    "parcel_id",
    "credit_code",
    "land_use",
    "park",
    "area_mu",
    "registered_mu",
    "user_class",
    "enclosure",
    "surrounding_user",
    "surrounding_share",
    "scattered",
    "reasons",
    "block_id",
];

/// class per credit code, from the rating frame.
pub fn classes_by_code_frame(frame: &DataFrame) -> PolarsResult<HashMap<String, String>> {
    let codes = frame.column("code")?.str()?;
    let classes = frame.column("class")?.str()?;
    Ok(codes.iter().zip(classes.iter()).filter_map(|(c, k)| Some((c?.to_string(), k?.to_string()))).collect())
}

fn number(x: Option<f64>) -> Value {
    x.filter(|v| v.is_finite()).map_or(Value::Null, |v| json!(v))
}

fn text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn spatial_properties(r: &ParcelResult, props: &mut Map<String, Value>) {
    let m = &r.metrics;
    props.insert("enclosure".into(), number(m.enclosure));
    props.insert("surrounding_user".into(), text(m.surrounding_user.as_deref()));
    props.insert("surrounding_share".into(), number(m.surrounding_share));
    props.insert("scattered".into(), json!(m.scattered));
    props.insert("reasons".into(), json!(r.reasons.join(";")));
    props.insert("block_id".into(), r.block_id.map_or(Value::Null, |b| json!(b)));
}

/// A geometry as GeoJSON: a Polygon when it has one part, else a MultiPolygon.
pub fn geometry_json(g: Option<&MultiPolygon<f64>>) -> Value {
    g.map_or(Value::Null, |g| {
        let geometry = if g.0.len() == 1 { geojson::Geometry::from(&g.0[0]) } else { geojson::Geometry::from(g) };
        serde_json::to_value(geometry).unwrap_or(Value::Null)
    })
}

/// A FeatureCollection with the input's legacy `crs` member, if it had one.
pub fn collection(eval: &Evaluation, features: Vec<Value>) -> Value {
    let mut collection = Map::new();
    collection.insert("type".into(), json!("FeatureCollection"));
    if let Some(crs) = &eval.inputs.parcels.crs_member {
        collection.insert("crs".into(), crs.clone());
    }
    collection.insert("features".into(), Value::Array(features));
    Value::Object(collection)
}

pub fn parcels_geojson(eval: &Evaluation) -> anyhow::Result<Vec<u8>> {
    let classes = classes_by_code_frame(&eval.rating.frame)?;
    let mut features = Vec::with_capacity(eval.inputs.parcels.features.len());
    for (i, (f, m)) in eval.inputs.parcels.features.iter().zip(&eval.measured).enumerate() {
        let user = (!f.user.is_empty()).then_some(f.user.as_str());
        let mut props = Map::new();
        props.insert("parcel_id".into(), json!(f.parcel_id));
        props.insert("credit_code".into(), text(user));
        props.insert("land_use".into(), text(f.land_use.as_deref()));
        props.insert("park".into(), text(f.park.as_deref()));
        props.insert("area_mu".into(), number(Some(m.area_mu)));
        props.insert("registered_mu".into(), number(f.registered_mu));
        props.insert("user_class".into(), text(user.and_then(|u| classes.get(u)).map(String::as_str)));
        spatial_properties(&eval.reclaim.parcels[i], &mut props);
        for (key, value) in &f.properties {
            let ours = canonical(headers::PARCELS, key).is_some() || PROPERTIES.contains(&key.as_str());
            if !ours {
                props.insert(key.clone(), value.clone());
            }
        }
        let geometry = geometry_json(m.geometry.as_ref());
        features.push(json!({"type": "Feature", "properties": Value::Object(props), "geometry": geometry}));
    }
    Ok(serde_json::to_vec(&collection(eval, features))?)
}
