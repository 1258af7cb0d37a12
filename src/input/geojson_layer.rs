//! GeoJSON parcel layers (SPEC §2): a FeatureCollection, each feature parsed on its own (in
//! parallel) and leniently. A file that is not valid JSON stops the run with its line and
//! column; a feature that is valid JSON but not a usable polygon is a data_quality row and is
//! kept with no geometry.

use super::InputError;
use super::crs::{Crs, legacy_crs_name};
use super::feature_split::{self, Split};
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
/// CRS its legacy `crs` member states, if any. The file is split into features a slice at a
/// time ([`feature_split`]); one that does not split plainly is read whole, which says where
/// it is not valid JSON and decodes GB18030.
pub fn read_layer<F: Send>(
    path: &Path,
    ledger: &Ledger,
    keep: impl Fn(ParcelFeature) -> F + Sync,
) -> Result<Layer<F>, InputError> {
    let (features, crs) = match read_split(path, ledger, &keep)? {
        Some(read) => read,
        None => read_whole(path, ledger, &keep)?,
    };
    let declared = crs.as_ref().and_then(legacy_crs_name);
    let stated = declared
        .map(|name| Crs::parse(name).map_err(|m| InputError::new(path, format!("its `crs` member: {m}"))))
        .transpose()?;
    let declared = declared.map(str::to_string);
    Ok(Layer { features, stated: stated.map(|c| (c, "its `crs` member".to_string())), declared, encoding: None })
}

fn cannot_read(path: &Path, e: std::io::Error) -> InputError {
    InputError::new(path, format!("cannot read the file: {e}"))
}

/// A layer's features, as kept, and its `crs` member.
type Features<F> = (Vec<F>, Option<Value>);

/// The layer's features and `crs` member, split a slice at a time; `None` when the file does
/// not split plainly (nothing is then kept: the features' problems go to the ledger only once
/// the whole file is split).
fn read_split<F: Send>(
    path: &Path,
    ledger: &Ledger,
    keep: &(impl Fn(ParcelFeature) -> F + Sync),
) -> Result<Option<Features<F>>, InputError> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
    let (mut features, own): (Vec<F>, Ledger) = (Vec::new(), Ledger::new());
    let split = feature_split::split(file, |texts| {
        let first = features.len() + 1;
        let batch: Option<Vec<F>> = texts
            .par_iter()
            .enumerate()
            .map(|(i, text)| {
                let (properties, geometry) = parse_feature(text)?;
                Some(keep(feature_from(first + i, properties, geometry, &own)))
            })
            .collect();
        let Some(batch) = batch else { return false };
        features.extend(batch);
        true
    })
    .map_err(|e| cannot_read(path, e))?;
    let crs = match split {
        Split::Collection { crs: None } => None,
        Split::Collection { crs: Some(text) } => match serde_json::from_str(&text) {
            Ok(crs) => Some(crs),
            Err(_) => return Ok(None),
        },
        Split::Unusual => return Ok(None),
    };
    ledger.append(own);
    // Grown batch by batch; a nation's parcels are held to the end of the run.
    features.shrink_to_fit();
    Ok(Some((features, crs)))
}

/// The layer's features and `crs` member, its whole text read at once.
fn read_whole<F: Send>(
    path: &Path,
    ledger: &Ledger,
    keep: &(impl Fn(ParcelFeature) -> F + Sync),
) -> Result<Features<F>, InputError> {
    let bytes = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
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
    let features = features.par_iter().enumerate().map(|(i, f)| keep(read_feature(i + 1, f, ledger))).collect();
    Ok((features, root.crs))
}

/// A feature's properties and geometry, as parsed from its text.
type Parsed = (Map<String, Value>, Result<Option<RawPolygons>, GeometryProblem>);

fn read_feature(index: usize, raw: &RawValue, ledger: &Ledger) -> ParcelFeature {
    let (properties, geometry) = parse_feature(raw.get()).unwrap_or_else(|| (Map::new(), Err(not_an_object())));
    feature_from(index, properties, geometry, ledger)
}

/// Parses a feature's text: `None` when it is not JSON at all.
fn parse_feature(text: &str) -> Option<Parsed> {
    match serde_json::from_str::<TypedFeature>(text) {
        Ok(f) => Some((
            f.properties.unwrap_or_default(),
            f.geometry.map_or(Err(GeometryProblem::Null), |g| read_geometry(&g)),
        )),
        Err(_) => lenient_feature(text),
    }
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
/// them, and why its geometry cannot be used; `None` when it is not JSON.
fn lenient_feature(text: &str) -> Option<Parsed> {
    let value: Value = serde_json::from_str(text).ok()?;
    let properties = match value.get("properties") {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    let why = if value.is_object() {
        GeometryProblem::Unusable(Message::new(
            "the geometry is not a GeoJSON Polygon or MultiPolygon of [x, y] numbers",
            "图形不是由 [x, y] 数值构成的 GeoJSON Polygon 或 MultiPolygon",
        ))
    } else {
        not_an_object()
    };
    Some((properties, Err(why)))
}

fn not_an_object() -> GeometryProblem {
    GeometryProblem::Unusable(Message::new("the feature is not a JSON object", "要素不是 JSON 对象"))
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
    fn a_layer_split_by_slices_reads_as_the_whole_text_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"宗地编号":"P1","备注":"a \" ] } b"},
           "geometry":{"type":"MultiPolygon","coordinates":[[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]]}},
          {"type":"Feature","properties":{"宗地编号":"P1"},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},
          7, [], {"properties": 3}
        ], "crs": {"type":"name","properties":{"name":"EPSG:4490"}}}"#;
        std::fs::write(&path, text).expect("write");
        let (split_ledger, whole_ledger) = (Ledger::new(), Ledger::new());
        let split = read_split(&path, &split_ledger, &|f| f).expect("reads").expect("splits plainly");
        let whole = read_whole(&path, &whole_ledger, &|f| f).expect("reads");
        assert_eq!(format!("{split:?}"), format!("{whole:?}"));
        assert_eq!(split.0.len(), 6);
        assert_eq!(split_ledger.sorted(), whole_ledger.sorted());
        assert_eq!(split_ledger.sorted().len(), 5);
    }

    #[test]
    fn a_gbk_layer_is_read_whole_and_decoded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"宗地编号":"宗地一"},
          "geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}}]}"#;
        std::fs::write(&path, encoding_rs::GBK.encode(text).0).expect("write");
        let ledger = Ledger::new();
        assert!(read_split(&path, &ledger, &|f| f).expect("reads").is_none());
        assert!(ledger.sorted().is_empty(), "nothing of a layer read whole goes to the ledger twice");
        let layer = read_layer(&path, &ledger, |f| f).expect("reads");
        assert_eq!(layer.features[0].parcel_id, "宗地一");
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
