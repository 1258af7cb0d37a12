//! `parcels.geojson`: every input feature in input order, geometry as read (repaired per
//! SPEC §4), with the evaluation's properties first and the input's other properties after.
//! Besides SPEC §10's properties, each parcel says who its user is as a planner styles a map
//! by it: `user_name`, `total_score` and `zombie`, right after `user_class`. After `block_id`,
//! SPEC §15's building figures and 低效 tests.

use crate::domain::Class;
use crate::flags::Flags;
use crate::parcels::{ParcelIx, ParcelRow};
use crate::pipeline::Evaluation;
use crate::rating::CodeRows;
use geo::{LineString, MultiPolygon, Polygon};
use polars::prelude::{Float64Chunked, PolarsResult, StringChunked};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::io::Write;

/// The properties muchan writes on each parcel, in order.
pub const PROPERTIES: [&str; 21] = [
    "parcel_id",
    "credit_code",
    "land_use",
    "park",
    "area_mu",
    "registered_mu",
    "user_class",
    "user_name",
    "total_score",
    "zombie",
    "enclosure",
    "surrounding_user",
    "surrounding_share",
    "scattered",
    "reasons",
    "block_id",
    "floor_area_m2",
    "footprint_m2",
    "plot_ratio",
    "coverage",
    "low_efficiency",
];

/// A property value, borrowed from the evaluation where it can be, written as serde_json
/// would write the same [`Value`].
pub enum Prop<'a> {
    Text(Option<&'a str>),
    /// Null unless finite.
    Number(Option<f64>),
    Bool(bool),
    Id(Option<usize>),
    Owned(String),
    Input(&'a Value),
}

impl Serialize for Prop<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Prop::Text(Some(t)) => s.serialize_str(t),
            Prop::Number(Some(x)) if x.is_finite() => s.serialize_f64(*x),
            Prop::Bool(b) => s.serialize_bool(*b),
            Prop::Id(Some(id)) => s.serialize_u64(*id as u64),
            Prop::Owned(t) => s.serialize_str(t),
            Prop::Input(v) => v.serialize(s),
            Prop::Text(None) | Prop::Number(_) | Prop::Id(None) => s.serialize_unit(),
        }
    }
}

/// Properties in order, written as a JSON object.
pub struct Props<'a>(pub Vec<(&'a str, Prop<'a>)>);

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl Props<'_> {
    /// The properties as JSON values, through the same [`Serialize`] that writes them (a text,
    /// number, boolean, integer or JSON value always converts, so no value is lost).
    pub fn to_map(&self) -> Map<String, Value> {
        self.0.iter().map(|(k, v)| (k.to_string(), serde_json::to_value(v).unwrap_or(Value::Null))).collect()
    }
}

fn spatial_properties<'a>(p: &ParcelRow<'a>, props: &mut Vec<(&'a str, Prop<'a>)>) {
    let (m, r) = (p.neighbourhood, p.reclaim);
    props.extend([
        ("enclosure", Prop::Number(m.enclosure)),
        ("surrounding_user", Prop::Text(m.surrounding_user.as_deref())),
        ("surrounding_share", Prop::Number(m.surrounding_share)),
        ("scattered", Prop::Bool(m.scattered)),
        ("reasons", Prop::Owned(r.reasons_text())),
        ("block_id", Prop::Id(r.block_id)),
    ]);
}

/// SPEC §15's properties: the parcel's buildings, intensity and fired 低效 tests.
fn building_properties<'a>(p: &ParcelRow<'a>, props: &mut Vec<(&'a str, Prop<'a>)>) {
    let i = p.intensity;
    props.extend([
        ("floor_area_m2", Prop::Number(i.floor_area_m2)),
        ("footprint_m2", Prop::Number(i.footprint_m2)),
        ("plot_ratio", Prop::Number(i.plot_ratio)),
        ("coverage", Prop::Number(i.coverage)),
        ("low_efficiency", Prop::Owned(p.low_efficiency.tests_text())),
    ]);
}

/// A geometry written straight to GeoJSON: a Polygon when it has one part, else a
/// MultiPolygon (no intermediate JSON values).
pub struct GeometryJson<'a>(pub &'a MultiPolygon<f64>);

struct RingsJson<'a>(&'a Polygon<f64>);

struct CoordsJson<'a>(&'a LineString<f64>);

impl Serialize for RingsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(std::iter::once(self.0.exterior()).chain(self.0.interiors()).map(CoordsJson))
    }
}

impl Serialize for CoordsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.0.iter().map(|c| [c.x, c.y]))
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
struct FeatureJson<'a, P> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: P,
    geometry: Option<GeometryJson<'a>>,
}

/// One GeoJSON feature as bytes.
pub fn feature_bytes(properties: impl Serialize, geometry: Option<&MultiPolygon<f64>>) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&FeatureJson { kind: "Feature", properties, geometry: geometry.map(GeometryJson) })
}

/// Features per batch: each batch is built in parallel, then written before the next.
const BATCH: usize = 16_384;

