//! GeoJSON parcel layers (SPEC §2): a FeatureCollection, each feature parsed on its own (in
//! parallel) and leniently. A file that is not valid JSON stops the run with its line and
//! column; a feature that is valid JSON but not a usable polygon is a data_quality row and is
//! kept with no geometry.

use super::InputError;
use super::crs::{Crs, legacy_crs_name};
use super::parcels::{GeometryProblem, Layer, ParcelFeature, feature_from};
use super::text::decode_text;
use crate::land::repair::RawPolygons;
use crate::quality::{Ledger, Message};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, error::Category};
use std::path::Path;

/// The top level of the file: features kept as raw JSON, each parsed on its own.
#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
    crs: Option<Value>,
}

/// Reads a GeoJSON layer, each feature made into what `keep` makes of it as it is parsed (so a
/// layer that keeps less of each never holds its text and every whole feature together); the
/// CRS its legacy `crs` member states, if any.
pub fn read_layer<F: Send>(
    path: &Path,
    ledger: &Ledger,
    keep: impl Fn(ParcelFeature) -> F + Sync,
) -> Result<Layer<F>, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(bytes);
    let root: RawCollection<'_> = serde_json::from_str(&text).map_err(|e| {
        let what = match e.classify() {
            Category::Data => "not a GeoJSON FeatureCollection",
            _ => "not valid JSON",
        };
        InputError::new(path, format!("{what}: {e}")).at(e.line() as u64, Some(e.column() as u64))
    })?;
    let features = root
        .features
        .ok_or_else(|| InputError::new(path, "not a GeoJSON FeatureCollection: it has no `features` array"))?;
    let features: Vec<F> = features.par_iter().enumerate().map(|(i, f)| keep(read_feature(i + 1, f, ledger))).collect();
    let stated = match root.crs.as_ref().and_then(legacy_crs_name) {
        Some(name) => Some(Crs::parse(name).map_err(|m| InputError::new(path, format!("its `crs` member: {m}")))?),
        None => None,
    };
    let declared = root.crs.as_ref().and_then(legacy_crs_name).map(str::to_string);
    Ok(Layer { features, stated: stated.map(|c| (c, "its `crs` member".to_string())), declared, encoding: None })
}

fn read_feature(index: usize, raw: &RawValue, ledger: &Ledger) -> ParcelFeature {
    let (properties, geometry) = match serde_json::from_str::<TypedFeature>(raw.get()) {
        Ok(f) => {
            (f.properties.unwrap_or_default(), f.geometry.map_or(Err(GeometryProblem::Null), |g| read_geometry(&g)))
        }
        Err(_) => lenient_feature(raw),
    };
    feature_from(index, properties, geometry, ledger)
}

/// A feature as it should be; anything else is read leniently from its JSON value.
#[derive(Deserialize)]
struct TypedFeature<'a> {
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(borrow, default)]
    geometry: Option<TypedGeometry<'a>>,
}

#[derive(Deserialize)]
struct TypedGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

