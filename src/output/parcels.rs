//! `parcels.geojson`: every input feature in input order, geometry as read (repaired per
//! SPEC §4), with the evaluation's properties first and the input's other properties after.

use crate::pipeline::Evaluation;
use crate::reclaim::ParcelResult;
use foldhash::HashMap;
use geo::{MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};
use std::io::Write;

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

/// A geometry written straight to GeoJSON: a Polygon when it has one part, else a
/// MultiPolygon (no intermediate JSON values).
pub struct GeometryJson<'a>(pub &'a MultiPolygon<f64>);

struct RingsJson<'a>(&'a Polygon<f64>);

impl Serialize for RingsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rings = std::iter::once(self.0.exterior()).chain(self.0.interiors());
        s.collect_seq(rings.map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect::<Vec<[f64; 2]>>()))
    }
}

impl Serialize for GeometryJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        if let [polygon] = self.0.0.as_slice() {
            map.serialize_entry("type", "Polygon")?;
            map.serialize_entry("coordinates", &RingsJson(polygon))?;
        } else {
            map.serialize_entry("type", "MultiPolygon")?;
            let parts: Vec<RingsJson<'_>> = self.0.iter().map(RingsJson).collect();
            map.serialize_entry("coordinates", &parts)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct FeatureJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Map<String, Value>,
    geometry: Option<GeometryJson<'a>>,
}

/// One GeoJSON feature as bytes.
pub fn feature_bytes(
    properties: Map<String, Value>,
    geometry: Option<&MultiPolygon<f64>>,
) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&FeatureJson { kind: "Feature", properties, geometry: geometry.map(GeometryJson) })
}

/// Features per batch: each batch is built in parallel, then written before the next.
const BATCH: usize = 16_384;

/// Writes a FeatureCollection of `count` features, with the input's legacy `crs` member if
/// it had one; `feature(i)` gives the bytes of feature `i`, built in parallel batches.
pub fn write_collection(
    eval: &Evaluation,
    w: &mut dyn Write,
    count: usize,
    feature: impl Fn(usize) -> serde_json::Result<Vec<u8>> + Sync,
) -> anyhow::Result<()> {
    w.write_all(br#"{"type":"FeatureCollection","#)?;
    if let Some(crs) = &eval.inputs.parcels.crs_member {
        w.write_all(br#""crs":"#)?;
        serde_json::to_writer(&mut *w, crs)?;
        w.write_all(b",")?;
    }
    w.write_all(br#""features":["#)?;
    for start in (0..count).step_by(BATCH) {
        let batch: Vec<Vec<u8>> =
            (start..count.min(start + BATCH)).into_par_iter().map(&feature).collect::<Result<_, _>>()?;
        for (k, bytes) in batch.iter().enumerate() {
            if start + k > 0 {
                w.write_all(b",")?;
            }
            w.write_all(bytes)?;
        }
    }
    w.write_all(b"]}")?;
    Ok(())
}

/// The properties of parcel `i`, in order: muchan's, then the input's others.
pub(crate) fn parcel_properties(eval: &Evaluation, classes: &HashMap<String, String>, i: usize) -> Map<String, Value> {
    let (f, m) = (&eval.inputs.parcels.features[i], &eval.measured[i]);
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
    for (key, value) in &f.other_properties {
        if !PROPERTIES.contains(&key.as_str()) {
            props.insert(key.clone(), value.clone());
        }
    }
    props
}

/// parcels.geojson: features written in parallel, joined in input order.
pub fn parcels_geojson(eval: &Evaluation, w: &mut dyn Write) -> anyhow::Result<()> {
    let classes = eval.rating.classes_by_code()?;
    write_collection(eval, w, eval.inputs.parcels.features.len(), |i| {
        feature_bytes(parcel_properties(eval, &classes, i), eval.measured[i].geometry.as_ref())
    })
}