/// Writes a FeatureCollection of `count` features, with the legacy `crs` member naming the
/// EPSG code of projected coordinates (none for longitude/latitude, RFC 7946); `feature(i)` gives the bytes of feature `i`, built in parallel batches.
pub fn write_collection(
    eval: &Evaluation,
    w: &mut dyn Write,
    count: usize,
    feature: impl Fn(usize) -> serde_json::Result<Vec<u8>> + Sync,
) -> anyhow::Result<()> {
    w.write_all(br#"{"type":"FeatureCollection","#)?;
    if let Some(crs) = eval.parcels.parcels.crs.legacy_member() {
        w.write_all(br#""crs":"#)?;
        serde_json::to_writer(&mut *w, &crs)?;
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

/// What the parcel outputs say of a parcel's user.
#[derive(Debug, Clone, Copy, Default)]
pub struct User<'a> {
    pub class: Option<Class>,
    pub name: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub total_score: Option<f64>,
    /// `None` for a code with no zombie verdict.
    pub zombie: Option<bool>,
}

/// Every code's [`User`] facts, read from its row of the rating and its flags when an
/// output names it (built once for all the outputs that name a parcel's user:
/// [`super::Sources::users`]); a nation's three million codes are not copied into a map.
pub struct Users<'a> {
    rows: &'a CodeRows,
    classes: &'a StringChunked,
    names: &'a StringChunked,
    industries: &'a StringChunked,
    totals: &'a Float64Chunked,
    flags: &'a Flags,
}

impl<'a> Users<'a> {
    /// The facts of `code`, when the rating has a row of it.
    pub fn get(&self, code: &str) -> Option<User<'a>> {
        let (id, i) = self.rows.id_and_row(code)?;
        Some(User {
            class: self.classes.get(i).and_then(Class::parse),
            name: self.names.get(i),
            industry: self.industries.get(i),
            total_score: self.totals.get(i),
            zombie: self.flags.of_id(id).map(|flags| flags.zombie.zombie),
        })
    }
}

/// The [`Users`] of an evaluation.
pub fn users(eval: &Evaluation) -> PolarsResult<Users<'_>> {
    let f = &eval.rating.frame;
    Ok(Users {
        rows: &eval.rating.rows,
        classes: f.column("class")?.str()?,
        names: f.column("name")?.str()?,
        industries: f.column("industry")?.str()?,
        totals: f.column("total_score")?.f64()?,
        flags: &eval.flags,
    })
}

/// The properties of a parcel, in order: muchan's (with `county` after `parcel_id` when the
/// run is `partitioned`), then the input's others.
pub(crate) fn parcel_properties<'a>(p: ParcelRow<'a>, users: &Users<'a>, partitioned: bool) -> Props<'a> {
    let (f, m) = (p.feature, p.land);
    let code = (!f.user.is_empty()).then_some(f.user.as_str());
    let user = code.and_then(|u| users.get(u)).unwrap_or_default();
    let mut props = vec![("parcel_id", Prop::Text(Some(&f.parcel_id)))];
    if partitioned {
        props.push(("county", Prop::Text(Some(p.county.as_str()))));
    }
    props.extend([
        ("credit_code", Prop::Text(code)),
        ("land_use", Prop::Text(f.land_use.as_deref())),
        ("park", Prop::Text(f.park.as_deref())),
        ("area_mu", Prop::Number(Some(m.area_mu))),
        ("registered_mu", Prop::Number(f.registered_mu)),
        ("user_class", Prop::Text(user.class.map(Class::as_str))),
        ("user_name", Prop::Text(user.name)),
        ("total_score", Prop::Number(user.total_score)),
        ("zombie", user.zombie.map_or(Prop::Text(None), Prop::Bool)),
    ]);
    spatial_properties(&p, &mut props);
    building_properties(&p, &mut props);
    let ours = |key: &str| PROPERTIES.contains(&key) || (partitioned && key == "county");
    let others = f.other_properties.iter().filter(|(key, _)| !ours(key));
    props.extend(others.map(|(key, value)| (key.as_str(), Prop::Input(value))));
    Props(props)
}

/// parcels.geojson: features written in parallel, joined in input order.
pub fn parcels_geojson(eval: &Evaluation, users: &Users<'_>, w: &mut dyn Write) -> anyhow::Result<()> {
    write_collection(eval, w, eval.parcels.len(), |i| {
        let parcel = eval.parcels.row(ParcelIx::at(i));
        feature_bytes(parcel_properties(parcel, users, eval.rating.partitioned), parcel.land.geometry.as_ref())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_write_as_their_json_values_would() {
        let input = json!({"k": [1, "x"]});
        let props = Props(vec![
            ("t", Prop::Text(Some("宁波\"1\""))),
            ("none", Prop::Text(None)),
            ("x", Prop::Number(Some(0.1 + 0.2))),
            ("nan", Prop::Number(Some(f64::NAN))),
            ("int", Prop::Number(Some(3.0))),
            ("b", Prop::Bool(true)),
            ("id", Prop::Id(Some(7))),
            ("no_id", Prop::Id(None)),
            ("owned", Prop::Owned("a;b".into())),
            ("input", Prop::Input(&input)),
        ]);
        let direct = serde_json::to_string(&props).expect("serialises");
        assert_eq!(direct, serde_json::to_string(&props.to_map()).expect("serialises"));
        assert_eq!(
            direct,
            r#"{"t":"宁波\"1\"","none":null,"x":0.30000000000000004,"nan":null,"int":3.0,"b":true,"id":7,"no_id":null,"owned":"a;b","input":{"k":[1,"x"]}}"#
        );
    }
}