/// A feature that does not parse as [`TypedFeature`]: its properties if it has an object of
/// them, and why its geometry cannot be used.
fn lenient_feature(raw: &RawValue) -> (Map<String, Value>, Result<Option<RawPolygons>, GeometryProblem>) {
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let properties = match value.get("properties") {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    let why = if value.is_object() {
        Message::new(
            "the geometry is not a GeoJSON Polygon or MultiPolygon of [x, y] numbers",
            "图形不是由 [x, y] 数值构成的 GeoJSON Polygon 或 MultiPolygon",
        )
    } else {
        Message::new("the feature is not a JSON object", "要素不是 JSON 对象")
    };
    (properties, Err(GeometryProblem::Unusable(why)))
}

/// Polygon or MultiPolygon coordinates as read (2-D; extra dimensions are dropped).
fn read_geometry(geometry: &TypedGeometry<'_>) -> Result<Option<RawPolygons>, GeometryProblem> {
    let coordinates = geometry.coordinates.map_or("null", RawValue::get);
    let unusable = |_| {
        GeometryProblem::Unusable(Message::new(
            format!("the {} coordinates are not arrays of [x, y] numbers", geometry.kind),
            format!("{} 的坐标不是 [x, y] 数值数组", geometry.kind),
        ))
    };
    match geometry.kind.as_str() {
        "Polygon" => serde_json::from_str::<Vec<Vec<Position>>>(coordinates)
            .map(|p| Some(vec![ring_points(p)]))
            .map_err(unusable),
        "MultiPolygon" => serde_json::from_str::<Vec<Vec<Vec<Position>>>>(coordinates)
            .map(|ps| Some(ps.into_iter().map(ring_points).collect()))
            .map_err(unusable),
        other => Err(GeometryProblem::Unusable(Message::new(
            format!("a `{other}` geometry is not a polygon"),
            format!("{other} 图形不是多边形"),
        ))),
    }
}

fn ring_points(rings: Vec<Vec<Position>>) -> Vec<Vec<[f64; 2]>> {
    rings.into_iter().map(|ring| ring.into_iter().map(|p| p.0).collect()).collect()
}

/// A GeoJSON position: two finite numbers, further dimensions ignored.
struct Position([f64; 2]);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PositionVisitor;
        impl<'de> serde::de::Visitor<'de> for PositionVisitor {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a position [x, y]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let mut next = || -> Result<f64, A::Error> {
                    let v: f64 =
                        seq.next_element()?.ok_or_else(|| serde::de::Error::custom("a position needs x and y"))?;
                    if v.is_finite() { Ok(v) } else { Err(serde::de::Error::custom("a coordinate is not finite")) }
                };
                let (x, y) = (next()?, next()?);
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Position([x, y]))
            }
        }
        deserializer.deserialize_seq(PositionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Land;
    use crate::input::parcels::{ParcelFile, read_parcels};

    fn read(path: &Path, crs: Option<&str>) -> Result<ParcelFile, InputError> {
        let land = Land { crs: crs.map(str::to_string), ..Land::default() };
        read_parcels(path, &land, &Ledger::new())
    }

    #[test]
    fn features_read_leniently() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"宗地编号":"P1","权利人代码":"９１４４０３００７０８４６１１３６ｔ","登记面积(亩)":"1,500"},
           "geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}},
          {"type":"Feature","properties":{"宗地编号":"P1"},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},
          7
        ]}"#;
        std::fs::write(&path, text).expect("write");
        let ledger = Ledger::new();
        let file = read_parcels(&path, &crate::config::Land::default(), &ledger).expect("reads");
        assert_eq!(file.crs, Crs::LonLat);
        let ids: Vec<&str> = file.features.iter().map(|f| f.parcel_id.as_str()).collect();
        assert_eq!(ids, vec!["P1", "P1#2", "#3", "#4"]);
        assert_eq!(file.features[0].user, "91440300708461136T");
        assert_eq!(file.features[0].registered_mu, Some(1500.0));
        assert!(file.features[0].raw.is_some());
        assert!(file.features[1].raw.is_none());
        let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
        assert_eq!(codes, vec!["duplicate_parcel_id", "no_geometry", "invalid_geometry", "invalid_geometry"]);
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        std::fs::write(&path, "{\"type\":\"FeatureCollection\",\n\"features\":[NaN]}").expect("write");
        let err = read(&path, None).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("line 2, column"), "{err}");
    }

    #[test]
    fn projected_coordinates_without_crs_stop_the_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
          "geometry":{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300000]]]}}]}"#;
        std::fs::write(&path, text).expect("write");
        let err = read(&path, None).unwrap_err().to_string();
        assert!(err.contains("land.crs") && err.contains("[500000, 3300000]"), "{err}");
        let ok = read(&path, Some("EPSG:4549")).expect("with crs");
        assert_eq!(ok.crs, Crs::GaussKruger { epsg: 4549 });
    }
}
